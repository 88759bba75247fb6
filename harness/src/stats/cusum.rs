//! Two-sided tabular CUSUM on standardised values (Page 1954; Montgomery,
//! *Introduction to Statistical Quality Control*, 6th ed., §9.1):
//! C⁺ᵢ = max(0, zᵢ − k + C⁺ᵢ₋₁), C⁻ᵢ = max(0, −zᵢ − k + C⁻ᵢ₋₁), signal when
//! either exceeds h. With k = 0.5 and h = 5 (in σ) the in-control ARL is
//! 465 and a 1σ shift is caught after 10.4 points on average (Montgomery
//! table 9.3). The shift is estimated to have begun just after the last
//! point where the signalling sum was zero.

/// Reference value k in σ: half the 1σ shift the chart is tuned to find.
pub const K: f64 = 0.5;
/// Decision interval h in σ (Montgomery's recommended h = 5 for k = 0.5).
pub const H: f64 = 5.0;

/// A CUSUM alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alarm {
    /// Index at which the sum crossed h.
    pub at: usize,
    /// Estimated first index of the shift.
    pub since: usize,
    /// True for an upward shift (slower, bigger), false for downward.
    pub upward: bool,
}

/// Streaming CUSUM state.
#[derive(Debug, Clone)]
pub struct Cusum {
    k: f64,
    h: f64,
    hi: f64,
    lo: f64,
    hi_since: usize,
    lo_since: usize,
    n: usize,
}

impl Cusum {
    /// A chart with reference value `k` and decision interval `h` (in σ).
    pub fn new(k: f64, h: f64) -> Cusum {
        Cusum {
            k,
            h,
            hi: 0.0,
            lo: 0.0,
            hi_since: 0,
            lo_since: 0,
            n: 0,
        }
    }

    /// Adds one standardised value; returns an alarm when a sum crosses h.
    pub fn step(&mut self, z: f64) -> Option<Alarm> {
        let i = self.n;
        self.n += 1;
        if self.hi == 0.0 {
            self.hi_since = i;
        }
        if self.lo == 0.0 {
            self.lo_since = i;
        }
        self.hi = (self.hi + z - self.k).max(0.0);
        self.lo = (self.lo - z - self.k).max(0.0);
        if self.hi > self.h {
            Some(Alarm {
                at: i,
                since: self.hi_since,
                upward: true,
            })
        } else if self.lo > self.h {
            Some(Alarm {
                at: i,
                since: self.lo_since,
                upward: false,
            })
        } else {
            None
        }
    }
}

/// The first alarm over a series of standardised values with k = 0.5,
/// h = 5; `None` when none fires or a value is not finite.
pub fn cusum(zs: &[f64]) -> Option<Alarm> {
    if zs.iter().any(|z| !z.is_finite()) {
        return None;
    }
    let mut c = Cusum::new(K, H);
    zs.iter().find_map(|&z| c.step(z))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

    fn arl(shift: f64, reps: usize, seed: u64) -> f64 {
        let mut rng = Rng::new(seed);
        let mut total = 0usize;
        for _ in 0..reps {
            let mut c = Cusum::new(K, H);
            let mut n = 1;
            while c.step(rng.normal() + shift).is_none() {
                n += 1;
            }
            total += n;
        }
        total as f64 / reps as f64
    }

    /// Montgomery table 9.3 (k = 0.5, h = 5): ARL₀ = 465, ARL(1σ) = 10.4.
    #[test]
    fn average_run_lengths_match_montgomery() {
        let in_control = arl(0.0, 20_000, 3);
        assert!((in_control / 465.0 - 1.0).abs() < 0.04, "{in_control}");
        let shifted = arl(1.0, 20_000, 4);
        assert!((shifted / 10.4 - 1.0).abs() < 0.03, "{shifted}");
    }

    #[test]
    fn names_where_a_step_began() {
        let mut zs = vec![0.0; 20];
        zs.extend(std::iter::repeat_n(2.0, 10));
        let a = cusum(&zs).unwrap();
        assert!(a.upward);
        assert_eq!(a.since, 20);
        assert_eq!(a.at, 23); // 1.5 per point: 1.5, 3, 4.5, 6 > 5
        assert_eq!(cusum(&[0.0; 50]), None);
        assert_eq!(cusum(&[f64::NAN]), None);
    }
}
