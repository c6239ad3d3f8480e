//! Precision, recall, F1 and confusion counts.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// Counts and scores of one binary decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    pub fn new(tp: usize, fp: usize, fn_: usize) -> Self {
        let precision = if tp + fp == 0 {
            0.0
        } else {
            tp as f64 / (tp + fp) as f64
        };
        let recall = if tp + fn_ == 0 {
            0.0
        } else {
            tp as f64 / (tp + fn_) as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Self {
            tp,
            fp,
            fn_,
            precision,
            recall,
            f1,
        }
    }
}

impl fmt::Display for Prf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "P {:.3} R {:.3} F1 {:.3} (tp {} fp {} fn {})",
            self.precision, self.recall, self.f1, self.tp, self.fp, self.fn_
        )
    }
}

/// One kind of error and how often it happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub gold: String,
    pub predicted: String,
    pub count: usize,
}

/// Counts (gold, predicted) pairs and returns the most frequent first.
pub fn top_confusions(
    pairs: impl IntoIterator<Item = (String, String)>,
    n: usize,
) -> Vec<Confusion> {
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for pair in pairs {
        *counts.entry(pair).or_default() += 1;
    }
    let mut out: Vec<Confusion> = counts
        .into_iter()
        .map(|((gold, predicted), count)| Confusion {
            gold,
            predicted,
            count,
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.gold.cmp(&b.gold)));
    out.truncate(n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f1_is_the_harmonic_mean() {
        let p = Prf::new(6, 2, 4);
        assert!((p.precision - 0.75).abs() < 1e-9);
        assert!((p.recall - 0.6).abs() < 1e-9);
        assert!((p.f1 - 2.0 * 0.75 * 0.6 / 1.35).abs() < 1e-9);
        assert_eq!(Prf::new(0, 0, 0).f1, 0.0);
    }

    #[test]
    fn confusions_sort_by_count() {
        let pairs = vec![("a", "b"), ("a", "b"), ("c", "d")]
            .into_iter()
            .map(|(g, p)| (g.to_owned(), p.to_owned()));
        let top = top_confusions(pairs, 1);
        assert_eq!(
            top,
            vec![Confusion {
                gold: "a".into(),
                predicted: "b".into(),
                count: 2
            }]
        );
    }
}
