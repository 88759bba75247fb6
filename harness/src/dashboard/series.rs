//! One chart's data: a bench and metric over the runs of one machine and
//! profile, with the control limits each run was judged against, the
//! points a Western Electric rule flags, and the change points.
//!
//! The statistics are the judge's own: [`robust_limits`] over up to
//! [`REFERENCE_WINDOW`] earlier runs (as `harness check` computes them for
//! the run it judges), [`western_electric`] over the standardised values,
//! and [`change_points`] over the whole series.

use serde::Serialize;

use crate::judge::{MIN_REFERENCE, REFERENCE_WINDOW};
use crate::stats::changepoint::change_points;
use crate::stats::individuals::{Limits, robust_limits};
use crate::stats::western_electric::western_electric;

/// Each rule with the window it needs, so that a slice of exactly that
/// length ending at a point can only fire at that point (the rules report
/// their first firing only, which would hide a later one).
const RULE_WINDOWS: [(u8, usize); 4] = [(1, 1), (2, 3), (3, 5), (4, 8)];

/// Significant digits kept in the page's data: far below run-to-run noise,
/// and it keeps a 1,000-run × 100-bench page small.
const DIGITS: i32 = 6;

/// A point flagged by a control-chart rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// Index of the point in the series.
    pub at: usize,
    /// Western Electric rule number, 1 to 4 (the lowest that fired).
    pub rule: u8,
    /// True when the point is above the center (slower or bigger).
    pub up: bool,
}

/// The charted series of one bench and metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeriesData {
    /// Index into the page's run table, per point.
    pub run: Vec<usize>,
    /// Charted value (median of samples, else the estimate), per point.
    pub value: Vec<f64>,
    /// Lower bound of the point's confidence interval, when recorded.
    pub lo: Vec<Option<f64>>,
    /// Upper bound.
    pub hi: Vec<Option<f64>>,
    /// Center line the point was judged against; `None` before enough
    /// earlier runs exist or when they do not vary.
    pub center: Vec<Option<f64>>,
    /// Estimated σ of those limits (the band is center ± 3σ).
    pub sigma: Vec<Option<f64>>,
    /// Points flagged by a rule, in order.
    pub flags: Vec<Flag>,
    /// Indexes where a new level begins.
    pub change_points: Vec<usize>,
}

/// One point before analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawPoint {
    /// Index into the page's run table.
    pub run: usize,
    /// Charted value.
    pub value: f64,
    /// Confidence interval, when recorded.
    pub interval: Option<(f64, f64)>,
}

