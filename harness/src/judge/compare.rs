//! The result of `harness compare`: every paired bench judged, plus the
//! benches only one side has. Serialised as the JSON that
//! `harness publish --compare FILE` reads back.

use serde::{Deserialize, Serialize};

use super::budget::Settings;
use super::paired::{PairedRow, equivalent, judge_pairs, pair_rounds};
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

/// α of the two one-sided tests that settle a bench as unchanged: its
/// 90 % interval lies within ± the minimum effect.
pub const EQUIVALENCE_ALPHA: f64 = 0.05;

/// The sequential design of `compare`: the rounds are judged after each
/// one from `min_rounds` on, up to `max_rounds`. A bench stops being
/// measured once it is settled: a change shown, or one of the minimum
/// effect ruled out ([`EQUIVALENCE_ALPHA`]). Stopping for "no change"
/// never raises the false-alarm rate; showing a change at an interim look
/// spends α: half of a bench's α is kept for the last look and the other
/// half is split evenly over the interim looks (Bonferroni α spending, a
/// conservative group-sequential design), so the chance of a false
/// regression stays at most α however early the comparison stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Design {
    /// First look.
    pub min_rounds: usize,
    /// Last look.
    pub max_rounds: usize,
}

impl Design {
    /// One look after a fixed number of rounds.
    pub fn fixed(rounds: usize) -> Design {
        Design {
            min_rounds: rounds,
            max_rounds: rounds,
        }
    }

    /// The looks planned.
    pub fn looks(&self) -> usize {
        self.max_rounds.saturating_sub(self.min_rounds) + 1
    }

    /// The share of a bench's α spent at a look.
    pub fn share(&self, last: bool) -> f64 {
        match (self.looks(), last) {
            (1, _) => 1.0,
            (_, true) => 0.5,
            (k, false) => 0.5 / (k - 1) as f64,
        }
    }
}

/// Judges interleaved rounds (`rounds[i]` = (base, head)) at one look of
/// the design. `history` gives a bench's earlier values for its metric
/// (for the noise threshold of counts), keyed by `bench` and metric name.
/// At the `last` look, a bench not settled is UNKNOWN, never a pass.
pub fn judge_comparison(
    base: Side,
    head: Side,
    rounds: &[(Vec<Measurement>, Vec<Measurement>)],
    history: &dyn Fn(&str, &str) -> Vec<f64>,
    s: &Settings,
    design: Design,
    last: bool,
) -> Comparison {
    let (pairs, added, removed) = pair_rounds(rounds);
    // Noisy benches share the whole-run budget, as in `check`.
    let alpha = s.per_series_alpha(pairs.iter().filter(|p| p.sampled).count()) * design.share(last);
    let rows = pairs
        .iter()
        .map(|p| {
            let mut row = judge_pairs(p, &history(&p.bench, &p.metric.to_string()), alpha, s);
            row.settled = matches!(row.verdict, Verdict::Regressed | Verdict::Improved)
                || equivalent(p, EQUIVALENCE_ALPHA, s);
            if last && !row.settled {
                row.verdict = Verdict::Unknown;
                row.why.push(format!(
                    "undecided after {} rounds: a change of {:.0}% is neither shown nor ruled out; needs more rounds (--rounds, --budget)",
                    row.rounds,
                    s.min_effect * 100.0
                ));
            }
            row
        })
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
