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
}
