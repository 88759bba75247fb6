//! Normalised 3-bin entropy of the window, as a function of the bin counts.
//!
//! The entropy depends only on the three counts, so for windows up to
//! [`TABLE_MAX`] it is read from a table built once per window length,
//! with the very same function, so table and direct computation agree to
//! the bit. Larger windows compute it directly (three `log2` calls).

use std::sync::OnceLock;

/// Largest window length served from a table (a table for length n holds
/// (n+1)^2 entries: 33 KiB at 64).
pub const TABLE_MAX: usize = 64;

/// numpy's bin widths for `histogram(range=(0, 1), bins=3)`: the
/// differences of `linspace(0, 1, 4)`, i.e. `1/3`, `2/3 - 1/3`, `1 - 2/3`.
const WIDTHS: [f64; 3] = [
    1.0 / 3.0,
    2.0 * (1.0 / 3.0) - 1.0 / 3.0,
    1.0 - 2.0 * (1.0 / 3.0),
];

/// Entropy of the histogram `counts`, normalised by `log2(3)`, computed as
/// the reference does: densities `count / width / n`, plus `1e-10`,
/// normalised to sum 1, `-sum(p log2 p) / log2 3`.
pub fn direct(counts: [u32; 3]) -> f64 {
    let n = (counts[0] + counts[1] + counts[2]) as f64;
    let mut p = [0.0; 3];
    for i in 0..3 {
        p[i] = counts[i] as f64 / WIDTHS[i] / n + 1e-10;
    }
    let total = p[0] + p[1] + p[2];
    let mut h = 0.0;
    for pi in p {
        let q = pi / total;
        h += q * q.log2();
    }
    -h / 3f64.log2()
}

static TABLES: [OnceLock<Box<[f64]>>; TABLE_MAX + 1] = [const { OnceLock::new() }; TABLE_MAX + 1];

/// The normalised entropy for `counts`, from the table when the window is
/// short enough.
#[inline]
pub fn lookup(counts: [u32; 3]) -> f64 {
    let n = (counts[0] + counts[1] + counts[2]) as usize;
    // The table for n = 0 is never built, so the empty histogram, longer
    // windows and a table not built yet all take the out-of-line path,
    // which keeps this one free of calls.
    match TABLES.get(n).and_then(OnceLock::get) {
        Some(table) => table[counts[0] as usize * (n + 1) + counts[1] as usize],
        None => build_or_compute(counts[0], counts[1], counts[2]),
    }
}

/// [`lookup`] when no table is ready: builds the one for this window
/// length if it is short enough, else computes directly. Cold, so that
/// the caller keeps its values in registers on the table path instead of
/// saving them around this call; the counts come in three registers.
#[cold]
#[inline(never)]
fn build_or_compute(c0: u32, c1: u32, c2: u32) -> f64 {
    let counts = [c0, c1, c2];
    let n = (counts[0] + counts[1] + counts[2]) as usize;
    if n == 0 || n > TABLE_MAX {
        return direct(counts);
    }
    let table = TABLES[n].get_or_init(|| {
        let mut t = vec![0.0; (n + 1) * (n + 1)];
        for c0 in 0..=n {
            for c1 in 0..=(n - c0) {
                let c2 = n - c0 - c1;
                t[c0 * (n + 1) + c1] = direct([c0 as u32, c1 as u32, c2 as u32]);
            }
        }
        t.into_boxed_slice()
    });
    table[counts[0] as usize * (n + 1) + counts[1] as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_equals_direct_to_the_bit() {
        for n in [1u32, 2, 5, 17, 64] {
            for c0 in 0..=n {
                for c1 in 0..=(n - c0) {
                    let c = [c0, c1, n - c0 - c1];
                    assert_eq!(lookup(c).to_bits(), direct(c).to_bits(), "{c:?}");
                }
            }
        }
    }
}
