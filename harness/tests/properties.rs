//! Property tests for the model's invariants and the statistics' ranges.

use harness::model::{BenchId, Sample};
use harness::stats::describe::{median, quantile};
use harness::stats::level::pooled_spread;
use proptest::prelude::*;

proptest! {
    /// Any valid sample, of either sign, survives a JSON round trip
    /// unchanged.
    #[test]
    fn samples_round_trip(values in prop::collection::vec(-1e12f64..1e12, 1..50)) {
        let s = Sample::new(values.clone()).unwrap();
        let text = serde_json::to_string(&s).unwrap();
        let back: Sample = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(back.values(), &values[..]);
    }

    /// Parsing never panics, and an accepted id yields a file name of safe
    /// characters only.
    #[test]
    fn bench_ids_give_safe_file_names(raw in "\\PC{0,40}") {
        if let Ok(id) = BenchId::parse(&raw) {
            let stem = id.file_stem();
            prop_assert!(!stem.is_empty());
            prop_assert!(stem.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)));
        }
    }

    /// Quantiles stay within the data's range and are ordered.
    #[test]
    fn quantiles_are_bounded_and_monotone(values in prop::collection::vec(-1e6f64..1e6, 1..60), a in 0.0f64..1.0, b in 0.0f64..1.0) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let min = values.iter().cloned().fold(f64::INFINITY, f64::min);
        let max = values.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let (ql, qh) = (quantile(&values, lo).unwrap(), quantile(&values, hi).unwrap());
        prop_assert!(min <= ql && ql <= qh && qh <= max);
        prop_assert!(median(&values).is_some());
    }

    /// The pooled spread is never negative, keeps at most n − segments
    /// degrees of freedom, and scales with the data (a change of unit
    /// cannot change a verdict).
    #[test]
    fn pooled_spread_is_scale_equivariant(a in prop::collection::vec(-100.0f64..100.0, 2..30), b in prop::collection::vec(-100.0f64..100.0, 2..30), c in 0.01f64..100.0) {
        if let Some(s) = pooled_spread(&[&a, &b]) {
            prop_assert!(s.sigma >= 0.0);
            prop_assert!(s.df <= (a.len() + b.len() - 2) as f64);
            let (ca, cb): (Vec<f64>, Vec<f64>) = (a.iter().map(|x| x * c).collect(), b.iter().map(|x| x * c).collect());
            let t = pooled_spread(&[&ca, &cb]).unwrap();
            prop_assert!((t.sigma - c * s.sigma).abs() <= 1e-9 * (1.0 + c * s.sigma));
            prop_assert_eq!(t.df, s.df);
        }
    }
}
