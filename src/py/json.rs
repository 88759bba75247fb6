//! Python's `json.dumps` with `ensure_ascii=True` (the default).

/// The separators and key order of a `json.dumps` call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonStyle {
    /// Written between items: `", "` by default, `","` in compact form.
    pub item_separator: &'static str,
    /// Written between a key and its value: `": "` by default, `":"` compact.
    pub key_separator: &'static str,
    /// `sort_keys=True`: object keys in code-point order.
    pub sort_keys: bool,
}

impl JsonStyle {
    /// `json.dumps(x)`: default separators, insertion order.
    pub const PYTHON: JsonStyle = JsonStyle {
        item_separator: ", ",
        key_separator: ": ",
        sort_keys: false,
    };
    /// `json.dumps(x, sort_keys=True)`.
    pub const PYTHON_SORTED: JsonStyle = JsonStyle {
        sort_keys: true,
        ..JsonStyle::PYTHON
    };
    /// `json.dumps(x, sort_keys=True, separators=(",", ":"))`: canonical form.
    pub const CANONICAL: JsonStyle = JsonStyle {
        item_separator: ",",
        key_separator: ":",
        sort_keys: true,
    };
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_u16_escape(out: &mut String, unit: u16) {
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[((unit >> shift) & 0xf) as usize] as char);
    }
}

/// Appends `s` as a JSON string literal the way `json.dumps` writes it with
/// `ensure_ascii=True`: printable ASCII stays, `"` and `\` and the five
/// named controls get short escapes, everything else becomes `\uXXXX`
/// (lower-case hex, a surrogate pair above U+FFFF).
pub fn write_json_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    if super::repr::printable_without(s.as_bytes(), b'"', b'"') {
        // Nothing to escape: the common case, in one pass.
        out.push_str(s);
        out.push('"');
        return;
    }
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, ch) in s.char_indices() {
        let plain = (' '..='~').contains(&ch) && ch != '"' && ch != '\\';
        if plain {
            continue;
        }
        out.push_str(&s[start..i]);
        start = i + ch.len_utf8();
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    push_u16_escape(out, *unit);
                }
            }
        }
    }
    debug_assert!(start <= bytes.len());
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::write_json_str;

    fn dumps(s: &str) -> String {
        let mut out = String::new();
        write_json_str(&mut out, s);
        out
    }

    // Expected strings are what CPython's `json.dumps(s)` prints.
    #[test]
    fn escapes_like_cpython() {
        assert_eq!(dumps("plain"), r#""plain""#);
        assert_eq!(dumps("say \"hi\"\\"), r#""say \"hi\"\\""#);
        assert_eq!(dumps("tab\tx\n\r\u{8}\u{c}"), r#""tab\tx\n\r\b\f""#);
        assert_eq!(dumps("x\u{1f}sep\u{7f}"), r#""x\u001fsep\u007f""#);
        assert_eq!(dumps("straße名前"), r#""stra\u00dfe\u540d\u524d""#);
        assert_eq!(dumps("\u{d7ff}\u{e000}"), r#""\ud7ff\ue000""#);
        assert_eq!(dumps("😀"), r#""\ud83d\ude00""#);
    }

    /// `json.dumps(s)` char by char, as CPython's `py_encode_basestring_ascii`.
    fn plain_dumps(s: &str) -> String {
        let mut out = String::from('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                ' '..='~' => out.push(c),
                _ => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
        out.push('"');
        out
    }

    proptest::proptest! {
        /// Mostly plain text with at most one character that needs an
        /// escape, at any place; and any text at all.
        #[test]
        fn matches_the_char_by_char_form(
            head in "[a-zA-Z0-9 .,']{0,40}",
            odd in "[\"\\\\\t\u{0}\u{7f}é😀]?",
            tail in "[a-zA-Z0-9 .,']{0,20}",
            any in proptest::prelude::any::<String>(),
        ) {
            let s = format!("{head}{odd}{tail}");
            proptest::prop_assert_eq!(dumps(&s), plain_dumps(&s));
            proptest::prop_assert_eq!(dumps(&any), plain_dumps(&any));
        }
    }
}
