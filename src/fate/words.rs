//! Python's `set(s.lower().replace("_", " ").split())`, compared without
//! building the sets.
//!
//! The fidelity rule intersects two such word sets. Building them would
//! allocate on every validation, so words are compared in place: two words
//! are equal when their lower-case forms are, char by char.
//!
//! Lower-casing is Python's `str.lower()`: the full Unicode mapping (`İ`
//! becomes `i̇`, two chars) plus the one context rule, a capital sigma at
//! the end of a word becomes `ς`. Lower-casing never creates or removes a
//! separator, and separators end the sigma rule's context, so splitting
//! first and lower-casing each word gives the same words.

use unicode_general_category::{GeneralCategory, get_general_category};

/// Whether Python's `str.split()` splits at `c`: Unicode white space plus
/// the four ASCII separators U+001C..U+001F, which CPython counts as space.
pub fn is_py_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The words of `s` after `replace("_", " ").split()`, in order, repeats kept.
pub fn words(s: &str) -> impl Iterator<Item = &str> + Clone {
    s.split(|c: char| c == '_' || is_py_whitespace(c))
        .filter(|w| !w.is_empty())
}

/// How many words per side the common case matches from stack arrays:
/// filling the arrays is a good share of a validation, so they are small.
const STACK_WORDS: usize = 8;

/// Words per side of the larger stack arrays that longer texts try next;
/// longer still falls back to re-splitting, slower but also
/// allocation-free.
const LONG_STACK_WORDS: usize = 32;

/// `(|a ∩ b|, |b|)` for the word sets of `a` and `b`, without allocating.
pub fn overlap_counts(a: &str, b: &str) -> (usize, usize) {
    overlap_on_stack::<STACK_WORDS>(a, b)
        .or_else(|| long_overlap_on_stack(a, b))
        .unwrap_or_else(|| count_overlap_streaming(a, b))
}

/// [`overlap_on_stack`] with room for [`LONG_STACK_WORDS`], out of line so
/// that the common case does not fill its arrays.
#[cold]
#[inline(never)]
fn long_overlap_on_stack(a: &str, b: &str) -> Option<(usize, usize)> {
    overlap_on_stack::<LONG_STACK_WORDS>(a, b)
}

/// The overlap from the words held in arrays of `N` per side; `None` when
/// a side has more words.
fn overlap_on_stack<const N: usize>(a: &str, b: &str) -> Option<(usize, usize)> {
    if a.is_ascii() && b.is_ascii() {
        let mut a_words = [AsciiWord::default(); N];
        let mut b_words = [AsciiWord::default(); N];
        let na = ascii_words(a, &mut a_words)?;
        let nb = ascii_words(b, &mut b_words)?;
        Some(count_overlap(
            &a_words[..na],
            &b_words[..nb],
            AsciiWord::same_lower,
        ))
    } else {
        let mut a_words = [Word::default(); N];
        let mut b_words = [Word::default(); N];
        let na = unicode_words(a, &mut a_words)?;
        let nb = unicode_words(b, &mut b_words)?;
        Some(count_overlap(
            &a_words[..na],
            &b_words[..nb],
            Word::same_lower,
        ))
    }
}

/// Whether each byte is one Python's `str.split()` splits at after
/// `replace("_", " ")`: `_`, space, `\t\n\x0b\x0c\r` and U+001C..U+001F
/// (no byte from 0x80 up is a separator on its own).
static ASCII_SEPARATORS: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'_' | b' ' | 0x09..=0x0d | 0x1c..=0x1f);
        b += 1;
    }
    table
};

/// Whether `b` is a separator: one table load.
fn is_ascii_separator(b: u8) -> bool {
    ASCII_SEPARATORS[usize::from(b)]
}

/// An ASCII word with its first eight bytes lower-cased and packed, so
/// that most comparisons are one of lengths and one of packed bytes.
#[derive(Clone, Copy, Default)]
struct AsciiWord<'a> {
    text: &'a [u8],
    head: u64,
}

impl<'a> AsciiWord<'a> {
    fn new(text: &'a [u8]) -> Self {
        let mut head = [0u8; 8];
        for (h, b) in head.iter_mut().zip(text) {
            *h = b.to_ascii_lowercase();
        }
        AsciiWord {
            text,
            head: u64::from_le_bytes(head),
        }
    }

    /// Whether the two words are equal once lower-cased.
    fn same_lower(&self, other: &AsciiWord<'_>) -> bool {
        self.text.len() == other.text.len()
            && self.head == other.head
            && (self.text.len() <= 8 || self.text[8..].eq_ignore_ascii_case(&other.text[8..]))
    }
}

