//! One series judged run by run: the single control-chart computation
//! behind every view.
//!
//! The replicate is the run. Walking the series in run order, each run is
//! judged only from the runs before it:
//!
//! - **Reference**: the runs of the current level (since the series began,
//!   an accepted change, or a confirmed improvement), at most
//!   [`Params::window`] of them, give the center (a sigma-clipped mean,
//!   see [`crate::stats::level`]); the run-to-run σ is pooled over the
//!   last [`Params::spread_window`] runs, each around its own level, and
//!   is never taken below half the values' measurement resolution, q/2:
//!   rounding alone adds q²/12 to the variance (Sheppard's correction),
//!   but a series whose values sit on two or three lattice points has a
//!   σ estimate driven by how many runs happened to cross a point, so the
//!   floor is the spread of a value split evenly between two neighbouring
//!   points (q/2), the largest rounding can produce.
//! - **A step needs two runs.** For the last k runs (k = 2 to
//!   [`Params::scan`]) the candidate new level is their mean with the most
//!   extreme run pulled in to the next one (a single outlier cannot carry
//!   the test), moved back by the bias that pulling leaves on normal noise
//!   (b_k σ, [`crate::stats::pulled`]), and tested against the reference
//!   with Student's t: t = (level − center) / (σ √(v_k + 1/n)), v_k the
//!   pulled-in mean's variance in σ² (1/k for a plain mean). A regression
//!   is called when t is significant at w_k·α and the change exceeds
//!   [`Params::min_effect`]. The weights w_k (weighted Bonferroni, Holm
//!   1979; Genovese, Roeder & Wasserman 2006, "False discovery control
//!   with p-value weighting", Biometrika 93(3)) sum to one over the
//!   lengths tried and grow fourfold with each run (1/86, 1/86, 4/86,
//!   16/86, 64/86 for k = 1..5): a small step can only be seen by the
//!   longest candidate, while a large one clears a short candidate's
//!   stricter level with room to spare. One run alone, or a reference
//!   with no spread at all, is enough only for a change beyond
//!   [`Params::large`].
//! - **Open until it recovers or is accepted.** A confirmed regression
//!   keeps the level it left as its center: every later run reports it as
//!   open since the run where it began, until its last two runs, or its
//!   whole excursion, are no longer above that level (one-sided p > 0.05,
//!   with σ now also learnt from the excursion's runs) or an acceptance
//!   resets the level. A confirmed improvement becomes the new level at
//!   once.
//! - **Exact metrics** (instruction counts, heap bytes) compare each run
//!   with the last run of the current level; a change counts when it
//!   exceeds the noise threshold learnt from the level's runs
//!   ([`crate::stats::noise`], 0.2 % floor), at the first run.
//!
//! Values are judged on a log scale (ratios), or on a linear one for a
//! metric that may be negative.

use serde::Serialize;

use super::verdict::Change;
use crate::stats::noise::{FLOOR, noise_threshold};

mod noisy;

pub(crate) use noisy::Walker;

/// How a series' values are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Run-to-run noise: statistics over runs, on a log scale.
    Noisy,
    /// Run-to-run noise on a linear scale (the metric may be negative).
    NoisyLinear,
    /// Deterministic counts: the learnt noise threshold.
    Exact,
}

/// The walk's settings; `alpha` is already this series' share of the
/// whole-run error budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// One-sided significance level for this series at one run.
    pub alpha: f64,
    /// Smallest relative change that counts.
    pub min_effect: f64,
    /// A single run beyond this relative change is judged at once.
    pub large: f64,
    /// Most reference runs for the center.
    pub window: usize,
    /// Most runs the σ is pooled over.
    pub spread_window: usize,
    /// Fewest reference runs before a statistical verdict.
    pub min_history: usize,
    /// Longest candidate new level tried (runs).
    pub scan: usize,
}

/// What the walk concluded at one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Too few earlier runs to judge.
    Insufficient,
    /// The whole run was a machine outlier: neither judged nor used.
    Skipped,
    /// Nothing to report.
    InControl,
    /// Beyond the band at this run only: not yet confirmed.
    Suspect,
    /// A confirmed, still open slowdown (see `since`).
    Regressed,
    /// A confirmed speed-up; it is the new level from here on.
    Improved,
}

/// The judgement of one run of a series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    /// The conclusion.
    pub state: State,
    /// Index of the first run of the new level (regressed or improved).
    pub since: Option<usize>,
    /// For a regression or an improvement: confirmed at this run (not only
    /// still open).
    pub first: bool,
    /// The reference level, in the series' unit.
    pub center: Option<f64>,
    /// Run-to-run σ (relative on a log scale, in the unit on a linear one).
    pub sigma: Option<f64>,
    /// This run alone against the reference, in σ.
    pub z: Option<f64>,
    /// The tested level against the reference, with its 95 % interval.
    pub change: Option<Change>,
    /// One-sided p-value of the test that decided, when one did.
    pub p: Option<f64>,
    /// Reference runs behind the center.
    pub runs: usize,
    /// The threshold a change of an exact metric had to exceed.
    pub threshold: Option<f64>,
    /// Degrees of freedom of `sigma`.
    #[serde(skip)]
    pub df: Option<f64>,
    /// This series' share of the run's budget when a slowdown was
    /// confirmed at more than its Bonferroni share (several series
    /// slowing at the same run); `p` met it times its length's weight.
    #[serde(skip)]
    pub alpha: Option<f64>,
}

