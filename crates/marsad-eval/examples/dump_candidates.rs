//! Dumps every ASSAULT or PROTEST candidate of JSON Lines sentences (standard input:
//! `{"id", "text", "label"?}`) with the scorer's features, one JSON line per sentence, for analysis
//! of the context scorer: `cargo run --release -p marsad-eval --example dump_candidates < file`.
//! A line's `lang` is used when present (else Arabic); `--all` dumps the candidates of every kind.

use std::io::{BufRead, Write};

fn main() {
    let all = std::env::args().any(|a| a == "--all");
    let engine = marsad_extract::Engine::load_with(None, false).expect("built-in data loads");
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let Ok(row) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let text = row.get("text").and_then(|v| v.as_str()).unwrap_or("");
        let doc = marsad_core::Document {
            id: row
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned(),
            text: text.to_owned(),
            lang: Some(
                row.get("lang")
                    .and_then(|v| v.as_str())
                    .unwrap_or("ar")
                    .to_owned(),
            ),
            ..Default::default()
        };
        let chars: Vec<char> = text.chars().collect();
        let candidates: Vec<serde_json::Value> = engine
            .candidates(&doc)
            .into_iter()
            .filter(|c| {
                all || marsad_extract::ScoreClass::of_plover(c.plover_type.as_deref()).is_some()
            })
            .map(|c| {
                let features: serde_json::Map<String, serde_json::Value> = c
                    .features
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), serde_json::json!(v)))
                    .collect();
                serde_json::json!({
                    "kind": c.kind.as_str(),
                    "plover": c.plover_type,
                    "modality": c.modality.to_string(),
                    "kept": c.kept,
                    "start": c.trigger_start,
                    "end": c.trigger_end,
                    "trigger": chars[c.trigger_start.min(chars.len())..c.trigger_end.min(chars.len())].iter().collect::<String>(),
                    "features": features,
                })
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::json!({
                "id": doc.id,
                "label": row.get("label"),
                "text": text,
                "candidates": candidates,
            })
        );
    }
}
