//! What the engine's integration tests share: one built-in engine per test binary, and a bare
//! document (no title, no publication date) to run it on. Each test binary uses part of it.
#![allow(dead_code)]

use std::sync::OnceLock;

use marsad_core::Document;
use marsad_extract::Engine;

/// The engine with its built-in data, loaded once per test binary.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::builtin().expect("built-in data loads"))
}

/// A document of `text` in `lang`, with no title and no publication date.
pub fn document(text: &str, lang: &str) -> Document {
    Document {
        id: "t".into(),
        text: text.into(),
        lang: Some(lang.into()),
        ..Default::default()
    }
}
