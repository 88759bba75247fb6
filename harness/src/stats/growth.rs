//! Growth-exponent fit for complexity gates: ordinary least squares of
//! ln(cost) on ln(n), cost ≈ a·nᵇ, with the standard error of b from the
//! residual variance (any regression text, e.g. Draper & Smith, *Applied
//! Regression Analysis*, §1.4). A second fit, cost ≈ c + d·ln n, reports
//! how well a logarithm explains the sweep.

/// The fitted power law.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerFit {
    /// The exponent b.
    pub exponent: f64,
    /// Standard error of b; zero when the fit is exact or n = 2.
    pub std_error: f64,
    /// The factor a.
    pub factor: f64,
    /// R² of the log–log fit.
    pub r_squared: f64,
}

/// Least squares y = α + βx: (α, β, se(β), R²). `None` for fewer than two
/// points, non-finite values or no spread in x.
fn ols(x: &[f64], y: &[f64]) -> Option<(f64, f64, f64, f64)> {
    let n = x.len();
    if n < 2 || n != y.len() || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let mx = x.iter().sum::<f64>() / n as f64;
    let my = y.iter().sum::<f64>() / n as f64;
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let syy: f64 = y.iter().map(|v| (v - my).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let beta = sxy / sxx;
    let alpha = my - beta * mx;
    let sse: f64 = x
        .iter()
        .zip(y)
        .map(|(a, b)| (b - alpha - beta * a).powi(2))
        .sum();
    let se = if n > 2 {
        (sse / (n - 2) as f64 / sxx).sqrt()
    } else {
        0.0
    };
    let r2 = if syy > 0.0 { 1.0 - sse / syy } else { 1.0 };
    Some((alpha, beta, se, r2))
}

/// Fits cost ≈ a·nᵇ to (size, cost) pairs; sizes and costs must be
/// positive.
pub fn power_fit(sizes: &[f64], costs: &[f64]) -> Option<PowerFit> {
    if sizes.iter().chain(costs).any(|v| *v <= 0.0) {
        return None;
    }
    let lx: Vec<f64> = sizes.iter().map(|v| v.ln()).collect();
    let ly: Vec<f64> = costs.iter().map(|v| v.ln()).collect();
    let (alpha, beta, se, r2) = ols(&lx, &ly)?;
    Some(PowerFit {
        exponent: beta,
        std_error: se,
        factor: alpha.exp(),
        r_squared: r2,
    })
}

/// R² of cost ≈ c + d·ln n.
pub fn log_fit_r_squared(sizes: &[f64], costs: &[f64]) -> Option<f64> {
    if sizes.iter().any(|v| *v <= 0.0) {
        return None;
    }
    let lx: Vec<f64> = sizes.iter().map(|v| v.ln()).collect();
    ols(&lx, costs).map(|(_, _, _, r2)| r2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZES: [f64; 4] = [100.0, 1000.0, 10_000.0, 100_000.0];

    #[test]
    fn recovers_known_exponents() {
        let lin: Vec<f64> = SIZES.iter().map(|n| 3.0 * n).collect();
        let f = power_fit(&SIZES, &lin).unwrap();
        assert!(
            (f.exponent - 1.0).abs() < 1e-12 && f.std_error < 1e-9 && (f.factor - 3.0).abs() < 1e-9
        );
        let constant = [50.0, 50.0, 50.0, 50.0];
        assert!(power_fit(&SIZES, &constant).unwrap().exponent.abs() < 1e-12);
    }

    #[test]
    fn logarithmic_cost_has_a_small_exponent_and_fits_a_log() {
        let log: Vec<f64> = SIZES.iter().map(|n| 10.0 * n.ln()).collect();
        let f = power_fit(&SIZES, &log).unwrap();
        assert!(f.exponent > 0.05 && f.exponent < 0.3, "{f:?}");
        assert!((log_fit_r_squared(&SIZES, &log).unwrap() - 1.0).abs() < 1e-12);
        let nlogn: Vec<f64> = SIZES.iter().map(|n| n * n.ln()).collect();
        let g = power_fit(&SIZES, &nlogn).unwrap();
        assert!(g.exponent > 1.05 && g.exponent < 1.2, "{g:?}");
    }

    #[test]
    fn standard_error_grows_with_noise_and_degenerate_input_is_none() {
        let noisy = [100.0, 180.0, 90.0, 150.0];
        assert!(power_fit(&SIZES, &noisy).unwrap().std_error > 0.05);
        assert_eq!(power_fit(&[10.0], &[1.0]), None);
        assert_eq!(power_fit(&[10.0, 10.0], &[1.0, 2.0]), None);
        assert_eq!(power_fit(&[10.0, 20.0], &[0.0, 2.0]), None);
    }
}
