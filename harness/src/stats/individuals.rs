//! Individuals (X) chart with robust limits: the center is the median of
//! the reference values and σ is estimated from the median moving range,
//! σ̂ = median|xᵢ − xᵢ₋₁| / 0.954 (Wheeler & Chambers, *Understanding
//! Statistical Process Control*, 2nd ed., table A.2: for subgroups of two
//! the median range is 0.954σ). Medians make one wild run barely move the
//! limits, unlike the mean and average moving range.

use super::describe::median;

/// Median moving range of normal data as a multiple of σ: √2·Φ⁻¹(0.75).
const MEDIAN_MR_TO_SIGMA: f64 = 0.954;

/// Shewhart's three-sigma limits.
pub const SIGMA_LIMIT: f64 = 3.0;

/// Center and spread of an individuals chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Center line (median).
    pub center: f64,
    /// Estimated σ.
    pub sigma: f64,
}

impl Limits {
    /// Upper control limit, center + 3σ.
    pub fn upper(&self) -> f64 {
        self.center + SIGMA_LIMIT * self.sigma
    }

    /// Lower control limit, center − 3σ.
    pub fn lower(&self) -> f64 {
        self.center - SIGMA_LIMIT * self.sigma
    }

    /// `x` in σ units from the center.
    pub fn z(&self, x: f64) -> f64 {
        (x - self.center) / self.sigma
    }
}

/// Robust limits from reference values in run order; `None` for fewer
/// than 3 values, non-finite values, or a zero moving range.
pub fn robust_limits(xs: &[f64]) -> Option<Limits> {
    if xs.len() < 3 {
        return None;
    }
    let center = median(xs)?;
    let ranges: Vec<f64> = xs.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let sigma = median(&ranges)? / MEDIAN_MR_TO_SIGMA;
    (sigma > 0.0 && sigma.is_finite()).then_some(Limits { center, sigma })
}

/// Index of the first standardised value beyond ±3σ (Western Electric rule 1).
pub fn first_beyond(zs: &[f64]) -> Option<usize> {
    zs.iter().position(|z| z.abs() > SIGMA_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

    #[test]
    fn limits_resist_one_outlier() {
        let mut xs: Vec<f64> = (0..21)
            .map(|i| 100.0 + if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let clean = robust_limits(&xs).unwrap();
        xs[7] = 1000.0;
        let dirty = robust_limits(&xs).unwrap();
        assert_eq!(clean.center, dirty.center);
        assert!((dirty.sigma - clean.sigma).abs() < 1e-9);
        assert!((clean.sigma - 2.0 / 0.954).abs() < 1e-9);
    }

    #[test]
    fn sigma_estimate_is_unbiased_for_normal_data() {
        let mut rng = Rng::new(11);
        let xs: Vec<f64> = (0..20_000).map(|_| 5.0 + 2.0 * rng.normal()).collect();
        let l = robust_limits(&xs).unwrap();
        assert!((l.sigma - 2.0).abs() < 0.05, "{l:?}");
    }

    /// Shewhart 3σ chart: ARL 370.4 in control, 43.9 after a 1σ shift
    /// (Montgomery, *Introduction to Statistical Quality Control*, 6th ed.,
    /// §5.3.3 and §6.2.3; 1/0.0027 and 1/0.0228).
    #[test]
    fn shewhart_average_run_lengths() {
        let arl = |shift: f64, reps: usize, seed: u64| {
            let mut rng = Rng::new(seed);
            let mut total = 0usize;
            for _ in 0..reps {
                let mut n = 0;
                loop {
                    n += 1;
                    if first_beyond(&[rng.normal() + shift]).is_some() {
                        break;
                    }
                }
                total += n;
            }
            total as f64 / reps as f64
        };
        let in_control = arl(0.0, 20_000, 1);
        assert!((in_control / 370.4 - 1.0).abs() < 0.03, "{in_control}");
        let shifted = arl(1.0, 20_000, 2);
        assert!((shifted / 43.9 - 1.0).abs() < 0.03, "{shifted}");
    }

    #[test]
    fn degenerate_input_is_none() {
        assert_eq!(robust_limits(&[1.0, 1.0, 1.0]), None);
        assert_eq!(robust_limits(&[1.0, 2.0]), None);
    }
}
