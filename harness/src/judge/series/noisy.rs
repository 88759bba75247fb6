//! The walk of a noisy series (see the parent module for the rules), in
//! two steps per run so that the series of one run can share their error
//! budget: [`Walker::propose`] scores the run's candidate slowdown,
//! [`Walker::commit`] decides it against the threshold the budget gives.

use super::{Params, Point, State};
use crate::judge::decide::{Decision, Evidence, Shortfall, decide};
use crate::judge::verdict::Verdict;
use crate::stats::level::{pooled_spread, resolution};

/// An open excursion has ended when its last two runs are no longer
/// beyond the old level at this one-sided level (or its whole excursion
/// no longer is): lenient on purpose, since a real, persistent step stays
/// far below it (a +5 % step on 2 % noise gives p ≈ 0.001) while a false
/// alarm's later runs return to p ≈ 0.5.
const RECOVER_P: f64 = 0.05;

/// Runs a confirmed speed-up must last before it becomes the level.
const LASTING: usize = 5;

/// Fewest runs of a level behind its center.
const MIN_LEVEL: usize = 2;

/// The reference a candidate level is tested against.
#[derive(Debug, Clone, Copy)]
struct Reference {
    center: f64,
    n: usize,
    sigma: f64,
    df: f64,
}

/// One candidate new level: its evidence, reference and direction.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    e: Evidence,
    r: Reference,
    up: bool,
}

/// Every candidate length tried at one run, both directions.
#[derive(Default)]
struct Scan {
    candidates: Vec<Candidate>,
    /// The latest run alone, in the direction it moved.
    alone: Option<Candidate>,
}

