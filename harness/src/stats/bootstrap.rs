//! Percentile bootstrap confidence interval of the ratio of medians
//! `median(new) / median(base)` (Efron & Tibshirani 1993, *An Introduction
//! to the Bootstrap*, ch. 13). Each side is resampled with replacement
//! independently; the seed makes the interval reproducible.

use super::describe::{median, quantile};
use super::rng::Rng;

/// A ratio with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioCi {
    /// `median(new) / median(base)`.
    pub ratio: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// The interval at `level` (e.g. 0.95) from `resamples` bootstrap draws.
/// `None` on empty or non-finite input, a zero base median, a level
/// outside (0, 1) or fewer than 100 resamples.
pub fn median_ratio_ci(
    new: &[f64],
    base: &[f64],
    level: f64,
    resamples: usize,
    seed: u64,
) -> Option<RatioCi> {
    if !(level > 0.0 && level < 1.0) || resamples < 100 {
        return None;
    }
    let base_med = median(base)?;
    let ratio = median(new)? / base_med;
    if !ratio.is_finite() {
        return None;
    }
    let mut rng = Rng::new(seed);
    let mut buf_new = vec![0.0; new.len()];
    let mut buf_base = vec![0.0; base.len()];
    let mut ratios = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        for slot in buf_new.iter_mut() {
            *slot = new[rng.index(new.len())];
        }
        for slot in buf_base.iter_mut() {
            *slot = base[rng.index(base.len())];
        }
        let r = median(&buf_new)? / median(&buf_base)?;
        if r.is_finite() {
            ratios.push(r);
        }
    }
    let alpha = (1.0 - level) / 2.0;
    Some(RatioCi {
        ratio,
        lower: quantile(&ratios, alpha)?,
        upper: quantile(&ratios, 1.0 - alpha)?,
    })
}

/// The percentile bootstrap interval at `level` of the median of one
/// sample (e.g. the head/base ratios of paired rounds): `(median, lower,
/// upper)`. `None` on empty or non-finite input, a level outside (0, 1)
/// or fewer than 100 resamples.
pub fn median_ci(xs: &[f64], level: f64, resamples: usize, seed: u64) -> Option<RatioCi> {
    if !(level > 0.0 && level < 1.0) || resamples < 100 || xs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let center = median(xs)?;
    let mut rng = Rng::new(seed);
    let mut buf = vec![0.0; xs.len()];
    let mut medians = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        for slot in buf.iter_mut() {
            *slot = xs[rng.index(xs.len())];
        }
        medians.push(median(&buf)?);
    }
    let alpha = (1.0 - level) / 2.0;
    Some(RatioCi {
        ratio: center,
        lower: quantile(&medians, alpha)?,
        upper: quantile(&medians, 1.0 - alpha)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(center: f64, seed: u64) -> Vec<f64> {
        let mut rng = Rng::new(seed);
        (0..60)
            .map(|_| center * (1.0 + 0.02 * rng.normal()))
            .collect()
    }

    #[test]
    fn a_ten_percent_slowdown_excludes_one() {
        let ci = median_ratio_ci(&noisy(110.0, 1), &noisy(100.0, 2), 0.95, 2000, 42).unwrap();
        assert!(ci.lower > 1.05 && ci.upper < 1.15, "{ci:?}");
    }

    #[test]
    fn no_change_covers_one_and_is_deterministic() {
        let (a, b) = (noisy(100.0, 3), noisy(100.0, 4));
        let ci = median_ratio_ci(&a, &b, 0.95, 2000, 42).unwrap();
        assert!(ci.lower < 1.0 && ci.upper > 1.0, "{ci:?}");
        assert_eq!(Some(ci), median_ratio_ci(&a, &b, 0.95, 2000, 42));
    }

    #[test]
    fn one_sample_interval_brackets_the_median() {
        let ratios = [1.09, 1.11, 1.10, 1.12, 1.08, 1.10];
        let ci = median_ci(&ratios, 0.95, 2000, 7).unwrap();
        assert!((ci.ratio - 1.10).abs() < 1e-12);
        assert!(
            ci.lower >= 1.08 && ci.upper <= 1.12 && ci.lower < ci.upper,
            "{ci:?}"
        );
        assert_eq!(median_ci(&[], 0.95, 2000, 7), None);
        assert_eq!(median_ci(&[f64::NAN], 0.95, 2000, 7), None);
    }

    #[test]
    fn degenerate_input_is_none() {
        assert_eq!(median_ratio_ci(&[1.0], &[0.0], 0.95, 1000, 1), None);
        assert_eq!(median_ratio_ci(&[], &[1.0], 0.95, 1000, 1), None);
        assert_eq!(median_ratio_ci(&[1.0], &[1.0], 1.5, 1000, 1), None);
    }
}
