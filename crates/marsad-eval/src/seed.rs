//! Scoring of the seed article (`seed/*.gold.json`): required events found with their kind,
//! actors, date, place, roles and modality; extracted events that match no gold event; events read
//! from page furniture; evidence spans inside one sentence.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use marsad_core::{Document, Event, Role};
use marsad_extract::Engine;
use serde::Serialize;
use serde_json::Value;

use crate::metrics::Prf;
use crate::{read, EvalError};

/// Whether one required gold event was found.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredCheck {
    pub id: String,
    pub found: bool,
    /// What the closest candidate lacked, when not found.
    pub missing: Option<String>,
}

/// An extracted event that matches no gold event.
#[derive(Debug, Clone, Serialize)]
pub struct UnmatchedEvent {
    pub kind: String,
    pub countries: Vec<String>,
    pub evidence: String,
}

/// The seed scores of one language.
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub lang: String,
    pub required: Vec<RequiredCheck>,
    pub extracted: usize,
    pub unmatched: Vec<UnmatchedEvent>,
    pub furniture_violations: usize,
    pub spans_outside_sentence: usize,
    /// Per kind: precision over extracted events, recall over gold events (required or not).
    pub per_kind: BTreeMap<String, Prf>,
    /// All required found, at most 2 unmatched, no furniture, every span inside its sentence.
    pub passed: bool,
}

