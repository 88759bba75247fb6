//! The Python values the reference hashes: the JSON-shaped subset of Python
//! data (`None`, `bool`, `int` of any size, `float`, `str`, `list`, and
//! `dict` with string keys in insertion order).

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

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
        let raw: &RawValue = serde_json::from_str(text).map_err(json_error)?;
        from_raw(raw)
    }
}

fn json_error(e: serde_json::Error) -> PyValueError {
    PyValueError::Json {
        message: e.to_string(),
    }
}

/// An object's entries in document order, values left unparsed.
struct RawEntries<'a>(Vec<(String, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for RawEntries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawEntries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut entries: Vec<(String, &'a RawValue)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, &'a RawValue>()? {
                    match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some(slot) => slot.1 = value,
                        None => entries.push((key, value)),
                    }
                }
                Ok(RawEntries(entries))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// An array's items, left unparsed.
struct RawItems<'a>(Vec<&'a RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for RawItems<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawItems<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON array")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<&'a RawValue>()? {
                    items.push(item);
                }
                Ok(RawItems(items))
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

fn from_raw(raw: &RawValue) -> Result<PyValue, PyValueError> {
    let text = raw.get().trim();
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    Ok(match first {
        b'{' => {
            let RawEntries(entries) = serde_json::from_str(text).map_err(json_error)?;
            let mut dict = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                dict.push((key, from_raw(value)?));
            }
            PyValue::Dict(dict)
        }
        b'[' => {
            let RawItems(items) = serde_json::from_str(text).map_err(json_error)?;
            PyValue::List(items.into_iter().map(from_raw).collect::<Result<_, _>>()?)
        }
        b'"' => PyValue::Str(serde_json::from_str(text).map_err(json_error)?),
        b't' => PyValue::Bool(true),
        b'f' => PyValue::Bool(false),
        b'n' => PyValue::None,
        // The raw text was validated as a JSON number. serde_json's own
        // float parsing (without its `float_roundtrip` feature) is not
        // always correctly rounded; `str::parse` is, like Python's `float`,
        // and like `json.loads` it gives inf for out-of-range exponents.
        _ if text.contains(['.', 'e', 'E']) => {
            PyValue::Float(text.parse().map_err(|_| PyValueError::Json {
                message: format!("{text:?} is not a number"),
            })?)
        }
        _ => PyValue::Int(text.parse()?),
    })
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
}
