//! Parity with the reference's `calculate_simple` and `compute_snr`: every
//! recorded case, every reported field.

mod common;

use bizra::py::PyValue;
use bizra::snr::{self, IaasDimensions, SnrInput, SnrResult};
use common::{Json, assert_close, cases, load_vectors};

const FILE: &str = "snr.json";
/// Tolerance for everything not derived from the redundancy.
const EXACT: f64 = 1e-12;
/// Redundancy is summed in another order (O(n·d) instead of pairwise), and
/// diversity and the SNR figures inherit its rounding.
const REDUNDANCY: f64 = 1e-9;

fn f(v: &PyValue, path: &[&str], what: &str) -> f64 {
    let mut cur = v;
    for key in path {
        cur = cur
            .field(key)
            .unwrap_or_else(|| panic!("{what}: no field {path:?}"));
    }
    cur.number()
}

fn check(got: &SnrResult, want: &PyValue, what: &str) {
    let sub = &got.sub_components;
    let c = &got.components;
    let d = &got.iaas_dimensions;
    let fields: [(&[&str], f64, f64); 23] = [
        (&["snr"], got.snr(), REDUNDANCY),
        (&["snr_classic"], got.snr_classic(), REDUNDANCY),
        (
            &["channel_efficiency"],
            got.channel_efficiency(),
            REDUNDANCY,
        ),
        (&["components", "signal_strength"], c.signal_strength, EXACT),
        (&["components", "diversity"], c.diversity, REDUNDANCY),
        (&["components", "grounding"], c.grounding, EXACT),
        (&["components", "iaas_score"], c.iaas_score, EXACT),
        (&["weights", "signal"], got.weights().signal, EXACT),
        (&["weights", "diversity"], got.weights().diversity, EXACT),
        (&["weights", "grounding"], got.weights().grounding, EXACT),
        (&["weights", "iaas"], got.weights().iaas, EXACT),
        (
            &["sub_components", "semantic_relevance"],
            sub.semantic_relevance,
            EXACT,
        ),
        (
            &["sub_components", "lexical_overlap"],
            sub.lexical_overlap,
            EXACT,
        ),
        (
            &["sub_components", "redundancy"],
            sub.redundancy,
            REDUNDANCY,
        ),
        (&["sub_components", "entropy"], sub.entropy, EXACT),
        (&["sub_components", "entropy_bits"], sub.entropy_bits, EXACT),
        (
            &["sub_components", "max_entropy_bits"],
            sub.max_entropy_bits,
            EXACT,
        ),
        (
            &["sub_components", "symbolic_coverage"],
            sub.symbolic_coverage,
            EXACT,
        ),
        (
            &["sub_components", "neural_confidence"],
            sub.neural_confidence,
            EXACT,
        ),
        (
            &["iaas_dimensions", "inclusiveness"],
            d.inclusiveness,
            EXACT,
        ),
        (&["iaas_dimensions", "abundance"], d.abundance, EXACT),
        (&["iaas_dimensions", "articulation"], d.articulation, EXACT),
        (&["iaas_dimensions", "sanitization"], d.sanitization, EXACT),
    ];
    for (path, value, tol) in fields {
        assert_close(value, f(want, path, what), tol, &format!("{what} {path:?}"));
    }
    let tier = want.at("quality_tier").text();
    assert_eq!(got.tier().as_str(), tier, "{what} quality_tier");
    let flag = |key: &str| want.at(key).flag();
    assert_eq!(got.ihsan_achieved(), flag("ihsan_achieved"), "{what} ihsan");
    assert_eq!(got.elite_achieved(), flag("elite_achieved"), "{what} elite");
}

#[test]
fn calculate_simple_matches_reference() {
    let doc = load_vectors(FILE);
    for (i, case) in cases(&doc, FILE, "calculate_simple").iter().enumerate() {
        let what = format!("calculate_simple[{i}]");
        let query = case.at("query").text();
        let texts = case.at("texts").texts();
        let iaas = f(case, &["iaas_score"], &what);
        let got = snr::calculate_simple(query, &texts, iaas).expect("valid case");
        check(&got, case.at("expected"), &what);
    }
}

#[test]
fn compute_matches_reference() {
    let doc = load_vectors(FILE);
    for (i, case) in cases(&doc, FILE, "compute_snr").iter().enumerate() {
        let what = format!("compute_snr[{i}]");
        let query = case.at("query").text();
        let texts = case.at("texts").texts();
        let query_embedding = case.opt("query_embedding").map(Json::numbers);
        let text_embeddings: Option<Vec<Vec<f64>>> = case
            .opt("text_embeddings")
            .map(|v| v.list().iter().map(Json::numbers).collect());
        let sources = case.opt("symbolic_sources").map(Json::texts);
        let confidences = case.opt("neural_confidences").map(Json::numbers);
        let dimensions = case.opt("iaas_dimensions").and_then(|v| {
            IaasDimensions::from_entries(v.entries().iter().map(|(k, x)| (k.as_str(), x.number())))
        });

        let mut input = SnrInput::new(query, &texts);
        if let Some(score) = case.opt("iaas_score") {
            input = input.with_iaas_score(score.number());
        }
        input.query_embedding = query_embedding.as_deref();
        input.text_embeddings = text_embeddings.as_deref();
        input.iaas_dimensions = dimensions;
        input.symbolic_sources = sources.as_deref();
        input.neural_confidences = confidences.as_deref();
        let got = input.compute().expect("valid case");
        check(&got, case.at("expected"), &what);
    }
}
