//! Parity with the reference NTU: every case of `tests/vectors/ntu.json`.

mod common;

use bizra::ntu::{Ntu, NtuConfig, stationary_distribution};
use common::{assert_close, cases, load_vectors};
use serde_json::Value;

const FILE: &str = "ntu.json";
const TOL: f64 = 1e-12;

fn f64s(v: &Value, what: &str) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what} is not an array"))
        .iter()
        .map(|x| x.as_f64().unwrap_or_else(|| panic!("{what} holds {x}")))
        .collect()
}

fn config(case: &Value) -> NtuConfig {
    let c = &case["config"];
    let num = |k: &str| c[k].as_f64().unwrap_or_else(|| panic!("config.{k}: {c}"));
    NtuConfig {
        window_size: c["window_size"].as_u64().expect("config.window_size") as usize,
        alpha: num("alpha"),
        beta: num("beta"),
        gamma: num("gamma"),
        ..NtuConfig::default()
    }
}

fn assert_state(got: bizra::ntu::NtuState, want: &[f64], what: &str) {
    assert_eq!(
        want.len(),
        3,
        "{what}: expected [belief, entropy, potential]"
    );
    assert_close(got.belief, want[0], TOL, &format!("{what} belief"));
    assert_close(got.entropy, want[1], TOL, &format!("{what} entropy"));
    assert_close(got.potential, want[2], TOL, &format!("{what} potential"));
}

#[test]
fn observe_sequences_match_step_by_step() {
    let doc = load_vectors(FILE);
    for (i, case) in cases(&doc, FILE, "observe_sequences").iter().enumerate() {
        let values = f64s(&case["values"], "values");
        let states = case["states"].as_array().expect("states");
        assert_eq!(states.len(), values.len(), "case {i}: one state per value");
        let mut ntu = Ntu::new(config(case)).unwrap_or_else(|e| panic!("case {i}: {e}"));
        for (step, (&v, want)) in values.iter().zip(states).enumerate() {
            let got = ntu.observe(v).unwrap();
            assert_state(got, &f64s(want, "state"), &format!("case {i} step {step}"));
        }
        let want_iter = case["iteration"].as_u64().expect("iteration");
        assert_eq!(ntu.state().iteration, want_iter, "case {i} iteration");
        let detection = ntu.detect_pattern(&values).unwrap();
        assert_eq!(
            detection.detected,
            case["detected"].as_bool().expect("detected"),
            "case {i} detected"
        );
        assert_state(
            detection.state,
            &f64s(states.last().unwrap(), "state"),
            &format!("case {i} detect_pattern"),
        );
    }
}

#[test]
fn run_until_convergence_matches() {
    let doc = load_vectors(FILE);
    for (i, case) in cases(&doc, FILE, "run_until_convergence")
        .iter()
        .enumerate()
    {
        let values = f64s(&case["values"], "values");
        let epsilon = case["epsilon"].as_f64();
        let mut ntu = Ntu::new(config(case)).unwrap();
        let got = ntu.run_until_convergence(&values, epsilon).unwrap();
        assert_eq!(
            got.converged,
            case["converged"].as_bool().unwrap(),
            "case {i} converged"
        );
        assert_eq!(
            got.iterations as u64,
            case["iterations"].as_u64().unwrap(),
            "case {i} iterations"
        );
        assert_state(
            got.state,
            &f64s(&case["state"], "state"),
            &format!("case {i}"),
        );
    }
}

#[test]
fn weights_are_normalised_like_the_reference() {
    let doc = load_vectors(FILE);
    for case in cases(&doc, FILE, "weight_normalisation") {
        let given = f64s(&case["given"], "given");
        let want = f64s(&case["normalized"], "normalized");
        let w = NtuConfig {
            alpha: given[0],
            beta: given[1],
            gamma: given[2],
            ..NtuConfig::default()
        }
        .validate()
        .unwrap();
        for (got, want) in [w.alpha, w.beta, w.gamma].into_iter().zip(want) {
            assert_close(got, want, TOL, &format!("weights {given:?}"));
        }
    }
}

#[test]
fn stationary_distribution_matches() {
    let doc = load_vectors(FILE);
    let want = f64s(&doc["stationary_distribution"], "stationary_distribution");
    assert_eq!(want.len(), 3);
    for (got, want) in stationary_distribution().into_iter().zip(want) {
        assert_close(got, want, TOL, "stationary distribution");
    }
}
