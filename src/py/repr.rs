//! Python's `str.__repr__`.

use unicode_general_category::{GeneralCategory as Gc, get_general_category};

/// Python's `str.isprintable()` for one character: everything except the
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs, with the ASCII space kept.
///
/// The category table is Unicode's current one; CPython's may be a version
/// older, which only matters for characters assigned since.
fn is_printable(ch: char) -> bool {
    if ch == ' ' {
        return true;
    }
    !matches!(
        get_general_category(ch),
        Gc::Control
            | Gc::Format
            | Gc::Surrogate
            | Gc::PrivateUse
            | Gc::Unassigned
            | Gc::LineSeparator
            | Gc::ParagraphSeparator
            | Gc::SpaceSeparator
    )
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut String, value: u32, digits: u32) {
    for i in (0..digits).rev() {
        out.push(HEX[((value >> (4 * i)) & 0xf) as usize] as char);
    }
}

/// Flags (high bit of the byte) the bytes of `x`, read little-endian, that
/// `repr` may not copy as they are: controls below 0x20, DEL and non-ASCII
/// bytes (0x7f and up), the quote and the backslash. Each test is exact for
/// the lowest byte it flags; a borrow or carry can only flag bytes above a
/// truly flagged one, so the lowest flag overall is exact.
fn attention_bytes(x: u64, quote: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let controls = x.wrapping_sub(ONES * 0x20) & !x;
    let del_and_up = x | x.wrapping_add(ONES);
    let specials = zero_bytes(x ^ (ONES * u64::from(quote))) | zero_bytes(x ^ (ONES * 0x5c));
    ((controls | del_and_up) & HIGH) | specials
}

/// Whether every byte of `bytes` is printable ASCII (0x20..0x7e) other
/// than the backslash and the quotes `a` and `b`: text that `repr` (between
/// single quotes, with `a`, `b` the two quotes) and JSON (with `a = b =
/// '"'`) write as it is.
pub(crate) fn printable_without(bytes: &[u8], a: u8, b: u8) -> bool {
    let chunks = bytes.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if attention_bytes(x, a) | attention_bytes(x, b) != 0 {
            return false;
        }
    }
    tail.iter()
        .all(|&c| (0x20..0x7f).contains(&c) && c != a && c != b && c != b'\\')
}

/// Appends `repr(s)` as CPython writes it: single quotes unless the text
/// holds a `'` and no `"`; `\t`, `\n`, `\r`, the quote and `\` escaped;
/// other non-printable characters as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
pub fn write_str_repr(out: &mut String, s: &str) {
    if printable_without(s.as_bytes(), b'\'', b'"') {
        // No quote of either kind, nothing to escape: the common case, in
        // one pass.
        out.reserve(s.len() + 2);
        out.push('\'');
        out.push_str(s);
        out.push('\'');
        return;
    }
    let quote = if s.contains('\'') && !s.contains('"') {
        b'"'
    } else {
        b'\''
    };
    out.reserve(s.len() + 2);
    out.push(char::from(quote));
    let bytes = s.as_bytes();
    // Runs of characters written as they are get copied in one go; `start`
    // is where the current run began. Every index the loop stops at is a
    // char boundary: it steps over whole chars.
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while all of them are written as they are.
        if let Some(chunk) = bytes.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            let flags = attention_bytes(x, quote);
            if flags == 0 {
                i += 8;
                continue;
            }
            // The lowest flag is exact (see `attention_bytes`).
            i += (flags.trailing_zeros() / 8) as usize;
        }
        let b = bytes[i];
        if (0x20..0x7f).contains(&b) && b != quote && b != b'\\' {
            i += 1;
            continue;
        }
        let ch = if b.is_ascii() {
            char::from(b)
        } else {
            s[i..].chars().next().expect("a char starts at a boundary")
        };
        if !b.is_ascii() && is_printable(ch) {
            i += ch.len_utf8();
            continue;
        }
        out.push_str(&s[start..i]);
        i += ch.len_utf8();
        start = i;
        match ch {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' | '\'' | '"' => {
                out.push('\\');
                out.push(ch);
            }
            c if (c as u32) <= 0xff => {
                out.push_str("\\x");
                push_hex(out, c as u32, 2);
            }
            c if (c as u32) <= 0xffff => {
                out.push_str("\\u");
                push_hex(out, c as u32, 4);
            }
            c => {
                out.push_str("\\U");
                push_hex(out, c as u32, 8);
            }
        }
    }
    out.push_str(&s[start..]);
    out.push(char::from(quote));
}

