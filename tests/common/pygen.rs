//! Generated JSON-shaped values whose exact text forms are written here,
//! test-side, without the library: the property tests parse that text with
//! the library and compare its hashes with hashes of these texts, so any
//! loss between text and value (an integer beyond 64 bits turned into a
//! float, a digit dropped, a sign lost) changes a hash and fails the test.
//!
//! Integers range far beyond 64 bits (up to 120 digits, both signs, and the
//! edges of `i64` and `u64`). Floats are decimals of at most 12 significant
//! digits written in Python's fixed notation, so their repr is their text.
//! Strings are printable ASCII without quotes or backslashes, so their JSON
//! and repr forms are the text in quotes.

use proptest::prelude::*;

/// A value together with the text it was generated as.
#[derive(Debug, Clone)]
pub enum Gen {
    /// `null` / `None`.
    Null,
    /// `true` / `True`.
    Bool(bool),
    /// An integer, as its canonical decimal text.
    Int(String),
    /// A float, as its Python repr (which is also its JSON text).
    Float(String),
    /// A string of plain characters.
    Str(String),
    /// A list.
    List(Vec<Gen>),
    /// A dict with distinct keys in insertion order.
    Dict(Vec<(String, Gen)>),
}

/// Integers at the edges of the 64-bit types and just past them.
const EDGES: [&str; 12] = [
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "-18446744073709551616",
    "9007199254740993",
    "-9007199254740993",
    "100000000000000000000",
    "-1004639749848046373151",
    "0",
];

/// Decimal integer text: small, at the 64-bit edges, or 19 to 120 digits.
pub fn int_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i32>().prop_map(|v| v.to_string()),
        proptest::sample::select(&EDGES[..]).prop_map(str::to_owned),
        (any::<bool>(), "[1-9][0-9]{18,119}").prop_map(|(neg, digits)| if neg {
            format!("-{digits}")
        } else {
            digits
        }),
    ]
}

/// Only integers outside `i64`, for cases that must hold at least one.
pub fn big_int_text() -> impl Strategy<Value = String> {
    (any::<bool>(), "[1-9][0-9]{19,119}")
        .prop_map(|(neg, digits)| if neg { format!("-{digits}") } else { digits })
}

/// A float's repr: `[-]int.frac` with at most 6 + 6 digits and no trailing
/// zero in the fraction (or a fraction of `0`), at least 0.1 in size, so the
/// shortest round-trip text is the text itself and Python writes it in
/// fixed notation.
fn float_text() -> impl Strategy<Value = String> {
    (any::<bool>(), 0u32..1_000_000, "[0-9]{0,5}[1-9]|0").prop_map(|(neg, int, frac)| {
        let int = if int == 0 && frac.starts_with('0') {
            1
        } else {
            int
        };
        let sign = if neg { "-" } else { "" };
        format!("{sign}{int}.{frac}")
    })
}

fn key() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _.-]{0,6}"
}

fn leaf() -> impl Strategy<Value = Gen> {
    prop_oneof![
        1 => Just(Gen::Null),
        1 => any::<bool>().prop_map(Gen::Bool),
        3 => int_text().prop_map(Gen::Int),
        1 => float_text().prop_map(Gen::Float),
        1 => key().prop_map(Gen::Str),
    ]
}

/// Keeps the first entry of each key, as a Python dict literal built from
/// distinct keys would hold them.
fn distinct(entries: Vec<(String, Gen)>) -> Vec<(String, Gen)> {
    let mut out: Vec<(String, Gen)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        if !out.iter().any(|(seen, _)| *seen == k) {
            out.push((k, v));
        }
    }
    out
}

/// Any value: leaves nested in lists and dicts up to four levels deep.
pub fn value() -> impl Strategy<Value = Gen> {
    leaf().prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Gen::List),
            prop::collection::vec((key(), inner), 0..5).prop_map(|e| Gen::Dict(distinct(e))),
        ]
    })
}

/// Any dict (distinct keys, insertion order).
pub fn dict() -> impl Strategy<Value = Gen> {
    prop::collection::vec((key(), value()), 0..5).prop_map(|e| Gen::Dict(distinct(e)))
}

