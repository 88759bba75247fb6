//! The walk of a noisy series (see the parent module for the rules).

use super::{Params, Point, State};
use crate::judge::decide::{Decision, Evidence, Shortfall, decide};
use crate::judge::verdict::Verdict;
use crate::stats::level::{pooled_spread, resolution};

/// An open regression has recovered when its last two runs are no longer
/// above the old level at this one-sided level (or its whole excursion
/// no longer is): lenient on purpose, since a real, persistent step stays
/// far below it (a +5 % step on 2 % noise gives p ≈ 0.001) while a false
/// alarm's later runs return to p ≈ 0.5.
const RECOVER_P: f64 = 0.05;

/// The reference a candidate level is tested against.
#[derive(Debug, Clone, Copy)]
struct Reference {
    center: f64,
    n: usize,
    sigma: f64,
    df: f64,
}

/// The outcome of trying every candidate length at one run.
#[derive(Default)]
struct Scan {
    /// The strongest confirmed change: evidence, decision, reference.
    best: Option<(Evidence, Decision, Reference)>,
    /// The latest run alone, for the table.
    alone: Option<(Reference, Decision)>,
}

struct Walk<'a> {
    /// Values in the unit.
    values: &'a [f64],
    /// Values on the judging scale.
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

    fn ys(&self, idx: &[usize]) -> Vec<f64> {
        idx.iter().map(|&i| self.y[i]).collect()
    }

    /// The reference of the level `level` (indices, oldest first; the last
    /// `window` count), with σ pooled over it, the `extra` segment (an open
    /// excursion) and the closed segments, within the spread window, and
    /// never below the measurement resolution of the level's values.
    fn reference(&self, level: &[usize], extra: &[usize]) -> Option<Reference> {
        let level = &level[level.len().saturating_sub(self.p.window)..];
        if level.len() < self.p.min_history {
            return None;
        }
        let mut segs = vec![self.ys(level), self.ys(extra)];
        let mut budget = self
            .p
            .spread_window
            .saturating_sub(level.len() + extra.len());
        for seg in self.closed.iter().rev() {
            if budget == 0 {
                break;
            }
            let take = &seg[seg.len().saturating_sub(budget)..];
            budget -= take.len();
            segs.push(self.ys(take));
        }
        let refs: Vec<&[f64]> = segs.iter().map(Vec::as_slice).collect();
        let spread = pooled_spread(&refs)?;
        let (center, n) = spread.levels[0];
        let unit: Vec<f64> = level.iter().map(|&i| self.values[i]).collect();
        // Sheppard: rounding to a step q alone spreads values by q/√12.
        let floor = resolution(&unit).map_or(0.0, |q| {
            let q = q / 12f64.sqrt();
            if self.log {
                q / self.to_value(center)
            } else {
                q
            }
        });
        Some(Reference {
            center,
            n,
            sigma: spread.sigma.max(floor),
            df: spread.df,
        })
    }

    /// `vals` (judging scale) as a new level against `r`, decided in
    /// direction `up`.
    fn decide(&self, r: &Reference, vals: &[f64], up: bool, alpha: f64) -> (Evidence, Decision) {
        let e = Evidence::level(vals, r.center, r.n, r.sigma, r.df, up, self.log);
        let d = decide(&e, up, alpha, self.p.min_effect, self.p.large);
        (e, d)
    }

    /// Tries the last k values (k = 1..=most) of `cand(k)` against
    /// `reference(k)` in both directions.
    fn scan(
        &self,
        most: usize,
        alpha: f64,
        reference: impl Fn(usize) -> Option<Reference>,
        cand: impl Fn(usize) -> Vec<f64>,
    ) -> Scan {
        let mut s = Scan::default();
        for k in 1..=most {
            let Some(r) = reference(k) else {
                continue;
            };
            let vals = cand(k);
            for up in [true, false] {
                let (e, d) = self.decide(&r, &vals, up, alpha);
                if k == 1 && up == (e.diff >= 0.0) {
                    s.alone = Some((r, d));
                }
                let stronger = s.best.as_ref().is_none_or(|b| e.t().abs() > b.0.t().abs());
                if d.verdict != Verdict::Pass && stronger {
                    s.best = Some((e, d, r));
                }
            }
        }
        s
    }

    /// Fills a point's reference figures from `r`, the value `latest`
    /// (judging scale) and the decision `d`.
    fn describe(&self, pt: &mut Point, r: &Reference, latest: f64, d: &Decision) {
        pt.center = Some(self.to_value(r.center));
        pt.sigma = Some(r.sigma);
        pt.df = Some(r.df);
        pt.runs = r.n;
        let single = r.sigma * (1.0 + 1.0 / r.n as f64).sqrt();
        pt.z = (single > 0.0).then(|| (latest - r.center) / single);
        pt.change = Some(d.change);
        pt.p = Some(d.p);
    }

    /// The point of a scan without a confirmed change: in control, or one
    /// run beyond the band (worth a look, not a verdict).
    fn quiet(&self, s: &Scan, latest: f64) -> Option<Point> {
        let (r, d) = s.alone?;
        let mut pt = Point::new(State::InControl);
        self.describe(&mut pt, &r, latest, &d);
        if d.short == Some(Shortfall::Unconfirmed) && d.change.ratio > 1.0 {
            pt.state = State::Suspect;
        }
        Some(pt)
    }
}

fn judging_scale(values: &[f64], log: bool) -> Vec<f64> {
    if log {
        values
            .iter()
            .map(|v| v.max(f64::MIN_POSITIVE).ln())
            .collect()
    } else {
        values.to_vec()
    }
}

