//! The whole engine on any text: never a panic, every evidence span inside the text and equal to
//! the text it points at (char offsets).
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use marsad_core::Document;
use marsad_extract::Engine;

static ENGINE: OnceLock<Engine> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.trim().is_empty() {
        return;
    }
    let engine = ENGINE.get_or_init(|| Engine::load(None).expect("built-in data loads"));
    let doc = Document {
        id: "fuzz".into(),
        text: text.to_owned(),
        title: None,
        published: chrono_free_date(),
        lang: None,
    };
    let chars: Vec<char> = text.chars().collect();
    let extraction = engine.extract(&doc);
    for event in &extraction.events {
        let ev = &event.evidence;
        assert!(
            ev.start <= ev.end && ev.end <= chars.len(),
            "evidence span out of the text"
        );
        let slice: String = chars[ev.start..ev.end].iter().collect();
        assert_eq!(
            slice, ev.text,
            "evidence text differs from the span it points at"
        );
    }
});

fn chrono_free_date() -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(2026, 2, 10)
}
