//! The extraction engine: a pure library, text in, entities and events out.
//!
//! The engine loads its lexicons and gazetteer once ([`Engine::builtin`] or [`Engine::load`]) and is
//! then shared read-only across threads; [`Engine::extract`] never fails: a document the engine
//! cannot read yields an extraction with no events.
//!
//! Modules: [`normalize`] (Arabic normalisation with an offset map), [`lexicon`] (the data files),
//! [`matcher`] (one trie over every pattern, walked from word starts, with clitic rules), [`segment`] (lines, furniture,
//! sentences), `pipeline` (actors, places, clauses, modality, events, merging), [`scorer`] (the
//! learned context scorer), `dates` (date mentions from `marsad-dates`).

use std::borrow::Cow;
use std::path::Path;

use marsad_core::{Document, Extraction, Label};

mod dates;
pub mod lexicon;
pub mod matcher;
pub mod normalize;
mod pipeline;
pub mod scorer;
pub mod segment;
#[cfg(test)]
mod test_rng;

pub use pipeline::{detect_lang, Candidate};
pub use scorer::{Features, ScoreClass, Scorer};

/// The engine's version, stamped on every event it writes.
pub const ENGINE_VERSION: &str = concat!("marsad-extract/", env!("CARGO_PKG_VERSION"));

/// The built-in data files, by the name a user directory may extend them with.
pub const BUILTIN_FILES: &[(&str, &str)] = &[
    ("triggers.tsv", include_str!("../data/triggers.tsv")),
    ("actors.tsv", include_str!("../data/actors.tsv")),
    ("titles.tsv", include_str!("../data/titles.tsv")),
    ("cues.tsv", include_str!("../data/cues.tsv")),
    ("stop-names.tsv", include_str!("../data/stop-names.tsv")),
    ("places.tsv", include_str!("../data/places.tsv")),
    (
        "gazetteer.tsv",
        include_str!(concat!(env!("OUT_DIR"), "/gazetteer.tsv")),
    ),
    ("scorer.tsv", include_str!("../data/scorer.tsv")),
];

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
    version: Label,
    lexicon: lexicon::Lexicon,
    matcher: matcher::Matcher,
    scorer: Scorer,
    /// Per trigger: whether it is a verb (Arabic VSO argument order applies).
    trigger_is_verb: Vec<bool>,
}

/// Data files in the order they must be read (stop names before places).
const FILE_ORDER: &[&str] = &[
    "triggers.tsv",
    "actors.tsv",
    "titles.tsv",
    "cues.tsv",
    "stop-names.tsv",
    "places.tsv",
    "gazetteer.tsv",
    "scorer.tsv",
];

impl Engine {
    /// The engine with the lexicons and gazetteer compiled into the binary.
    pub fn builtin() -> Result<Self, Error> {
        Self::load(None)
    }

    /// The built-in data extended by the files of `lexicon_dir` (see `data/README.md`).
    pub fn load(lexicon_dir: Option<&Path>) -> Result<Self, Error> {
        Self::load_with(lexicon_dir, true)
    }

