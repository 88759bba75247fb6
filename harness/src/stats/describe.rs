//! Descriptive statistics over `&[f64]`: each returns `None` on empty or
//! non-finite input.

/// Sorted copy, or `None` when empty or any value is not finite.
pub fn sorted(xs: &[f64]) -> Option<Vec<f64>> {
    if xs.is_empty() || xs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    Some(v)
}

/// Arithmetic mean.
pub fn mean(xs: &[f64]) -> Option<f64> {
    sorted(xs).map(|v| v.iter().sum::<f64>() / v.len() as f64)
}

/// Sample standard deviation (n − 1); `None` for n < 2.
pub fn std_dev(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let m = mean(xs)?;
    let ss: f64 = xs.iter().map(|x| (x - m).powi(2)).sum();
    Some((ss / (xs.len() - 1) as f64).sqrt())
}

/// Quantile `q` in [0, 1] by linear interpolation between order statistics
/// (Hyndman & Fan 1996, definition 7; R's default, numpy's `linear`).
pub fn quantile(xs: &[f64], q: f64) -> Option<f64> {
    if !(0.0..=1.0).contains(&q) {
        return None;
    }
    Some(quantile_of_sorted(&sorted(xs)?, q))
}

/// [`quantile`] of values already given by [`sorted`] (not empty; `q` in
/// [0, 1]), for several quantiles of one sample at the cost of one sort.
pub fn quantile_of_sorted(v: &[f64], q: f64) -> f64 {
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// Median.
pub fn median(xs: &[f64]) -> Option<f64> {
    quantile(xs, 0.5)
}

/// Median absolute deviation scaled by 1.4826 so that it estimates σ for
/// normal data (1.4826 = 1 / Φ⁻¹(0.75)). `None` when it is zero.
pub fn mad_sigma(xs: &[f64]) -> Option<f64> {
    let m = median(xs)?;
    let dev: Vec<f64> = xs.iter().map(|x| (x - m).abs()).collect();
    Some(1.4826 * median(&dev)?).filter(|s| *s > 0.0)
}

/// Quartiles as rustc-perf computes them: Q1 the median of the lower half,
/// Q3 the median of the upper half (the middle value excluded for odd n).
/// `None` for n < 2.
pub fn tukey_quartiles(xs: &[f64]) -> Option<(f64, f64)> {
    let v = sorted(xs)?;
    if v.len() < 2 {
        return None;
    }
    let half = v.len() / 2;
    let lower = &v[..half];
    let upper = &v[v.len() - half..];
    Some((median(lower)?, median(upper)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_type_7_quantiles() {
        let xs = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(median(&xs), Some(3.0));
        // R: quantile(c(1,2,3,4,10), 0.99) = 9.76
        assert!((quantile(&xs, 0.99).unwrap() - 9.76).abs() < 1e-12);
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[1.0, f64::NAN], 0.5), None);
    }

    #[test]
    fn spread_estimates() {
        // R: sd(c(2,4,4,4,5,5,7,9)) = 2.13809
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert!((std_dev(&xs).unwrap() - 2.138_090).abs() < 1e-6);
        // R: mad(c(2,4,4,4,5,5,7,9)) = 0.7413
        assert!((mad_sigma(&xs).unwrap() - 0.7413).abs() < 1e-9);
        assert_eq!(mad_sigma(&[3.0, 3.0, 3.0]), None);
        assert_eq!(
            tukey_quartiles(&[1.0, 2.0, 3.0, 4.0, 5.0]),
            Some((1.5, 4.5))
        );
    }
}
