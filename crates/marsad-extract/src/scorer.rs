//! The context scorer: a logistic regression over general features of a violence or protest
//! candidate (toll, time, place, tense, negation, modality and reported-speech cues, who acts on
//! whom). Triggers find candidates; the scorer decides. Weights are data (`data/scorer.tsv`),
//! trained by `marsad_eval::train_scorer` from the Arabic GSR dev sets.

use std::collections::HashMap;

use crate::Error;

/// The candidate families the scorer decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum ScoreClass {
    Assault,
    Protest,
}

impl ScoreClass {
    pub const ALL: [ScoreClass; 2] = [ScoreClass::Assault, ScoreClass::Protest];

    pub fn as_str(self) -> &'static str {
        match self {
            ScoreClass::Assault => "assault",
            ScoreClass::Protest => "protest",
        }
    }

    /// The class of a PLOVER type, if the scorer decides on it.
    pub fn of_plover(plover: Option<&str>) -> Option<ScoreClass> {
        match plover {
            Some("ASSAULT") => Some(ScoreClass::Assault),
            Some("PROTEST") => Some(ScoreClass::Protest),
            _ => None,
        }
    }
}

/// Named feature values of one candidate.
pub type Features = Vec<(&'static str, f32)>;

/// The hash of the scorer's tables: feature names are short, and the scorer looks up dozens per
/// candidate.
pub type FxBuild = rustc_hash::FxBuildHasher;

/// Weights per class; `bias` and `threshold` are read as features of the same file.
#[derive(Debug, Default, Clone)]
pub struct Scorer {
    /// Per class (indexed as [`ScoreClass::ALL`]): feature name to weight.
    weights: [HashMap<String, f32, FxBuild>; 2],
    thresholds: HashMap<ScoreClass, f32>,
}

fn class_index(class: ScoreClass) -> usize {
    match class {
        ScoreClass::Assault => 0,
        ScoreClass::Protest => 1,
    }
}

impl Scorer {
    /// `class  feature  weight` lines; feature `threshold` sets the decision threshold.
    pub fn read(&mut self, path: &str, content: &str) -> Result<(), Error> {
        for (i, line) in content.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let bad = |message: String| Error::Lexicon {
                path: path.to_owned(),
                line: i + 1,
                message,
            };
            if cols.len() < 3 {
                return Err(bad("expected class, feature, weight".to_owned()));
            }
            let class = match cols[0].trim() {
                "assault" => ScoreClass::Assault,
                "protest" => ScoreClass::Protest,
                other => return Err(bad(format!("unknown class {other:?}"))),
            };
            let weight: f32 = cols[2]
                .trim()
                .parse()
                .map_err(|_| bad(format!("bad weight {:?}", cols[2])))?;
            if cols[1].trim() == "threshold" {
                self.thresholds.insert(class, weight);
            } else {
                self.weights[class_index(class)].insert(cols[1].trim().to_owned(), weight);
            }
        }
        Ok(())
    }

    /// Whether any weights are loaded for a class.
    pub fn has(&self, class: ScoreClass) -> bool {
        !self.weights[class_index(class)].is_empty()
    }

    /// The probability that the candidate reports a real event.
    pub fn probability(&self, class: ScoreClass, features: &Features) -> f32 {
        let weights = &self.weights[class_index(class)];
        let mut z = weights.get("bias").copied().unwrap_or(0.0);
        for (name, value) in features {
            if let Some(w) = weights.get(*name) {
                z += w * value;
            }
        }
        1.0 / (1.0 + (-z).exp())
    }

    pub fn threshold(&self, class: ScoreClass) -> f32 {
        self.thresholds.get(&class).copied().unwrap_or(0.5)
    }

    /// Number of weights.
    pub fn len(&self) -> usize {
        self.weights.iter().map(HashMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.iter().all(HashMap::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_read_and_score() {
        let mut s = Scorer::default();
        s.read(
            "s",
            "assault\tbias\t-1\nassault\ttoll\t3\nassault\tthreshold\t0.4\n",
        )
        .unwrap();
        let with_toll = s.probability(ScoreClass::Assault, &vec![("toll", 1.0)]);
        let without = s.probability(ScoreClass::Assault, &vec![]);
        assert!(with_toll > 0.8 && without < 0.3);
        assert!((s.threshold(ScoreClass::Assault) - 0.4).abs() < 1e-6);
        assert!(s.read("s", "riot\tbias\t1\n").is_err());
    }
}