fn strs(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn lower(s: &str) -> String {
    marsad_extract::normalize::normalize(s).text
}

fn name_matches(event: &Event, names: &[String]) -> bool {
    event.actors.iter().any(|a| {
        names.iter().any(|n| {
            let n = lower(n);
            lower(&a.text).contains(&n) || lower(&a.name).contains(&n)
        })
    })
}

fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

fn location_matches(event: &Event, gold: &Value) -> bool {
    let Some(loc) = &event.location else {
        return false;
    };
    let names = strs(gold, "names");
    let by_name = names.iter().any(|n| {
        let n = lower(n);
        lower(&loc.text).contains(&n) || lower(&loc.name).contains(&n)
    });
    let by_coords = match (
        gold.get("lat").and_then(Value::as_f64),
        gold.get("lon").and_then(Value::as_f64),
        loc.lat,
        loc.lon,
    ) {
        (Some(glat), Some(glon), Some(lat), Some(lon)) => {
            let tolerance = gold
                .get("tolerance_km")
                .and_then(Value::as_f64)
                .unwrap_or(50.0);
            haversine_km((glat, glon), (lat, lon)) <= tolerance
        }
        _ => false,
    };
    by_name || by_coords
}

/// Why `event` does not match `gold`, or `None` when it does. `full` also checks date, place,
/// roles and modality (required-event recall); otherwise kind and actors only (precision).
fn mismatch(event: &Event, gold: &Value, full: bool) -> Option<String> {
    let mut kinds = strs(gold, "kind_any");
    if let Some(k) = gold.get("kind").and_then(Value::as_str) {
        kinds.push(k.to_owned());
    }
    if !kinds.iter().any(|k| k == event.kind.as_str()) {
        return Some("kind".into());
    }
    let plover = strs(gold, "plover_any");
    if !plover.is_empty()
        && !event
            .plover
            .plover_type
            .as_deref()
            .is_some_and(|t| plover.iter().any(|p| p == t))
    {
        return Some("plover type".into());
    }
    let countries: Vec<&str> = event.countries().collect();
    let include = strs(gold, "actors_include");
    if let Some(c) = include.iter().find(|c| !countries.contains(&c.as_str())) {
        return Some(format!("actor {c}"));
    }
    let any = strs(gold, "actors_any");
    if !any.is_empty() && !any.iter().any(|c| countries.contains(&c.as_str())) {
        return Some(format!("any actor of {any:?}"));
    }
    for key in ["actors_include_any_name", "actor_names_any"] {
        let names = strs(gold, key);
        if !names.is_empty() && !name_matches(event, &names) {
            return Some(format!("actor named one of {names:?}"));
        }
    }
    if !full {
        return None;
    }
    let date = event.date.value.map(|d| d.to_string());
    if let Some(d) = gold.get("date").and_then(Value::as_str) {
        if date.as_deref() != Some(d) {
            return Some(format!("date {d} (got {date:?})"));
        }
    }
    let date_any = strs(gold, "date_any");
    if !date_any.is_empty() && !date.as_ref().is_some_and(|d| date_any.contains(d)) {
        return Some(format!("date one of {date_any:?}"));
    }
    if let Some(loc) = gold.get("location") {
        if !location_matches(event, loc) {
            return Some(format!(
                "location {}",
                loc.get("name").and_then(Value::as_str).unwrap_or("?")
            ));
        }
    }
    if let Some(locs) = gold.get("location_any").and_then(Value::as_array) {
        if !locs.iter().any(|l| location_matches(event, l)) {
            return Some("location (any)".into());
        }
    }
    let modality = strs(gold, "modality_any");
    if !modality.is_empty() && !modality.iter().any(|m| m == event.modality.as_str()) {
        return Some(format!(
            "modality one of {modality:?} (got {})",
            event.modality
        ));
    }
    if let Some(recipient) = gold.get("recipient").and_then(Value::as_str) {
        if !name_matches(event, &[recipient.to_owned()]) {
            return Some(format!("recipient {recipient}"));
        }
    }
    if let Some(roles) = gold.get("roles") {
        if let Some(host) = roles.get("host").and_then(Value::as_str) {
            if !event
                .actors
                .iter()
                .any(|a| a.role == Role::Host && a.country.as_deref() == Some(host))
            {
                return Some(format!("host {host}"));
            }
        }
        if let Some(chair) = roles.get("chair").and_then(Value::as_str) {
            if !event
                .actors
                .iter()
                .any(|a| a.role == Role::Chair && lower(&a.name).contains(&lower(chair)))
            {
                return Some(format!("chair {chair}"));
            }
        }
    }
    None
}

/// Char ranges of the sentences of `text`: split at . ! ? ؟ and line breaks.
fn sentence_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.chars().enumerate() {
        if matches!(c, '.' | '!' | '?' | '؟' | '\n') {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    out.push((start, text.chars().count()));
    out
}

fn char_slice(text: &str, start: usize, end: usize) -> String {
    text.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

pub(crate) fn evaluate(engine: &Engine, dir: &Path) -> Result<Vec<SeedReport>, EvalError> {
    let mut golds: Vec<_> = std::fs::read_dir(dir)
        .map_err(|source| EvalError::Io {
            path: dir.to_owned(),
            source,
        })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".gold.json"))
        .collect();
    golds.sort();
    let mut reports = Vec::new();
    for path in golds {
        let gold: Value = serde_json::from_str(&read(&path)?).map_err(|e| EvalError::Format {
            path: path.clone(),
            line: e.line(),
            message: e.to_string(),
        })?;
        let doc_path = dir.join(
            gold.get("document")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let text = read(&doc_path)?;
        let lang = gold
            .get("language")
            .and_then(Value::as_str)
            .unwrap_or("ar")
            .to_owned();
        let published = gold
            .get("published")
            .and_then(Value::as_str)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let doc = Document {
            id: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            text: text.clone(),
            title: None,
            published,
            lang: Some(lang.clone()),
        };
        let extraction = engine.extract(&doc);
        reports.push(score(&gold, &text, &lang, &extraction.events));
    }
    Ok(reports)
}

fn score(gold: &Value, text: &str, lang: &str, events: &[Event]) -> SeedReport {
    let gold_events: Vec<&Value> = gold
        .get("events")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut required = Vec::new();
    for g in gold_events
        .iter()
        .filter(|g| g.get("required").and_then(Value::as_bool) == Some(true))
    {
        let mut missing = None;
        let found = events.iter().any(|e| match mismatch(e, g, true) {
            None => true,
            Some(why) => {
                if why != "kind" || missing.is_none() {
                    missing = Some(why);
                }
                false
            }
        });
        required.push(RequiredCheck {
            id: g
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned(),
            found,
            missing: if found { None } else { missing },
        });
    }
    let unmatched: Vec<UnmatchedEvent> = events
        .iter()
        .filter(|e| !gold_events.iter().any(|g| mismatch(e, g, false).is_none()))
        .map(|e| UnmatchedEvent {
            kind: e.kind.to_string(),
            countries: e.countries().map(str::to_owned).collect(),
            evidence: e.evidence.text.chars().take(90).collect(),
        })
        .collect();
    // Furniture: events whose evidence overlaps a boilerplate line.
    let boilerplate = gold.get("boilerplate");
    let lines = boilerplate.map(|b| strs(b, "lines")).unwrap_or_default();
    let mut furniture_ranges = Vec::new();
    for line in &lines {
        let mut from = 0;
        while let Some(pos) = text[from..].find(line.as_str()) {
            let start = text[..from + pos].chars().count();
            furniture_ranges.push((start, start + line.chars().count()));
            from += pos + line.len();
        }
    }
    let forbidden = boilerplate
        .and_then(|b| b.get("forbidden_events"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let furniture_violations = events
        .iter()
        .filter(|e| {
            furniture_ranges
                .iter()
                .any(|&(s, end)| e.evidence.start < end && s < e.evidence.end)
                || forbidden.iter().any(|f| {
                    let kinds = strs(f, "kind_any");
                    let countries: Vec<&str> = e.countries().collect();
                    let cue = f.get("cue").and_then(Value::as_str).unwrap_or("\u{0}");
                    kinds.iter().any(|k| k == e.kind.as_str())
                        && strs(f, "actors_all")
                            .iter()
                            .all(|c| countries.contains(&c.as_str()))
                        && e.evidence.text.contains(cue)
                })
        })
        .count();
    let sentences = sentence_ranges(text);
    let spans_outside_sentence = events
        .iter()
        .filter(|e| {
            let inside = sentences
                .iter()
                .any(|&(s, end)| e.evidence.start >= s && e.evidence.end <= end);
            let text_ok = char_slice(text, e.evidence.start, e.evidence.end) == e.evidence.text;
            let args_ok = e
                .actors
                .iter()
                .all(|a| char_slice(text, a.start, a.end) == a.text)
                && e.location
                    .as_ref()
                    .is_none_or(|l| char_slice(text, l.start, l.end) == l.text);
            !(inside && text_ok && args_ok)
        })
        .count();
    let mut per_kind_counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for e in events {
        let matched = gold_events.iter().any(|g| mismatch(e, g, false).is_none());
        let c = per_kind_counts.entry(e.kind.to_string()).or_default();
        if matched {
            c.0 += 1
        } else {
            c.1 += 1
        }
    }
    for g in &gold_events {
        let found = events.iter().any(|e| mismatch(e, g, false).is_none());
        if !found {
            let kind = g
                .get("kind")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| strs(g, "kind_any").join("|"));
            per_kind_counts.entry(kind).or_default().2 += 1;
        }
    }
    let per_kind = per_kind_counts
        .into_iter()
        .map(|(k, (tp, fp, fn_))| (k, Prf::new(tp, fp, fn_)))
        .collect();
    let passed = required.iter().all(|r| r.found)
        && unmatched.len() <= 2
        && furniture_violations == 0
        && spans_outside_sentence == 0;
    SeedReport {
        lang: lang.to_owned(),
        required,
        extracted: events.len(),
        unmatched,
        furniture_violations,
        spans_outside_sentence,
        per_kind,
        passed,
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "== seed [{}]: {}",
            self.lang,
            if self.passed { "PASS" } else { "FAIL" }
        )?;
        let found = self.required.iter().filter(|r| r.found).count();
        writeln!(
            f,
            "  required events found: {found}/{}",
            self.required.len()
        )?;
        for r in &self.required {
            match &r.missing {
                None => writeln!(f, "    [x] {}", r.id)?,
                Some(why) => writeln!(f, "    [ ] {} (missing: {why})", r.id)?,
            }
        }
        writeln!(
            f,
            "  extracted {}, unmatched {} (max 2), furniture violations {}, spans outside their sentence {}",
            self.extracted,
            self.unmatched.len(),
            self.furniture_violations,
            self.spans_outside_sentence
        )?;
        for u in &self.unmatched {
            writeln!(
                f,
                "    unmatched {} {:?}: {}",
                u.kind, u.countries, u.evidence
            )?;
        }
        writeln!(
            f,
            "  per kind (precision over extracted, recall over gold events):"
        )?;
        for (kind, prf) in &self.per_kind {
            writeln!(f, "    {kind:<24} {prf}")?;
        }
        Ok(())
    }
}