/// Bonferroni over the candidate lengths 2..=scan tried at each run.
fn alpha_per_length(p: &Params) -> f64 {
    p.alpha / (p.scan.max(2) - 1) as f64
}

/// An open regression: where it began, its runs, and the level it left.
struct Open {
    since: usize,
    runs: Vec<usize>,
    before: Vec<usize>,
}

/// Judges every run of a noisy series: `values` in run order, `skip[i]`
/// marks machine-outlier runs, `reset` is the index where an accepted
/// change begins a new level.
pub(super) fn walk(
    values: &[f64],
    log: bool,
    skip: &[bool],
    reset: Option<usize>,
    p: &Params,
) -> Vec<Point> {
    let mut w = Walk {
        values,
        y: judging_scale(values, log),
        log,
        p,
        closed: Vec::new(),
    };
    let scan = p.scan.max(2);
    let alpha_k = alpha_per_length(p);
    let mut out = Vec::with_capacity(values.len());
    // The current level's runs; while a regression is open, the level it
    // left stays frozen and its runs collect in `open`.
    let mut stretch: Vec<usize> = Vec::new();
    let mut open: Option<Open> = None;
    for i in 0..values.len() {
        if reset == Some(i) {
            if let Some(o) = open.take() {
                w.closed.push(o.runs);
                stretch = o.before;
            }
            w.closed.push(std::mem::take(&mut stretch));
        }
        if skip.get(i).copied().unwrap_or(false) {
            out.push(Point::new(State::Skipped));
            continue;
        }
        if let Some(mut o) = open.take() {
            o.runs.push(i);
            // The level left stays the center; σ also learns from the
            // excursion's own runs, so an alarm raised on a σ that happened
            // to be small does not stay open on it.
            let Some(r) = w.reference(&o.before, &o.runs) else {
                open = Some(o);
                out.push(Point::new(State::Regressed));
                continue;
            };
            let recent = w.ys(&o.runs[o.runs.len().saturating_sub(scan)..]);
            let (_, d) = w.decide(&r, &recent, true, alpha_k);
            let mut pt = Point::new(State::Regressed);
            pt.since = Some(o.since);
            w.describe(&mut pt, &r, w.y[i], &d);
            let n = o.runs.len();
            let whole = w.ys(&o.runs[n.saturating_sub(p.window)..]);
            let last_two_back =
                n >= 2 && w.decide(&r, &w.ys(&o.runs[n - 2..]), true, RECOVER_P).1.p > RECOVER_P;
            let whole_back = w.decide(&r, &whole, true, RECOVER_P).1.p > RECOVER_P;
            if last_two_back || whole_back {
                // Recovered: the excursion is closed and its runs before
                // the last two are left out; those rejoin the old level.
                pt.state = State::InControl;
                pt.since = None;
                let keep = if whole_back { 0 } else { n - 2 };
                w.closed.push(o.runs[..keep].to_vec());
                stretch = o.before;
                stretch.extend_from_slice(&o.runs[keep..]);
            } else {
                open = Some(o);
            }
            out.push(pt);
            continue;
        }
        stretch.push(i);
        let most = scan.min(stretch.len().saturating_sub(p.min_history));
        let len = stretch.len();
        let s = w.scan(
            most,
            alpha_k,
            |k| w.reference(&stretch[..len - k], &[]),
            |k| w.ys(&stretch[len - k..]),
        );
        let pt = match s.best {
            Some((e, d, r)) => {
                let mut pt = Point::new(State::Regressed);
                let split = len - e.replicates;
                w.describe(&mut pt, &r, w.y[i], &d);
                pt.since = Some(stretch[split]);
                let cand = stretch.split_off(split);
                if d.verdict == Verdict::Regressed {
                    pt.first = true;
                    open = Some(Open {
                        since: cand[0],
                        runs: cand,
                        before: std::mem::take(&mut stretch),
                    });
                } else {
                    pt.state = State::Improved;
                    w.closed.push(std::mem::replace(&mut stretch, cand));
                }
                pt
            }
            None => w.quiet(&s, w.y[i]).unwrap_or_else(|| {
                let mut pt = Point::new(State::Insufficient);
                pt.runs = len - 1;
                pt
            }),
        };
        out.push(pt);
    }
    out
}

/// Re-judges the latest run against a saved baseline `base` (in the
/// unit): the center, with n = 1; σ from the walk's last point; the
/// latest runs (`recent`, newest first) as the new level.
pub(super) fn against_baseline(
    values: &[f64],
    log: bool,
    last: &Point,
    recent: &[usize],
    base: f64,
    p: &Params,
) -> Option<Point> {
    let w = Walk {
        values,
        y: judging_scale(values, log),
        log,
        p,
        closed: Vec::new(),
    };
    let center = judging_scale(&[base], log)[0];
    let r = Reference {
        center,
        n: 1,
        sigma: last.sigma?,
        df: last.df?,
    };
    let newest = *recent.first()?;
    let s = w.scan(
        recent.len(),
        alpha_per_length(p),
        |_| Some(r),
        |k| w.ys(&recent[..k]),
    );
    match s.best {
        Some((e, d, r)) => {
            let mut pt = Point::new(State::Regressed);
            w.describe(&mut pt, &r, w.y[newest], &d);
            pt.center = Some(base);
            pt.since = Some(recent[e.replicates - 1]);
            pt.first = d.verdict == Verdict::Regressed;
            if !pt.first {
                pt.state = State::Improved;
            }
            Some(pt)
        }
        None => w.quiet(&s, w.y[newest]).map(|mut pt| {
            pt.center = Some(base);
            pt
        }),
    }
}
