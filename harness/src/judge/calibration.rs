//! Calibration: the run-to-run and pair-to-pair noise of each bench on one
//! machine, measured by running identical code (A/A), and what it implies:
//! the smallest change `check` and `compare` can detect there.
//!
//! For each round the suite runs twice back to back (A, A'). Per bench:
//!
//! - `sigma_pair`: the standard deviation of ln(A'/A) over the rounds, the
//!   noise of one paired round of `compare`;
//! - `sigma_run`: the standard deviation of ln A over the rounds, the
//!   run-to-run noise `check` sees in a history.
//!
//! The minimum detectable effect (MDE) of a one-sided t test at level α
//! with power 1 − β is (t₁₋α + t₁₋β) · se on the log scale (the usual
//! power formula with Student quantiles; e.g. Cohen 1988, ch. 2), where
//! se = σ_pair·√v_n for `compare` after n rounds, and σ_run·√(v_k + 1/r)
//! for `check` with a new level of k runs against r reference runs; v_k
//! is the variance of the decision's pulled-in mean of k values in units
//! of σ² (a little above 1/k, [`crate::stats::pulled`]). The
//! decision also asks the estimate to exceed the minimum effect, so the
//! figure is max(t₁₋α·se, ln(1 + min effect)) + t₁₋β·se.

use serde::{Deserialize, Serialize};

use crate::model::{Machine, Metric};
use crate::stats::pulled::pulled_in_moments;
use crate::stats::student::t_quantile;

/// Power at which the minimum detectable effect is quoted.
pub const POWER: f64 = 0.8;

/// The file's schema version.
pub const SCHEMA: u32 = 1;

/// One machine's calibration for one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Schema version.
    pub schema: u32,
    /// The machine measured.
    pub machine: Machine,
    /// The measurement profile.
    pub profile: String,
    /// When (RFC 3339).
    pub time: String,
    /// A/A rounds run.
    pub rounds: usize,
    /// Per bench and metric.
    pub benches: Vec<BenchNoise>,
}

/// One bench's noise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchNoise {
    /// Bench id.
    pub bench: String,
    /// Metric.
    pub metric: Metric,
    /// σ of the log ratio of a back-to-back pair of identical runs.
    pub sigma_pair: Option<f64>,
    /// σ of the log of one run's value across rounds.
    pub sigma_run: Option<f64>,
    /// Rounds behind the figures.
    pub rounds: usize,
}

/// The smallest relative change (0.05 = 5 %) found with [`POWER`]: the
/// estimate must clear both the t test's critical value t₁₋α·se and the
/// minimum effect (the decision asks for both), so the true change must
/// lie t_power·se above the larger of the two.
fn mde(alpha: f64, df: f64, se: f64, min_effect: f64) -> Option<f64> {
    let a = t_quantile(alpha, df)?;
    let b = t_quantile(1.0 - POWER, df)?;
    let d = (a * se).max((1.0 + min_effect).ln()) + b * se;
    (d.is_finite() && se >= 0.0).then(|| d.exp() - 1.0)
}

impl BenchNoise {
    /// Noise of each pair (A, A') of `rounds`, keyed by the caller.
    pub fn from_pairs(bench: &str, metric: Metric, pairs: &[(f64, f64)]) -> BenchNoise {
        let ok: Vec<(f64, f64)> = pairs
            .iter()
            .copied()
            .filter(|(a, b)| *a > 0.0 && *b > 0.0 && a.is_finite() && b.is_finite())
            .collect();
        let logs: Vec<f64> = ok.iter().map(|(a, b)| (b / a).ln()).collect();
        let runs: Vec<f64> = ok.iter().map(|(a, _)| a.ln()).collect();
        BenchNoise {
            bench: bench.to_owned(),
            metric,
            sigma_pair: crate::stats::describe::std_dev(&logs),
            sigma_run: crate::stats::describe::std_dev(&runs),
            rounds: ok.len(),
        }
    }

    /// Degrees of freedom of `compare`'s spread after `rounds` rounds:
    /// the rounds' own, plus this calibration's when it is long enough to
    /// be pooled with them ([`super::prior`]).
    fn compare_df(&self, rounds: usize) -> f64 {
        let own = rounds as f64 - 1.0;
        if self.rounds >= super::prior::MIN_ROUNDS {
            own + self.rounds as f64 - 1.0
        } else {
            own
        }
    }

    /// The smallest relative change `compare` detects with 80 % power
    /// after `rounds` rounds at the bench's level `alpha` and the minimum
    /// effect, with the spread pooled with this calibration's.
    pub fn compare_mde(&self, alpha: f64, rounds: usize, min_effect: f64) -> Option<f64> {
        let se = self.sigma_pair? * pulled_in_moments(rounds).1.sqrt();
        mde(alpha, self.compare_df(rounds), se, min_effect)
    }

