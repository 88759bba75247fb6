//! Welch's unequal-variance t-test (Welch 1947, "The generalization of
//! Student's problem when several different population variances are
//! involved", Biometrika 34), with the Welch–Satterthwaite degrees of
//! freedom. statrs 0.19 has Student's t distribution and a one-sample
//! test but no two-sample test, so the statistic is computed here. The
//! harness judges wall time with the rank test instead (bench times are
//! skewed and heavy-tailed); this is kept for reports and cross-checks.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::describe::{mean, std_dev};

/// A two-sided Welch test of `x` against `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Welch {
    /// The t statistic, (mean x − mean y) / standard error.
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p-value.
    pub p_two_sided: f64,
}

/// `None` when either sample has fewer than two values, a value is not
/// finite, or both variances are zero.
pub fn welch(x: &[f64], y: &[f64]) -> Option<Welch> {
    let (vx, vy) = (
        std_dev(x)?.powi(2) / x.len() as f64,
        std_dev(y)?.powi(2) / y.len() as f64,
    );
    let se2 = vx + vy;
    if se2 <= 0.0 {
        return None;
    }
    let t = (mean(x)? - mean(y)?) / se2.sqrt();
    let df = se2 * se2 / (vx * vx / (x.len() - 1) as f64 + vy * vy / (y.len() - 1) as f64);
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some(Welch {
        t,
        df,
        p_two_sided: 2.0 * (1.0 - dist.cdf(t.abs())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Student's sleep data (Cushny & Peebles 1905), R's
    /// `t.test(extra ~ group, data = sleep)`: t = −1.8608, df = 17.776,
    /// p = 0.07939.
    #[test]
    fn r_sleep_example() {
        let g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        let g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        let w = welch(&g1, &g2).unwrap();
        assert!((w.t - -1.8608).abs() < 1e-4, "{w:?}");
        assert!((w.df - 17.776).abs() < 1e-3, "{w:?}");
        assert!((w.p_two_sided - 0.07939).abs() < 1e-5, "{w:?}");
    }

    #[test]
    fn degenerate_input_is_none() {
        assert_eq!(welch(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(welch(&[1.0, 1.0], &[2.0, 2.0]), None);
    }
}
