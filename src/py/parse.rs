//! A one-pass JSON parser with Python's `json.loads` semantics for the value
//! model: integers of any size stay integers, numbers with a fraction or an
//! exponent are correctly rounded floats, objects keep document order (a
//! repeated key keeps its first position and its last value).
//!
//! It accepts exactly RFC 8259 JSON (no NaN or Infinity, no trailing
//! commas, no lone surrogates, which a Rust string cannot hold) and nests at
//! most [`MAX_DEPTH`] deep, so hostile input cannot exhaust the stack.

use std::collections::HashMap;

use super::{PyValue, PyValueError};

/// Deepest nesting of arrays and objects accepted (serde_json's default).
pub const MAX_DEPTH: usize = 128;

/// Objects with more keys than this index them to find repeats in O(1).
const INDEX_AFTER: usize = 16;

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

/// Parses `text` as one JSON value.
pub fn parse(text: &str) -> Result<PyValue, PyValueError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = p.value()?;
    p.skip_ws();
    if p.at != p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(value)
}

impl Parser<'_> {
    fn error(&self, what: &str) -> PyValueError {
        PyValueError::Json {
            message: format!("{what} at byte {}", self.at),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn literal(&mut self, word: &str, value: PyValue) -> Result<PyValue, PyValueError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn value(&mut self) -> Result<PyValue, PyValueError> {
        self.skip_ws();
        match self.bytes.get(self.at) {
            None => Err(self.error("unexpected end of input")),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => Ok(PyValue::Str(self.string()?)),
            Some(b't') => self.literal("true", PyValue::Bool(true)),
            Some(b'f') => self.literal("false", PyValue::Bool(false)),
            Some(b'n') => self.literal("null", PyValue::None),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a JSON value")),
        }
    }

    fn nested(
        &mut self,
        inner: fn(&mut Self) -> Result<PyValue, PyValueError>,
    ) -> Result<PyValue, PyValueError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error("nesting deeper than 128 levels"));
        }
        self.depth += 1;
        self.at += 1; // the opening bracket
        let value = inner(self);
        self.depth -= 1;
        value
    }

    fn array(&mut self) -> Result<PyValue, PyValueError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat(b']') {
            return Ok(PyValue::List(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            if self.eat(b']') {
                return Ok(PyValue::List(items));
            }
            if !self.eat(b',') {
                return Err(self.error("expected ',' or ']'"));
            }
        }
    }

    fn object(&mut self) -> Result<PyValue, PyValueError> {
        let mut entries: Vec<(String, PyValue)> = Vec::new();
        let mut index: Option<HashMap<String, usize>> = None;
        self.skip_ws();
        if self.eat(b'}') {
            return Ok(PyValue::Dict(entries));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.at) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.error("expected ':'"));
            }
            let value = self.value()?;
            if entries.len() == INDEX_AFTER && index.is_none() {
                index = Some(
                    entries
                        .iter()
                        .enumerate()
                        .map(|(i, (k, _))| (k.clone(), i))
                        .collect(),
                );
            }
            let seen = match &index {
                Some(ix) => ix.get(&key).copied(),
                None => entries.iter().position(|(k, _)| *k == key),
            };
            match seen {
                Some(i) => entries[i].1 = value,
                None => {
                    if let Some(ix) = &mut index {
                        ix.insert(key.clone(), entries.len());
                    }
                    entries.push((key, value));
                }
            }
            self.skip_ws();
            if self.eat(b'}') {
                return Ok(PyValue::Dict(entries));
            }
            if !self.eat(b',') {
                return Err(self.error("expected ',' or '}'"));
            }
        }
    }

    fn hex4(&mut self) -> Result<u16, PyValueError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        self.at += 4;
        Ok(u16::from_str_radix(digits, 16).expect("four hex digits"))
    }

    fn string(&mut self) -> Result<String, PyValueError> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(&b) = self.bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // Only ASCII bytes stop the scan, so both ends are char boundaries.
            out.push_str(&self.text[start..self.at]);
            match self.bytes.get(self.at) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escape = self.bytes.get(self.at).copied();
                    self.at += 1;
                    match escape {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => out.push(self.unicode_escape()?),
                        _ => return Err(self.error("invalid escape")),
                    }
                }
                Some(_) => return Err(self.error("control character in string")),
            }
        }
    }

    fn unicode_escape(&mut self) -> Result<char, PyValueError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !(self.eat(b'\\') && self.eat(b'u')) {
                    return Err(self.error("lone surrogate in \\u escape"));
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone surrogate in \\u escape"));
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone surrogate in \\u escape")),
            other => u32::from(other),
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<PyValue, PyValueError> {
        let start = self.at;
        self.eat(b'-');
        let int_start = self.at;
        if self.digits() == 0 {
            return Err(self.error("expected digits"));
        }
        if self.bytes[int_start] == b'0' && self.at - int_start > 1 {
            return Err(self.error("leading zero in a number"));
        }
        let mut float = false;
        if self.eat(b'.') {
            float = true;
            if self.digits() == 0 {
                return Err(self.error("expected digits after '.'"));
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            float = true;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(self.error("expected digits in the exponent"));
            }
        }
        let text = &self.text[start..self.at];
        if float {
            // `str::parse` is correctly rounded, like Python's `float`, and
            // like `json.loads` gives inf for an out-of-range exponent.
            Ok(PyValue::Float(
                text.parse().map_err(|_| self.error("invalid number"))?,
            ))
        } else {
            Ok(PyValue::Int(text.parse()?))
        }
    }
}
