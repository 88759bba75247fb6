//! Parity with the reference NTU: every case of `tests/vectors/ntu.json`.

mod common;

use bizra::ntu::{Ntu, NtuConfig, stationary_distribution};
use bizra::py::PyValue;
use common::{Json, assert_close, cases, load_vectors};

const FILE: &str = "ntu.json";
const TOL: f64 = 1e-12;

fn config(case: &PyValue) -> NtuConfig {
    let c = case.at("config");
    let num = |k: &str| c.at(k).number();
    NtuConfig {
        window_size: usize::try_from(c.at("window_size").count()).expect("config.window_size"),
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
        let values = case.at("values").numbers();
        let states = case.at("states").list();
        assert_eq!(states.len(), values.len(), "case {i}: one state per value");
        let mut ntu = Ntu::new(config(case)).unwrap_or_else(|e| panic!("case {i}: {e}"));
        for (step, (&v, want)) in values.iter().zip(states).enumerate() {
            let got = ntu.observe(v).unwrap();
            assert_state(got, &want.numbers(), &format!("case {i} step {step}"));
        }
        let want_iter = case.at("iteration").count();
        assert_eq!(ntu.state().iteration, want_iter, "case {i} iteration");
        let detection = ntu.detect_pattern(&values).unwrap();
        assert_eq!(
            detection.detected,
            case.at("detected").flag(),
            "case {i} detected"
        );
        assert_state(
            detection.state,
            &states.last().expect("a state per value").numbers(),
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
        let values = case.at("values").numbers();
        let epsilon = case.opt("epsilon").map(Json::number);
        let mut ntu = Ntu::new(config(case)).unwrap();
        let got = ntu.run_until_convergence(&values, epsilon).unwrap();
        assert_eq!(
            got.converged,
            case.at("converged").flag(),
            "case {i} converged"
        );
        assert_eq!(
            got.iterations as u64,
            case.at("iterations").count(),
            "case {i} iterations"
        );
        assert_state(got.state, &case.at("state").numbers(), &format!("case {i}"));
    }
}

#[test]
fn weights_are_normalised_like_the_reference() {
    let doc = load_vectors(FILE);
    for case in cases(&doc, FILE, "weight_normalisation") {
        let given = case.at("given").numbers();
        let want = case.at("normalized").numbers();
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
    let want = doc.at("stationary_distribution").numbers();
    assert_eq!(want.len(), 3);
    for (got, want) in stationary_distribution().into_iter().zip(want) {
        assert_close(got, want, TOL, "stationary distribution");
    }
}
