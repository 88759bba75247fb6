//! The Python values the reference hashes: the JSON-shaped subset of Python
//! data (`None`, `bool`, `int` of any size, `float`, `str`, `list`, and
//! `dict` with string keys in insertion order).

use std::fmt;
use std::str::FromStr;

use super::{JsonStyle, write_float_repr, write_json_str, write_str_repr};

/// Why a [`PyValue`] or [`PyInt`] could not be built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PyValueError {
    /// The text is not an integer literal (optional `-`, then ASCII digits).
    #[error("{text:?} is not a decimal integer")]
    NotAnInteger {
        /// The offending text.
        text: String,
    },
    /// The text is not valid JSON.
    #[error("invalid JSON: {message}")]
    Json {
        /// What the JSON parser said.
        message: String,
    },
}

/// A Python `int` of any size, kept as its canonical decimal text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PyInt(IntRepr);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum IntRepr {
    Small(i64),
    /// Canonical decimal text (no leading zeros, no `-0`) outside `i64`.
    Big(Box<str>),
}

impl From<i64> for PyInt {
    fn from(v: i64) -> Self {
        PyInt(IntRepr::Small(v))
    }
}

impl FromStr for PyInt {
    type Err = PyValueError;

    /// Parses a decimal integer of any length, as `int(text)` would for the
    /// plain form: an optional `-` and at least one ASCII digit.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || PyValueError::NotAnInteger {
            text: text.to_owned(),
        };
        let (negative, digits) = match text.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, text),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if let Ok(v) = text.parse::<i64>() {
            return Ok(PyInt(IntRepr::Small(v)));
        }
        let digits = digits.trim_start_matches('0');
        // i64 parsing failed, so at least 19 significant digits remain.
        let canonical = if negative {
            format!("-{digits}")
        } else {
            digits.to_owned()
        };
        Ok(PyInt(IntRepr::Big(canonical.into_boxed_str())))
    }
}

impl fmt::Display for PyInt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            IntRepr::Small(v) => write!(f, "{v}"),
            IntRepr::Big(s) => f.write_str(s),
        }
    }
}

impl PyInt {
    fn write(&self, out: &mut String) {
        match &self.0 {
            IntRepr::Small(v) => {
                use std::fmt::Write;
                write!(out, "{v}").expect("writing to a String cannot fail");
            }
            IntRepr::Big(s) => out.push_str(s),
        }
    }

    /// The value as an `i64`, if it fits.
    pub fn to_i64(&self) -> Option<i64> {
        match self.0 {
            IntRepr::Small(v) => Some(v),
            IntRepr::Big(_) => None,
        }
    }

    /// Whether the integer is zero (Python truthiness).
    pub fn is_zero(&self) -> bool {
        matches!(self.0, IntRepr::Small(0))
    }
}

