//! The one decision: is a new level significantly and materially above
//! (or below) its reference?
//!
//! Evidence is a level difference on the judging scale (log ratio, or a
//! difference in the unit for a metric that may be negative), its
//! standard error from run-to-run (or round-to-round) variation, and the
//! degrees of freedom of that error. A change counts when the one-sided
//! Student t p-value is below the series' α *and* the relative change
//! exceeds the minimum effect; evidence from a single run or round, or
//! with no spread at all to judge it by, counts only beyond the
//! large-change threshold. The same function decides a
//! series' new level in `check` and a bench's paired rounds in `compare`.

use super::verdict::{Change, Verdict};
use crate::stats::pulled::pulled_in_moments;
use crate::stats::student::{t_quantile, t_upper_tail};

/// What a test saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evidence {
    /// New level minus reference, on the judging scale.
    pub diff: f64,
    /// Standard error of `diff`.
    pub se: f64,
    /// Degrees of freedom of `se`.
    pub df: f64,
    /// Runs (or rounds) behind the new level.
    pub replicates: usize,
    /// The reference on the judging scale (for a linear scale's relative
    /// change).
    pub center: f64,
    /// Log scale (ratios) rather than linear.
    pub log: bool,
}

/// What the decision was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Regressed, Improved or Pass.
    pub verdict: Verdict,
    /// The change with its 95 % interval.
    pub change: Change,
    /// One-sided p-value in the direction of the change.
    pub p: f64,
    /// Significant at α but not a change, and why.
    pub short: Option<Shortfall>,
}

/// Why a significant difference is not a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortfall {
    /// Smaller than the minimum effect.
    MinEffect,
    /// From one replicate, or with no spread to judge it by, and smaller
    /// than the large-change threshold.
    Unconfirmed,
}

impl Evidence {
    /// The new level from `values` (on the judging scale) against a
    /// reference `center` of `n` runs with run-to-run σ on `df` degrees of
    /// freedom. For the test in direction `up`, the most extreme value in
    /// that direction is pulled in to the next one, so one outlier cannot
    /// carry the test; the mean is then corrected for the bias that leaves
    /// on normal noise, and its standard error is that of the pulled-in
    /// mean ([`crate::stats::pulled`]).
    pub fn level(
        values: &[f64],
        center: f64,
        n: usize,
        sigma: f64,
        df: f64,
        up: bool,
        log: bool,
    ) -> Evidence {
        let k = values.len();
        let (mean, var) = pulled_in(values, up, sigma);
        Evidence {
            diff: mean - center,
            se: sigma * (var + 1.0 / n.max(1) as f64).sqrt(),
            df,
            replicates: k,
            center,
            log,
        }
    }

    /// Paired differences (head − base per round, on the judging scale):
    /// their mean, with the most extreme pulled in, against zero, with the
    /// spread `sd` of one difference on `df` degrees of freedom (the
    /// rounds' own, or pooled with a calibration).
    pub fn paired(diffs: &[f64], up: bool, sd: f64, df: f64) -> Evidence {
        let n = diffs.len();
        let (mean, var) = pulled_in(diffs, up, sd);
        Evidence {
            diff: mean,
            se: sd * var.sqrt(),
            df,
            replicates: n,
            center: 0.0,
            log: true,
        }
    }

    /// The relative change `diff` stands for (0.05 = 5 % more).
    pub fn relative(&self, diff: f64) -> f64 {
        if self.log {
            diff.exp() - 1.0
        } else if self.center == 0.0 {
            if diff == 0.0 {
                0.0
            } else {
                f64::INFINITY.copysign(diff)
            }
        } else {
            diff / self.center.abs()
        }
    }

    /// Whether the change, in direction `up`, exceeds `min_effect`: a
    /// change that is not can never be a verdict, whatever its p.
    pub fn material(&self, up: bool, min_effect: f64) -> bool {
        let rel = self.relative(self.diff);
        if up {
            rel > min_effect
        } else {
            rel < -min_effect
        }
    }