/// Rounds to [`DIGITS`] significant digits; non-finite and zero values
/// pass unchanged.
pub fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(DIGITS - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// The limits point `i` was judged against: robust limits over up to
/// [`REFERENCE_WINDOW`] earlier values, once [`MIN_REFERENCE`] exist.
fn limits_at(values: &[f64], i: usize) -> Option<Limits> {
    if i < MIN_REFERENCE {
        return None;
    }
    robust_limits(&values[i.saturating_sub(REFERENCE_WINDOW)..i])
}

/// The lowest rule that fires at point `i`, standardising the values up
/// to `i` by that point's limits.
fn rule_at(values: &[f64], i: usize, limits: &Limits) -> Option<u8> {
    RULE_WINDOWS.iter().find_map(|&(rule, window)| {
        let start = (i + 1).checked_sub(window)?;
        let zs: Vec<f64> = values[start..=i].iter().map(|&v| limits.z(v)).collect();
        western_electric(&zs)
            .iter()
            .any(|s| s.rule == rule)
            .then_some(rule)
    })
}

/// Analyses the points of one series (run order, oldest first).
pub fn analyse(points: &[RawPoint]) -> SeriesData {
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let mut data = SeriesData {
        run: points.iter().map(|p| p.run).collect(),
        value: values.iter().map(|&v| round(v)).collect(),
        lo: points
            .iter()
            .map(|p| p.interval.map(|i| round(i.0)))
            .collect(),
        hi: points
            .iter()
            .map(|p| p.interval.map(|i| round(i.1)))
            .collect(),
        center: Vec::with_capacity(points.len()),
        sigma: Vec::with_capacity(points.len()),
        flags: Vec::new(),
        change_points: change_points(&values),
    };
    for i in 0..values.len() {
        let limits = limits_at(&values, i);
        data.center.push(limits.map(|l| round(l.center)));
        data.sigma.push(limits.map(|l| round(l.sigma)));
        if let Some(l) = limits
            && let Some(rule) = rule_at(&values, i, &l)
        {
            data.flags.push(Flag {
                at: i,
                rule,
                up: values[i] > l.center,
            });
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

    fn points(values: &[f64]) -> Vec<RawPoint> {
        values
            .iter()
            .enumerate()
            .map(|(run, &value)| RawPoint {
                run,
                value,
                interval: Some((value * 0.99, value * 1.01)),
            })
            .collect()
    }

    fn noisy_step(n: usize, step_at: usize, step: f64, seed: u64) -> Vec<f64> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|i| 100.0 + rng.normal() + if i >= step_at { step } else { 0.0 })
            .collect()
    }

    #[test]
    fn a_step_is_flagged_from_where_it_began_and_is_a_change_point() {
        let d = analyse(&points(&noisy_step(30, 20, 10.0, 5)));
        // Rules 2 and 3 also fire now and then on noise; the step must be
        // flagged by rule 1 at every point from where it began.
        let after: Vec<(usize, u8, bool)> = d
            .flags
            .iter()
            .filter(|f| f.at >= 20)
            .map(|f| (f.at, f.rule, f.up))
            .collect();
        assert_eq!(after, (20..30).map(|i| (i, 1, true)).collect::<Vec<_>>());
        assert_eq!(d.change_points, [20]);
    }

    #[test]
    fn the_band_starts_once_enough_earlier_runs_exist() {
        let d = analyse(&points(&noisy_step(12, 99, 0.0, 6)));
        assert!(d.center[..MIN_REFERENCE].iter().all(Option::is_none));
        assert!(d.center[MIN_REFERENCE..].iter().all(Option::is_some));
        assert_eq!(d.center.len(), 12);
        assert_eq!(d.sigma.len(), 12);
    }

    #[test]
    fn the_latest_band_matches_the_judge_limits() {
        let xs = noisy_step(40, 99, 0.0, 7);
        let d = analyse(&points(&xs));
        let l = robust_limits(&xs[39 - REFERENCE_WINDOW..39]).unwrap();
        assert_eq!(d.center[39], Some(round(l.center)));
        assert_eq!(d.sigma[39], Some(round(l.sigma)));
    }

    #[test]
    fn a_later_firing_of_a_rule_is_not_hidden_by_an_earlier_one() {
        let mut xs = noisy_step(30, 99, 0.0, 8);
        xs[12] = 150.0;
        xs[25] = 150.0;
        let d = analyse(&points(&xs));
        let rule1: Vec<usize> = d
            .flags
            .iter()
            .filter(|f| f.rule == 1)
            .map(|f| f.at)
            .collect();
        assert_eq!(rule1, [12, 25]);
    }

    #[test]
    fn one_point_or_none_yields_no_band_flags_or_changes() {
        let d = analyse(&points(&[5.0]));
        assert_eq!(d.value, [5.0]);
        assert_eq!(d.center, [None]);
        assert!(d.flags.is_empty() && d.change_points.is_empty());
        let empty = analyse(&[]);
        assert!(empty.value.is_empty());
    }

    #[test]
    fn rounding_keeps_six_significant_digits() {
        assert_eq!(round(41.234_567_89), 41.2346);
        assert_eq!(round(123_456_789.0), 123_457_000.0);
        assert_eq!(round(0.0), 0.0);
    }
}
