//! Helpers shared by the parity tests.

#![allow(dead_code)]

use std::path::PathBuf;

/// The folder holding the in-repo copies of the reference vectors.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// Loads `tests/vectors/<name>` as JSON. A missing or unreadable file fails
/// the test with a message naming the path: parity is never skipped.
pub fn load_vectors(name: &str) -> serde_json::Value {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "reference vector file {} cannot be read ({e}); copy it from ../shared/vectors",
            path.display()
        )
    });
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("reference vector file {} is not JSON: {e}", path.display()))
}

/// Returns the array `key` of a vector file, failing with a clear message
/// when it is missing or empty.
pub fn cases<'a>(doc: &'a serde_json::Value, file: &str, key: &str) -> &'a [serde_json::Value] {
    let cases = doc
        .get(key)
        .and_then(|v| v.as_array())
        .unwrap_or_else(|| panic!("{file}: no array {key:?}"));
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
