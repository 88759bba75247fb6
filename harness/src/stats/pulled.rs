//! The mean of k normal values with the largest pulled in to the second
//! largest: how far below the plain mean it sits on average, and its
//! variance, both in units of the values' σ.
//!
//! The judge tests a candidate level with its most extreme run pulled in
//! to the next, so that one outlier cannot carry the test. On normal
//! noise that mean is biased by −E[D]/k, where D = X₍ₖ₎ − X₍ₖ₋₁₎ is the
//! top spacing of k standard normals, and it is more variable than the
//! plain mean: Var = (k + Var D)/k², because the sum S of iid standard
//! normals has Cov(S, X₍ᵣ₎) = 1 for every order statistic (David &
//! Nagaraja, *Order Statistics*, 3rd ed., §3.2), so Cov(S, D) = 0.
//! Left uncorrected the bias is a handicap paid twice: the null tail is
//! thinner than the nominal level (a test that spends less than its α)
//! and a real step looks smaller than it is (about 0.3 of the
//! noncentrality of a five-run level).
//!
//! The spacing's moments are single integrals over the joint density of
//! the top two order statistics, k(k−1) Φ(u)^(k−2) φ(u) φ(v) for u < v,
//! with the inner integral in closed form (Q = 1 − Φ):
//!
//! - E[D]  = k(k−1) ∫ Φ(u)^(k−2) φ(u) [φ(u) − u Q(u)] du
//! - E[D²] = k(k−1) ∫ Φ(u)^(k−2) φ(u) [(1 + u²) Q(u) − u φ(u)] du
//!
//! evaluated by Simpson's rule on [−12, 12] (the integrands are below
//! 10⁻³⁰ outside it for any k this module answers). Published checks: for
//! k = 2 the pulled-in mean is the minimum of two, E[D] = 2/√π and
//! Var = 1 − 1/π.

use std::sync::OnceLock;

use statrs::function::erf::erfc;

/// Lengths answered from the table; longer ones are integrated on demand.
const TABLE: usize = 64;

/// Simpson intervals over [−12, 12] (even).
const STEPS: usize = 4800;

/// (bias, variance) of the pulled-in mean of k standard normal values:
/// the mean is on average `bias` below the plain mean, and `variance` is
/// its variance. For k < 2 nothing is pulled in: (0, 1/k).
pub fn pulled_in_moments(k: usize) -> (f64, f64) {
    if k < 2 {
        return (0.0, 1.0 / k.max(1) as f64);
    }
    static KNOWN: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    match KNOWN
        .get_or_init(|| (0..=TABLE).map(integrate).collect())
        .get(k)
    {
        Some(&m) => m,
        None => integrate(k),
    }
}

fn integrate(k: usize) -> (f64, f64) {
    if k < 2 {
        return (0.0, 1.0 / k.max(1) as f64);
    }
    let (lo, hi) = (-12.0_f64, 12.0_f64);
    let h = (hi - lo) / STEPS as f64;
    let (mut d1, mut d2) = (0.0, 0.0);
    for i in 0..=STEPS {
        let u = lo + h * i as f64;
        let w = if i == 0 || i == STEPS {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        let phi = (-0.5 * u * u).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let q = 0.5 * erfc(u / std::f64::consts::SQRT_2);
        let big = (1.0 - q).powi(k as i32 - 2) * phi;
        d1 += w * big * (phi - u * q);
        d2 += w * big * ((1.0 + u * u) * q - u * phi);
    }
    let scale = (k * (k - 1)) as f64 * h / 3.0;
    let (mean, square) = (d1 * scale, d2 * scale);
    let k = k as f64;
    (mean / k, (k + (square - mean * mean)) / (k * k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

    #[test]
    fn two_values_give_the_minimum_of_two() {
        let (bias, var) = pulled_in_moments(2);
        // E[min] = −1/√π, so the pulled-in mean sits 1/√π below the mean.
        assert!(
            (bias - 1.0 / std::f64::consts::PI.sqrt()).abs() < 1e-9,
            "{bias}"
        );
        assert!(
            (var - (1.0 - 1.0 / std::f64::consts::PI)).abs() < 1e-9,
            "{var}"
        );
        assert_eq!(pulled_in_moments(1), (0.0, 1.0));
    }

    #[test]
    fn the_moments_match_a_simulation() {
        let mut rng = Rng::new(7);
        for k in [3usize, 5, 12, 70] {
            let n = 200_000;
            let (mut s1, mut s2) = (0.0, 0.0);
            for _ in 0..n {
                let xs: Vec<f64> = (0..k).map(|_| rng.normal()).collect();
                let (mut first, mut second) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
                for &x in &xs {
                    if x > first {
                        second = first;
                        first = x;
                    } else if x > second {
                        second = x;
                    }
                }
                let m = (xs.iter().sum::<f64>() - first + second) / k as f64;
                s1 += m;
                s2 += m * m;
            }
            let mean = s1 / n as f64;
            let var = s2 / n as f64 - mean * mean;
            let (bias, v) = pulled_in_moments(k);
            let se = (v / n as f64).sqrt();
            assert!((-mean - bias).abs() < 5.0 * se, "k={k}: {mean} vs −{bias}");
            assert!((var / v - 1.0).abs() < 0.02, "k={k}: {var} vs {v}");
        }
    }
}
