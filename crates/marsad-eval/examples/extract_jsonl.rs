//! Extracts JSON Lines documents (standard input) to JSON Lines extractions (standard output), one
//! thread, without the CLI: `cargo run --release -p marsad-eval --example extract_jsonl < docs`.
//! A development aid for comparing the engine's output before and after a change.

use std::io::{BufRead, Write};

fn main() {
    let engine = marsad_extract::Engine::builtin().expect("built-in data loads");
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<marsad_core::Document>(&line) {
            Ok(doc) => {
                let extraction = engine.extract(&doc);
                let _ = writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&extraction).unwrap_or_default()
                );
            }
            Err(e) => eprintln!("bad document: {e}"),
        }
    }
}