impl Point {
    fn new(state: State) -> Point {
        Point {
            state,
            since: None,
            first: false,
            center: None,
            sigma: None,
            z: None,
            change: None,
            p: None,
            runs: 0,
            threshold: None,
            df: None,
            alpha: None,
        }
    }
}

/// An exact metric's run against its reference value: regressed or
/// improved beyond `threshold`, else in control.
fn exact_point(value: f64, reference: f64, threshold: f64) -> Point {
    let rel = if reference == 0.0 {
        if value == 0.0 { 0.0 } else { f64::INFINITY }
    } else {
        value / reference - 1.0
    };
    let mut pt = Point::new(State::InControl);
    pt.center = Some(reference);
    pt.threshold = Some(threshold);
    pt.change = Some(Change {
        ratio: 1.0 + rel,
        lower: None,
        upper: None,
    });
    if rel > threshold {
        pt.state = State::Regressed;
    } else if rel < -threshold {
        pt.state = State::Improved;
    }
    pt
}

/// Judges every run of an exact series against the last run of its level.
fn walk_exact(values: &[f64], skip: &[bool], reset: Option<usize>) -> Vec<Point> {
    let mut out = Vec::with_capacity(values.len());
    let mut level: Vec<f64> = Vec::new();
    // Where the open regression began.
    let mut open: Option<usize> = None;
    for (i, &v) in values.iter().enumerate() {
        if reset == Some(i) {
            level.clear();
            open = None;
        }
        if skip.get(i).copied().unwrap_or(false) {
            out.push(Point::new(State::Skipped));
            continue;
        }
        let Some(&reference) = level.last() else {
            level.push(v);
            out.push(Point::new(State::Insufficient));
            continue;
        };
        let mut pt = exact_point(v, reference, noise_threshold(&level).unwrap_or(FLOOR));
        pt.runs = level.len();
        match pt.state {
            State::Regressed => {
                let since = *open.get_or_insert(i);
                pt.first = since == i;
                pt.since = Some(since);
            }
            State::Improved => {
                pt.since = Some(i);
                pt.first = true;
                open = None;
                level = vec![v];
            }
            _ => {
                open = None;
                level.push(v);
            }
        }
        out.push(pt);
    }
    out
}

/// The share of a run's α given to candidate length `k` when lengths 1
/// to `scan` are tried (weighted Bonferroni, see the module): 4^(k−2),
/// with k = 1 weighted as k = 2, normalised to sum to one (1/86, 1/86,
/// 4/86, 16/86, 64/86 for scan = 5).
pub(crate) fn length_share(k: usize, scan: usize) -> f64 {
    let scan = scan.max(2);
    let raw = |k: usize| 4f64.powi(k.max(2) as i32 - 2);
    let total: f64 = (1..=scan).map(raw).sum();
    raw(k.min(scan)) / total
}

/// Judges every run of one series (values in run order).
pub fn walk(
    values: &[f64],
    kind: Kind,
    skip: &[bool],
    reset: Option<usize>,
    p: &Params,
) -> Vec<Point> {
    match kind {
        Kind::Exact => walk_exact(values, skip, reset),
        _ => {
            // Alone, a series confirms a slowdown at its own α.
            let mut w = Walker::new(values, kind == Kind::Noisy, skip, reset, p);
            for i in 0..values.len() {
                w.propose(i);
                w.commit(i, p.alpha);
            }
            w.finish()
        }
    }
}

/// Re-judges the latest run of a walked series against a saved
/// baseline `base` (one run: the center, with n = 1), using the σ the walk
/// learnt and the latest runs as the new level. `points` is the walk.
/// Without a learnt σ only a change beyond `large` counts.
pub fn against_baseline(
    values: &[f64],
    kind: Kind,
    points: &[Point],
    base: f64,
    p: &Params,
) -> Option<Point> {
    let last = points.len().checked_sub(1)?;
    if points[last].state == State::Skipped {
        return None;
    }
    let mut pt = match kind {
        Kind::Exact => {
            let threshold = points[last].threshold.unwrap_or(FLOOR);
            exact_point(values[last], base, threshold)
        }
        _ if points[last].sigma.is_none() => {
            let mut pt = exact_point(values[last], base, p.large);
            if pt.state == State::InControl {
                pt.state = State::Insufficient;
            }
            pt
        }
        _ => {
            let recent: Vec<usize> = (0..=last)
                .rev()
                .filter(|&i| points[i].state != State::Skipped)
                .take(p.scan.max(2))
                .collect();
            let log = kind == Kind::Noisy;
            noisy::against_baseline(values, log, &points[last], &recent, base, p)?
        }
    };
    if pt.since.is_none() && matches!(pt.state, State::Regressed | State::Improved) {
        pt.since = Some(last);
    }
    pt.first = matches!(pt.state, State::Regressed | State::Improved);
    pt.runs = 1;
    Some(pt)
}

#[cfg(test)]
mod tests;
