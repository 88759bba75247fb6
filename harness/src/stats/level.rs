//! The levels and the run-to-run spread of a series, robust to a few
//! outlying runs, by iterative sigma clipping.
//!
//! A run's value is one replicate: the spread that matters is between
//! runs, never within one. The spread is pooled over segments (stretches
//! of one level), each residual taken from its own segment's level, so a
//! step between segments does not inflate it. Runs beyond
//! [`CLEAN_LIMIT`] σ are dropped and σ re-estimated until nothing more is
//! dropped (sigma clipping, as astropy's `sigma_clip`; Huber 1981, §1.4:
//! rejection at 3.5σ costs normal data under 1 % efficiency). The start
//! is the plain standard deviation, not the MAD: on a series with two
//! modes (a bimodal memory placement, say) the MAD sees one mode only and
//! would clip the other away, making every run of it an alarm; starting
//! wide only clips what lies far outside every mode.

use super::describe::median;

/// Runs beyond this many σ from their level are outliers (Huber's 3.5).
pub const CLEAN_LIMIT: f64 = 3.5;

/// At most this many clipping rounds (each drops at least one run).
const ROUNDS: usize = 20;

/// Spread pooled over segments, and each segment's level.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    /// Standard deviation of one run around its segment's level.
    pub sigma: f64,
    /// Degrees of freedom: kept runs minus segments.
    pub df: f64,
    /// Each segment's level (mean of its kept runs) and kept count, in
    /// the order given.
    pub levels: Vec<(f64, usize)>,
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// Pools the spread of `segments` (each a slice of values of one level;
/// empty slices are ignored but keep their place in `levels` with the
/// level NaN and count 0). σ is 0 when every value equals its segment's
/// level; `None` when there are no degrees of freedom or a value is not
/// finite.
pub fn pooled_spread(segments: &[&[f64]]) -> Option<Spread> {
    if segments
        .iter()
        .flat_map(|s| s.iter())
        .any(|x| !x.is_finite())
    {
        return None;
    }
    let used = segments.iter().filter(|s| !s.is_empty()).count();
    let total: usize = segments.iter().map(|s| s.len()).sum();
    if total <= used {
        return None;
    }
    // Start from each segment's median and no limit: the first round is
    // the plain spread around each segment's mean.
    let mut levels: Vec<(f64, usize)> = segments
        .iter()
        .map(|s| (median(s).unwrap_or(f64::NAN), s.len()))
        .collect();
    let mut limit = f64::INFINITY;
    let mut sigma = 0.0;
    let mut df = 0;
    for _ in 0..ROUNDS {
        let mut ss = 0.0;
        let mut next = Vec::with_capacity(segments.len());
        for (s, &(level, _)) in segments.iter().zip(&levels) {
            let inside: Vec<f64> = s
                .iter()
                .copied()
                .filter(|x| (x - level).abs() <= limit)
                .collect();
            if inside.is_empty() {
                next.push((level, 0));
                continue;
            }
            let m = mean(&inside);
            ss += inside.iter().map(|x| (x - m).powi(2)).sum::<f64>();
            next.push((m, inside.len()));
        }
        let kept: usize = next.iter().map(|l| l.1).sum();
        let dropped = kept < levels.iter().map(|l| l.1).sum();
        df = kept.checked_sub(used).filter(|d| *d > 0)?;
        sigma = (ss / df as f64).sqrt();
        levels = next;
        if (limit.is_finite() && !dropped) || sigma == 0.0 {
            break;
        }
        limit = CLEAN_LIMIT * sigma;
    }
    Some(Spread {
        sigma,
        df: df as f64,
        levels,
    })
}

/// The measurement resolution of `values`: the smallest gap between two
/// distinct values. Integer-valued or coarsely quantised data have a
/// resolution q and cannot show a spread below q/√12 (the spread of the
/// rounding itself, Sheppard's correction); continuous data have a gap far
/// below their spread. `None` when all values are equal.
pub fn resolution(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0.0)
        .min_by(f64::total_cmp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

    #[test]
    fn pooled_spread_ignores_a_step_between_segments() {
        let mut rng = Rng::new(3);
        let a: Vec<f64> = (0..30).map(|_| rng.normal()).collect();
        let b: Vec<f64> = (0..30).map(|_| 10.0 + rng.normal()).collect();
        let s = pooled_spread(&[&a, &b]).unwrap();
        assert!((s.sigma - 1.0).abs() < 0.2, "{s:?}");
        assert!((55.0..=58.0).contains(&s.df), "{s:?}");
        assert!((s.levels[1].0 - 10.0).abs() < 0.5);
        let mixed: Vec<f64> = a.iter().chain(&b).copied().collect();
        assert!(pooled_spread(&[&mixed]).unwrap().sigma > 3.0);
    }

    #[test]
    fn an_outlying_run_does_not_inflate_the_spread() {
        let mut rng = Rng::new(4);
        let mut a: Vec<f64> = (0..30).map(|_| rng.normal()).collect();
        let clean = pooled_spread(&[&a]).unwrap().sigma;
        a[7] = 40.0;
        let s = pooled_spread(&[&a]).unwrap();
        assert!((s.sigma - clean).abs() < 0.15 * clean, "{s:?} vs {clean}");
        assert_eq!(s.df, 28.0);
        assert_eq!(s.levels[0].1, 29);
    }

    #[test]
    fn two_modes_are_both_kept() {
        // Half the runs 2 % low, half 2 % high: a MAD-started clip would see
        // one mode only and call the other outliers.
        let mut rng = Rng::new(5);
        let xs: Vec<f64> = (0..30)
            .map(|i| if i % 3 == 0 { -0.02 } else { 0.02 } + 0.005 * rng.normal())
            .collect();
        let s = pooled_spread(&[&xs]).unwrap();
        assert_eq!(s.levels[0].1, 30, "{s:?}");
        assert!(s.sigma > 0.015, "{s:?}");
    }

    #[test]
    fn flat_data_has_zero_spread_and_one_value_none() {
        let flat = pooled_spread(&[&[7.0; 10]]).unwrap();
        assert_eq!((flat.sigma, flat.df), (0.0, 9.0));
        assert!(pooled_spread(&[&[1.0]]).is_none());
        assert!(pooled_spread(&[&[1.0, f64::NAN]]).is_none());
    }

    #[test]
    fn resolution_is_the_smallest_gap() {
        assert_eq!(resolution(&[20.0, 21.0, 20.0, 19.0, 20.0]), Some(1.0));
        assert_eq!(resolution(&[5.0, 5.0]), None);
    }
}
