//! Every change point of a series: where its level stepped, from what to
//! what, by how much, and how surely.
//!
//! **Method: greedy local two-sample t tests (a bounded-window binary
//! segmentation).** Each position t is scored by comparing the `window`
//! runs before it with the `window` runs from it (never reaching past a
//! change point already found or the series' ends), as a two-sample
//! Student t test on the sigma-clipped levels of the two windows with the
//! run-to-run σ pooled over both ([`pooled_spread`]: clipped at 3.5σ
//! starting from the plain spread, so outliers and heavy tails do not
//! carry a level while both modes of a bimodal bench are kept). The
//! position with the largest |t| among those that are both significant
//! and material is taken, then placed within [`REFINE`] runs at the split
//! of its windows' runs with the least absolute deviation from each
//! side's median (the clipped t is flat across the runs next to a step);
//! the windows of its neighbours then stop at it, and the scan repeats
//! until no position qualifies. Finally each point is placed and
//! re-tested with windows bounded by its final neighbours, and dropped if
//! it no longer qualifies. This is binary segmentation with a t test
//! (Otava's E-divisive means with a Student t significance test, Fleming
//! et al. 2023; Vostrikova 1981) restricted to local windows, which is
//! the moving-sum (MOSUM) idea of Eichinger & Kirch (2018, Bernoulli
//! 24(1)): a step is a *local* difference of levels.
//!
//! Why local windows: with whole segments, a slow trend is cut into steps
//! (the halves of a 12 % drift differ by 6 %) and a real step elsewhere
//! is lost behind it. With windows of `window` runs, a drift of r per run
//! shows as a difference of about r·`window`: **a trend is reported only
//! where it moves the level by `min_magnitude` within one window, i.e.
//! faster than `min_magnitude / window` per run (0.15 %/run at the
//! defaults); a slower drift gives no point.**
//!
//! Chosen on evidence: `examples/changepoint_eval.rs` scores this method,
//! the same test over whole segments, and PELT with the L2 cost and a
//! noise estimate from the median absolute first difference on the same
//! seeded series (figures in `harness/README.md`, "Change points"): all
//! do well on gaussian noise; whole segments cut drifting series, and
//! PELT's noise estimate fails on heavy tails, two modes and integer
//! counts.
//!
//! A position qualifies when
//! - **it is significant:** the two-sided p-value of t, times the number
//!   of positions tried (Bonferroni over the scan), is at most `alpha`.
//!   Bonferroni is conservative for the maximum of correlated local
//!   statistics, which is what keeps no-change series quiet; it needs no
//!   permutations, so the analysis costs one pass of clipped means per
//!   position and step found;
//! - **it is material:** the relative step |after/before − 1| (on a log
//!   scale) or |after − before| / scale (linear scale) is at least
//!   `min_magnitude`;
//! - **both sides hold at least `min_segment` runs.**
//!
//! Constants and their sources:
//! - σ is never below q/√12, q the quantisation step of the values
//!   (`resolution`, or the smallest gap between distinct values): rounding
//!   to a step q alone spreads values by q/√12 (Sheppard's correction).
//!   σ pooled around each window's own level does not collapse when most
//!   successive differences are equal (integer counts, quantised timers),
//!   as a median of first differences does; the floor covers windows that
//!   are exactly constant, where σ = 0 would make any difference
//!   infinitely significant (a jump after a constant stretch is then
//!   tested against the rounding it could be), and lets a stated tick set
//!   the noise a quantised metric cannot show below.
//! - [`DEFAULT_MIN_MAGNITUDE`] 3 %: the judge's default minimum effect.
//! - [`DEFAULT_ALPHA`] 1 %: the judge's default α.
//! - [`DEFAULT_MIN_SEGMENT`] 2 runs: the judge's "a step needs two runs";
//!   1 makes a single last run a candidate (and an outlier a step).
//! - [`DEFAULT_WINDOW`] 20 runs a side: long enough for a 4 % step on 2 %
//!   noise to reach t ≈ 6.3, p ≈ 2e-7 (Bonferroni over 240 positions at
//!   α = 1 % needs p ≤ 4e-5),
//!   short enough that the judge's slow drift (+0.05 %/run) moves a window
//!   by 1 %, a third of the minimum magnitude.
//!
//! Scale: ratios (natural logs) for positive values; a linear scale when
//! `signed` is set or any value is ≤ 0, the magnitude then relative to
//! the series' typical size (the median |value|, or the mean |value| when
//! that median is 0).
//!
//! Non-finite values are missing runs: they are left out, and indices
//! still count positions in the series as given.

