//! One chart's data: a bench and metric over the runs of one machine and
//! profile, from the judge's own walk ([`crate::judge::tracks`]): the
//! reference each run was judged against (center and run-to-run σ), the
//! runs whose state is worth a flag, and where confirmed changes began.

use serde::Serialize;

use crate::judge::series::{Kind, State};
use crate::judge::{Step, Track};

/// Significant digits kept in the page's data: far below run-to-run noise,
/// and it keeps a 1,000-run × 100-bench page small.
const DIGITS: i32 = 6;

/// A run whose judgement is worth a mark on the chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flag {
    /// Index of the point in the series.
    pub at: usize,
    /// `suspect`, `regressed`, `improved` or `skipped`.
    pub state: State,
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
    /// earlier runs exist.
    pub center: Vec<Option<f64>>,
    /// Run-to-run σ of those limits, in the unit (the band is center ± 3σ).
    pub sigma: Vec<Option<f64>>,
    /// Points flagged by the judge, in order.
    pub flags: Vec<Flag>,
    /// Indexes where a new level begins: the series' change points
    /// ([`crate::judge::steps`]).
    pub change_points: Vec<usize>,
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

/// The chart of one judged series; `run` maps its points to the page's
/// run table; `steps` are its change points (the markers).
pub fn from_track(t: &Track, run: &dyn Fn(usize) -> usize, steps: &[Step]) -> SeriesData {
    let mut data = SeriesData {
        run: t.runs.iter().map(|&r| run(r)).collect(),
        value: t.values.iter().map(|&v| round(v)).collect(),
        lo: t.intervals.iter().map(|i| i.map(|i| round(i.0))).collect(),
        hi: t.intervals.iter().map(|i| i.map(|i| round(i.1))).collect(),
        center: Vec::with_capacity(t.points.len()),
        sigma: Vec::with_capacity(t.points.len()),
        flags: Vec::new(),
        change_points: steps.iter().map(|s| s.run_index).collect(),
    };
    for (i, p) in t.points.iter().enumerate() {
        // σ in the unit: relative σ times the center on a log scale; an
        // exact metric's band is its noise threshold.
        let sigma = match (t.kind, p.center) {
            (Kind::Noisy, Some(c)) => p.sigma.map(|s| c * s),
            (Kind::NoisyLinear, Some(_)) => p.sigma,
            (Kind::Exact, Some(c)) => p.threshold.map(|th| c * th / 3.0),
            _ => None,
        };
        data.center.push(p.center.map(round));
        data.sigma.push(sigma.map(round));
        let flagged = matches!(
            p.state,
            State::Suspect | State::Regressed | State::Improved | State::Skipped
        );
        if flagged {
            data.flags.push(Flag {
                at: i,
                state: p.state,
                up: p.center.is_none_or(|c| t.values[i] >= c),
            });
        }
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_keeps_six_significant_digits() {
        assert_eq!(round(41.234_567_89), 41.2346);
        assert_eq!(round(123_456_789.0), 123_457_000.0);
        assert_eq!(round(0.0), 0.0);
    }
}
