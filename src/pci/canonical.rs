//! Canonical JSON: the bytes every signature in the federation covers.

use crate::py::{PyValue, write_float_repr, write_json_str};

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

/// Appends the canonical JSON of `value` to `out`. On error `out` may hold a
/// partial prefix; callers discard it.
pub fn write_canonical_json(out: &mut String, value: &PyValue) -> Result<(), CanonicalError> {
    match value {
        PyValue::Float(x) if !x.is_finite() => return Err(CanonicalError::NonFinite { value: *x }),
        PyValue::Float(x) => write_float_repr(out, *x),
        PyValue::Str(s) => write_json_str(out, s),
        PyValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical_json(out, item)?;
            }
            out.push(']');
        }
        PyValue::Dict(entries) => {
            let mut order: Vec<&(String, PyValue)> = entries.iter().collect();
            // Byte order of UTF-8 is code-point order, which is what Python's
            // `sorted` gives `str` keys.
            order.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (key, item)) in order.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_str(out, key);
                out.push(':');
                write_canonical_json(out, item)?;
            }
            out.push('}');
        }
        // Scalars other than floats have one JSON form in every style.
        other => other.write_json(out, crate::py::JsonStyle::CANONICAL),
    }
    Ok(())
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
