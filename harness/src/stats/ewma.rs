//! EWMA chart on standardised values (Roberts 1959; Lucas & Saccucci 1990,
//! "Exponentially weighted moving average control schemes", Technometrics
//! 32(1)): wᵢ = λzᵢ + (1 − λ)wᵢ₋₁ from w₀ = 0, signal when |wᵢ| exceeds
//! L·√(λ/(2 − λ)). With λ = 0.2 and L = 2.962 the in-control ARL is 500
//! and a 1σ shift is caught after 10.5 points (Lucas & Saccucci table 3;
//! Montgomery table 9.11). Those tables use the asymptotic limits, as here;
//! exact early-run limits are narrower and would alarm slightly sooner.

/// Weight of the newest point: small λ remembers long and finds slow creep.
pub const LAMBDA: f64 = 0.2;
/// Limit width in asymptotic σ of the EWMA statistic.
pub const L: f64 = 2.962;

/// Streaming EWMA state.
#[derive(Debug, Clone)]
pub struct Ewma {
    lambda: f64,
    limit: f64,
    w: f64,
    n: usize,
}

impl Ewma {
    /// A chart with weight `lambda` and width `l`.
    pub fn new(lambda: f64, l: f64) -> Ewma {
        Ewma {
            lambda,
            limit: l * (lambda / (2.0 - lambda)).sqrt(),
            w: 0.0,
            n: 0,
        }
    }

    /// Adds one standardised value; `Some(index)` when it signals.
    pub fn step(&mut self, z: f64) -> Option<usize> {
        let i = self.n;
        self.n += 1;
        self.w = self.lambda * z + (1.0 - self.lambda) * self.w;
        (self.w.abs() > self.limit).then_some(i)
    }

    /// The current statistic.
    pub fn value(&self) -> f64 {
        self.w
    }
}

/// Index of the first EWMA signal with λ = 0.2, L = 2.962; `None` when
/// none fires or a value is not finite.
pub fn ewma(zs: &[f64]) -> Option<usize> {
    if zs.iter().any(|z| !z.is_finite()) {
        return None;
    }
    let mut e = Ewma::new(LAMBDA, L);
    zs.iter().find_map(|&z| e.step(z))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

    fn arl(shift: f64, reps: usize, seed: u64) -> f64 {
        let mut rng = Rng::new(seed);
        let mut total = 0usize;
        for _ in 0..reps {
            let mut e = Ewma::new(LAMBDA, L);
            let mut n = 1;
            while e.step(rng.normal() + shift).is_none() {
                n += 1;
            }
            total += n;
        }
        total as f64 / reps as f64
    }

    /// Lucas & Saccucci (1990): ARL₀ = 500, ARL(1σ) = 10.5.
    #[test]
    fn average_run_lengths_match_lucas_saccucci() {
        let in_control = arl(0.0, 20_000, 5);
        assert!((in_control / 500.0 - 1.0).abs() < 0.04, "{in_control}");
        let shifted = arl(1.0, 20_000, 6);
        assert!((shifted / 10.5 - 1.0).abs() < 0.03, "{shifted}");
    }

    #[test]
    fn slow_creep_is_caught() {
        // +0.1σ per run: no single point is unusual for a long while.
        let zs: Vec<f64> = (0..40).map(|i| 0.1 * i as f64).collect();
        let at = ewma(&zs).unwrap();
        assert!(at > 5 && at < 20, "{at}");
        assert_eq!(ewma(&[0.0; 100]), None);
    }
}