#[cfg(test)]
mod tests {
    use super::write_str_repr;

    fn repr(s: &str) -> String {
        let mut out = String::new();
        write_str_repr(&mut out, s);
        out
    }

    // Expected strings are what CPython 3.11 prints for `repr(s)`.
    #[test]
    fn matches_cpython_repr() {
        assert_eq!(repr("abc"), "'abc'");
        assert_eq!(repr("it's"), "\"it's\"");
        assert_eq!(repr("it's \"x\""), "'it\\'s \"x\"'");
        assert_eq!(repr("a\\b"), "'a\\\\b'");
        assert_eq!(repr("tab\tx\n\r"), "'tab\\tx\\n\\r'");
        assert_eq!(repr("x\u{1f}sep\u{7f}"), "'x\\x1fsep\\x7f'");
        assert_eq!(repr("fj\u{a0}nbsp"), "'fj\\xa0nbsp'");
        assert_eq!(repr("straße名前ǅ"), "'straße名前ǅ'");
        assert_eq!(repr("\u{200b}\u{2028}"), "'\\u200b\\u2028'");
        assert_eq!(repr("\u{e000}\u{10ffff}"), "'\\ue000\\U0010ffff'");
        assert_eq!(repr("😀"), "'😀'");
    }
}

#[cfg(test)]
mod attention {
    use super::attention_bytes;

    #[test]
    fn flags_exactly_the_first_byte_needing_attention() {
        for quote in [b'\'', b'"'] {
            for b in 0..=255u8 {
                for at in 0..8 {
                    let mut chunk = *b"abcdefgh";
                    chunk[at] = b;
                    let flags = attention_bytes(u64::from_le_bytes(chunk), quote);
                    let plain = (0x20..0x7f).contains(&b) && b != quote && b != b'\\';
                    if plain {
                        assert_eq!(flags, 0, "{b:#x} at {at}");
                    } else {
                        assert_eq!(flags.trailing_zeros() / 8, at as u32, "{b:#x} at {at}");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod props {
    use super::{is_printable, write_str_repr};
    use proptest::prelude::*;

    /// CPython's `unicode_repr` char by char, without the run copying.
    fn plain_repr(s: &str) -> String {
        let quote = if s.contains('\'') && !s.contains('"') {
            '"'
        } else {
            '\''
        };
        let mut out = String::from(quote);
        for c in s.chars() {
            match c {
                c if c == quote || c == '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c if c.is_ascii() || is_printable(c) => out.push(c),
                c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
                c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push_str(&format!("\\U{:08x}", c as u32)),
            }
        }
        out.push(quote);
        out
    }

    proptest! {
        #[test]
        fn matches_the_char_by_char_form(
            s in "[a-z'\"\\\\\t\n\r\u{0}-\u{1f}\u{7f}-\u{a0}é名😀\u{200b}\u{e000}\u{10ffff}]{0,24}",
        ) {
            let mut out = String::new();
            write_str_repr(&mut out, &s);
            prop_assert_eq!(out, plain_repr(&s));
        }

        /// Mostly plain text, at most one character that needs care, at
        /// any place: the one-pass path and its hand-over to the other.
        #[test]
        fn plain_text_matches(
            head in "[a-zA-Z0-9 .,]{0,40}",
            odd in "['\"\\\t\u{7f}é]?",
            tail in "[a-zA-Z0-9 .,]{0,20}",
        ) {
            let s = format!("{head}{odd}{tail}");
            let mut out = String::new();
            write_str_repr(&mut out, &s);
            prop_assert_eq!(out, plain_repr(&s));
        }

        #[test]
        fn any_string_matches(s in any::<String>()) {
            let mut out = String::new();
            write_str_repr(&mut out, &s);
            prop_assert_eq!(out, plain_repr(&s));
        }
    }
}
