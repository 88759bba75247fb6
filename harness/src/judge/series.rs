//! One series judged run by run: the single control-chart computation
//! behind every view.
//!
//! The replicate is the run. Walking the series in run order, each run is
//! judged only from the runs before it:
//!
//! - **Reference**: the runs of the current level (since the series began,
//!   an accepted change, or a confirmed improvement), at most
//!   [`Params::window`] of them, give the center (a clean mean, see
//!   [`crate::stats::level`]); the run-to-run σ is pooled over the last
//!   [`Params::spread_window`] runs, each around its own level's median.
//! - **A step needs two runs.** For the last k runs (k = 2 to
//!   [`Params::scan`]) the candidate new level is their mean with the most
//!   extreme run pulled in to the next one (a single outlier cannot carry
//!   the test), tested against the reference with Student's t:
//!   t = (level − center) / (σ √(1/k + 1/n)). A regression is called when
//!   t is significant at α / (scan − 1) (Bonferroni over the k tried) and
//!   the change exceeds [`Params::min_effect`]. One run alone is enough
//!   only for a change beyond [`Params::large`].
//! - **Open until it recovers or is accepted.** A confirmed regression
//!   keeps its reference: every later run reports it as open since the
//!   run where it began, until its last two runs are no longer above the
//!   old level (one-sided p > 0.05: recovered) or an acceptance resets
//!   the level. A
//!   confirmed improvement becomes the new level at once.
//! - **Exact metrics** (instruction counts, heap bytes) compare each run
//!   with the last run of the current level; a change counts when it
//!   exceeds the noise threshold learnt from the level's runs
//!   ([`crate::stats::noise`], 0.2 % floor), at the first run.
//!
//! Values are judged on a log scale (ratios), or on a linear one for a
//! metric that may be negative.

use serde::Serialize;

use super::decide::{Decision, Evidence, decide};
use super::verdict::{Change, Verdict};
use crate::stats::level::{Spread, clean_level, pooled_spread};
use crate::stats::noise::{FLOOR, noise_threshold};

/// An open regression has recovered when its last two runs are no longer
/// above the old level at this one-sided level: lenient on purpose, since
/// a real, persistent step stays far below it (a +5 % step on 2 % noise
/// gives p ≈ 0.001) while a false alarm's runs return to p ≈ 0.5.
const RECOVER_P: f64 = 0.05;

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
    /// For a regression: confirmed at this run (not only still open).
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
        }
    }
}

/// The reference a candidate level is tested against.
#[derive(Debug, Clone, Copy)]
struct Reference {
    center: f64,
    n: usize,
    spread: Spread,
}

struct Walk<'a> {
    y: Vec<f64>,
    log: bool,
    p: &'a Params,
    /// Closed segments (earlier levels, closed excursions), oldest first.
    closed: Vec<Vec<usize>>,
}

impl Walk<'_> {
    fn to_value(&self, y: f64) -> f64 {
        if self.log { y.exp() } else { y }
    }

    /// The reference built from `level` (indices, oldest first), with σ
    /// pooled over it and the closed segments, within the spread window.
    fn reference(&self, level: &[usize]) -> Option<Reference> {
        let level = &level[level.len().saturating_sub(self.p.window)..];
        if level.len() < self.p.min_history {
            return None;
        }
        let vals: Vec<f64> = level.iter().map(|&i| self.y[i]).collect();
        let mut budget = self.p.spread_window.saturating_sub(vals.len());
        let mut segs: Vec<Vec<f64>> = vec![vals.clone()];
        for seg in self.closed.iter().rev() {
            if budget == 0 {
                break;
            }
            let take = &seg[seg.len().saturating_sub(budget)..];
            budget -= take.len();
            segs.push(take.iter().map(|&i| self.y[i]).collect());
        }
        let refs: Vec<&[f64]> = segs.iter().map(Vec::as_slice).collect();
        let spread = pooled_spread(&refs)?;
        let (center, n) = clean_level(&vals, spread.sigma)?;
        Some(Reference { center, n, spread })
    }

    /// The candidate runs `cand` as a new level against `r`, decided in
    /// direction `up`.
    fn decide(&self, r: &Reference, cand: &[usize], up: bool, alpha: f64) -> (Evidence, Decision) {
        let vals: Vec<f64> = cand.iter().map(|&i| self.y[i]).collect();
        let e = Evidence::level(
            &vals,
            r.center,
            r.n,
            r.spread.sigma,
            r.spread.df,
            up,
            self.log,
        );
        let d = decide(&e, up, alpha, self.p.min_effect, self.p.large);
        (e, d)
    }

    /// Fills a point's reference figures from `r` and the decision `d`.
    fn describe(&self, pt: &mut Point, r: &Reference, latest: usize, d: &Decision) {
        pt.center = Some(self.to_value(r.center));
        pt.sigma = Some(r.spread.sigma);
        pt.df = Some(r.spread.df);
        pt.runs = r.n;
        let single = r.spread.sigma * (1.0 + 1.0 / r.n as f64).sqrt();
        pt.z = (single > 0.0).then(|| (self.y[latest] - r.center) / single);
        pt.change = Some(d.change);
        pt.p = Some(d.p);
    }
}

