//! Scoring on the Arabic GSR sentences (`arabic-gsr/{assault,protest}.dev.jsonl`): a sentence is
//! predicted positive when an asserted or reported event of the set's PLOVER type comes out of it;
//! "yes" is positive, "easy no" and "difficult no" negative, "ambiguous" skipped. The span files
//! give source and target countries (CAMEO codes) to check the actors' countries against.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use marsad_core::{Document, Event, Modality, Role};
use marsad_extract::Engine;
use serde::Serialize;
use serde_json::Value;

use crate::metrics::{top_confusions, Confusion, Prf};
use crate::{read_jsonl, EvalError};

/// The scores of one GSR file.
#[derive(Debug, Clone, Serialize)]
pub struct GsrSetReport {
    pub event_type: String,
    pub sentences: usize,
    pub detection: Prf,
    /// Recall per label of the positives predicted ("yes" should be high, the others low).
    pub predicted_positive_by_label: BTreeMap<String, (usize, usize)>,
    /// Which kinds fired on false positives and which labels were missed.
    pub top_confusions: Vec<Confusion>,
    pub source_country: CountryAccuracy,
    pub target_country: CountryAccuracy,
}

/// Accuracy of actor countries against the span files.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CountryAccuracy {
    /// Sentences whose gold span names a country.
    pub gold: usize,
    /// Of those, sentences where an extracted actor in that role has the gold country.
    pub correct: usize,
    /// Of those, sentences where no actor in that role has a country.
    pub none_predicted: usize,
    pub accuracy: f64,
}

/// Both GSR files, per language (Arabic only).
#[derive(Debug, Clone, Serialize)]
pub struct GsrReport {
    pub lang: String,
    pub sets: Vec<GsrSetReport>,
}

pub(crate) fn is_positive_event(event: &Event, plover_type: &str) -> bool {
    event.plover.plover_type.as_deref() == Some(plover_type)
        && matches!(event.modality, Modality::Asserted | Modality::Reported)
}

fn sentence_doc(id: &str, text: &str) -> Document {
    Document {
        id: id.to_owned(),
        text: text.to_owned(),
        title: None,
        published: None,
        lang: Some("ar".to_owned()),
    }
}

/// CAMEO country codes that are ISO 3166 alpha-3 states (not IGO, IMG, INT, None...).
fn state_code(v: &Value) -> Option<String> {
    let code = v.get("main")?.as_str()?;
    const NON_STATES: &[&str] = &[
        "IGO", "IMG", "INT", "NGO", "MNC", "UAF", "REB", "UNK", "NON",
    ];
    (code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) && !NON_STATES.contains(&code))
        .then(|| code.to_owned())
}

