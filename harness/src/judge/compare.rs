//! The result of `harness compare`: every paired bench judged, plus the
//! benches only one side has. Serialised as the JSON that
//! `harness publish --compare FILE` reads back.

use serde::{Deserialize, Serialize};

use super::budget::Settings;
use super::paired::{PairedRow, judge_pairs, pair_rounds};
use super::verdict::Verdict;
use crate::model::Measurement;

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// The revision as given.
    pub rev: String,
    /// The full commit hash.
    pub commit: String,
}

/// A judged base-versus-head comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The base revision.
    pub base: Side,
    /// The head revision.
    pub head: Side,
    /// Rounds run.
    pub rounds: usize,
    /// One row per bench and metric measured on both sides.
    pub rows: Vec<PairedRow>,
    /// `bench (metric)` measured on the head only.
    pub added: Vec<String>,
    /// `bench (metric)` measured on the base only.
    pub removed: Vec<String>,
    /// Problems that did not stop judging.
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl Comparison {
    /// True when any bench regressed (exit code 1).
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| r.verdict.fails())
    }

    /// Rows with this verdict.
    pub fn with(&self, v: Verdict) -> impl Iterator<Item = &PairedRow> {
        self.rows.iter().filter(move |r| r.verdict == v)
    }
}

/// Judges interleaved rounds (`rounds[i]` = (base, head)). `history`
/// gives a bench's earlier values for its metric (for the noise threshold
/// of counts), keyed by `bench` and metric name.
pub fn judge_comparison(
    base: Side,
    head: Side,
    rounds: &[(Vec<Measurement>, Vec<Measurement>)],
    history: &dyn Fn(&str, &str) -> Vec<f64>,
    s: &Settings,
) -> Comparison {
    let (pairs, added, removed) = pair_rounds(rounds);
    // Noisy benches share the whole-run budget, as in `check`.
    let alpha = s.per_series_alpha(pairs.iter().filter(|p| p.sampled).count());
    let rows = pairs
        .iter()
        .map(|p| judge_pairs(p, &history(&p.bench, &p.metric.to_string()), alpha, s))
        .collect();
    Comparison {
        base,
        head,
        rounds: rounds.len(),
        rows,
        added,
        removed,
        warnings: Vec::new(),
    }
}
