//! The judging settings and the whole-run error budget.
//!
//! A check fails when *any* series fails, so the chance that a run of
//! identical code fails grows with the number of series unless the
//! series share a budget α (1 %). At each run the walks of the `m` noisy
//! series share it in two steps (`context::walk_together`):
//!
//! 1. **One p-value per series.** A series tries candidate new levels of
//!    k = 1..scan runs, each with a one-sided p-value p_k, and weights
//!    w_k summing to one (see [`super::series`]). Its score
//!    p = min_k p_k / w_k is a valid p-value: P(p ≤ t) ≤ Σ_k P(p_k ≤ w_k·t)
//!    ≤ Σ_k w_k·t = t (weighted Bonferroni).
//! 2. **Benjamini–Hochberg across the series** (`stats::fdr`). With the
//!    scores sorted, p₍₁₎ ≤ … , the j smallest are confirmed for the
//!    largest j with p₍ⱼ₎ ≤ (o + j)·α/m, where o counts the series whose
//!    slowdown, confirmed at an earlier run, is still open at this one
//!    (they enter as p = 0: already rejected). One series slowing alone
//!    meets α/m, the Bonferroni share; twenty slowing together (one hot
//!    path under many benches, how real regressions look) are each held
//!    to up to 20·α/m.
//!
//! Why a run of identical code still fails with chance at most α: when
//! no slowdown is open, o = 0 and the step-up rejects anything only if
//! p₍ⱼ₎ ≤ j·α/m for some j, which under the complete null has chance at
//! most α by Simes' inequality (Simes 1986; Benjamini & Hochberg 1995),
//! for independent p-values and for positively dependent ones (PRDS,
//! Benjamini & Yekutieli 2001): a slow machine slows every series, and
//! whole runs that move together are skipped first
//! ([`super::machine_outliers`]). The BH guarantee is this weak control
//! of the familywise error (it bounds the false-discovery *rate* once
//! some series really changed), which is what a pass/fail check on
//! identical code needs. When a slowdown is open, o > 0 only loosens the
//! bar at a run that already fails on it ([`Settings::open_fails`];
//! without it o stays 0); the one cost is that a second false alarm let
//! in there can stay open after the first has closed, which the measured
//! rate below includes. Every step is conservative (the candidate lengths
//! overlap, so the union bound of step 1 is loose); the rate actually
//! reached is measured by `cargo run --release -p harness --example
//! judge_eval` (README, "How well it judges"). Speed-ups do not fail a
//! check and are confirmed at each series' Bonferroni share α/m. Exact
//! metrics (instruction counts, heap bytes) have no sampling error and
//! take no share.

use super::series::Params;

/// How runs are judged. Every view takes the same settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Whole-run false-fail budget: the largest chance that a run of
    /// identical code fails the check (0.01 = 1 %).
    pub alpha: f64,
    /// Smallest relative change that counts (0.03 = 3 %).
    pub min_effect: f64,
    /// A change this large (0.30 = 30 %) counts from a single run; below
    /// it a step needs two runs, so one outlier never fails a check.
    pub large: f64,
    /// Whether an open regression fails every later check until it
    /// recovers or is accepted (true), or only the run that found it
    /// (false: later runs warn).
    pub open_fails: bool,
    /// Most earlier runs of the current level behind the center.
    pub window: usize,
    /// Most earlier runs the run-to-run σ is pooled over.
    pub spread_window: usize,
    /// Fewest earlier runs of the current level for a statistical verdict.
    pub min_history: usize,
    /// Longest new level tried at each run, in runs.
    pub scan: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            alpha: 0.01,
            min_effect: 0.03,
            large: 0.30,
            open_fails: true,
            window: 30,
            spread_window: 60,
            // Ten runs: a bimodal series (two placements, ±2 %) shows only
            // one mode in its first n runs with chance 2^(1−n), and then
            // its other mode reads as a step; at 5 runs that was 6 % of
            // such series, at 10 it is 0.2 % (README, "How well it
            // judges").
            min_history: 10,
            scan: 5,
        }
    }
}

impl Settings {
    /// Each noisy series' Bonferroni share of the whole-run budget when
    /// `series` are judged together: the level a slowdown alone in its
    /// run must meet (the step-up's first level), and the level of
    /// speed-ups and of a saved baseline's test.
    pub fn per_series_alpha(&self, series: usize) -> f64 {
        self.alpha / series.max(1) as f64
    }

    /// The walk's parameters for one of `series` noisy series.
    pub fn params(&self, series: usize) -> Params {
        Params {
            alpha: self.per_series_alpha(series),
            min_effect: self.min_effect,
            large: self.large,
            window: self.window,
            spread_window: self.spread_window,
            min_history: self.min_history,
            scan: self.scan,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_shared_by_the_series() {
        let s = Settings::default();
        assert_eq!(s.per_series_alpha(200), 0.01 / 200.0);
        assert_eq!(s.per_series_alpha(0), 0.01);
        assert_eq!(s.params(4).alpha, 0.0025);
    }
}
