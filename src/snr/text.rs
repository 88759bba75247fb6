//! Words as the reference sees them: `text.lower().split()`.
//!
//! Python's `str.split()` without arguments splits on runs of characters
//! whose `isspace()` holds and drops empty pieces. That set is Unicode's
//! White_Space plus the four ASCII information separators U+001C..U+001F,
//! which Python counts as whitespace and Rust's `char::is_whitespace` does
//! not.
//!
//! `str.lower()` is the full Unicode lower-case mapping, including the
//! context-dependent final sigma (`"ΣΑΣ".lower() == "σας"`). Rust's
//! `str::to_lowercase` implements the same Final_Sigma rule (a cased letter
//! before, none after, skipping case-ignorable characters). Whitespace is
//! neither cased nor case-ignorable, so lowering a whole text and lowering
//! each of its words give the same words. The two languages may still differ
//! on code points whose mapping changed between their Unicode versions.

/// Whether Python's `str.isspace` holds for `c`: the definition that
/// `space_len` implements on bytes.
#[cfg(test)]
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1C}'..='\u{1F}')
}

/// Byte length of the Python whitespace character that `bytes` starts
/// with, or 0 when it starts with anything else.
///
/// Matches UTF-8 bytes directly instead of decoding every character: the
/// non-ASCII whitespace is the fixed White_Space set U+0085, U+00A0,
/// U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and U+3000
/// (unchanged since Unicode 6.3; a test checks it against `is_py_space`).
fn space_len(bytes: &[u8]) -> usize {
    match bytes {
        [b' ' | 0x09..=0x0D | 0x1C..=0x1F, ..] => 1,
        [0xC2, 0x85 | 0xA0, ..] => 2,
        [0xE1, 0x9A, 0x80, ..]
        | [0xE2, 0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF, ..]
        | [0xE2, 0x81, 0x9F, ..]
        | [0xE3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// Flags (high bit of the byte) the bytes of `x`, read little-endian, that
/// may end a word: below 0x21 (ASCII space and controls) or 0x80 and above
/// (the start or middle of a multi-byte char). The lowest flagged byte is
/// always such a byte: the subtraction's borrow can only flag bytes above a
/// truly flagged one.
fn stop_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    (x | (x.wrapping_sub(ONES * 0x21) & !x)) & HIGH
}

/// The words of `text`, split the way Python's `str.split()` splits.
pub(crate) fn py_split(text: &str) -> PyWords<'_> {
    PyWords { text, pos: 0 }
}

/// Iterator over the words of a text; see [`py_split`].
pub(crate) struct PyWords<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for PyWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        loop {
            let n = space_len(bytes.get(self.pos..)?);
            if n == 0 {
                break;
            }
            self.pos += n;
        }
        if self.pos >= bytes.len() {
            return None;
        }
        // `start` and every `pos` where a word ends are char boundaries: a
        // word starts after a whole whitespace character and ends at the
        // first byte of one (never a continuation byte) or at the end.
        let start = self.pos;
        while self.pos < bytes.len() {
            // Eight bytes at a time while none of them can end the word.
            if let Some(chunk) = bytes.get(self.pos..self.pos + 8) {
                let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
                let stops = stop_bytes(x);
                if stops == 0 {
                    self.pos += 8;
                    continue;
                }
                // The lowest flag is exact (see `stop_bytes`).
                self.pos += (stops.trailing_zeros() / 8) as usize;
            }
            // Printable ASCII (the bulk of text) is never whitespace.
            if matches!(bytes[self.pos], 0x21..=0x7F) {
                self.pos += 1;
                continue;
            }
            let n = space_len(&bytes[self.pos..]);
            if n > 0 {
                let word = &self.text[start..self.pos];
                self.pos += n;
                return Some(word);
            }
            self.pos += 1;
        }
        Some(&self.text[start..])
    }
}

