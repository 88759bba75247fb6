//! Canonical JSON: the bytes every signature in the federation covers.

use crate::py::{JsonStyle, PyValue};

/// Why a value has no canonical JSON form.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum CanonicalError {
    /// NaN or an infinity: the reference calls `json.dumps(allow_nan=False)`,
    /// which refuses them, so no signature can cover them.
    #[error("float {value} has no canonical JSON form")]
    NonFinite {
        /// The offending float.
        value: f64,
    },
}

/// `json.dumps(value, sort_keys=True, separators=(",", ":"),
/// ensure_ascii=True, allow_nan=False)` as the reference writes it.
pub fn canonical_json(value: &PyValue) -> Result<String, CanonicalError> {
    let mut out = String::with_capacity(128);
    write_canonical_json(&mut out, value)?;
    Ok(out)
}

/// Appends the canonical JSON of `value` to `out`; on error `out` is left
/// unchanged.
pub fn write_canonical_json(out: &mut String, value: &PyValue) -> Result<(), CanonicalError> {
    if let Some(value) = first_non_finite(value) {
        return Err(CanonicalError::NonFinite { value });
    }
    value.write_json(out, JsonStyle::CANONICAL);
    Ok(())
}

/// The first NaN or infinity anywhere in `value`, which canonical JSON
/// refuses (Python would write `NaN`, which no other JSON reader accepts).
fn first_non_finite(value: &PyValue) -> Option<f64> {
    match value {
        PyValue::Float(x) if !x.is_finite() => Some(*x),
        PyValue::List(items) => items.iter().find_map(first_non_finite),
        PyValue::Dict(entries) => entries.iter().find_map(|(_, v)| first_non_finite(v)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_nan_is_refused_with_its_value() {
        let v = PyValue::Dict(vec![(
            "a".into(),
            PyValue::List(vec![PyValue::Float(f64::INFINITY)]),
        )]);
        assert_eq!(
            canonical_json(&v),
            Err(CanonicalError::NonFinite {
                value: f64::INFINITY
            })
        );
    }

    #[test]
    fn keys_sorted_and_non_ascii_escaped() {
        let v = PyValue::from_json(r#"{"b": 1.0, "a": "é😀", "A": [1e16, null]}"#).unwrap();
        assert_eq!(
            canonical_json(&v).unwrap(),
            r#"{"A":[1e+16,null],"a":"\u00e9\ud83d\ude00","b":1.0}"#
        );
    }
}