/// Stores the words of the ASCII text `s` in `into`; `None` when there are
/// more than fit.
fn ascii_words<'a>(s: &'a str, into: &mut [AsciiWord<'a>]) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    loop {
        while i < bytes.len() && is_ascii_separator(bytes[i]) {
            i += 1;
        }
        if i == bytes.len() {
            return Some(n);
        }
        let start = i;
        while i < bytes.len() && !is_ascii_separator(bytes[i]) {
            i += 1;
        }
        *into.get_mut(n)? = AsciiWord::new(&bytes[start..i]);
        n += 1;
    }
}

/// Stores the words of `s` in `into`; `None` when there are more than fit.
fn unicode_words<'a>(s: &'a str, into: &mut [Word<'a>]) -> Option<usize> {
    let mut n = 0;
    for text in words(s) {
        *into.get_mut(n)? = Word {
            text,
            ascii: text.is_ascii(),
        };
        n += 1;
    }
    Some(n)
}

fn count_overlap<W>(a: &[W], b: &[W], same: impl Fn(&W, &W) -> bool) -> (usize, usize) {
    let mut shared = 0;
    let mut distinct = 0;
    for (i, word) in b.iter().enumerate() {
        // A word seen earlier in `b` is the same set member: count it once.
        if b[..i].iter().any(|earlier| same(earlier, word)) {
            continue;
        }
        distinct += 1;
        if a.iter().any(|other| same(other, word)) {
            shared += 1;
        }
    }
    (shared, distinct)
}

fn count_overlap_streaming(a: &str, b: &str) -> (usize, usize) {
    let mut shared = 0;
    let mut distinct = 0;
    for (i, word) in words(b).enumerate() {
        if words(b).take(i).any(|earlier| same_lower(earlier, word)) {
            continue;
        }
        distinct += 1;
        if words(a).any(|other| same_lower(other, word)) {
            shared += 1;
        }
    }
    (shared, distinct)
}

/// A word and whether it is plain ASCII (then a byte-wise comparison does).
#[derive(Clone, Copy, Default)]
struct Word<'a> {
    text: &'a str,
    ascii: bool,
}

impl Word<'_> {
    fn same_lower(&self, other: &Word<'_>) -> bool {
        if self.ascii && other.ascii {
            self.text.eq_ignore_ascii_case(other.text)
        } else {
            lower_chars(self.text).eq(lower_chars(other.text))
        }
    }
}

/// Whether `a.lower() == b.lower()` for two words holding no separators.
pub fn same_lower(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    lower_chars(a).eq(lower_chars(b))
}

/// The chars of `word.lower()`.
fn lower_chars(word: &str) -> impl Iterator<Item = char> + '_ {
    word.char_indices().flat_map(move |(i, c)| {
        let c = match c {
            'Σ' if is_final_sigma(word, i) => 'ς',
            'Σ' => 'σ',
            other => other,
        };
        c.to_lowercase()
    })
}

/// Unicode's Final_Sigma condition for the capital sigma at byte `at`: a
/// cased letter before it and none after it, skipping case-ignorable chars
/// both ways (CPython's `handle_capital_sigma`).
fn is_final_sigma(word: &str, at: usize) -> bool {
    let before = &word[..at];
    let after = &word[at + 'Σ'.len_utf8()..];
    next_is_cased(before.chars().rev()) && !next_is_cased(after.chars())
}

/// Whether the first char that is not case-ignorable is cased.
fn next_is_cased(mut chars: impl Iterator<Item = char>) -> bool {
    chars.find(|&c| !is_case_ignorable(c)).is_some_and(is_cased)
}

/// Unicode's `Cased` property: `Lowercase`, `Uppercase` or a title-case letter.
fn is_cased(c: char) -> bool {
    c.is_lowercase()
        || c.is_uppercase()
        || get_general_category(c) == GeneralCategory::TitlecaseLetter
}