/// Values and settings of a series, and its closed segments.
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
    fn new<'a>(values: &'a [f64], log: bool, p: &'a Params) -> Walk<'a> {
        Walk {
            values,
            y: judging_scale(values, log),
            log,
            p,
            closed: Vec::new(),
        }
    }

    fn to_value(&self, y: f64) -> f64 {
        if self.log { y.exp() } else { y }
    }

    fn ys(&self, idx: &[usize]) -> Vec<f64> {
        idx.iter().map(|&i| self.y[i]).collect()
    }

    /// The share of a run's α given to candidate length `k`
    /// ([`super::length_share`]).
    fn weight(&self, k: usize) -> f64 {
        super::length_share(k, self.p.scan)
    }

    /// The reference of the level `level` (indices, oldest first; the last
    /// `window` count), with σ pooled over it, the `extra` segment (an open
    /// excursion) and the closed segments, within the spread window, and
    /// never below the measurement resolution of the level's values.
    /// `None` with fewer than [`MIN_LEVEL`] runs of the level or fewer
    /// than `min_history − 1` degrees of freedom for σ: a young level after
    /// an acceptance is judged at once, with the σ learnt before it.
    fn reference(&self, level: &[usize], extra: &[usize]) -> Option<Reference> {
        let level = &level[level.len().saturating_sub(self.p.window)..];
        if level.len() < MIN_LEVEL {
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
        let spread = pooled_spread(&refs).filter(|s| s.df + 1.0 >= self.p.min_history as f64)?;
        let (center, n) = spread.levels[0];
        let unit: Vec<f64> = level.iter().map(|&i| self.values[i]).collect();
        // Rounding to a step q spreads values by q/√12 (Sheppard) and at
        // most by q/2; near the lattice the estimate is too coarse to trust
        // below the larger (see the parent module).
        let floor = resolution(&unit).map_or(0.0, |q| {
            let q = q / 2.0;
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

    fn candidate(&self, r: Reference, vals: &[f64], up: bool) -> Candidate {
        let e = Evidence::level(vals, r.center, r.n, r.sigma, r.df, up, self.log);
        Candidate { e, r, up }
    }

    fn decide(&self, c: &Candidate, alpha: f64) -> Decision {
        decide(&c.e, c.up, alpha, self.p.min_effect, self.p.large)
    }

    /// Tries the last k values (k = 1..=most) of `cand(k)` against
    /// `reference(k)` in both directions.
    fn scan(
        &self,
        most: usize,
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
                let c = self.candidate(r, &vals, up);
                if k == 1 && up == (c.e.diff >= 0.0) {
                    s.alone = Some(c);
                }
                s.candidates.push(c);
            }
        }
        s
    }

    /// The smallest p of a slowdown in `s` that would count at some
    /// level (material, and from enough runs), divided by the weight of
    /// its length: the run's score for the shared budget.
    fn score(&self, s: &Scan) -> Option<f64> {
        s.candidates
            .iter()
            .filter(|c| c.up && c.e.material(true, self.p.min_effect))
            .map(|c| (c, self.decide(c, 1.0)))
            .filter(|(_, d)| d.verdict == Verdict::Regressed)
            .map(|(c, d)| d.p / self.weight(c.e.replicates))
            .min_by(f64::total_cmp)
    }

    /// The strongest change of `s` confirmed at `alpha_up` (slowdowns) or
    /// `alpha_down` (speed-ups), each shared by the candidate lengths.
    fn best(&self, s: &Scan, alpha_up: f64, alpha_down: f64) -> Option<(Candidate, Decision)> {
        s.candidates
            .iter()
            .filter(|c| c.e.material(c.up, self.p.min_effect))
            .map(|c| {
                let alpha = if c.up { alpha_up } else { alpha_down };
                (*c, self.decide(c, alpha * self.weight(c.e.replicates)))
            })
            .filter(|(_, d)| d.verdict != Verdict::Pass)
            .max_by(|a, b| a.0.e.t().abs().total_cmp(&b.0.e.t().abs()))
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
    fn quiet(&self, s: &Scan, latest: f64, alpha: f64) -> Option<Point> {
        let c = s.alone?;
        let d = self.decide(&c, alpha);
        let mut pt = Point::new(State::InControl);
        self.describe(&mut pt, &c.r, latest, &d);
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

/// An open excursion: where it began, its runs, the level it left, and
/// its direction.
struct Open {
    since: usize,
    runs: Vec<usize>,
    before: Vec<usize>,
    /// A slowdown (true) or a speed-up.
    up: bool,
}

/// The walk of one noisy series, run by run.
pub(crate) struct Walker<'a> {
    w: Walk<'a>,
    skip: &'a [bool],
    reset: Option<usize>,
    /// The current level's runs; while an excursion is open, the level it
    /// left stays frozen and its runs collect in `open`.
    stretch: Vec<usize>,
    open: Option<Open>,
    /// The scan of the run awaiting [`Walker::commit`].
    pending: Option<Scan>,
    /// References of prefixes of `stretch` (by length) computed at earlier
    /// runs: each run tries the prefixes one to `scan` runs shorter than
    /// the stretch, so most were already computed at the run before.
    /// Cleared whenever `stretch` or the closed segments change other
    /// than by a push to `stretch`.
    refs: Vec<(usize, Option<Reference>)>,
    /// Compute every reference afresh (tests compare the two).
    #[cfg(test)]
    uncached: bool,
    out: Vec<Point>,
}

impl<'a> Walker<'a> {
    /// A walker over `values` (run order); `skip[i]` marks
    /// machine-outlier runs, `reset` the index where an accepted change
    /// begins a new level.
    pub(crate) fn new(
        values: &'a [f64],
        log: bool,
        skip: &'a [bool],
        reset: Option<usize>,
        p: &'a Params,
    ) -> Walker<'a> {
        Walker {
            w: Walk::new(values, log, p),
            skip,
            reset,
            stretch: Vec::new(),
            open: None,
            pending: None,
            refs: Vec::new(),
            #[cfg(test)]
            uncached: false,
            out: Vec::with_capacity(values.len()),
        }
    }

    /// Judges run `i` (the next one) as far as it can alone; returns its
    /// score (see [`Walk::score`]) when a slowdown awaits the budget's
    /// threshold. Call [`Walker::commit`] next.
    pub(crate) fn propose(&mut self, i: usize) -> Option<f64> {
        debug_assert_eq!(i, self.out.len());
        if self.reset == Some(i) {
            if let Some(o) = self.open.take() {
                self.w.closed.push(o.runs);
                self.stretch = o.before;
            }
            self.w.closed.push(std::mem::take(&mut self.stretch));
            self.refs.clear();
        }
        if self.skip.get(i).copied().unwrap_or(false) {
            self.out.push(Point::new(State::Skipped));
            return None;
        }
        if let Some(o) = self.open.take() {
            let pt = self.follow(o, i);
            self.out.push(pt);
            return None;
        }
        self.stretch.push(i);
        let len = self.stretch.len();
        let most = self.w.p.scan.max(2).min(len.saturating_sub(MIN_LEVEL));
        let refs = self.prefix_references(most);
        let (w, stretch) = (&self.w, &self.stretch);
        let s = w.scan(most, |k| refs[k - 1], |k| w.ys(&stretch[len - k..]));
        let score = w.score(&s);
        self.pending = Some(s);
        score
    }

    /// The references of the stretch without its last k runs, k = 1..=most
    /// (index k − 1), from the cache where it has them.
    fn prefix_references(&mut self, most: usize) -> Vec<Option<Reference>> {
        let len = self.stretch.len();
        #[cfg(test)]
        if self.uncached {
            self.refs.clear();
        }
        self.refs.retain(|&(m, _)| m + most >= len);
        (1..=most)
            .map(|k| {
                let m = len - k;
                if let Some(&(_, r)) = self.refs.iter().find(|&&(at, _)| at == m) {
                    return r;
                }
                let r = self.w.reference(&self.stretch[..m], &[]);
                self.refs.push((m, r));
                r
            })
            .collect()
    }

    /// Whether run `i`, once proposed, is part of a slowdown confirmed at
    /// an earlier run and still open (already a rejection of this run).
    pub(crate) fn open_slowdown(&self, i: usize) -> bool {
        self.out
            .get(i)
            .is_some_and(|pt| pt.state == State::Regressed && !pt.first)
    }

    /// Finishes run `i`: a slowdown whose score is at most `threshold` is
    /// confirmed; speed-ups are confirmed at the series' own α.
    pub(crate) fn commit(&mut self, i: usize, threshold: f64) {
        let Some(s) = self.pending.take() else {
            return;
        };
        let w = &self.w;
        let alpha_down = w.p.alpha;
        let pt = match w.best(&s, threshold, alpha_down) {
            Some((c, d)) => {
                let mut pt = Point::new(if c.up {
                    State::Regressed
                } else {
                    State::Improved
                });
                w.describe(&mut pt, &c.r, w.y[i], &d);
                pt.first = true;
                if c.up && threshold > w.p.alpha {
                    pt.alpha = Some(threshold);
                }
                let cand = self.stretch.split_off(self.stretch.len() - c.e.replicates);
                self.refs.clear();
                pt.since = Some(cand[0]);
                self.open = Some(Open {
                    since: cand[0],
                    runs: cand,
                    before: std::mem::take(&mut self.stretch),
                    up: c.up,
                });
                pt
            }
            None => w
                .quiet(&s, w.y[i], alpha_down * w.weight(1))
                .unwrap_or_else(|| {
                    let mut pt = Point::new(State::Insufficient);
                    pt.runs = self.stretch.len() - 1;
                    pt
                }),
        };
        self.out.push(pt);
    }

    /// Run `i` of an open excursion: still open, ended (back at the old
    /// level), or, for a speed-up that lasted, the new level.
    fn follow(&mut self, mut o: Open, i: usize) -> Point {
        let w = &self.w;
        o.runs.push(i);
        let mut pt = Point::new(if o.up {
            State::Regressed
        } else {
            State::Improved
        });
        pt.since = Some(o.since);
        // The level left stays the center; σ also learns from the
        // excursion's own runs, so an alarm raised on a σ that happened to
        // be small does not stay open on it.
        let Some(r) = w.reference(&o.before, &o.runs) else {
            self.open = Some(o);
            return pt;
        };
        let n = o.runs.len();
        let scan = w.p.scan.max(2);
        let recent = w.candidate(r, &w.ys(&o.runs[n.saturating_sub(scan)..]), o.up);
        w.describe(
            &mut pt,
            &r,
            w.y[i],
            &w.decide(&recent, w.p.alpha * w.weight(recent.e.replicates)),
        );
        let still = |idx: &[usize]| {
            let c = w.candidate(r, &w.ys(idx), o.up);
            w.decide(&c, RECOVER_P).p <= RECOVER_P
        };
        let whole_back = !still(&o.runs[n.saturating_sub(w.p.window)..]);
        let last_two_back = n >= 2 && !still(&o.runs[n - 2..]);
        if last_two_back || whole_back {
            // Back at the old level: the excursion is closed; a false
            // alarm's runs all rejoin the level, a real excursion's runs
            // before the last two are left out.
            pt.state = State::InControl;
            pt.since = None;
            let keep = if whole_back { 0 } else { n - 2 };
            self.w.closed.push(o.runs[..keep].to_vec());
            self.stretch = o.before;
            self.stretch.extend_from_slice(&o.runs[keep..]);
            self.refs.clear();
        } else if !o.up && n >= LASTING {
            // A speed-up that lasted becomes the level. Until then the runs
            // that revealed it, chosen for being fast, are not trusted as a
            // center: judging against them alone would turn every false
            // speed-up into a false slowdown.
            self.w
                .closed
                .push(std::mem::replace(&mut self.stretch, o.runs));
            self.refs.clear();
        } else {
            self.open = Some(o);
        }
        pt
    }

    /// Every run's judgement.
    pub(crate) fn finish(self) -> Vec<Point> {
        self.out
    }
}

/// Re-judges the latest run against a saved baseline `base` (in the
/// unit): the center, with n = 1; σ from the walk's last point; the
/// latest runs (`recent`, newest first) as the new level; the series'
/// own α.
pub(super) fn against_baseline(
    values: &[f64],
    log: bool,
    last: &Point,
    recent: &[usize],
    base: f64,
    p: &Params,
) -> Option<Point> {
    let w = Walk::new(values, log, p);
    let r = Reference {
        center: judging_scale(&[base], log)[0],
        n: 1,
        sigma: last.sigma?,
        df: last.df?,
    };
    let newest = *recent.first()?;
    let s = w.scan(recent.len(), |_| Some(r), |k| w.ys(&recent[..k]));
    let alpha = p.alpha;
    let mut pt = match w.best(&s, alpha, alpha) {
        Some((c, d)) => {
            let mut pt = Point::new(if c.up {
                State::Regressed
            } else {
                State::Improved
            });
            w.describe(&mut pt, &c.r, w.y[newest], &d);
            pt.since = Some(recent[c.e.replicates - 1]);
            pt
        }
        None => w.quiet(&s, w.y[newest], alpha * w.weight(1))?,
    };
    pt.center = Some(base);
    Some(pt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::Settings;

    /// Every point of a walk, with the reference cache on or off.
    fn walked(values: &[f64], skip: &[bool], reset: Option<usize>, uncached: bool) -> Vec<Point> {
        let p = Settings::default().params(10);
        let mut w = Walker::new(values, true, skip, reset, &p);
        w.uncached = uncached;
        for i in 0..values.len() {
            w.propose(i);
            w.commit(i, p.alpha);
        }
        w.finish()
    }

    #[test]
    fn the_reference_cache_never_changes_a_point() {
        use crate::stats::rng::Rng;
        // Steps up (opened, then closed or kept open), speed-ups that last
        // (a new level), outliers, skipped runs and an acceptance reset:
        // every way the stretch and the closed segments change.
        let mut changes = 0;
        for seed in 0..400u64 {
            let mut rng = Rng::new(seed);
            let n = 40 + (seed % 5) as usize * 20;
            let mut level = 1.0f64;
            let values: Vec<f64> = (0..n)
                .map(|_| {
                    let u = rng.uniform();
                    if u < 0.08 {
                        level *= 1.2;
                    } else if u < 0.16 {
                        level *= 0.8;
                    } else if u < 0.2 {
                        level = 1.0;
                    }
                    let outlier = if rng.uniform() < 0.05 { 1.3 } else { 1.0 };
                    100.0 * level * outlier * (1.0 + 0.02 * rng.normal())
                })
                .collect();
            let skip: Vec<bool> = (0..n).map(|_| rng.uniform() < 0.03).collect();
            let reset = (seed % 3 == 0).then_some(n / 2);
            let cached = walked(&values, &skip, reset, false);
            changes += cached
                .iter()
                .filter(|p| matches!(p.state, State::Regressed | State::Improved) && p.first)
                .count();
            assert_eq!(cached, walked(&values, &skip, reset, true), "seed {seed}");
        }
        assert!(
            changes > 100,
            "the series must exercise the changes: {changes}"
        );
    }

    #[test]
    fn the_lengths_share_the_runs_alpha_and_the_longest_takes_most() {
        let p = Settings::default().params(1);
        let w = Walk::new(&[], true, &p);
        let shares: Vec<f64> = (1..=p.scan).map(|k| w.weight(k)).collect();
        let want = [1.0, 1.0, 4.0, 16.0, 64.0].map(|x| x / 86.0);
        for (got, want) in shares.iter().zip(want) {
            assert!((got - want).abs() < 1e-15, "{shares:?}");
        }
        assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
