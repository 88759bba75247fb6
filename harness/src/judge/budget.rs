//! The judging settings and the whole-run error budget.
//!
//! A check fails when *any* series fails, so the chance that a run of
//! identical code fails grows with the number of series unless each
//! series gets a share of the budget. With `m` noisy series judged in the
//! run, each is tested at α/m (Bonferroni): by the union bound,
//! P(some series fails) ≤ m · α/m = α, whatever the dependence between
//! series. Within a series, the candidate lengths tried at one run share
//! its α again, weighted (see [`super::series`]). Both steps are conservative; the
//! rate actually reached on identical code is measured by
//! `cargo run --release -p harness --example judge_eval` (README,
//! "How well it judges"). Exact metrics (instruction counts, heap bytes)
//! have no sampling error and take no share.

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
    /// Each noisy series' share of the whole-run budget when `series` are
    /// judged together.
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
