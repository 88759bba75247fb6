//! NTU inputs: a fixed stream of observations and units with full windows.

use bizra::ntu::{Ntu, NtuConfig};

/// A fixed pseudo-random stream in [0, 1] (xorshift), so every run and
/// every revision measures the same input.
pub fn stream(n: usize) -> Vec<f64> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// A unit whose window of `window` values is full, and the next value.
pub fn full_unit(window: usize) -> (Ntu, f64) {
    let values = stream(window + 1);
    let mut ntu = Ntu::new(NtuConfig::with_window(window)).expect("valid config");
    for &v in &values[..window] {
        ntu.observe(v).expect("finite");
    }
    (ntu, values[window])
}
