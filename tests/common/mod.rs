//! Helpers shared by the parity and property tests.
//!
//! Vector files are read with the crate's own parser
//! ([`PyValue::from_json`], Python's `json.loads` semantics), never through
//! `serde_json::Value`: that turns an integer beyond 64 bits into a float
//! (and, without its `float_roundtrip` feature, may round a float a ulp
//! off), so a reference case holding one would fail here although the
//! library, given the exact value, answers correctly.

#![allow(dead_code)]

pub mod pygen;

use std::path::PathBuf;

use bizra::py::PyValue;

/// The folder holding the in-repo copies of the reference vectors.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// Loads `tests/vectors/<name>` without loss: integers of any size stay
/// exact, floats are correctly rounded and objects keep their key order. A
/// missing or unreadable file fails the test with a message naming the
/// path: parity is never skipped.
pub fn load_vectors(name: &str) -> PyValue {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reference vector file {} cannot be read ({e}); copy it from ../shared/vectors",
            path.display()
        )
    });
    parse_vectors(&text, name)
}

/// Parses vector text the way [`load_vectors`] does; `name` names the
/// source in the failure message.
pub fn parse_vectors(text: &str, name: &str) -> PyValue {
    PyValue::from_json(text)
        .unwrap_or_else(|e| panic!("reference vector file {name} is not JSON: {e}"))
}

/// Returns the array `key` of a vector file, failing with a clear message
/// when it is missing or empty.
pub fn cases<'a>(doc: &'a PyValue, file: &str, key: &str) -> &'a [PyValue] {
    let cases = doc
        .field(key)
        .unwrap_or_else(|| panic!("{file}: no field {key:?}"))
        .list();
    assert!(!cases.is_empty(), "{file}: {key:?} holds no cases");
    cases
}

/// Asserts `|got - want| <= tol`, naming the case and the field on failure.
pub fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:?}, want {want:?} (|diff| = {:e} > {tol:e})",
        (got - want).abs()
    );
}

/// A short Python repr of `v` for failure messages.
fn brief(v: &PyValue) -> String {
    let mut repr = v.repr();
    if repr.len() > 80 {
        let mut cut = 77;
        while !repr.is_char_boundary(cut) {
            cut -= 1;
        }
        repr.truncate(cut);
        repr.push_str("...");
    }
    repr
}

/// Typed access to a vector document; each accessor fails the test with a
/// message showing what it found instead.
pub trait Json {
    /// The value stored under `key`, if this is an object that has it.
    fn field(&self, key: &str) -> Option<&PyValue>;
    /// The value stored under `key`; fails when there is none.
    fn at(&self, key: &str) -> &PyValue;
    /// The value under `key` when present and not `null`.
    fn opt(&self, key: &str) -> Option<&PyValue>;
    /// A string.
    fn text(&self) -> &str;
    /// A number: a float, or an integer that a double holds exactly.
    fn number(&self) -> f64;
    /// A boolean.
    fn flag(&self) -> bool;
    /// A non-negative integer that fits in 64 bits.
    fn count(&self) -> u64;
    /// An array.
    fn list(&self) -> &[PyValue];
    /// An object's entries in document order.
    fn entries(&self) -> &[(String, PyValue)];
    /// An array of numbers.
    fn numbers(&self) -> Vec<f64> {
        self.list().iter().map(Json::number).collect()
    }
    /// An array of strings.
    fn texts(&self) -> Vec<String> {
        self.list().iter().map(|s| s.text().to_owned()).collect()
    }
}

impl Json for PyValue {
    fn field(&self, key: &str) -> Option<&PyValue> {
        match self {
            PyValue::Dict(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn at(&self, key: &str) -> &PyValue {
        self.field(key)
            .unwrap_or_else(|| panic!("no field {key:?} in {}", brief(self)))
    }

    fn opt(&self, key: &str) -> Option<&PyValue> {
        self.field(key).filter(|v| **v != PyValue::None)
    }

    fn text(&self) -> &str {
        match self {
            PyValue::Str(s) => s,
            other => panic!("expected a string, got {}", brief(other)),
        }
    }

    fn number(&self) -> f64 {
        const EXACT: i64 = 1 << f64::MANTISSA_DIGITS;
        match self {
            PyValue::Float(x) => *x,
            PyValue::Int(i) => match i.to_i64() {
                Some(v) if (-EXACT..=EXACT).contains(&v) => v as f64,
                _ => panic!("integer {i} has no exact double"),
            },
            other => panic!("expected a number, got {}", brief(other)),
        }
    }

    fn flag(&self) -> bool {
        match self {
            PyValue::Bool(b) => *b,
            other => panic!("expected a boolean, got {}", brief(other)),
        }
    }

    fn count(&self) -> u64 {
        match self {
            PyValue::Int(i) => i
                .to_i64()
                .and_then(|v| u64::try_from(v).ok())
                .unwrap_or_else(|| panic!("expected a count, got {i}")),
            other => panic!("expected an integer, got {}", brief(other)),
        }
    }

    fn list(&self) -> &[PyValue] {
        match self {
            PyValue::List(items) => items,
            other => panic!("expected an array, got {}", brief(other)),
        }
    }

    fn entries(&self) -> &[(String, PyValue)] {
        match self {
            PyValue::Dict(entries) => entries,
            other => panic!("expected an object, got {}", brief(other)),
        }
    }
}
