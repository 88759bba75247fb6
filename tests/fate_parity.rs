//! The FATE gate gives the reference's scores and digests for every case in
//! `tests/vectors/fate.json`.
//!
//! Expected numbers come from `serde_json`; input data and metadata are
//! re-read from the same text with `PyValue::from_json`, which keeps key
//! order and integers beyond 64 bits exactly as Python's `json.loads` does.

mod common;

use bizra::fate::{FateGate, HookContext, PyDict, UtcTimestamp, into_dict};
use bizra::py::PyValue;
use serde_json::Value;

const FILE: &str = "fate.json";
const TOL: f64 = 1e-12;

/// The vector file parsed both ways: `serde_json` for expectations, and
/// `PyValue` for the Python data the gate reads.
fn load() -> (Value, PyValue) {
    let doc = common::load_vectors(FILE);
    let text = std::fs::read_to_string(common::vectors_dir().join(FILE))
        .unwrap_or_else(|e| panic!("{FILE}: {e}"));
    let py = PyValue::from_json(&text).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    (doc, py)
}

fn field<'a>(value: &'a PyValue, key: &str) -> &'a PyValue {
    match value {
        PyValue::Dict(entries) => {
            bizra::fate::dict_get(entries, key).unwrap_or_else(|| panic!("{FILE}: no key {key:?}"))
        }
        other => panic!("{FILE}: expected an object holding {key:?}, got {other:?}"),
    }
}

fn item(value: &PyValue, index: usize) -> &PyValue {
    match value {
        PyValue::List(items) => &items[index],
        other => panic!("{FILE}: expected an array, got {other:?}"),
    }
}

fn dict(value: &PyValue, what: &str) -> PyDict {
    into_dict(value.clone()).unwrap_or_else(|v| panic!("{what}: not an object: {v:?}"))
}

fn text<'a>(case: &'a Value, key: &str, what: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("{what}: {key} is not a string"))
}

/// Whether the value holds an integer that does not fit in 64 bits.
fn has_big_int(value: &PyValue) -> bool {
    match value {
        PyValue::Int(i) => i.to_string().parse::<i64>().is_err(),
        PyValue::List(items) => items.iter().any(has_big_int),
        PyValue::Dict(entries) => entries.iter().any(|(_, v)| has_big_int(v)),
        _ => false,
    }
}

#[test]
fn validate_matches_the_reference() {
    let (doc, py) = load();
    let cases = common::cases(&doc, FILE, "validate");
    let py_cases = field(&py, "validate");
    // Any fixed instant will do: the gate only asks whether there is one.
    let instant = UtcTimestamp::from_unix_micros(1_770_120_000_000_000).unwrap();
    for (i, case) in cases.iter().enumerate() {
        let what = format!("{FILE} validate[{i}]");
        let c = &case["context"];
        let py_ctx = field(item(py_cases, i), "context");
        let has_timestamp = c["has_timestamp"].as_bool().expect("has_timestamp");
        let mut ctx = HookContext::new(
            text(c, "execution_id", &what),
            has_timestamp.then_some(instant),
            text(c, "operation_name", &what),
        );
        ctx.operation_type = text(c, "operation_type", &what).to_owned();
        ctx.input_data = dict(field(py_ctx, "input_data"), &what);
        ctx.metadata = dict(field(py_ctx, "metadata"), &what);
        let intent = case["declared_intent"].as_str();
        let snr = case["snr_score"].as_f64();

        let mut gate = FateGate::default();
        let score = gate
            .validate(&ctx, intent, snr)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let want = &case["expected"];
        let num = |key: &str| {
            want[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{what}: {key}"))
        };
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
        assert_eq!(
            Some(score.passed()),
            want["passed"].as_bool(),
            "{what} passed"
        );
        assert_eq!(
            Some(score.weakest().as_str()),
            want["weakest_dimension"].as_str(),
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
    let (doc, py) = load();
    let cases = common::cases(&doc, FILE, "digest");
    let py_cases = field(&py, "digest");
    let mut big_int_cases = 0;
    for (i, case) in cases.iter().enumerate() {
        let what = format!("{FILE} digest[{i}]");
        let timestamp: UtcTimestamp = text(case, "timestamp", &what)
            .parse()
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(
            timestamp.to_string(),
            text(case, "timestamp", &what),
            "{what}: timestamp"
        );
        let mut ctx = HookContext::new(
            text(case, "execution_id", &what),
            Some(timestamp),
            text(case, "operation_name", &what),
        );
        let input = field(item(py_cases, i), "input_data");
        big_int_cases += usize::from(has_big_int(input));
        ctx.input_data = dict(input, &what);

        let mut repr = String::new();
        ctx.write_input_repr(&mut repr);
        assert_eq!(repr, text(case, "input_repr", &what), "{what}: input repr");
        assert_eq!(ctx.digest(), text(case, "digest", &what), "{what}: digest");
    }
    // Guards the big-integer path: the vectors hold ints beyond 64 bits
    // (e.g. -1004639749848046373151) and they must have been read exactly.
    assert!(big_int_cases > 0, "{FILE}: no digest case holds a big int");
}