use super::describe::median;
use super::level::{pooled_spread, resolution};
use super::student::t_upper_tail;

mod options;
pub use options::{
    DEFAULT_ALPHA, DEFAULT_MIN_MAGNITUDE, DEFAULT_MIN_SEGMENT, DEFAULT_WINDOW, Options,
    OptionsError,
};

#[cfg(test)]
mod tests;

/// One change of level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChangePoint {
    /// Position in the series (0-based, counting non-finite values too) of
    /// the first run of the new level.
    pub index: usize,
    /// Level before: the clipped mean of up to `window` runs before the
    /// point, back to the previous point (geometric on a log scale).
    pub before: f64,
    /// Level after, likewise from the point on.
    pub after: f64,
    /// Relative step: after/before − 1, or (after − before)/scale on a
    /// linear scale.
    pub relative: f64,
    /// Two-sided p-value of the step, Bonferroni-adjusted for the
    /// positions tried (capped at 1).
    pub p: f64,
}

/// How far, in runs, a step found by the clipped t may be moved by
/// [`Series::refine`].
const REFINE: usize = 3;

/// The test at one position.
#[derive(Debug, Clone, Copy)]
struct Test {
    t: f64,
    before: f64,
    after: f64,
    relative: f64,
    p: f64,
}

/// A series prepared for testing.
struct Series {
    /// Values on the judging scale.
    y: Vec<f64>,
    log: bool,
    /// Linear scale's typical size.
    scale: f64,
    /// Quantisation step in the unit (0 when unknown and undetectable).
    q: f64,
    window: usize,
    /// Positions tried per scan (the Bonferroni factor).
    tried: f64,
}

impl Series {
    /// The position within [`REFINE`] runs of `t` (keeping `m` runs a side
    /// within `lo..hi`) that splits the runs of `t`'s windows into two
    /// levels with the least absolute deviation from each side's median.
    /// The clipped t is nearly flat across the runs next to a step (a run
    /// of the new level in the old window is clipped away as an outlier),
    /// so it places a step one run early or late by chance; a misassigned
    /// run costs the whole step here, an outlier only its own distance.
    fn refine(&self, t: usize, lo: usize, hi: usize, m: usize) -> usize {
        let start = t.saturating_sub(self.window).max(lo);
        let end = t.saturating_add(self.window).min(hi);
        let l1 =
            |xs: &[f64]| median(xs).map_or(0.0, |c| xs.iter().map(|x| (x - c).abs()).sum::<f64>());
        let cost = |u: usize| l1(&self.y[start..u]) + l1(&self.y[u..end]);
        let from = t.saturating_sub(REFINE).max(lo + m).max(start + 1);
        let to = (t + REFINE).min(hi - m).min(end - 1);
        (from..=to)
            .map(|u| (cost(u), u.abs_diff(t), u))
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .map_or(t, |(_, _, u)| u)
    }

    /// The test at position `t` with the windows bounded by `lo` and `hi`.
    fn test(&self, t: usize, lo: usize, hi: usize) -> Option<Test> {
        let left = &self.y[t.saturating_sub(self.window).max(lo)..t];
        let right = &self.y[t..t.saturating_add(self.window).min(hi)];
        let s = pooled_spread(&[left, right])?;
        let ((a, na), (b, nb)) = (s.levels[0], s.levels[1]);
        if na == 0 || nb == 0 {
            return None;
        }
        let sheppard = self.q / 12f64.sqrt();
        let floor = if self.log {
            sheppard / ((a + b) / 2.0).exp()
        } else {
            sheppard
        };
        let sigma = s.sigma.max(floor);
        let diff = b - a;
        if diff == 0.0 {
            return None;
        }
        let se = sigma * (1.0 / na as f64 + 1.0 / nb as f64).sqrt();
        let t_stat = if se > 0.0 {
            diff / se
        } else {
            f64::INFINITY.copysign(diff)
        };
        let p = (2.0 * t_upper_tail(t_stat.abs(), s.df)? * self.tried).min(1.0);
        let (before, after, relative) = if self.log {
            (a.exp(), b.exp(), diff.exp_m1())
        } else {
            (a, b, diff / self.scale)
        };
        Some(Test {
            t: t_stat,
            before,
            after,
            relative,
            p,
        })
    }
}

