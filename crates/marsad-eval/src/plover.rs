//! Scoring on the English PLOVER GSR records: the PLOVER type of the engine's main event of each
//! sentence against the gold type, with the old type names mapped to the current ones (DEMAND is
//! REQUEST, DISAPPROVE and INVESTIGATE are ACCUSE, FIGHT is ASSAULT); DOCUMENT records skipped.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use marsad_core::Document;
use marsad_extract::{Candidate, Engine};
use serde::Serialize;
use serde_json::Value;

use crate::metrics::{top_confusions, Confusion, Prf};
use crate::{read_jsonl, EvalError};

/// PLOVER type accuracy and per-type scores.
#[derive(Debug, Clone, Serialize)]
pub struct PloverReport {
    pub lang: String,
    pub records: usize,
    pub correct: usize,
    pub accuracy: f64,
    /// Records where the engine found no event with a PLOVER type.
    pub no_prediction: usize,
    pub per_type: BTreeMap<String, Prf>,
    pub top_confusions: Vec<Confusion>,
}

/// The current PLOVER name of a GSR type.
pub fn current_type(old: &str) -> &str {
    match old {
        "DEMAND" => "REQUEST",
        "DISAPPROVE" | "INVESTIGATE" => "ACCUSE",
        "FIGHT" => "ASSAULT",
        other => other,
    }
}

/// The main event's type: the strongest kept trigger with a PLOVER type, the earliest on ties;
/// its type as the event carries it (after modality).
pub fn main_type(candidates: &[Candidate]) -> Option<String> {
    let weight = |c: &Candidate| {
        c.features
            .iter()
            .find(|(n, _)| *n == "trigger_weight")
            .map_or(0.0, |(_, w)| *w)
    };
    candidates
        .iter()
        .filter(|c| c.kept && c.event_plover_type.is_some())
        .max_by(|a, b| {
            weight(a)
                .partial_cmp(&weight(b))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.trigger_start.cmp(&a.trigger_start))
        })
        .and_then(|c| c.event_plover_type.clone())
}

pub(crate) fn evaluate(engine: &Engine, dir: &Path) -> Result<PloverReport, EvalError> {
    let rows = read_jsonl(&dir.join("plover_gsr_cameo.jsonl"))?;
    let mut pairs: Vec<(String, Option<String>)> = Vec::new();
    for row in &rows {
        let event = row.get("event").and_then(Value::as_str).unwrap_or("");
        if event == "DOCUMENT" || event.is_empty() {
            continue;
        }
        let text = row.get("text").and_then(Value::as_str).unwrap_or("");
        let doc = Document {
            id: row
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            text: text.to_owned(),
            title: None,
            published: None,
            lang: Some("en".to_owned()),
        };
        pairs.push((
            current_type(event).to_owned(),
            main_type(&engine.candidates(&doc)),
        ));
    }
    let correct = pairs
        .iter()
        .filter(|(g, p)| p.as_deref() == Some(g.as_str()))
        .count();
    let mut types: Vec<&str> = pairs.iter().map(|(g, _)| g.as_str()).collect();
    types.sort_unstable();
    types.dedup();
    let per_type = types
        .iter()
        .map(|&t| {
            let tp = pairs
                .iter()
                .filter(|(g, p)| g == t && p.as_deref() == Some(t))
                .count();
            let fp = pairs
                .iter()
                .filter(|(g, p)| g != t && p.as_deref() == Some(t))
                .count();
            let fn_ = pairs
                .iter()
                .filter(|(g, p)| g == t && p.as_deref() != Some(t))
                .count();
            (t.to_owned(), Prf::new(tp, fp, fn_))
        })
        .collect();
    let confusions = top_confusions(
        pairs
            .iter()
            .filter(|(g, p)| p.as_deref() != Some(g.as_str()))
            .map(|(g, p)| (g.clone(), p.clone().unwrap_or_else(|| "(none)".to_owned()))),
        10,
    );
    Ok(PloverReport {
        lang: "en".to_owned(),
        records: pairs.len(),
        correct,
        accuracy: if pairs.is_empty() {
            0.0
        } else {
            correct as f64 / pairs.len() as f64
        },
        no_prediction: pairs.iter().filter(|(_, p)| p.is_none()).count(),
        per_type,
        top_confusions: confusions,
    })
}

impl fmt::Display for PloverReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "== plover-gsr [{}] ({} records, DOCUMENT skipped)",
            self.lang, self.records
        )?;
        writeln!(
            f,
            "  PLOVER type accuracy {:.3} ({}/{}), no prediction {}",
            self.accuracy, self.correct, self.records, self.no_prediction
        )?;
        for (t, prf) in &self.per_type {
            writeln!(f, "    {t:<10} {prf}")?;
        }
        writeln!(f, "  the confusions that cost most:")?;
        for c in &self.top_confusions {
            writeln!(
                f,
                "    {:>4}  gold {:<10} -> {}",
                c.count, c.gold, c.predicted
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_type_names_map_to_current() {
        assert_eq!(current_type("DEMAND"), "REQUEST");
        assert_eq!(current_type("INVESTIGATE"), "ACCUSE");
        assert_eq!(current_type("FIGHT"), "ASSAULT");
        assert_eq!(current_type("AGREE"), "AGREE");
    }
}