    /// Whether `compare` after `rounds` rounds at `alpha` can resolve the
    /// minimum effect at all: its critical value t₁₋α·se is within
    /// ln(1 + min effect). `None` without a spread.
    pub fn compare_resolves(&self, alpha: f64, rounds: usize, min_effect: f64) -> Option<bool> {
        let se = self.sigma_pair? * pulled_in_moments(rounds).1.sqrt();
        let a = t_quantile(alpha, self.compare_df(rounds))?;
        Some(a * se <= (1.0 + min_effect).ln())
    }

    /// The smallest relative change `check` confirms with 80 % power from
    /// a new level of `k` runs against `reference` runs at `alpha`.
    pub fn check_mde(
        &self,
        alpha: f64,
        k: usize,
        reference: usize,
        min_effect: f64,
    ) -> Option<f64> {
        let se = self.sigma_run? * (pulled_in_moments(k).1 + 1.0 / reference as f64).sqrt();
        mde(alpha, reference as f64 - 1.0, se, min_effect)
    }

    /// The smallest relative change `check` confirms with 80 % power
    /// within `scan` runs of it: the best of its new levels of 2 to
    /// `scan` runs, each at its length's share of `alpha`, as the walk
    /// tests them.
    pub fn check_mde_within(
        &self,
        alpha: f64,
        scan: usize,
        reference: usize,
        min_effect: f64,
    ) -> Option<f64> {
        (2..=scan.max(2))
            .filter_map(|k| {
                let share = crate::judge::series::length_share(k, scan);
                self.check_mde(alpha * share, k, reference, min_effect)
            })
            .min_by(f64::total_cmp)
    }
}

impl Calibration {
    /// The bench's noise, when calibrated.
    pub fn find(&self, bench: &str, metric: &Metric) -> Option<&BenchNoise> {
        self.benches
            .iter()
            .find(|b| b.bench == bench && &b.metric == metric)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detectable_change_follows_the_power_formula() {
        // σ = 1 %, 12 rounds, α = 0.05, a calibration too short to pool:
        // (t.95,11 + t.80,11) · 0.01·√v₁₂ = (1.796 + 0.876) · 0.002911
        // = 0.778 % (v₁₂ = 0.08473, the pulled-in mean's variance; a
        // plain mean's is 1/12 = 0.08333).
        let short = BenchNoise {
            bench: "a".into(),
            metric: Metric::WallTime,
            sigma_pair: Some(0.01),
            sigma_run: Some(0.01),
            rounds: 4,
        };
        let m = short.compare_mde(0.05, 12, 0.0).unwrap();
        assert!((m - (0.007778f64).exp_m1()).abs() < 2e-5, "{m}");
        // A 12-round calibration is pooled: 11 + 11 df,
        // (1.717 + 0.858) · 0.002911 = 0.750 %.
        let n = BenchNoise {
            rounds: 12,
            ..short
        };
        let m = n.compare_mde(0.05, 12, 0.0).unwrap();
        assert!((m - (0.007495f64).exp_m1()).abs() < 2e-5, "{m}");
        // More rounds, smaller effects; a smaller α, larger ones.
        assert!(n.compare_mde(0.05, 24, 0.0).unwrap() < m);
        assert!(n.compare_mde(0.001, 12, 0.0).unwrap() > m);
        assert!(n.check_mde(0.05, 2, 30, 0.0).unwrap() > n.check_mde(0.05, 5, 30, 0.0).unwrap());
        // Within five runs the five-run level, at its 64/86 share, is the
        // most sensitive.
        let within = n.check_mde_within(0.05, 5, 30, 0.0).unwrap();
        assert_eq!(within, n.check_mde(0.05 * 64.0 / 86.0, 5, 30, 0.0).unwrap());
        // The estimate must also clear the minimum effect: ln 1.03 + 0.876·se.
        let with = n.compare_mde(0.05, 12, 0.03).unwrap();
        let want = ((1.03f64).ln() + 0.858 * 0.002911).exp_m1();
        assert!((with - want).abs() < 2e-5, "{with} vs {want}");
    }

    #[test]
    fn pairs_give_both_spreads_and_bad_values_are_dropped() {
        let pairs = [
            (100.0, 101.0),
            (102.0, 101.0),
            (98.0, 99.0),
            (0.0, 5.0),
            (f64::NAN, 1.0),
        ];
        let n = BenchNoise::from_pairs("a", Metric::WallTime, &pairs);
        assert_eq!(n.rounds, 3);
        assert!(n.sigma_pair.unwrap() > 0.0 && n.sigma_run.unwrap() > 0.0);
        let one = BenchNoise::from_pairs("a", Metric::WallTime, &pairs[..1]);
        assert_eq!(one.sigma_pair, None, "one pair has no spread");
        assert_eq!(one.compare_mde(0.05, 12, 0.0), None);
        let still = BenchNoise::from_pairs("a", Metric::WallTime, &[(5.0, 5.0); 4]);
        assert_eq!(
            still.compare_mde(0.05, 12, 0.0),
            Some(0.0),
            "no noise: any change"
        );
    }
}