    /// Student's t of the difference (±∞ with no spread).
    pub fn t(&self) -> f64 {
        if self.se > 0.0 {
            self.diff / self.se
        } else if self.diff == 0.0 {
            0.0
        } else {
            f64::INFINITY.copysign(self.diff)
        }
    }

    /// The change with its 95 % interval.
    pub fn change(&self) -> Change {
        let half = t_quantile(0.025, self.df).map(|q| q * self.se);
        Change {
            ratio: 1.0 + self.relative(self.diff),
            lower: half.map(|h| 1.0 + self.relative(self.diff - h)),
            upper: half.map(|h| 1.0 + self.relative(self.diff + h)),
        }
    }
}

/// The pulled-in mean of `values` (see [`pulled_in_mean`]) moved back by
/// its bias on normal noise of spread `sigma`, and its variance in units
/// of σ².
fn pulled_in(values: &[f64], up: bool, sigma: f64) -> (f64, f64) {
    let (bias, var) = pulled_in_moments(values.len());
    let shift = if up { bias } else { -bias };
    (pulled_in_mean(values, up) + shift * sigma, var)
}

/// Mean of `values` with the largest (`up`) or smallest pulled in to its
/// neighbour; the plain value for one.
fn pulled_in_mean(values: &[f64], up: bool) -> f64 {
    let k = values.len();
    let sum: f64 = values.iter().sum();
    if k < 2 {
        return sum / k.max(1) as f64;
    }
    // The extreme and its neighbour in order: the extreme is replaced by
    // the neighbour.
    let key = |x: f64| if up { x } else { -x };
    let (mut first, mut second) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for &x in values {
        let x = key(x);
        if x.total_cmp(&first).is_gt() {
            second = first;
            first = x;
        } else if x.total_cmp(&second).is_gt() {
            second = x;
        }
    }
    (sum - key(first) + key(second)) / k as f64
}

