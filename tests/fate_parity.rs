//! The FATE gate gives the reference's scores and digests for every case in
//! `tests/vectors/fate.json`.
//!
//! The vectors are loaded without loss (`common::load_vectors`): input
//! data keeps its key order and its integers beyond 64 bits exactly, as
//! Python's `json.loads` gives them to the reference.

mod common;

use bizra::fate::{FateGate, HookContext, PyDict, UtcTimestamp, into_dict};
use bizra::py::PyValue;
use common::Json;

const FILE: &str = "fate.json";
const TOL: f64 = 1e-12;

fn dict(value: &PyValue, what: &str) -> PyDict {
    into_dict(value.clone()).unwrap_or_else(|v| panic!("{what}: not an object: {v:?}"))
}

/// Whether the value holds an integer that does not fit in 64 bits.
fn has_big_int(value: &PyValue) -> bool {
    match value {
        PyValue::Int(i) => i.to_i64().is_none(),
        PyValue::List(items) => items.iter().any(has_big_int),
        PyValue::Dict(entries) => entries.iter().any(|(_, v)| has_big_int(v)),
        _ => false,
    }
}

#[test]
fn validate_matches_the_reference() {
    let doc = common::load_vectors(FILE);
    let cases = common::cases(&doc, FILE, "validate");
    // Any fixed instant will do: the gate only asks whether there is one.
    let instant = UtcTimestamp::from_unix_micros(1_770_120_000_000_000).unwrap();
    for (i, case) in cases.iter().enumerate() {
        let what = format!("{FILE} validate[{i}]");
        let c = case.at("context");
        let has_timestamp = c.at("has_timestamp").flag();
        let mut ctx = HookContext::new(
            c.at("execution_id").text(),
            has_timestamp.then_some(instant),
            c.at("operation_name").text(),
        );
        ctx.operation_type = c.at("operation_type").text().to_owned();
        ctx.input_data = dict(c.at("input_data"), &what);
        ctx.metadata = dict(c.at("metadata"), &what);
        let intent = case.opt("declared_intent").map(Json::text);
        let snr = case.opt("snr_score").map(Json::number);

        let mut gate = FateGate::default();
        let score = gate
            .validate(&ctx, intent, snr)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let want = case.at("expected");
        let num = |key: &str| want.at(key).number();
        common::assert_close(
            score.fidelity,
            num("fidelity"),
            TOL,
            &format!("{what} fidelity"),
        );
        common::assert_close(
            score.accountability,
            num("accountability"),
            TOL,
            &format!("{what} accountability"),
        );
        common::assert_close(
            score.transparency,
            num("transparency"),
            TOL,
            &format!("{what} transparency"),
        );
        common::assert_close(score.ethics, num("ethics"), TOL, &format!("{what} ethics"));
        common::assert_close(
            score.overall(),
            num("overall"),
            TOL,
            &format!("{what} overall"),
        );
        assert_eq!(score.passed(), want.at("passed").flag(), "{what} passed");
        assert_eq!(
            score.weakest().as_str(),
            want.at("weakest_dimension").text(),
            "{what} weakest"
        );
        let stats = gate.stats();
        assert_eq!(
            (stats.validations, stats.passes),
            (1, u64::from(score.passed()))
        );
    }
}

#[test]
fn digest_matches_the_reference() {
    let doc = common::load_vectors(FILE);
    let cases = common::cases(&doc, FILE, "digest");
    let mut big_int_cases = 0;
    for (i, case) in cases.iter().enumerate() {
        let what = format!("{FILE} digest[{i}]");
        let iso = case.at("timestamp").text();
        let timestamp: UtcTimestamp = iso.parse().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(timestamp.to_string(), iso, "{what}: timestamp");
        let mut ctx = HookContext::new(
            case.at("execution_id").text(),
            Some(timestamp),
            case.at("operation_name").text(),
        );
        let input = case.at("input_data");
        big_int_cases += usize::from(has_big_int(input));
        ctx.input_data = dict(input, &what);

        let mut repr = String::new();
        ctx.write_input_repr(&mut repr);
        assert_eq!(repr, case.at("input_repr").text(), "{what}: input repr");
        assert_eq!(ctx.digest(), case.at("digest").text(), "{what}: digest");
    }
    // Guards the big-integer path: the vectors hold ints beyond 64 bits
    // (e.g. -1004639749848046373151) and they must have been read exactly.
    assert!(big_int_cases > 0, "{FILE}: no digest case holds a big int");
}
