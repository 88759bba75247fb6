//! The noise threshold for deterministic metrics (instruction counts),
//! after rustc-perf (`docs/comparison-analysis.md`, "What makes a test
//! result significant?"): take the relative changes between consecutive
//! runs over the recent history, and call a new change significant when it
//! exceeds the upper fence Q3 + 3·IQR of their magnitudes. Quartiles are
//! the medians of the lower and upper halves, as rustc-perf computes them.

use super::describe::tukey_quartiles;

/// How many recent runs the threshold learns from (rustc-perf: 30).
pub const WINDOW: usize = 30;

/// rustc-perf's fence multiplier: 3 IQRs above Q3 (Tukey's "far out").
const IQR_MULTIPLIER: f64 = 3.0;

/// Smallest threshold ever returned: 0.2 %. Instruction counts of
/// unchanged code can be identical run after run, giving an IQR of zero;
/// the floor keeps a one-instruction wobble from counting as a change.
pub const FLOOR: f64 = 0.002;

/// The significance threshold (a fraction, e.g. 0.004 for 0.4 %) learnt
/// from `history` (values in run order, oldest first; the last
/// [`WINDOW`] are used). `None` with fewer than 3 values (fewer than two
/// changes) or a non-finite or zero value.
pub fn noise_threshold(history: &[f64]) -> Option<f64> {
    let recent = &history[history.len().saturating_sub(WINDOW)..];
    if recent.len() < 3 || recent.iter().any(|v| !v.is_finite() || *v == 0.0) {
        return None;
    }
    let changes: Vec<f64> = recent
        .windows(2)
        .map(|w| ((w[1] - w[0]) / w[0]).abs())
        .collect();
    let (q1, q3) = tukey_quartiles(&changes)?;
    Some((q3 + IQR_MULTIPLIER * (q3 - q1)).max(FLOOR))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_counts_give_the_floor() {
        assert_eq!(noise_threshold(&[1000.0; 10]), Some(FLOOR));
    }

    #[test]
    fn fence_of_changes() {
        // Changes: 1%, 2%, 1%, 2% → halves {1,1} and {2,2} (sorted 1,1,2,2):
        // Q1 = 1 %, Q3 = 2 %, fence = 2 % + 3·1 % = 5 %.
        let h = [100.0, 101.0, 103.02, 101.9898, 104.029596];
        let t = noise_threshold(&h).unwrap();
        assert!((t - 0.05).abs() < 1e-9, "{t}");
    }

    #[test]
    fn uses_only_the_recent_window() {
        let mut h = vec![100.0, 200.0, 100.0, 200.0];
        h.extend(std::iter::repeat_n(100.0, WINDOW));
        assert_eq!(noise_threshold(&h), Some(FLOOR));
        assert_eq!(noise_threshold(&[1.0, 2.0]), None);
    }
}
