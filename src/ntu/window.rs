//! The sliding window with O(1) running statistics.
//!
//! Mean and variance come from running sums kept as fixed-point integers: a
//! value added and later removed contributes exactly the same integer both
//! times, so the sums never drift however many values pass through. The
//! scale is 2^52, or for windows beyond 2^10 values the largest power of two
//! for which a full window of values in [0, 1] still sums below 2^62, so
//! each value is rounded once by at most 2^-53 up to 1024 values and by at
//! most 2^-43 at the largest window ([`MAX_CAPACITY`]), far below the 1e-12
//! parity tolerance. The sign sum of consecutive differences and the
//! histogram counts are plain integers, exact by construction.

/// Largest window: 2^20 values (8 MiB). The fixed-point scale shrinks as
/// the window grows; at this size a value is still truncated by less than
/// 1.2e-13, so the statistics stay within the parity tolerance.
pub const MAX_CAPACITY: usize = 1 << 20;

/// Upper edges of the first two of the three equal-width bins over [0, 1],
/// as numpy computes them (`linspace(0, 1, 4)`): `1/3` and `2 * (1/3)`.
pub const BIN_EDGES: [f64; 2] = [1.0 / 3.0, 2.0 * (1.0 / 3.0)];

/// `2^52`, or `2^62 / capacity` rounded down to a power of two when that is
/// smaller: a value in [0, 1] times it is at most 2^52 (see [`to_fixed`]),
/// and the sum of `capacity` of them stays at most 2^62, so it fits an
/// `i64`, which converts to `f64` in one instruction.
#[inline]
fn scale_for(capacity: usize) -> f64 {
    // 2^e, built from its exponent field: exact and branch-free.
    f64::from_bits(u64::from(1023 + scale_exponent(capacity)) << 52)
}

/// `1 / scale_for(capacity)`, exactly (a power of two).
#[inline]
fn inverse_scale_for(capacity: usize) -> f64 {
    f64::from_bits(u64::from(1023 - scale_exponent(capacity)) << 52)
}

/// The exponent of [`scale_for`]: `min(52, 62 - ceil(log2(capacity)))`.
#[inline]
fn scale_exponent(capacity: usize) -> u32 {
    // Windows up to 2^10 values, the common ones, take 52 at the cost of
    // one comparison instead of the logarithm.
    if capacity <= 1 << 10 {
        return 52;
    }
    // ceil(log2(capacity)) for capacity in 1..=2^20.
    let bits = usize::BITS - (capacity - 1).leading_zeros();
    (62 - bits).min(52)
}

/// 2^52, whose doubles are spaced exactly 1 apart up to 2^53.
const MAGIC: f64 = 4_503_599_627_370_496.0;

/// `round(y)` for `y` in [0, 2^52], read from the bits of `y + 2^52`: the
/// addition rounds `y` to the nearest integer (ties to even), and doubles
/// in [2^52, 2^53] are `2^52 + k` with `k` in their low bits (2^53 itself
/// gives `k = 2^52` through the exponent's carry). Deterministic, like any
/// rounding, and three instructions instead of a saturating float-to-int
/// conversion.
#[inline]
fn to_fixed(y: f64) -> u64 {
    (y + MAGIC).to_bits() - MAGIC.to_bits()
}

/// `sign(b - a)` for `a` and `b` in [0, 1], neither of them `-0.0`:
/// non-negative doubles are ordered as their bit patterns are, and two
/// integer comparisons cost half of two floating-point ones.
#[inline]
fn sign_of_rise(a: f64, b: f64) -> i32 {
    let (a, b) = (a.to_bits(), b.to_bits());
    i32::from(b > a) - i32::from(b < a)
}

/// Which of the three histogram bins `x` in [0, 1] falls in (1.0 is in
/// the last bin).
#[inline]
pub fn bin_of(x: f64) -> usize {
    usize::from(x >= BIN_EDGES[0]) + usize::from(x >= BIN_EDGES[1])
}

