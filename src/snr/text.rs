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

use std::ops::Range;

/// Whether Python's `str.isspace` holds for `c`.
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{1C}'..='\u{1F}')
}

/// The words of `text`, split the way Python's `str.split()` splits.
pub(crate) fn py_split(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_py_space).filter(|w| !w.is_empty())
}

/// Appends Python's `text.lower()` to `buf`.
pub(crate) fn push_lower(buf: &mut String, text: &str) {
    if text.is_ascii() {
        // ASCII lowers byte by byte; no temporary string needed.
        buf.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        buf.push_str(&text.to_lowercase());
    }
}

/// Python's `text.lower()`.
pub(crate) fn py_lower(text: &str) -> String {
    let mut buf = String::with_capacity(text.len());
    push_lower(&mut buf, text);
    buf
}

/// The lower-cased texts of a batch in one buffer, so that words can be
/// borrowed from it without one allocation per text or per word.
pub(crate) struct LoweredTexts {
    buf: String,
    spans: Vec<Range<usize>>,
}

impl LoweredTexts {
    /// Lowers every text of `texts` into one buffer.
    pub(crate) fn new<T: AsRef<str>>(texts: &[T]) -> Self {
        let total: usize = texts.iter().map(|t| t.as_ref().len()).sum();
        let mut buf = String::with_capacity(total);
        let mut spans = Vec::with_capacity(texts.len());
        for text in texts {
            let start = buf.len();
            push_lower(&mut buf, text.as_ref());
            spans.push(start..buf.len());
        }
        LoweredTexts { buf, spans }
    }

    /// The lower-cased texts, in input order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|s| &self.buf[s.clone()])
    }
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
    fn lowered_texts_keep_boundaries() {
        let lowered = LoweredTexts::new(&["AB", "", "Cd Ef"]);
        let texts: Vec<_> = lowered.iter().collect();
        assert_eq!(texts, ["ab", "", "cd ef"]);
    }
}