/// Judges every run of a noisy series: `values` in run order, `skip[i]`
/// marks machine-outlier runs, `reset` is the index where an accepted
/// change begins a new level.
fn walk_noisy(
    values: &[f64],
    log: bool,
    skip: &[bool],
    reset: Option<usize>,
    p: &Params,
) -> Vec<Point> {
    let y: Vec<f64> = if log {
        values
            .iter()
            .map(|v| v.max(f64::MIN_POSITIVE).ln())
            .collect()
    } else {
        values.to_vec()
    };
    let mut w = Walk {
        y,
        log,
        p,
        closed: Vec::new(),
    };
    let scan = p.scan.max(2);
    // Bonferroni over the candidate lengths 2..=scan tried at each run.
    let alpha_k = p.alpha / (scan - 1) as f64;
    let mut out = Vec::with_capacity(values.len());
    // The current level's runs; while a regression is open, its reference
    // stays frozen and its runs collect in `open`.
    let mut stretch: Vec<usize> = Vec::new();
    let mut open: Option<(usize, Vec<usize>, Reference)> = None;
    for i in 0..values.len() {
        if reset == Some(i) {
            let old = std::mem::take(&mut stretch);
            if let Some((_, pts, _)) = open.take() {
                w.closed.push(pts);
            }
            w.closed.push(old);
        }
        if skip.get(i).copied().unwrap_or(false) {
            out.push(Point::new(State::Skipped));
            continue;
        }
        if let Some((since, mut pts, r)) = open.take() {
            pts.push(i);
            let mut pt = Point::new(State::Regressed);
            pt.since = Some(since);
            let recent = &pts[pts.len().saturating_sub(scan)..];
            let (_, d) = w.decide(&r, recent, true, alpha_k);
            w.describe(&mut pt, &r, i, &d);
            // Recovered when the last two runs no longer show the level
            // above the reference even at a lenient 5 %.
            let n = pts.len();
            let back = n >= 2 && w.decide(&r, &pts[n - 2..], true, RECOVER_P).1.p > RECOVER_P;
            if back {
                // Recovered: the excursion is closed; the last two runs
                // are back at the old level and rejoin it.
                pt.state = State::InControl;
                pt.since = None;
                w.closed.push(pts[..n - 2].to_vec());
                stretch.extend_from_slice(&pts[n - 2..]);
            } else {
                open = Some((since, pts, r));
            }
            out.push(pt);
            continue;
        }
        stretch.push(i);
        // The strongest confirmed change over the candidate lengths, and
        // the latest run alone for the table.
        let mut best: Option<(Evidence, Decision, Reference, bool)> = None;
        let mut alone: Option<(Reference, Decision)> = None;
        let most = scan.min(stretch.len().saturating_sub(p.min_history));
        for k in 1..=most {
            let split = stretch.len() - k;
            let Some(r) = w.reference(&stretch[..split]) else {
                continue;
            };
            for up in [true, false] {
                let (e, d) = w.decide(&r, &stretch[split..], up, alpha_k);
                if k == 1 && up == (e.diff >= 0.0) {
                    alone = Some((r, d));
                }
                if d.verdict != Verdict::Pass
                    && best.as_ref().is_none_or(|b| e.t().abs() > b.0.t().abs())
                {
                    best = Some((e, d, r, up));
                }
            }
        }
        let mut pt = Point::new(State::InControl);
        if let Some((e, d, r, up)) = best {
            let split = stretch.len() - e.replicates;
            let since = stretch[split];
            w.describe(&mut pt, &r, i, &d);
            pt.since = Some(since);
            let cand = stretch.split_off(split);
            if up {
                pt.state = State::Regressed;
                pt.first = true;
                open = Some((since, cand, r));
            } else {
                pt.state = State::Improved;
                w.closed.push(std::mem::replace(&mut stretch, cand));
            }
        } else if let Some((r, d)) = alone {
            w.describe(&mut pt, &r, i, &d);
            // One run beyond the band: worth a look, not a verdict.
            if d.significant_only && d.change.ratio > 1.0 + p.min_effect {
                pt.state = State::Suspect;
            }
        } else {
            pt.state = State::Insufficient;
            pt.runs = stretch.len() - 1;
        }
        out.push(pt);
    }
    out
}