/// The last `capacity` values in [0, 1] with running statistics.
///
/// Kept small (56 bytes plus the values) since a unit is mostly its window.
#[derive(Debug, Clone)]
pub struct Window {
    values: Box<[f64]>,
    /// Index of the oldest value.
    start: u32,
    len: u32,
    /// Sum of `trunc(x * scale)` over the values.
    sum: u64,
    /// Sum of `trunc(x * x * scale)` over the values.
    sum_sq: u64,
    /// Sum of `sign(x[i+1] - x[i])` over consecutive pairs in the window.
    sign_sum: i32,
    bins: [u32; 3],
}

impl Window {
    /// An empty window holding at most `capacity` values, which must lie in
    /// `1..=MAX_CAPACITY` (the config check guarantees it).
    pub fn new(capacity: usize) -> Window {
        let capacity = capacity.clamp(1, MAX_CAPACITY);
        Window {
            values: vec![0.0; capacity].into_boxed_slice(),
            start: 0,
            len: 0,
            sum: 0,
            sum_sq: 0,
            sign_sum: 0,
            bins: [0; 3],
        }
    }

    /// Maximum number of values held.
    pub fn capacity(&self) -> usize {
        self.values.len()
    }

    /// Number of values held.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the window holds no value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn scale(&self) -> f64 {
        scale_for(self.values.len())
    }

    /// The mean of the values from the running sum: dividing by the scale
    /// is multiplying by its exact inverse.
    #[inline]
    fn mean_of(sum: u64, inverse_scale: f64, n: f64) -> f64 {
        // The sums stay below 2^62: a signed conversion is one instruction.
        (sum as i64 as f64 * inverse_scale) / n
    }

    /// `(variance, trend)` for a window of at least two values, the way
    /// [`variance`](Self::variance) and [`trend`](Self::trend) compute them
    /// (the same bits), sharing their common steps.
    #[inline]
    pub fn variance_and_trend(&self) -> (f64, f64) {
        debug_assert!(self.len >= 2);
        let inverse = inverse_scale_for(self.values.len());
        let n = f64::from(self.len);
        let mean = Self::mean_of(self.sum, inverse, n);
        let variance = (Self::mean_of(self.sum_sq, inverse, n) - mean * mean).max(0.0);
        let trend = f64::from(self.sign_sum.unsigned_abs()) / f64::from(self.len - 1);
        (variance, trend)
    }

    #[inline]
    fn slot(&self, i: usize) -> usize {
        let j = self.start as usize + i;
        if j >= self.values.len() {
            j - self.values.len()
        } else {
            j
        }
    }

    /// Appends `x` (already clamped to [0, 1]); the oldest value falls out
    /// when the window is full.
    #[inline]
    pub fn push(&mut self, x: f64) {
        debug_assert!((0.0..=1.0).contains(&x));
        // -0.0 becomes 0.0, so that bit patterns order the values.
        let x = x + 0.0;
        let scale = self.scale();
        // x in [0, 1] and a power-of-two scale: the product is exact and
        // at most 2^52.
        let fixed = |v: f64| to_fixed(v * scale);
        let cap = self.values.len();
        let len = self.len as usize;
        let start = self.start as usize;
        if len == cap {
            // Full (the usual case): the new value takes the oldest one's
            // slot, and the pair (oldest, next) gives way to (newest
            // before this one, x).
            let old = self.values[start];
            let next_slot = if start + 1 == cap { 0 } else { start + 1 };
            let last_slot = if start == 0 { cap - 1 } else { start - 1 };
            // A window of one holds no pair.
            if cap >= 2 {
                self.sign_sum += sign_of_rise(self.values[last_slot], x)
                    - sign_of_rise(old, self.values[next_slot]);
            }
            self.values[start] = x;
            self.start = next_slot as u32;
            // The sums include `old`: no underflow.
            self.sum = self.sum - fixed(old) + fixed(x);
            self.sum_sq = self.sum_sq - fixed(old * old) + fixed(x * x);
            self.bins[bin_of(old)] -= 1;
        } else {
            let at = self.slot(len);
            if len >= 1 {
                let last_slot = if at == 0 { cap - 1 } else { at - 1 };
                self.sign_sum += sign_of_rise(self.values[last_slot], x);
            }
            self.values[at] = x;
            self.len += 1;
            self.sum += fixed(x);
            self.sum_sq += fixed(x * x);
        }
        self.bins[bin_of(x)] += 1;
    }

    /// Empties the window.
    pub fn clear(&mut self) {
        self.start = 0;
        self.len = 0;
        self.sum = 0;
        self.sum_sq = 0;
        self.sign_sum = 0;
        self.bins = [0; 3];
    }

    /// Mean of the values (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.len == 0 {
            return 0.0;
        }
        // The sums stay below 2^63: a signed conversion is one instruction.
        (self.sum as i64 as f64 / self.scale()) / f64::from(self.len)
    }

    /// Population variance (divide by n) of the values (0 when empty).
    pub fn variance(&self) -> f64 {
        if self.len == 0 {
            return 0.0;
        }
        let inverse = inverse_scale_for(self.values.len());
        let n = f64::from(self.len);
        let mean = Self::mean_of(self.sum, inverse, n);
        (Self::mean_of(self.sum_sq, inverse, n) - mean * mean).max(0.0)
    }

    /// `|mean(sign(diff))|` over the consecutive differences (0 with fewer
    /// than two values).
    pub fn trend(&self) -> f64 {
        if self.len < 2 {
            return 0.0;
        }
        f64::from(self.sign_sum.unsigned_abs()) / f64::from(self.len - 1)
    }

    /// Counts of the three histogram bins.
    pub fn bins(&self) -> [u32; 3] {
        self.bins
    }

    /// The values, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len()).map(move |i| self.values[self.slot(i)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_of_ones_fits_the_sums() {
        for cap in [1, 2, 3, 4, 5, 63, 64, 65, 1000, 1024, 1025, MAX_CAPACITY] {
            let s = scale_for(cap);
            assert_eq!(s * inverse_scale_for(cap), 1.0);
            assert!(s <= MAGIC, "capacity {cap}");
            assert!(s * cap as f64 <= 2f64.powi(62), "capacity {cap}");
            assert!(
                s == MAGIC || s * cap as f64 > 2f64.powi(61),
                "capacity {cap}: scale too small"
            );
        }
        for (y, k) in [
            (0.0, 0),
            (0.5, 0),
            (1.5, 2),
            (7.0, 7),
            (MAGIC - 1.0, (1 << 52) - 1),
        ] {
            assert_eq!(to_fixed(y), k, "{y}");
        }
        assert_eq!(to_fixed(MAGIC), 1 << 52);
        let mut w = Window::new(3);
        for _ in 0..10 {
            w.push(1.0);
        }
        assert_eq!((w.mean(), w.variance(), w.trend()), (1.0, 0.0, 0.0));
        assert_eq!(w.bins(), [0, 0, 3]);
        let mut w = Window::new(4);
        for x in [0.1, 0.7, 0.3, 0.9, 0.2] {
            w.push(x);
        }
        assert_eq!(w.variance_and_trend(), (w.variance(), w.trend()));
        // A window of one holds no pair, so no trend.
        let mut one = Window::new(1);
        for x in [0.2, 0.9, 0.1] {
            one.push(x);
            assert_eq!((one.len(), one.trend()), (1, 0.0));
            // One rounding to a multiple of 2^-52.
            assert!((one.mean() - x).abs() <= f64::EPSILON / 2.0);
        }
    }

    #[test]
    fn bins_follow_numpy_edges() {
        assert_eq!(bin_of(0.0), 0);
        assert_eq!(bin_of(BIN_EDGES[0]), 1);
        assert_eq!(bin_of(f64::from_bits(BIN_EDGES[0].to_bits() - 1)), 0);
        assert_eq!(bin_of(BIN_EDGES[1]), 2);
        assert_eq!(bin_of(1.0), 2);
    }
}