/// A JSON-shaped Python value. Dicts keep insertion order, as Python's do.
#[derive(Debug, Clone, PartialEq)]
pub enum PyValue {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int` of any size.
    Int(PyInt),
    /// A `float`.
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `list`.
    List(Vec<PyValue>),
    /// A `dict` with string keys, in insertion order.
    Dict(Vec<(String, PyValue)>),
}

impl PyValue {
    /// Python truthiness: `None`, `False`, `0`, `0.0`, `""`, `[]` and `{}`
    /// are false; everything else is true.
    pub fn is_truthy(&self) -> bool {
        match self {
            PyValue::None => false,
            PyValue::Bool(b) => *b,
            PyValue::Int(i) => !i.is_zero(),
            PyValue::Float(x) => *x != 0.0,
            PyValue::Str(s) => !s.is_empty(),
            PyValue::List(l) => !l.is_empty(),
            PyValue::Dict(d) => !d.is_empty(),
        }
    }

    /// `repr(self)` as CPython writes it.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    /// Appends `repr(self)` to `out`.
    pub fn write_repr(&self, out: &mut String) {
        match self {
            PyValue::None => out.push_str("None"),
            PyValue::Bool(true) => out.push_str("True"),
            PyValue::Bool(false) => out.push_str("False"),
            PyValue::Int(i) => i.write(out),
            PyValue::Float(x) => write_float_repr(out, *x),
            PyValue::Str(s) => write_str_repr(out, s),
            PyValue::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_repr(out);
                }
                out.push(']');
            }
            PyValue::Dict(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_str_repr(out, key);
                    out.push_str(": ");
                    value.write_repr(out);
                }
                out.push('}');
            }
        }
    }

    /// `json.dumps(self, ...)` in the given style, ASCII-escaped. Floats are
    /// written as `float.__repr__` does; NaN and infinities as Python's
    /// `NaN`, `Infinity` and `-Infinity` (its default `allow_nan=True`).
    pub fn to_json(&self, style: JsonStyle) -> String {
        let mut out = String::new();
        self.write_json(&mut out, style);
        out
    }

    /// Appends `json.dumps(self, ...)` in the given style to `out`.
    pub fn write_json(&self, out: &mut String, style: JsonStyle) {
        match self {
            PyValue::None => out.push_str("null"),
            PyValue::Bool(true) => out.push_str("true"),
            PyValue::Bool(false) => out.push_str("false"),
            PyValue::Int(i) => i.write(out),
            PyValue::Float(x) if x.is_nan() => out.push_str("NaN"),
            PyValue::Float(x) if x.is_infinite() => {
                out.push_str(if *x > 0.0 { "Infinity" } else { "-Infinity" })
            }
            PyValue::Float(x) => write_float_repr(out, *x),
            PyValue::Str(s) => write_json_str(out, s),
            PyValue::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(style.item_separator);
                    }
                    item.write_json(out, style);
                }
                out.push(']');
            }
            PyValue::Dict(entries) => {
                let mut order: Vec<&(String, PyValue)> = entries.iter().collect();
                if style.sort_keys {
                    // Rust orders strings by UTF-8 bytes, which is code-point
                    // order, the order Python's `sorted` gives `str` keys.
                    order.sort_by(|a, b| a.0.cmp(&b.0));
                }
                out.push('{');
                for (i, (key, value)) in order.into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(style.item_separator);
                    }
                    write_json_str(out, key);
                    out.push_str(style.key_separator);
                    value.write_json(out, style);
                }
                out.push('}');
            }
        }
    }

    /// Parses JSON text the way Python's `json.loads` does: integers of any
    /// size stay integers, numbers with a fraction or exponent are floats,
    /// and objects keep their key order (a repeated key keeps its first
    /// position and its last value).
    pub fn from_json(text: &str) -> Result<PyValue, PyValueError> {
        super::parse::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_ints_and_order_survive_a_round_trip() {
        let v = PyValue::from_json(
            r#"{"b": -1004639749848046373151, "a": [1e16, -0.0, 1, true, null, "x"], "c": {}}"#,
        )
        .unwrap();
        assert_eq!(
            v.repr(),
            "{'b': -1004639749848046373151, 'a': [1e+16, -0.0, 1, True, None, 'x'], 'c': {}}"
        );
        assert_eq!(
            v.to_json(JsonStyle::PYTHON_SORTED),
            r#"{"a": [1e+16, -0.0, 1, true, null, "x"], "b": -1004639749848046373151, "c": {}}"#
        );
    }

    #[test]
    fn floats_parse_correctly_rounded() {
        // serde_json's fast path gives ...848 here; Python and `str::parse` ...849.
        assert_eq!(
            PyValue::from_json("0.9112945786936849").unwrap(),
            PyValue::Float(0.9112945786936849)
        );
        assert_eq!(
            PyValue::from_json("0.9112945786936849").unwrap().repr(),
            "0.9112945786936849"
        );
        assert_eq!(
            PyValue::from_json("1e400").unwrap(),
            PyValue::Float(f64::INFINITY)
        );
    }

    #[test]
    fn rejects_bad_json_and_bad_ints() {
        assert!(matches!(
            PyValue::from_json("{"),
            Err(PyValueError::Json { .. })
        ));
        assert!(matches!(
            "12a".parse::<PyInt>(),
            Err(PyValueError::NotAnInteger { .. })
        ));
        assert_eq!("-0".parse::<PyInt>().unwrap().to_string(), "0");
        assert_eq!(
            "-000123456789012345678901"
                .parse::<PyInt>()
                .unwrap()
                .to_string(),
            "-123456789012345678901"
        );
    }

    #[test]
    fn json_that_python_or_rust_cannot_hold_is_refused() {
        for bad in [
            "",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "1.",
            "-",
            "NaN",
            "\"\\ud800\"",
            "\"\\udc00x\"",
            "\"tab\tinside\"",
            "[1] 2",
            "{\"a\" 1}",
            "tru",
        ] {
            assert!(
                matches!(PyValue::from_json(bad), Err(PyValueError::Json { .. })),
                "{bad:?} should be refused"
            );
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(PyValue::from_json(&deep).is_err(), "nesting is bounded");
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(PyValue::from_json(&ok).is_ok());
    }

    #[test]
    fn escapes_surrogate_pairs_and_repeated_keys_follow_python() {
        let v = PyValue::from_json(r#"{"k": 1, "s": "\ud83d\ude00\u00e9\/\n", "k": 2}"#).unwrap();
        assert_eq!(
            v,
            PyValue::Dict(vec![
                ("k".into(), PyValue::Int(2.into())),
                ("s".into(), PyValue::Str("😀é/\n".into())),
            ])
        );
        // Many keys switch to an index; repeats still keep first position.
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{}, \"k3\": -1}}", many.join(", "));
        let PyValue::Dict(d) = PyValue::from_json(&text).unwrap() else {
            panic!("an object")
        };
        assert_eq!(d.len(), 40);
        assert_eq!(d[3], ("k3".into(), PyValue::Int((-1).into())));
    }
}