/// Judges every run of an exact series against the last run of its level.
fn walk_exact(values: &[f64], skip: &[bool], reset: Option<usize>) -> Vec<Point> {
    let mut out = Vec::with_capacity(values.len());
    let mut level: Vec<f64> = Vec::new();
    let mut open: Option<(usize, f64)> = None;
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
        let threshold = noise_threshold(&level).unwrap_or(FLOOR);
        let rel = if reference == 0.0 {
            if v == 0.0 { 0.0 } else { f64::INFINITY }
        } else {
            v / reference - 1.0
        };
        let mut pt = Point::new(State::InControl);
        pt.center = Some(reference);
        pt.threshold = Some(threshold);
        pt.runs = level.len();
        pt.change = Some(Change {
            ratio: 1.0 + rel,
            lower: None,
            upper: None,
        });
        if rel > threshold {
            pt.state = State::Regressed;
            let since = match open {
                Some((s, _)) => s,
                None => {
                    pt.first = true;
                    open = Some((i, v));
                    i
                }
            };
            pt.since = Some(since);
        } else if rel < -threshold {
            pt.state = State::Improved;
            pt.since = Some(i);
            open = None;
            level = vec![v];
        } else {
            open = None;
            level.push(v);
        }
        out.push(pt);
    }
    out
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
        Kind::Noisy => walk_noisy(values, true, skip, reset, p),
        Kind::NoisyLinear => walk_noisy(values, false, skip, reset, p),
    }
}

/// Re-judges the latest run of a walked series against a saved
/// baseline `base` (one run: the center, with n = 1), using the σ the walk
/// learnt and the latest runs as the new level. `points` is the walk.
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
    let recent: Vec<usize> = (0..=last)
        .rev()
        .filter(|&i| points[i].state != State::Skipped)
        .take(p.scan.max(2))
        .collect();
    let mut pt = Point::new(State::InControl);
    pt.runs = 1;
    if kind == Kind::Exact {
        let threshold = points[last].threshold.unwrap_or(FLOOR);
        let rel = if base == 0.0 {
            if values[last] == 0.0 {
                0.0
            } else {
                f64::INFINITY
            }
        } else {
            values[last] / base - 1.0
        };
        pt.center = Some(base);
        pt.threshold = Some(threshold);
        pt.change = Some(Change {
            ratio: 1.0 + rel,
            lower: None,
            upper: None,
        });
        if rel > threshold {
            pt.state = State::Regressed;
            pt.first = true;
            pt.since = Some(last);
        } else if rel < -threshold {
            pt.state = State::Improved;
            pt.since = Some(last);
        }
        return Some(pt);
    }
    let log = kind == Kind::Noisy;
    let tr = |v: f64| {
        if log {
            v.max(f64::MIN_POSITIVE).ln()
        } else {
            v
        }
    };
    let (Some(sigma), Some(df)) = (points[last].sigma, points[last].df) else {
        // No run-to-run spread learnt yet: only a large change counts.
        let rel = if base == 0.0 {
            0.0
        } else {
            values[last] / base - 1.0
        };
        pt.state = if rel.abs() >= p.large && rel > 0.0 {
            State::Regressed
        } else {
            State::Insufficient
        };
        pt.first = pt.state == State::Regressed;
        pt.since = pt.first.then_some(last);
        pt.center = Some(base);
        pt.change = Some(Change {
            ratio: 1.0 + rel,
            lower: None,
            upper: None,
        });
        return Some(pt);
    };
    let scan = p.scan.max(2);
    let alpha_k = p.alpha / (scan - 1) as f64;
    let center = tr(base);
    let mut best: Option<(Evidence, Decision)> = None;
    let mut alone = None;
    for k in 1..=recent.len() {
        let cand: Vec<f64> = recent[..k].iter().map(|&i| tr(values[i])).collect();
        for up in [true, false] {
            let e = Evidence::level(&cand, center, 1, sigma, df, up, log);
            let d = decide(&e, up, alpha_k, p.min_effect, p.large);
            if k == 1 && up == (e.diff >= 0.0) {
                alone = Some(d);
            }
            if d.verdict != Verdict::Pass
                && best.as_ref().is_none_or(|b| e.t().abs() > b.0.t().abs())
            {
                best = Some((e, d));
            }
        }
    }
    pt.center = Some(base);
    pt.sigma = Some(sigma);
    pt.df = Some(df);
    let single = sigma * 2f64.sqrt();
    pt.z = (single > 0.0).then(|| (tr(values[last]) - center) / single);
    let d = match best {
        Some((e, d)) => {
            pt.since = Some(recent[e.replicates - 1]);
            pt.state = if d.verdict == Verdict::Regressed {
                State::Regressed
            } else {
                State::Improved
            };
            pt.first = pt.state == State::Regressed;
            d
        }
        None => {
            let d = alone?;
            if d.significant_only && d.change.ratio > 1.0 + p.min_effect {
                pt.state = State::Suspect;
            }
            d
        }
    };
    pt.change = Some(d.change);
    pt.p = Some(d.p);
    Some(pt)
}

#[cfg(test)]
mod tests;