/// Unicode's `Case_Ignorable` property: marks, format controls, modifier
/// letters and symbols, and the word-break apostrophes and mid-word dots.
fn is_case_ignorable(c: char) -> bool {
    use GeneralCategory::*;
    matches!(
        get_general_category(c),
        NonspacingMark | EnclosingMark | Format | ModifierLetter | ModifierSymbol
    ) || matches!(
        c,
        // Word_Break = Single_Quote, MidNumLet or MidLetter.
        '\'' | '.'
            | ':'
            | '\u{b7}'
            | '\u{387}'
            | '\u{55f}'
            | '\u{5f4}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{2024}'
            | '\u{2027}'
            | '\u{fe13}'
            | '\u{fe52}'
            | '\u{fe55}'
            | '\u{ff07}'
            | '\u{ff0e}'
            | '\u{ff1a}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_python_str_split() {
        let got: Vec<&str> = words(" a_b\u{1f}c\u{a0}d\u{2028}e\u{200b}f  ").collect();
        // U+200B (zero-width space) is not white space in Python.
        assert_eq!(got, ["a", "b", "c", "d", "e\u{200b}f"]);
        assert_eq!(words("  _ ").count(), 0);
        // The ASCII splitter agrees with the general one on every ASCII byte.
        for b in 0u8..0x80 {
            let c = char::from(b);
            assert_eq!(
                is_ascii_separator(b),
                c == '_' || is_py_whitespace(c),
                "{b:#x}"
            );
        }
        let mut store = [AsciiWord::default(); STACK_WORDS];
        let text = "\x1fa_b\x0bc  D__e\t";
        let n = ascii_words(text, &mut store).unwrap();
        let got: Vec<&[u8]> = store[..n].iter().map(|w| w.text).collect();
        let want: Vec<&[u8]> = words(text).map(str::as_bytes).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn packed_ascii_words_compare_every_byte_without_case() {
        let word = |s: &'static str| AsciiWord::new(s.as_bytes());
        for (a, b, same) in [
            ("Summary", "sUMMARY", true),
            ("summary", "summarx", false),
            ("summaryX", "SUMMARYx", true),
            ("summaryX", "summaryY", false),
            ("generated_at_once", "GENERATED_AT_ONCE", true),
            ("generated_at_once", "generated_at_oncf", false),
            ("abc", "abcd", false),
            ("ab\0", "ab", false),
            ("", "", true),
        ] {
            assert_eq!(word(a).same_lower(&word(b)), same, "{a} {b}");
        }
    }

    #[test]
    fn lower_case_is_full_unicode() {
        assert!(same_lower("İstanbul", "i\u{307}stanbul"));
        assert!(!same_lower("İstanbul", "istanbul"));
        assert!(same_lower("STRASSE", "strasse"));
        assert!(same_lower("\u{212a}elvin", "kelvin"));
        assert!(same_lower("ǅ", "ǆ"));
    }

    #[test]
    fn capital_sigma_follows_the_final_sigma_rule() {
        // Python: "ΣΑΣ".lower() == "σας", "ΣΑΣ.Χ".lower() == "σασ.χ".
        assert!(same_lower("ΣΑΣ", "σας"));
        assert!(!same_lower("ΣΑΣ", "σασ"));
        assert!(same_lower("ΣΑΣ.Χ", "σασ.χ"));
        assert!(same_lower("Σ", "σ"));
    }

    #[test]
    fn overlap_counts_distinct_intent_words() {
        assert_eq!(
            overlap_counts("generate_summary", "Generate summary of text"),
            (2, 4)
        );
        assert_eq!(overlap_counts("summary", "summary SUMMARY summary"), (1, 1));
        assert_eq!(overlap_counts("x", "   "), (0, 0));
    }

    #[test]
    fn long_texts_take_the_streaming_path_with_the_same_answer() {
        let many = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w0 W1";
        assert!(ascii_words(many, &mut [AsciiWord::default(); STACK_WORDS]).is_none());
        assert!(unicode_words(many, &mut [Word::default(); STACK_WORDS]).is_none());
        assert!(overlap_on_stack::<STACK_WORDS>("w1_w16_zz", many).is_none());
        assert_eq!(
            overlap_on_stack::<LONG_STACK_WORDS>("w1_w16_zz", many),
            Some(count_overlap_streaming("w1_w16_zz", many))
        );
        let very_many = "x ".repeat(LONG_STACK_WORDS) + "y";
        assert!(overlap_on_stack::<LONG_STACK_WORDS>("y", &very_many).is_none());
        assert_eq!(overlap_counts("y", &very_many), (1, 2));
        assert_eq!(overlap_counts("w1_w16_zz", many), (2, 17));
        assert_eq!(overlap_counts(many, "W16 w3 q"), (2, 3));
        assert_eq!(
            count_overlap_streaming("a_b", "A c"),
            overlap_counts("a_b", "A c")
        );
    }

    /// Checks the Final_Sigma rule against the standard library's
    /// `str::to_lowercase`, which implements it with Unicode's own tables,
    /// for every char placed before and after a capital sigma. Chars the
    /// general-category tables do not know yet (std may follow a newer
    /// Unicode) are skipped.
    #[test]
    fn final_sigma_agrees_with_std_for_every_neighbour() {
        let mut buf = String::new();
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let unassigned = get_general_category(c) == GeneralCategory::Unassigned;
            if c == '_' || is_py_whitespace(c) || unassigned {
                continue;
            }
            for pattern in [&[c, 'Σ'][..], &['Α', 'Σ', c][..]] {
                buf.clear();
                buf.extend(pattern.iter());
                let ours: String = lower_chars(&buf).collect();
                assert_eq!(ours, buf.to_lowercase(), "{:?} (U+{:04X})", buf, c as u32);
            }
        }
    }
}