    /// As [`Engine::load`], optionally without the learned scorer (every candidate kept), which
    /// is how the scorer's training reads candidates.
    pub fn load_with(lexicon_dir: Option<&Path>, with_scorer: bool) -> Result<Self, Error> {
        // The built-in files are borrowed (their entries' strings too: see `lexicon::Keep`).
        let mut sources: Vec<(String, Cow<'static, str>, &str)> = Vec::new();
        for &(name, content) in BUILTIN_FILES {
            sources.push((format!("builtin:{name}"), Cow::Borrowed(content), name));
        }
        if let Some(dir) = lexicon_dir {
            for &name in FILE_ORDER {
                let path = dir.join(name);
                if path.exists() {
                    let content = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                        path: path.display().to_string(),
                        source,
                    })?;
                    sources.push((path.display().to_string(), Cow::Owned(content), name));
                }
            }
        }
        let mut lex = lexicon::Lexicon::default();
        let mut scorer = Scorer::default();
        for &name in FILE_ORDER {
            for (path, content, _) in sources.iter().filter(|(_, _, n)| *n == name) {
                match content {
                    Cow::Borrowed(content) => read_file(
                        &mut lex,
                        &mut scorer,
                        with_scorer,
                        name,
                        path,
                        content,
                        lexicon::borrowed,
                    )?,
                    Cow::Owned(content) => read_file(
                        &mut lex,
                        &mut scorer,
                        with_scorer,
                        name,
                        path,
                        content,
                        lexicon::owned,
                    )?,
                }
            }
        }
        let mut trigger_is_verb = vec![false; lex.triggers.len()];
        for p in &lex.patterns {
            if let lexicon::EntryRef::Trigger(t) = p.entry {
                if p.affixes == lexicon::Affixes::Verb {
                    trigger_is_verb[t as usize] = true;
                }
            }
        }
        let matcher = matcher::Matcher::build(&lex.patterns)?;
        Ok(Self {
            version: Label::Borrowed(ENGINE_VERSION),
            lexicon: lex,
            matcher,
            scorer,
            trigger_is_verb,
        })
    }

    /// The lexicons and gazetteer as loaded (for development tools that time or inspect them).
    pub fn lexicon(&self) -> &lexicon::Lexicon {
        &self.lexicon
    }

    /// The version stamped on every event.
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn stats(&self) -> EngineStats {
        EngineStats {
            lexicon_entries: self.lexicon.lexicon_entries(),
            gazetteer_entries: self.lexicon.places.len(),
        }
    }

    /// Extracts entities and events from one document.
    pub fn extract(&self, doc: &Document) -> Extraction {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline::extract(self, doc)
        })) {
            Ok(extraction) => extraction,
            Err(_) => Extraction {
                id: doc.id.clone(),
                lang: doc.lang.clone().unwrap_or_else(|| "und".to_owned()),
                entities: Vec::new(),
                events: Vec::new(),
            },
        }
    }

    /// Every candidate event of a document with the scorer's features, kept or not (for
    /// training and analysis).
    pub fn candidates(&self, doc: &Document) -> Vec<Candidate> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline::candidates(self, doc)
        }))
        .unwrap_or_default()
    }
}

/// Reads one data file (`name`) into the lexicon or the scorer, its strings kept by `keep`.
fn read_file<'c>(
    lex: &mut lexicon::Lexicon,
    scorer: &mut Scorer,
    with_scorer: bool,
    name: &str,
    path: &str,
    content: &'c str,
    keep: lexicon::Keep<'c>,
) -> Result<(), Error> {
    match name {
        "triggers.tsv" => lex.read_triggers_kept(path, content, keep),
        "actors.tsv" => lex.read_actors_kept(path, content, keep),
        "titles.tsv" => lex.read_titles_kept(path, content, keep),
        "cues.tsv" => lex.read_cues(path, content),
        "stop-names.tsv" => lex.read_stop_names(path, content),
        "places.tsv" | "gazetteer.tsv" => lex.read_gazetteer_kept(path, content, keep),
        "scorer.tsv" if with_scorer => scorer.read(path, content),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn engine_is_shareable_and_loads() {
        assert_send_sync::<Engine>();
        let engine = Engine::builtin().unwrap();
        assert!(engine.stats().lexicon_entries > 100);
        assert_eq!(engine.version(), ENGINE_VERSION);
    }

    #[test]
    fn user_directory_extends_the_lexicon() {
        let dir = std::env::temp_dir().join(format!("marsad-lex-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("triggers.tsv"), "en\tPEACEFUL_PROTEST\tflashmob\n").unwrap();
        let base = Engine::builtin().unwrap();
        let extended = Engine::load(Some(&dir)).unwrap();
        assert_eq!(
            extended.stats().lexicon_entries,
            base.stats().lexicon_entries + 1
        );
        let doc = Document {
            id: "d".into(),
            text: "Hundreds of students held a flashmob in Cairo on Monday.".into(),
            lang: Some("en".into()),
            ..Default::default()
        };
        assert!(extended
            .extract(&doc)
            .events
            .iter()
            .any(|e| e.kind == marsad_core::Kind::PeacefulProtest));
        std::fs::write(dir.join("triggers.tsv"), "en\tNOT_A_KIND\tx\n").unwrap();
        let err = Engine::load(Some(&dir)).unwrap_err();
        assert!(err.to_string().contains("triggers.tsv:1"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
