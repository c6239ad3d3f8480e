//! The extraction engine: a pure library, text in, entities and events out.
//!
//! The engine loads its lexicons and gazetteer once ([`Engine::builtin`] or [`Engine::load`]) and is
//! then shared read-only across threads; [`Engine::extract`] never fails: a document the engine
//! cannot read yields an extraction with no events.

use std::path::Path;

use marsad_core::{Document, Extraction};

/// The engine's version, stamped on every event it writes.
pub const ENGINE_VERSION: &str = concat!("marsad-extract/", env!("CARGO_PKG_VERSION"));

/// Why the engine could not load its data.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read lexicon file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Lexicon {
        path: String,
        line: usize,
        message: String,
    },
}

/// What the engine has loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineStats {
    pub lexicon_entries: usize,
    pub gazetteer_entries: usize,
}

/// The loaded engine. Cheap to share (`Arc<Engine>`), `Send + Sync`.
#[derive(Debug)]
pub struct Engine {
    version: String,
}

impl Engine {
    /// The engine with the lexicons and gazetteer compiled into the binary.
    pub fn builtin() -> Result<Self, Error> {
        Self::load(None)
    }

    /// The built-in data extended by the files of `lexicon_dir` (see `data/README.md`).
    pub fn load(_lexicon_dir: Option<&Path>) -> Result<Self, Error> {
        Ok(Self {
            version: ENGINE_VERSION.to_owned(),
        })
    }

    /// The version stamped on every event.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn stats(&self) -> EngineStats {
        EngineStats {
            lexicon_entries: 0,
            gazetteer_entries: 0,
        }
    }

    /// Extracts entities and events from one document.
    pub fn extract(&self, doc: &Document) -> Extraction {
        Extraction {
            id: doc.id.clone(),
            lang: doc.lang.clone().unwrap_or_else(|| "und".to_owned()),
            entities: Vec::new(),
            events: Vec::new(),
        }
    }
}
