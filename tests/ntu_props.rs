//! NTU invariants: the state stays in [0, 1], equals a plain two-pass
//! recomputation, never drifts, and bad input is refused without a panic.

use bizra::ntu::{Ntu, NtuConfig, NtuError, NtuState};
use proptest::prelude::*;

/// A straightforward NTU written from SYSTEMS.md: a `Vec` window and
/// two-pass statistics over it at every step.
struct PlainNtu {
    window: Vec<f64>,
    cap: usize,
    weights: [f64; 3],
    belief: f64,
}

impl PlainNtu {
    fn new(cap: usize, weights: [f64; 3]) -> Self {
        PlainNtu {
            window: Vec::new(),
            cap,
            weights,
            belief: 0.5,
        }
    }

    fn observe(&mut self, v: f64) -> [f64; 3] {
        let v = v.clamp(0.0, 1.0);
        if self.window.len() == self.cap {
            self.window.remove(0);
        }
        self.window.push(v);
        let w = &self.window;
        let n = w.len() as f64;
        let temporal = if w.len() < 2 {
            0.5
        } else {
            let mean = w.iter().sum::<f64>() / n;
            let var = w.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
            let signs: f64 = w
                .windows(2)
                .map(|p| {
                    let d = p[1] - p[0];
                    if d > 0.0 {
                        1.0
                    } else if d < 0.0 {
                        -1.0
                    } else {
                        0.0
                    }
                })
                .sum();
            0.7 * (-4.0 * var).exp() + 0.3 * (signs / (n - 1.0)).abs()
        };
        let class = if v < 0.33 {
            [0.1, 0.2, 0.7]
        } else if v < 0.67 {
            [0.4, 0.4, 0.2]
        } else {
            [0.8, 0.1, 0.1]
        };
        let prior = class[0] / class.iter().map(|x| x * x).sum::<f64>().sqrt();
        let [a, b, g] = self.weights;
        let belief = a * temporal + b * prior + g * self.belief;
        let edges = [1.0 / 3.0, 2.0 / 3.0];
        let widths = [1.0 / 3.0, 1.0 / 3.0, 1.0 - 2.0 / 3.0];
        let mut counts = [0.0; 3];
        for &x in w {
            let bin = if x < edges[0] {
                0
            } else if x < edges[1] {
                1
            } else {
                2
            };
            counts[bin] += 1.0;
        }
        let p: Vec<f64> = (0..3).map(|i| counts[i] / widths[i] / n + 1e-10).collect();
        let total: f64 = p.iter().sum();
        let h: f64 = -p
            .iter()
            .map(|x| (x / total) * (x / total).log2())
            .sum::<f64>();
        let entropy = h / 3f64.log2();
        let potential = belief * (1.0 - entropy);
        self.belief = belief.clamp(0.0, 1.0);
        [
            self.belief,
            entropy.clamp(0.0, 1.0),
            potential.clamp(0.0, 1.0),
        ]
    }
}

fn assert_matches(got: NtuState, want: [f64; 3], tol: f64) -> Result<(), TestCaseError> {
    for (g, w) in [got.belief, got.entropy, got.potential]
        .into_iter()
        .zip(want)
    {
        prop_assert!((g - w).abs() <= tol, "got {got:?}, want {want:?}");
    }
    Ok(())
}

proptest! {
    #[test]
    fn state_stays_in_unit_interval_and_matches_two_pass(
        window in 1usize..40,
        values in prop::collection::vec(-0.5f64..1.5, 1..200),
    ) {
        let mut ntu = Ntu::new(NtuConfig::with_window(window)).unwrap();
        let mut plain = PlainNtu::new(window, [0.4, 0.35, 0.25]);
        for v in values {
            let s = ntu.observe(v).unwrap();
            for x in [s.belief, s.entropy, s.potential] {
                prop_assert!((0.0..=1.0).contains(&x), "{s:?} left [0, 1]");
            }
            assert_matches(s, plain.observe(v), 1e-9)?;
        }
    }

    #[test]
    fn arbitrary_floats_never_panic(values in prop::collection::vec(any::<f64>(), 0..64)) {
        let mut ntu = Ntu::new(NtuConfig::default()).unwrap();
        for &v in &values {
            let before = ntu.state();
            match ntu.observe(v) {
                Ok(_) => prop_assert!(v.is_finite()),
                Err(NtuError::NonFinite { .. }) => prop_assert_eq!(ntu.state(), before),
                Err(e) => prop_assert!(false, "unexpected error {e}"),
            }
        }
        let _ = ntu.detect_pattern(&values);
        let _ = ntu.run_until_convergence(&values, None);
    }

    #[test]
    fn arbitrary_configs_are_accepted_or_refused_without_panic(
        window in 0usize..4,
        alpha in any::<f64>(),
        beta in any::<f64>(),
        gamma in any::<f64>(),
    ) {
        let config = NtuConfig { window_size: window, alpha, beta, gamma, ..NtuConfig::default() };
        if let Ok(mut ntu) = Ntu::new(config) {
            let s = ntu.observe(0.7).unwrap();
            prop_assert!(s.belief.is_finite() && s.entropy.is_finite() && s.potential.is_finite());
        }
    }
}

