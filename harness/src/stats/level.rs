//! The level and the run-to-run spread of a series, robust to a few
//! outlying runs, and the one-sided tail of Student's t.
//!
//! A run's value is one replicate: the spread that matters is between
//! runs, never within one. The spread is pooled over segments (stretches
//! of one level), each residual taken from its own segment's median, so a
//! step between segments does not inflate it. Residuals beyond
//! [`CLEAN_LIMIT`] robust σ are outliers and left out; the standard
//! deviation of the rest keeps nearly the efficiency of the plain one on
//! normal data (Huber 1981, §1.4: rejection at 3.5σ loses < 1 %), so the
//! t test keeps nearly `n − segments` degrees of freedom.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::describe::median;

/// Residuals beyond this many robust σ are outliers (Huber's 3.5).
pub const CLEAN_LIMIT: f64 = 3.5;

/// Robust scale of `residuals` (already centred): the MAD scaled to σ,
/// or, when more than half are exactly zero (quantised or integer data),
/// the root mean square. `None` when every residual is zero or the input
/// is empty or not finite.
fn robust_scale(residuals: &[f64]) -> Option<f64> {
    let abs: Vec<f64> = residuals.iter().map(|r| r.abs()).collect();
    // 1.4826 = 1 / Φ⁻¹(0.75): the MAD of a normal sample estimates 0.6745σ.
    let mad = 1.4826 * median(&abs)?;
    if mad > 0.0 {
        return Some(mad);
    }
    let rms = (abs.iter().map(|r| r * r).sum::<f64>() / abs.len() as f64).sqrt();
    (rms > 0.0).then_some(rms)
}

/// Spread pooled over segments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// Standard deviation of one run around its segment's level.
    pub sigma: f64,
    /// Degrees of freedom: kept residuals minus segments.
    pub df: f64,
}

/// Pools the spread of `segments` (each a slice of values of one level).
/// Returns σ = 0 with its degrees of freedom when every value equals its
/// segment's median; `None` when there are no degrees of freedom.
pub fn pooled_spread(segments: &[&[f64]]) -> Option<Spread> {
    let mut residuals = Vec::new();
    let mut used = 0usize;
    for s in segments.iter().filter(|s| !s.is_empty()) {
        let m = median(s)?;
        residuals.extend(s.iter().map(|x| x - m));
        used += 1;
    }
    if residuals.len() <= used {
        return None;
    }
    let Some(scale) = robust_scale(&residuals) else {
        return Some(Spread {
            sigma: 0.0,
            df: (residuals.len() - used) as f64,
        });
    };
    let kept: Vec<f64> = residuals
        .into_iter()
        .filter(|r| r.abs() <= CLEAN_LIMIT * scale)
        .collect();
    let df = kept.len().saturating_sub(used);
    if df == 0 {
        return None;
    }
    let ss: f64 = kept.iter().map(|r| r * r).sum();
    Some(Spread {
        sigma: (ss / df as f64).sqrt(),
        df: df as f64,
    })
}

/// The level of one segment: the mean of its values within
/// [`CLEAN_LIMIT`] σ of its median, and how many were kept. With σ = 0
/// it is the median.
pub fn clean_level(values: &[f64], sigma: f64) -> Option<(f64, usize)> {
    let m = median(values)?;
    if sigma <= 0.0 {
        return Some((m, values.len()));
    }
    let kept: Vec<f64> = values
        .iter()
        .copied()
        .filter(|x| (x - m).abs() <= CLEAN_LIMIT * sigma)
        .collect();
    if kept.is_empty() {
        return Some((m, values.len()));
    }
    Some((kept.iter().sum::<f64>() / kept.len() as f64, kept.len()))
}

/// P(T > t) for Student's t with `df` degrees of freedom; `None` for
/// df ≤ 0 or non-finite t.
pub fn t_upper_tail(t: f64, df: f64) -> Option<f64> {
    if df <= 0.0 || t.is_nan() {
        return None;
    }
    if t == f64::INFINITY {
        return Some(0.0);
    }
    if t == f64::NEG_INFINITY {
        return Some(1.0);
    }
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some(dist.sf(t))
}

/// The quantile of Student's t with upper tail `p`.
pub fn t_quantile(p: f64, df: f64) -> Option<f64> {
    if !(0.0 < p && p < 1.0) || df <= 0.0 {
        return None;
    }
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some(dist.inverse_cdf(1.0 - p))
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
    }

    #[test]
    fn integer_data_with_a_zero_mad_still_has_a_spread() {
        let xs = [5.0, 5.0, 5.0, 5.0, 6.0, 5.0, 4.0, 5.0, 5.0, 5.0, 6.0];
        let s = pooled_spread(&[&xs]).unwrap();
        assert!(s.sigma > 0.3 && s.sigma < 1.0, "{s:?}");
        let flat = pooled_spread(&[&[7.0; 10]]).unwrap();
        assert_eq!(flat.sigma, 0.0);
        assert!(pooled_spread(&[&[1.0]]).is_none());
    }

    #[test]
    fn student_tails_match_published_tables() {
        // Student's t table: t(0.975, 10) = 2.228, t(0.995, 29) = 2.756.
        assert!((t_upper_tail(2.228, 10.0).unwrap() - 0.025).abs() < 1e-4);
        assert!((t_quantile(0.005, 29.0).unwrap() - 2.756).abs() < 1e-3);
        assert_eq!(t_upper_tail(f64::INFINITY, 3.0), Some(0.0));
        assert_eq!(t_upper_tail(1.0, 0.0), None);
    }

    #[test]
    fn clean_level_drops_an_outlier() {
        let (level, kept) = clean_level(&[10.0, 10.2, 9.8, 10.1, 9.9, 30.0], 0.2).unwrap();
        assert!((level - 10.0).abs() < 1e-9 && kept == 5);
    }
}