/// Decides `e` in its direction `up` at level `alpha`, needing a relative
/// change beyond `min_effect`, and beyond `large` from one replicate.
pub fn decide(e: &Evidence, up: bool, alpha: f64, min_effect: f64, large: f64) -> Decision {
    let t = if up { e.t() } else { -e.t() };
    let p = t_upper_tail(t, e.df).unwrap_or(1.0);
    let rel = e.relative(e.diff);
    let material = e.material(up, min_effect);
    // A zero standard error means no spread was ever seen (a constant or
    // coarsely quantised history): the t test has nothing to stand on.
    let enough = (e.replicates >= 2 && e.se > 0.0) || rel.abs() >= large;
    let significant = p < alpha;
    let verdict = match (significant && material && enough, up) {
        (true, true) => Verdict::Regressed,
        (true, false) => Verdict::Improved,
        _ => Verdict::Pass,
    };
    let short = match (significant && verdict == Verdict::Pass, material) {
        (false, _) => None,
        (true, false) => Some(Shortfall::MinEffect),
        (true, true) => Some(Shortfall::Unconfirmed),
    };
    Decision {
        verdict,
        change: e.change(),
        p,
        short,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clear_two_run_step_regresses_and_one_run_needs_a_large_change() {
        let ln = |x: f64| x.ln();
        let e = Evidence::level(&[ln(1.10), ln(1.11)], 0.0, 30, 0.02, 29.0, true, true);
        let d = decide(&e, true, 1e-4, 0.03, 0.30);
        assert_eq!(d.verdict, Verdict::Regressed, "{d:?}");
        // Pulled in to the smaller run, then moved back by the minimum of
        // two's bias on normal noise, σ/√π.
        let level = ln(1.10) + 0.02 / std::f64::consts::PI.sqrt();
        assert!(
            (d.change.ratio - level.exp()).abs() < 1e-9,
            "pulled in to 1.10, plus its bias: {d:?}"
        );
        let one = Evidence::level(&[ln(1.20)], 0.0, 30, 0.02, 29.0, true, true);
        let d1 = decide(&one, true, 1e-4, 0.03, 0.30);
        assert_eq!(d1.verdict, Verdict::Pass);
        assert_eq!(d1.short, Some(Shortfall::Unconfirmed));
        let big = Evidence::level(&[ln(1.5)], 0.0, 30, 0.02, 29.0, true, true);
        assert_eq!(
            decide(&big, true, 1e-4, 0.03, 0.30).verdict,
            Verdict::Regressed
        );
    }

    #[test]
    fn one_outlier_cannot_carry_the_test() {
        let e = Evidence::level(&[0.0, 0.5], 0.0, 30, 0.02, 29.0, true, true);
        assert!(
            (e.diff - 0.02 / std::f64::consts::PI.sqrt()).abs() < 1e-12,
            "{e:?}"
        );
        assert_eq!(decide(&e, true, 0.05, 0.03, 0.3).verdict, Verdict::Pass);
    }

    /// On normal noise the pulled-in level rejects at its nominal rate:
    /// uncorrected, the five-run test spent under half its α (its null
    /// tail shifted by about 0.3σ of its standard error) and a real step
    /// paid the same shift.
    #[test]
    fn the_pulled_in_level_rejects_at_its_nominal_rate() {
        let mut rng = crate::stats::rng::Rng::new(11);
        let alpha = 0.01;
        for k in [3usize, 5] {
            for up in [true, false] {
                let n = 200_000;
                let mut hits = 0;
                for _ in 0..n {
                    let vals: Vec<f64> = (0..k).map(|_| rng.normal()).collect();
                    let e = Evidence::level(&vals, 0.0, usize::MAX, 1.0, 1e9, up, false);
                    let t = if up { e.t() } else { -e.t() };
                    if t_upper_tail(t, e.df).unwrap() < alpha {
                        hits += 1;
                    }
                }
                let rate = hits as f64 / n as f64;
                assert!(
                    (rate / alpha - 1.0).abs() < 0.15,
                    "k={k} up={up}: {rate} against {alpha}"
                );
            }
        }
    }

    #[test]
    fn a_linear_scale_judges_negative_values() {
        let e = Evidence::level(&[-8.0, -8.1, -7.9], -10.0, 20, 0.1, 19.0, true, false);
        let d = decide(&e, true, 0.001, 0.03, 0.3);
        assert_eq!(d.verdict, Verdict::Regressed, "{d:?}");
        assert!((d.change.ratio - 1.2).abs() < 0.02, "{d:?}");
    }

    #[test]
    fn no_spread_at_all_needs_a_large_change() {
        let e = Evidence::level(&[0.05, 0.05], 0.0, 20, 0.0, 19.0, true, true);
        let d = decide(&e, true, 1e-4, 0.03, 0.30);
        assert_eq!(
            (d.verdict, d.short),
            (Verdict::Pass, Some(Shortfall::Unconfirmed))
        );
        let e = Evidence::level(&[0.7, 0.7], 0.0, 20, 0.0, 19.0, true, true);
        assert_eq!(
            decide(&e, true, 1e-4, 0.03, 0.30).verdict,
            Verdict::Regressed
        );
    }

    #[test]
    fn paired_rounds_use_their_own_spread() {
        let same = [0.01, -0.02, 0.015, -0.01, 0.0, 0.005];
        let sd = crate::stats::describe::std_dev(&same).unwrap();
        let e = Evidence::paired(&same, true, sd, 5.0);
        assert_eq!(decide(&e, true, 0.01, 0.03, 0.3).verdict, Verdict::Pass);
        let slow: Vec<f64> = same.iter().map(|d| d + 0.10).collect();
        let e = Evidence::paired(&slow, true, sd, 5.0);
        assert_eq!(
            decide(&e, true, 0.01, 0.03, 0.3).verdict,
            Verdict::Regressed
        );
    }
}