/// SYSTEMS.md: after 10^7 observations the running statistics still agree
/// with a two-pass recomputation over the same window within 1e-9.
#[test]
fn ten_million_observations_do_not_drift() {
    let window = 64;
    let mut ntu = Ntu::new(NtuConfig::with_window(window)).unwrap();
    // A fixed xorshift stream: values spread over [0, 1] with many
    // magnitudes, the worst case for running floating-point sums.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut tail = Vec::new();
    const N: usize = 10_000_000;
    for i in 0..N {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = (x >> 11) as f64 / (1u64 << 53) as f64 * 1.2 - 0.1;
        ntu.observe(v).unwrap();
        if i >= N - 400 {
            tail.push(v);
        }
    }
    let values: Vec<f64> = ntu.window().iter().collect();
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    assert!((ntu.window().mean() - mean).abs() <= 1e-9, "mean drifted");
    assert!(
        (ntu.window().variance() - var).abs() <= 1e-9,
        "variance drifted"
    );
    // The belief forgets its start geometrically (gamma = 0.25), so a plain
    // unit fed the last 400 values reaches the same state.
    let mut plain = PlainNtu::new(window, [0.4, 0.35, 0.25]);
    let mut want = [0.0; 3];
    for v in tail {
        want = plain.observe(v);
    }
    let got = ntu.state();
    for (g, w) in [got.belief, got.entropy, got.potential]
        .into_iter()
        .zip(want)
    {
        assert!(
            (g - w).abs() <= 1e-9,
            "after 10^7 observations: got {got:?}, want {want:?}"
        );
    }
    assert_eq!(got.iteration, N as u64);
}

#[test]
fn invalid_configs_are_typed_errors() {
    let bad = |c: NtuConfig| Ntu::new(c).unwrap_err();
    assert_eq!(bad(NtuConfig::with_window(0)), NtuError::ZeroWindow(0));
    assert!(matches!(
        bad(NtuConfig {
            alpha: -0.1,
            ..NtuConfig::default()
        }),
        NtuError::BadWeight { name: "alpha", .. }
    ));
    assert!(matches!(
        bad(NtuConfig {
            beta: f64::NAN,
            ..NtuConfig::default()
        }),
        NtuError::BadWeight { name: "beta", .. }
    ));
    assert_eq!(
        bad(NtuConfig {
            alpha: 0.0,
            beta: 0.0,
            gamma: 0.0,
            ..NtuConfig::default()
        }),
        NtuError::ZeroWeightSum
    );
    assert!(matches!(
        bad(NtuConfig {
            epsilon: 0.0,
            ..NtuConfig::default()
        }),
        NtuError::BadParameter {
            name: "epsilon",
            ..
        }
    ));
    let msg = bad(NtuConfig {
        gamma: f64::INFINITY,
        ..NtuConfig::default()
    })
    .to_string();
    assert!(msg.contains("gamma") && msg.contains("inf"), "{msg}");
}

#[test]
fn empty_convergence_input_is_an_error() {
    let mut ntu = Ntu::new(NtuConfig::default()).unwrap();
    assert_eq!(
        ntu.run_until_convergence(&[], None),
        Err(NtuError::EmptyInput)
    );
    assert_eq!(
        ntu.run_until_convergence(&[0.5], Some(-1.0))
            .unwrap_err()
            .to_string(),
        "epsilon must be finite and in (0, inf), got -1"
    );
}

#[test]
fn non_finite_input_leaves_the_unit_unchanged() {
    let mut ntu = Ntu::new(NtuConfig::default()).unwrap();
    ntu.observe(0.9).unwrap();
    let before = ntu.state();
    assert!(matches!(
        ntu.detect_pattern(&[0.1, f64::NAN]),
        Err(NtuError::NonFinite { index: 1, value }) if value.is_nan()
    ));
    assert_eq!(ntu.state(), before);
    assert!(ntu.run_until_convergence(&[f64::INFINITY], None).is_err());
    assert_eq!(ntu.state(), before);
}
