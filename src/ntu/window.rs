//! The sliding window with O(1) running statistics.
//!
//! Mean and variance come from running sums kept as fixed-point integers
//! (units of 2^-52): a value added and later removed contributes exactly the
//! same integer both times, so the sums never drift however many values pass
//! through. Each value is truncated once to a multiple of 2^-52 (an error
//! below 2.3e-16), far below the 1e-12 parity tolerance. The sign sum of
//! consecutive differences and the histogram counts are plain integers,
//! exact by construction.

/// Fixed-point scale: 2^52 units per 1.0. A value in [0, 1] then fits a
/// `u64` and converts with one machine instruction each way.
const SCALE: f64 = 4_503_599_627_370_496.0;

/// Upper edges of the first two of the three equal-width bins over [0, 1],
/// as numpy computes them (`linspace(0, 1, 4)`): `1/3` and `2 * (1/3)`.
pub const BIN_EDGES: [f64; 2] = [1.0 / 3.0, 2.0 * (1.0 / 3.0)];

fn fixed(x: f64) -> u128 {
    // x is in [0, 1], so x * 2^52 <= 2^52 fits a u64; scaling by a power of
    // two is exact, and the cast truncates deterministically.
    (x * SCALE) as u64 as u128
}

/// `v` as the nearest `f64`, from its two 64-bit halves (each converts in
/// one instruction, unlike a 128-bit integer).
fn to_f64(v: u128) -> f64 {
    const TWO_64: f64 = 18_446_744_073_709_551_616.0;
    (v >> 64) as u64 as f64 * TWO_64 + v as u64 as f64
}

fn sign(d: f64) -> i64 {
    if d > 0.0 {
        1
    } else if d < 0.0 {
        -1
    } else {
        0
    }
}

/// Which of the three histogram bins `x` in [0, 1] falls in (1.0 is in
/// the last bin).
pub fn bin_of(x: f64) -> usize {
    if x < BIN_EDGES[0] {
        0
    } else if x < BIN_EDGES[1] {
        1
    } else {
        2
    }
}

/// The last `capacity` values in [0, 1] with running statistics.
#[derive(Debug, Clone)]
pub struct Window {
    values: Box<[f64]>,
    /// Index of the oldest value.
    start: usize,
    len: usize,
    sum: u128,
    sum_sq: u128,
    /// Sum of `sign(x[i+1] - x[i])` over consecutive pairs in the window.
    sign_sum: i64,
    bins: [u32; 3],
}

impl Window {
    /// An empty window holding at most `capacity` values (at least 1).
    pub fn new(capacity: usize) -> Window {
        Window {
            values: vec![0.0; capacity.max(1)].into_boxed_slice(),
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
        self.len
    }

    /// Whether the window holds no value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn slot(&self, i: usize) -> usize {
        let j = self.start + i;
        if j >= self.values.len() {
            j - self.values.len()
        } else {
            j
        }
    }

    /// Appends `x` (already clamped to [0, 1]); the oldest value falls out
    /// when the window is full.
    pub fn push(&mut self, x: f64) {
        debug_assert!((0.0..=1.0).contains(&x));
        let cap = self.values.len();
        if self.len == cap {
            let old = self.values[self.start];
            if cap >= 2 {
                let next = self.values[self.slot(1)];
                self.sign_sum -= sign(next - old);
            }
            self.sum -= fixed(old);
            self.sum_sq -= fixed(old * old);
            self.bins[bin_of(old)] -= 1;
            self.start = self.slot(1);
            self.len -= 1;
        }
        if self.len > 0 {
            let last = self.values[self.slot(self.len - 1)];
            self.sign_sum += sign(x - last);
        }
        let at = self.slot(self.len);
        self.values[at] = x;
        self.len += 1;
        self.sum += fixed(x);
        self.sum_sq += fixed(x * x);
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
        (to_f64(self.sum) / SCALE) / self.len as f64
    }

    /// Population variance (divide by n) of the values (0 when empty).
    pub fn variance(&self) -> f64 {
        if self.len == 0 {
            return 0.0;
        }
        let n = self.len as f64;
        let mean = self.mean();
        ((to_f64(self.sum_sq) / SCALE) / n - mean * mean).max(0.0)
    }

    /// `|mean(sign(diff))|` over the consecutive differences (0 with fewer
    /// than two values).
    pub fn trend(&self) -> f64 {
        if self.len < 2 {
            return 0.0;
        }
        self.sign_sum.unsigned_abs() as f64 / (self.len - 1) as f64
    }

    /// Counts of the three histogram bins.
    pub fn bins(&self) -> [u32; 3] {
        self.bins
    }

    /// The values, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        (0..self.len).map(move |i| self.values[self.slot(i)])
    }
}