/// Appends Python's `text.lower()` to `buf`.
pub(crate) fn push_lower(buf: &mut String, text: &str) {
    if text.is_ascii() {
        // ASCII lowers in place, byte by byte; no temporary string needed.
        let start = buf.len();
        buf.push_str(text);
        buf[start..].make_ascii_lowercase();
    } else if text.contains('Σ') {
        // Only capital sigma lowers by context (final sigma); leave it to
        // the standard library, which applies the same rule as Python.
        buf.push_str(&text.to_lowercase());
    } else {
        // Elsewhere `str::to_lowercase` is the per-character mapping: lower
        // ASCII runs in bulk and map only the other characters one by one.
        let mut rest = text;
        while !rest.is_empty() {
            let run = rest
                .bytes()
                .position(|b| !b.is_ascii())
                .unwrap_or(rest.len());
            let start = buf.len();
            buf.push_str(&rest[..run]);
            buf[start..].make_ascii_lowercase();
            rest = &rest[run..];
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                buf.extend(c.to_lowercase());
                rest = chars.as_str();
            }
        }
    }
}

/// Python's `text.lower()`.
pub(crate) fn py_lower(text: &str) -> String {
    let mut buf = String::with_capacity(text.len());
    push_lower(&mut buf, text);
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn information_separators_split_like_python() {
        let words: Vec<_> = py_split("x\u{1f}sep a\u{85}b\u{a0}c\u{2028}d").collect();
        assert_eq!(words, ["x", "sep", "a", "b", "c", "d"]);
    }

    #[test]
    fn stop_bytes_flag_exactly_the_first_stop() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut chunk = *b"abcdefgh";
                chunk[at] = b;
                let stops = stop_bytes(u64::from_le_bytes(chunk));
                let is_stop = !(0x21..0x80).contains(&b);
                if is_stop {
                    assert_eq!(stops.trailing_zeros() / 8, at as u32, "{b:#x} at {at}");
                } else {
                    assert_eq!(stops, 0, "{b:#x} at {at}");
                }
            }
        }
    }

    #[test]
    fn zero_width_space_does_not_split() {
        // U+200B is not whitespace for Python either.
        assert_eq!(py_split("a\u{200b}b").count(), 1);
    }

    #[test]
    fn lower_matches_python_special_cases() {
        assert_eq!(py_lower("ΣΑΣ"), "σας");
        assert_eq!(py_lower("İstanbul"), "i\u{307}stanbul");
        assert_eq!(py_lower("ǅ STRASSE"), "ǆ strasse");
        assert_eq!(py_lower("x ΣΑΣ. Σ"), "x σας. σ");
    }

    #[test]
    fn isspace_set_is_pythons() {
        // `[c for c in range(0x110000) if chr(c).isspace()]` in Python 3.11.
        let python: &[u32] = &[
            0x9, 0xA, 0xB, 0xC, 0xD, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2000,
            0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028,
            0x2029, 0x202F, 0x205F, 0x3000,
        ];
        let ours: Vec<u32> = (0..=0x10FFFFu32)
            .filter(|&c| char::from_u32(c).is_some_and(is_py_space))
            .collect();
        assert_eq!(ours, python);
    }

    #[test]
    fn byte_matcher_agrees_with_python_isspace() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            let want = if is_py_space(c) { bytes.len() } else { 0 };
            assert_eq!(space_len(bytes), want, "U+{:04X}", c as u32);
        }
    }

    proptest::proptest! {
        #[test]
        fn split_agrees_with_char_split(text in "(\\PC|\\s|[\u{1c}-\u{1f}\u{85}\u{a0}\u{2028}])*") {
            let want: Vec<&str> = text.split(is_py_space).filter(|w| !w.is_empty()).collect();
            let got: Vec<&str> = py_split(&text).collect();
            proptest::prop_assert_eq!(got, want);
        }

        #[test]
        fn lower_agrees_with_to_lowercase(text in "(\\PC|Σ|ΣΑΣ)*") {
            proptest::prop_assert_eq!(py_lower(&text), text.to_lowercase());
        }
    }

    proptest::proptest! {
        /// What `word_stats` relies on: splitting first and lowering each
        /// word gives the words of the lowered text (final sigma, dotted
        /// capital I and every kind of whitespace included).
        #[test]
        fn lowering_words_gives_the_words_of_the_lowered_text(
            text in "(\\PC|Σ|ΣΑΣ|İ|ß|ǅ|\u{345}| |\t|\u{85}|\u{a0}|\u{2028}|\u{3000}|\u{1f})*"
        ) {
            let lowered = py_lower(&text);
            let whole: Vec<&str> = py_split(&lowered).collect();
            let each: Vec<String> = py_split(&text).map(py_lower).collect();
            proptest::prop_assert_eq!(each, whole);
        }
    }
}
