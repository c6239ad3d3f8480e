//! Evaluation and benchmarks of the extraction engine: [`run_eval`] scores it against the gold
//! sets of `../shared/eval` (seed article, Arabic GSR, English PLOVER GSR), [`bench_extract`]
//! measures its throughput, [`train_scorer`] trains its context scorer reproducibly.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use marsad_extract::Engine;
use serde::Serialize;

mod bench;
mod gsr;
mod metrics;
mod plover;
mod seed;
mod train;

pub use bench::{bench_extract, generated_articles, BenchReport};
pub use gsr::{GsrReport, GsrSetReport};
pub use metrics::{Confusion, Prf};
pub use plover::PloverReport;
pub use seed::{RequiredCheck, SeedReport};
pub use train::{train_scorer, TrainReport};

/// A gold set under the eval directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoldSet {
    Seed,
    ArabicGsr,
    PloverGsr,
}

impl GoldSet {
    pub const ALL: [GoldSet; 3] = [GoldSet::Seed, GoldSet::ArabicGsr, GoldSet::PloverGsr];

    pub fn as_str(self) -> &'static str {
        match self {
            GoldSet::Seed => "seed",
            GoldSet::ArabicGsr => "arabic-gsr",
            GoldSet::PloverGsr => "plover-gsr",
        }
    }

    /// The set's directory under the eval directory.
    pub fn dir(self, eval_dir: &Path) -> PathBuf {
        eval_dir.join(self.as_str())
    }
}

impl fmt::Display for GoldSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GoldSet {
    type Err = EvalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GoldSet::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .ok_or_else(|| EvalError::UnknownSet(s.to_owned()))
    }
}

/// Why an evaluation could not run.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(
        "eval directory {0} not found (the gold sets live in ../shared/eval; pass --eval-dir)"
    )]
    MissingDir(PathBuf),
    #[error("unknown gold set {0:?} (expected seed, arabic-gsr or plover-gsr)")]
    UnknownSet(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("engine: {0}")]
    Engine(#[from] marsad_extract::Error),
}

pub(crate) fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Parses a JSON Lines file into values, with line numbers in errors.
pub(crate) fn read_jsonl(path: &Path) -> Result<Vec<serde_json::Value>, EvalError> {
    let content = read(path)?;
    let mut out = Vec::new();
    for (i, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(line).map_err(|e| EvalError::Format {
            path: path.to_owned(),
            line: i + 1,
            message: e.to_string(),
        })?);
    }
    Ok(out)
}

/// The scores of one run.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub engine_version: String,
    pub seed: Vec<SeedReport>,
    pub arabic_gsr: Option<GsrReport>,
    pub plover_gsr: Option<PloverReport>,
}

/// Scores `engine` on the gold sets `sets` (all of them when empty) under `eval_dir`.
pub fn run_eval(
    engine: &Engine,
    eval_dir: &Path,
    sets: &[GoldSet],
) -> Result<EvalReport, EvalError> {
    if !eval_dir.is_dir() {
        return Err(EvalError::MissingDir(eval_dir.to_owned()));
    }
    let sets: Vec<GoldSet> = if sets.is_empty() {
        GoldSet::ALL.to_vec()
    } else {
        sets.to_vec()
    };
    let mut report = EvalReport {
        engine_version: engine.version().to_owned(),
        seed: Vec::new(),
        arabic_gsr: None,
        plover_gsr: None,
    };
    for set in sets {
        let dir = set.dir(eval_dir);
        if !dir.is_dir() {
            return Err(EvalError::MissingDir(dir));
        }
        match set {
            GoldSet::Seed => report.seed = seed::evaluate(engine, &dir)?,
            GoldSet::ArabicGsr => report.arabic_gsr = Some(gsr::evaluate(engine, &dir)?),
            GoldSet::PloverGsr => report.plover_gsr = Some(plover::evaluate(engine, &dir)?),
        }
    }
    Ok(report)
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "engine {}", self.engine_version)?;
        for s in &self.seed {
            write!(f, "{s}")?;
        }
        if let Some(g) = &self.arabic_gsr {
            write!(f, "{g}")?;
        }
        if let Some(p) = &self.plover_gsr {
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_parse_and_missing_dirs_are_clear_errors() {
        assert_eq!("arabic-gsr".parse::<GoldSet>().unwrap(), GoldSet::ArabicGsr);
        assert!("gsr".parse::<GoldSet>().is_err());
        let engine = Engine::builtin().unwrap();
        let err = run_eval(&engine, Path::new("/nonexistent/eval"), &[]).unwrap_err();
        assert!(matches!(err, EvalError::MissingDir(_)), "{err}");
        assert!(err.to_string().contains("--eval-dir"));
    }
}
