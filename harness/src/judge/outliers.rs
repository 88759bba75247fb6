//! Machine-outlier runs: a run in which most series moved together, by
//! several σ, in the same direction.
//!
//! On shared CI machines a whole run is now and then slow (a noisy
//! neighbour, another CPU model, a throttled host). Judged series by
//! series, such a run looks like a regression of everything; judged as
//! what it is, the run is one bad replicate. A run is skipped when at
//! least [`MIN_SERIES`] noisy series can be scored and the median of
//! their robust z-scores (each against its own previous runs) is beyond
//! [`Z_RUN`]. Under independent noise the median of m z-scores has a
//! standard deviation near 1.25/√m (≤ 0.45 for m ≥ 8), so 3.0 is far out
//! of its reach; a real change must slow more than half of the series
//! by 3σ at once to be mistaken for one. That mistake cannot last: after
//! [`PERSIST`] skipped runs in a row in one direction the shift is taken
//! as real and no longer skipped until the runs come back. Instruction
//! counts, which no machine moves, are never skipped.

use crate::stats::describe::median;
use crate::stats::level::pooled_spread;

/// Fewest scored series for a run to be called a machine outlier.
pub const MIN_SERIES: usize = 8;

/// Median z beyond which the whole run is an outlier.
pub const Z_RUN: f64 = 3.0;

/// Skipped runs in a row after which a shift is taken as real.
pub const PERSIST: usize = 2;

/// Earlier runs each series is scored against.
const WINDOW: usize = 30;

/// Fewest earlier runs for a series to be scored.
const MIN_EARLIER: usize = 5;

/// For each of `runs` runs, the median z of the run when it is a machine
/// outlier. `series` holds, per noisy series, (run index, log value)
/// pairs in run order.
pub fn machine_outliers(series: &[Vec<(usize, f64)>], runs: usize) -> Vec<Option<f64>> {
    let mut out = vec![None; runs];
    let mut cursor = vec![0usize; series.len()];
    // Each series' values from runs not skipped, oldest first.
    let mut kept: Vec<Vec<f64>> = vec![Vec::new(); series.len()];
    let mut streak: (usize, bool) = (0, true);
    for (r, slot) in out.iter_mut().enumerate() {
        let mut zs = Vec::new();
        let mut here = Vec::new();
        for (s, points) in series.iter().enumerate() {
            let Some(&(run, y)) = points.get(cursor[s]).filter(|(run, _)| *run == r) else {
                continue;
            };
            debug_assert_eq!(run, r);
            cursor[s] += 1;
            here.push((s, y));
            let past = &kept[s][kept[s].len().saturating_sub(WINDOW)..];
            if past.len() < MIN_EARLIER {
                continue;
            }
            if let Some(sp) = pooled_spread(&[past])
                && sp.sigma > 0.0
            {
                zs.push((y - sp.levels[0].0) / sp.sigma);
            }
        }
        let shift = (zs.len() >= MIN_SERIES).then(|| median(&zs)).flatten();
        let skip = match shift {
            Some(z) if z.abs() > Z_RUN => {
                let up = z > 0.0;
                let run_on = if streak.1 == up { streak.0 } else { 0 };
                streak = (run_on + 1, up);
                run_on < PERSIST
            }
            _ => {
                streak = (0, true);
                false
            }
        };
        if skip {
            *slot = shift;
        } else {
            for (s, y) in here {
                kept[s].push(y);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

    fn histories(runs: usize, shift: impl Fn(usize) -> f64) -> Vec<Vec<(usize, f64)>> {
        let mut rng = Rng::new(9);
        (0..20)
            .map(|_| {
                (0..runs)
                    .map(|r| (r, 0.02 * rng.normal() + shift(r)))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_whole_slow_run_is_skipped_and_only_it() {
        let out = machine_outliers(&histories(30, |r| if r == 20 { 0.1 } else { 0.0 }), 30);
        let skipped: Vec<usize> = (0..30).filter(|&r| out[r].is_some()).collect();
        assert_eq!(skipped, [20]);
        assert!(out[20].unwrap() > 3.0);
    }

    #[test]
    fn a_lasting_shift_of_every_series_is_taken_as_real_after_two_runs() {
        let out = machine_outliers(&histories(30, |r| if r >= 20 { 0.1 } else { 0.0 }), 30);
        let skipped: Vec<usize> = (0..30).filter(|&r| out[r].is_some()).collect();
        assert_eq!(skipped, [20, 21]);
    }

    #[test]
    fn a_step_in_a_few_series_skips_nothing() {
        let mut h = histories(30, |_| 0.0);
        for s in h.iter_mut().take(5) {
            for p in s.iter_mut().skip(20) {
                p.1 += 0.2;
            }
        }
        assert!(machine_outliers(&h, 30).iter().all(Option::is_none));
    }
}