pub(crate) fn evaluate(engine: &Engine, dir: &Path) -> Result<GsrReport, EvalError> {
    let mut sets = Vec::new();
    for (file, spans_file, plover_type) in [
        ("assault.dev.jsonl", "assault_spans.dev.jsonl", "ASSAULT"),
        ("protest.dev.jsonl", "protest_spans.dev.jsonl", "PROTEST"),
    ] {
        let rows = read_jsonl(&dir.join(file))?;
        let (mut tp, mut fp, mut fn_) = (0, 0, 0);
        let mut by_label: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        let mut confusions = Vec::new();
        let mut sentences = 0;
        for row in &rows {
            let label = row.get("label").and_then(Value::as_str).unwrap_or("");
            if label == "ambiguous" {
                continue;
            }
            sentences += 1;
            let text = row.get("text").and_then(Value::as_str).unwrap_or("");
            let id = row.get("id").and_then(Value::as_str).unwrap_or("");
            let extraction = engine.extract(&sentence_doc(id, text));
            let positive_events: Vec<&Event> = extraction
                .events
                .iter()
                .filter(|e| is_positive_event(e, plover_type))
                .collect();
            let predicted = !positive_events.is_empty();
            let gold = label == "yes";
            let entry = by_label.entry(label.to_owned()).or_default();
            entry.1 += 1;
            if predicted {
                entry.0 += 1;
            }
            match (gold, predicted) {
                (true, true) => tp += 1,
                (false, true) => {
                    fp += 1;
                    confusions.push((
                        label.to_owned(),
                        format!("fired {}", positive_events[0].kind),
                    ));
                }
                (true, false) => {
                    fn_ += 1;
                    let why = match extraction
                        .events
                        .iter()
                        .find(|e| e.plover.plover_type.as_deref() == Some(plover_type))
                    {
                        Some(e) => format!("kept as {}", e.modality),
                        None => {
                            let candidates = engine.candidates(&sentence_doc(id, text));
                            if candidates
                                .iter()
                                .any(|c| c.plover_type.as_deref() == Some(plover_type))
                            {
                                "scorer rejected".to_owned()
                            } else {
                                "no trigger".to_owned()
                            }
                        }
                    };
                    confusions.push(("yes".to_owned(), why));
                }
                (false, false) => {}
            }
        }
        let spans = read_jsonl(&dir.join(spans_file))?;
        let mut source = CountryAccuracy::default();
        let mut target = CountryAccuracy::default();
        for row in &spans {
            let text = row.get("text").and_then(Value::as_str).unwrap_or("");
            let id = row.get("source").and_then(Value::as_str).unwrap_or("");
            let Some(first) = row
                .get("spans")
                .and_then(Value::as_array)
                .and_then(|a| a.iter().find(|s| s.is_object()))
            else {
                continue;
            };
            let extraction = engine.extract(&sentence_doc(id, text));
            let events: Vec<&Event> = extraction
                .events
                .iter()
                .filter(|e| e.plover.plover_type.as_deref() == Some(plover_type))
                .collect();
            for (role_key, acc, roles) in [
                ("source_role", &mut source, &[Role::Actor][..]),
                (
                    "target_role",
                    &mut target,
                    &[Role::Target, Role::Victim, Role::Recipient][..],
                ),
            ] {
                let Some(code) = first.get(role_key).and_then(state_code) else {
                    continue;
                };
                acc.gold += 1;
                let predicted: Vec<&str> = events
                    .iter()
                    .flat_map(|e| e.actors.iter())
                    .filter(|a| roles.contains(&a.role))
                    .filter_map(|a| a.country.as_deref())
                    .collect();
                if predicted.is_empty() {
                    acc.none_predicted += 1;
                } else if predicted.contains(&code.as_str()) {
                    acc.correct += 1;
                }
            }
        }
        for acc in [&mut source, &mut target] {
            acc.accuracy = if acc.gold == 0 {
                0.0
            } else {
                acc.correct as f64 / acc.gold as f64
            };
        }
        sets.push(GsrSetReport {
            event_type: plover_type.to_owned(),
            sentences,
            detection: Prf::new(tp, fp, fn_),
            predicted_positive_by_label: by_label,
            top_confusions: top_confusions(confusions, 8),
            source_country: source,
            target_country: target,
        });
    }
    Ok(GsrReport {
        lang: "ar".to_owned(),
        sets,
    })
}

impl fmt::Display for GsrReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.sets {
            writeln!(
                f,
                "== arabic-gsr [{}] {} ({} sentences, ambiguous skipped)",
                self.lang, s.event_type, s.sentences
            )?;
            writeln!(f, "  detection: {}", s.detection)?;
            for (label, (pos, total)) in &s.predicted_positive_by_label {
                writeln!(f, "    predicted positive among {label:<13} {pos}/{total}")?;
            }
            writeln!(
                f,
                "  source country accuracy {:.3} ({}/{}, none predicted {})",
                s.source_country.accuracy,
                s.source_country.correct,
                s.source_country.gold,
                s.source_country.none_predicted
            )?;
            writeln!(
                f,
                "  target country accuracy {:.3} ({}/{}, none predicted {})",
                s.target_country.accuracy,
                s.target_country.correct,
                s.target_country.gold,
                s.target_country.none_predicted
            )?;
            writeln!(f, "  the confusions that cost most:")?;
            for c in &s.top_confusions {
                writeln!(
                    f,
                    "    {:>4}  gold {:<13} -> {}",
                    c.count, c.gold, c.predicted
                )?;
            }
        }
        Ok(())
    }
}