/// `int_text` with its last digit changed: a different integer that a
/// double cannot tell apart from it once it has more than 17 digits.
pub fn neighbour(int_text: &str) -> String {
    let mut out = int_text.to_owned();
    let last = out
        .pop()
        .and_then(|c| c.to_digit(10))
        .expect("a decimal digit last");
    out.push(char::from_digit((last + 1) % 10, 10).expect("a digit"));
    out
}

/// A dict holding at least one integer beyond 64 bits, nested one or two
/// levels down (in a list and in a dict) next to arbitrary values.
pub fn dict_with_big_int() -> impl Strategy<Value = Gen> {
    (
        prop::collection::vec((key(), value()), 0..4),
        big_int_text(),
        big_int_text(),
        0usize..3,
    )
        .prop_map(|(entries, a, b, shape)| {
            let big = match shape {
                0 => Gen::Int(a),
                1 => Gen::List(vec![Gen::Int(a), Gen::Null, Gen::Int(b)]),
                _ => Gen::Dict(vec![
                    ("n".into(), Gen::List(vec![Gen::Int(a)])),
                    ("m".into(), Gen::Int(b)),
                ]),
            };
            let mut all = vec![("big".to_owned(), big)];
            all.extend(entries);
            Gen::Dict(distinct(all))
        })
}

/// The separators and key order of a `json.dumps` call.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Between items.
    pub item: &'static str,
    /// Between a key and its value.
    pub key: &'static str,
    /// `sort_keys=True`.
    pub sorted: bool,
}

/// `json.dumps(x)`.
pub const PYTHON: Style = Style {
    item: ", ",
    key: ": ",
    sorted: false,
};
/// `json.dumps(x, sort_keys=True)`.
pub const PYTHON_SORTED: Style = Style {
    sorted: true,
    ..PYTHON
};
/// `json.dumps(x, sort_keys=True, separators=(",", ":"))`.
pub const CANONICAL: Style = Style {
    item: ",",
    key: ":",
    sorted: true,
};

impl Gen {
    /// The JSON text Python's `json.dumps` writes for this value.
    pub fn json(&self, style: Style) -> String {
        let mut out = String::new();
        self.write_json(&mut out, style);
        out
    }

    fn write_json(&self, out: &mut String, style: Style) {
        match self {
            Gen::Null => out.push_str("null"),
            Gen::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Gen::Int(t) | Gen::Float(t) => out.push_str(t),
            Gen::Str(s) => {
                out.push('"');
                out.push_str(s);
                out.push('"');
            }
            Gen::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(style.item);
                    }
                    item.write_json(out, style);
                }
                out.push(']');
            }
            Gen::Dict(entries) => {
                let mut order: Vec<&(String, Gen)> = entries.iter().collect();
                if style.sorted {
                    order.sort_by(|a, b| a.0.cmp(&b.0));
                }
                out.push('{');
                for (i, (k, v)) in order.into_iter().enumerate() {
                    if i > 0 {
                        out.push_str(style.item);
                    }
                    out.push('"');
                    out.push_str(k);
                    out.push('"');
                    out.push_str(style.key);
                    v.write_json(out, style);
                }
                out.push('}');
            }
        }
    }

    /// The text Python's `repr` writes for this value.
    pub fn repr(&self) -> String {
        let mut out = String::new();
        self.write_repr(&mut out);
        out
    }

    fn write_repr(&self, out: &mut String) {
        match self {
            Gen::Null => out.push_str("None"),
            Gen::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Gen::Int(t) | Gen::Float(t) => out.push_str(t),
            Gen::Str(s) => {
                out.push('\'');
                out.push_str(s);
                out.push('\'');
            }
            Gen::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_repr(out);
                }
                out.push(']');
            }
            Gen::Dict(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push('\'');
                    out.push_str(k);
                    out.push_str("': ");
                    v.write_repr(out);
                }
                out.push('}');
            }
        }
    }

    /// Whether an integer outside `i64` occurs anywhere in the value.
    pub fn has_big_int(&self) -> bool {
        match self {
            Gen::Int(t) => t.parse::<i64>().is_err(),
            Gen::List(items) => items.iter().any(Gen::has_big_int),
            Gen::Dict(entries) => entries.iter().any(|(_, v)| v.has_big_int()),
            _ => false,
        }
    }
}

/// Lower-case hex of `bytes`, written test-side.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