/// The change points either side of position `t` (or the series' ends):
/// the bounds of its windows.
fn bounds(cps: &[usize], t: usize, n: usize) -> (usize, usize) {
    let k = cps.partition_point(|&c| c < t);
    let lo = if k > 0 { cps[k - 1] } else { 0 };
    (lo, cps.get(k).copied().unwrap_or(n))
}

/// Every change point of `values` (in run order), oldest first; see the
/// module doc for the method. Nothing for fewer than 2·`min_segment` finite
/// values, a constant series, or options that fail [`Options::validate`].
pub fn change_points(values: &[f64], opts: &Options) -> Vec<ChangePoint> {
    if opts.validate().is_err() {
        return Vec::new();
    }
    let (at, x): (Vec<usize>, Vec<f64>) = values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, v)| (i, *v))
        .unzip();
    let n = x.len();
    let m = opts.min_segment;
    if n < 2 * m || n < 3 {
        return Vec::new();
    }
    let log = !opts.signed && x.iter().all(|v| *v > 0.0);
    let abs: Vec<f64> = x.iter().map(|v| v.abs()).collect();
    let scale = match median(&abs) {
        Some(s) if s > 0.0 => s,
        _ => abs.iter().sum::<f64>() / n as f64,
    };
    if !log && scale <= 0.0 {
        return Vec::new();
    }
    let s = Series {
        y: if log {
            x.iter().map(|v| v.ln()).collect()
        } else {
            x.clone()
        },
        log,
        scale,
        q: opts.resolution.or_else(|| resolution(&x)).unwrap_or(0.0),
        window: opts.window,
        tried: (n + 1 - 2 * m) as f64,
    };
    let qualifies = |t: &Test| t.p <= opts.alpha && t.relative.abs() >= opts.min_magnitude;

    // Greedy: the strongest qualifying position, then again with the
    // windows of its neighbours bounded by it. A position's test changes
    // only when a point falls within its windows: the others are kept.
    let mut cps: Vec<usize> = Vec::new();
    let mut cache: Vec<Option<Option<Test>>> = vec![None; n + 1];
    loop {
        let mut best: Option<(usize, Test)> = None;
        for (t, cached) in cache.iter_mut().enumerate().take(n - m + 1).skip(m) {
            let (lo, hi) = bounds(&cps, t, n);
            if t - lo < m || hi - t < m || hi == t {
                continue;
            }
            let Some(test) = *cached.get_or_insert_with(|| s.test(t, lo, hi).filter(qualifies))
            else {
                continue;
            };
            if best.is_none_or(|(_, b)| test.t.abs() > b.t.abs()) {
                best = Some((t, test));
            }
        }
        let Some((t, _)) = best else { break };
        let (lo, hi) = bounds(&cps, t, n);
        let u = s.refine(t, lo, hi, m);
        let at = if s.test(u, lo, hi).filter(qualifies).is_some() {
            u
        } else {
            t
        };
        cps.insert(cps.partition_point(|&c| c < at), at);
        let near = at.saturating_sub(s.window)..=at.saturating_add(s.window).min(n);
        cache[near].fill(None);
    }

    // Windows of points found early may have reached past points found
    // later: place each again between its final neighbours.
    for k in 0..cps.len() {
        let lo = if k > 0 { cps[k - 1] } else { 0 };
        let hi = cps.get(k + 1).copied().unwrap_or(n);
        let u = s.refine(cps[k], lo, hi, m);
        if s.test(u, lo, hi).filter(qualifies).is_some() {
            cps[k] = u;
        }
    }

    // Re-test each point between its final neighbours; drop the first
    // that no longer qualifies and repeat.
    loop {
        let tests: Vec<Option<Test>> = (0..cps.len())
            .map(|k| {
                let lo = if k > 0 { cps[k - 1] } else { 0 };
                let hi = cps.get(k + 1).copied().unwrap_or(n);
                s.test(cps[k], lo, hi).filter(qualifies)
            })
            .collect();
        if let Some(k) = tests.iter().position(Option::is_none) {
            cps.remove(k);
            continue;
        }
        return cps
            .iter()
            .zip(tests.into_iter().flatten())
            .map(|(&t, test)| ChangePoint {
                index: at[t],
                before: test.before,
                after: test.after,
                relative: test.relative,
                p: test.p,
            })
            .collect();
    }
}
