//! The three computed components: signal, diversity and grounding.
//!
//! Each function returns the component with the sub-components it was built
//! from, in the reference's order. Means are plain sums divided by the count;
//! numpy sums in another order, which moves the result only by rounding.

use std::borrow::Cow;
use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::py_digit::is_py_digit;
use super::text::{py_lower, py_split};

/// What the words of the texts contribute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WordStats {
    /// Mean over texts of `|q ∩ t| / |q|` on distinct lower-cased words (0
    /// per text when the query has no words); `None` when there are no texts.
    pub lexical: Option<f64>,
    /// Normalised Shannon entropy of the word frequencies over all texts;
    /// `None` when the texts hold no words at all.
    pub entropy: Option<f64>,
}

/// One distinct word seen in the query or the texts.
struct Slot {
    /// Occurrences in the texts (0 for a query word no text uses).
    count: usize,
    /// Whether the word is a query word.
    in_query: bool,
    /// Last text that counted this query word, so each counts once per text.
    seen_in: usize,
}

/// Lexical overlap and entropy in one pass over the words, with no
/// allocation per word.
///
/// Words are split from the texts as given and each distinct spelling is
/// lowered once: lowering never creates or removes whitespace, and
/// whitespace ends the final-sigma context, so `text.lower().split()` and
/// the lowered words of `text.split()` are the same words (see
/// [`super::text`]). A word seen before costs one hash lookup on its raw
/// spelling; only a new spelling is lowered and looked up by its lowered
/// form, which decides its slot. Slots are numbered in the order their
/// lowered word first appears, query first, as before.
pub(crate) fn word_stats<T: AsRef<str>>(query: &str, texts: &[T]) -> WordStats {
    let query = py_lower(query);
    // Words are short: a fast hasher matters more here than SipHash's
    // resistance to chosen collisions. Texts repeat their words (a
    // vocabulary grows far slower than the text), so the tables start
    // small: large ones would be fresh pages on every call, and growing
    // costs only a few rehashes.
    let bytes: usize = texts.iter().map(|t| t.as_ref().len()).sum();
    let expected = (bytes / 64).clamp(16, 256);
    let mut index: HashMap<Cow<'_, str>, usize, RandomState> =
        HashMap::with_capacity_and_hasher(expected, RandomState::default());
    let mut spellings: HashMap<Spelling<'_>, usize, RandomState> =
        HashMap::with_capacity_and_hasher(expected, RandomState::default());
    let mut slots: Vec<Slot> = Vec::new();
    for word in py_split(&query) {
        index.entry(Cow::Borrowed(word)).or_insert_with(|| {
            slots.push(Slot {
                count: 0,
                in_query: true,
                seen_in: usize::MAX,
            });
            slots.len() - 1
        });
    }
    let query_words = slots.len();

    let mut overlap_sum = 0.0;
    let mut total = 0usize;
    for (t, text) in texts.iter().enumerate() {
        let mut hits = 0usize;
        for word in py_split(text.as_ref()) {
            total += 1;
            let slot = match spellings.get(&Spelling(word)) {
                Some(&slot) => slot,
                None => {
                    let slot = *index.entry(lowered(word)).or_insert_with(|| {
                        slots.push(Slot {
                            count: 0,
                            in_query: false,
                            seen_in: usize::MAX,
                        });
                        slots.len() - 1
                    });
                    spellings.insert(Spelling(word), slot);
                    slot
                }
            };
            let slot = &mut slots[slot];
            slot.count += 1;
            if slot.in_query && slot.seen_in != t {
                slot.seen_in = t;
                hits += 1;
            }
        }
        if query_words > 0 {
            overlap_sum += hits as f64 / query_words as f64;
        }
    }

    let lexical = (!texts.is_empty()).then(|| overlap_sum / texts.len() as f64);
    let entropy = (total > 0).then(|| normalised_entropy(&slots, total));
    WordStats { lexical, entropy }
}

/// A word as spelt in a text, compared inline: words are a few bytes
/// long, and a call to `memcmp` per lookup cost more than the comparison.
#[derive(Clone, Copy)]
struct Spelling<'a>(&'a str);

impl PartialEq for Spelling<'_> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        same_bytes(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Spelling<'_> {}

impl std::hash::Hash for Spelling<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// `a == b`, with words of up to 16 bytes compared as two overlapping
/// loads from each end.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8"));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4"));
    match n {
        0..=3 => a == b,
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// Python's `word.lower()`, borrowed when the word is lower-case already.
fn lowered(word: &str) -> Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(py_lower(word))
    }
}

/// `H / max(log2 V, 1)` with `H = -Σ p log2(p + 1e-10)`; the 1e-10 is the
/// reference's guard against `log2(0)`, kept although every `p` here is > 0.
fn normalised_entropy(slots: &[Slot], total: usize) -> f64 {
    let total = total as f64;
    let mut h = 0.0;
    let mut distinct = 0usize;
    for slot in slots.iter().filter(|s| s.count > 0) {
        let p = slot.count as f64 / total;
        h -= p * (p + 1e-10).log2();
        distinct += 1;
    }
    h / (distinct as f64).log2().max(1.0)
}

/// `(S, semantic, lexical)` for `compute`: no texts gives all zeros;
/// semantic is 0.5 without both embeddings.
pub(crate) fn signal(semantic: Option<f64>, lexical: Option<f64>) -> (f64, f64, f64) {
    match lexical {
        None => (0.0, 0.0, 0.0),
        Some(lexical) => {
            let semantic = semantic.unwrap_or(0.5);
            (0.6 * semantic + 0.4 * lexical, semantic, lexical)
        }
    }
}

/// `(S, semantic, lexical)` for `calculate_simple`: the weights are swapped
/// versus [`signal`] and no texts means a lexical overlap of 0.3. Both are
/// reference quirks kept for parity.
pub(crate) fn simple_signal(lexical: Option<f64>) -> (f64, f64, f64) {
    let lexical = lexical.unwrap_or(0.3);
    (0.4 * 0.5 + 0.6 * lexical, 0.5, lexical)
}

/// `(D, entropy, redundancy)`: no texts gives `(0, 0, 1)`, texts without
/// words `(0, 0, redundancy)`.
pub(crate) fn diversity(has_texts: bool, entropy: Option<f64>, redundancy: f64) -> (f64, f64, f64) {
    if !has_texts {
        return (0.0, 0.0, 1.0);
    }
    match entropy {
        None => (0.0, 0.0, redundancy),
        Some(e) => (0.5 * e + 0.5 * (1.0 - redundancy), e, redundancy),
    }
}

/// Substrings that mark a symbolic source as structured knowledge.
const STRUCTURED: [&str; 6] = ["database", "kg", "ontology", "fact", "verified", "citation"];

/// `(G, symbolic, neural)`: an empty or absent list takes the default
/// (0.5 symbolic, 0.7 neural), as the reference's truthiness test does.
pub(crate) fn grounding<S: AsRef<str>>(
    sources: Option<&[S]>,
    confidences: Option<&[f64]>,
) -> (f64, f64, f64) {
    let symbolic = match sources {
        Some(s) if !s.is_empty() => {
            let grounded = s
                .iter()
                .filter(|src| {
                    let lower = py_lower(src.as_ref());
                    STRUCTURED.iter().any(|kw| lower.contains(kw))
                })
                .count();
            grounded as f64 / s.len() as f64
        }
        _ => 0.5,
    };
    let neural = match confidences {
        Some(c) if !c.is_empty() => c.iter().sum::<f64>() / c.len() as f64,
        _ => 0.7,
    };
    (0.5 * symbolic + 0.5 * neural, symbolic, neural)
}

/// `calculate_simple`'s heuristic grounding: `min(1, 0.5 + 0.5 * specific /
/// max(words, 1))` over the case-kept words of all texts, a word being
/// specific when it holds a Python digit or has more than 8 characters.
pub(crate) fn simple_grounding<T: AsRef<str>>(texts: &[T]) -> f64 {
    let (mut words, mut specific) = (0usize, 0usize);
    // The reference splits `" ".join(texts)`; the joining space only
    // separates, so splitting each text gives the same words.
    for word in texts.iter().flat_map(|t| py_split(t.as_ref())) {
        words += 1;
        let is_specific = if word.is_ascii() {
            word.len() > 8 || word.bytes().any(|b| b.is_ascii_digit())
        } else {
            word.chars().nth(8).is_some() || word.chars().any(is_py_digit)
        };
        if is_specific {
            specific += 1;
        }
    }
    (0.5 + 0.5 * (specific as f64 / words.max(1) as f64)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_word_counts_once_per_text() {
        let s = word_stats("a b", &["a a c", "b a"]);
        assert_eq!(s.lexical, Some((0.5 + 1.0) / 2.0));
    }

    #[test]
    fn uniform_words_have_entropy_near_one() {
        let s = word_stats("", &["w x", "y z"]);
        assert!((s.entropy.unwrap() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn superscript_digit_is_specific_but_fraction_is_not() {
        assert_eq!(simple_grounding(&["x²", "½"]), 0.75);
    }

    /// `text.lower().split()` word statistics the plain way: lower the
    /// whole text, split it, count in owned strings.
    fn plain_word_stats(query: &str, texts: &[String]) -> WordStats {
        use std::collections::HashSet;
        let split = |s: &str| -> Vec<String> {
            s.to_lowercase()
                .split(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect()
        };
        let mut order: Vec<String> = Vec::new();
        let mut counts: HashMap<String, usize> = HashMap::new();
        let query_words = split(query);
        let query_set: HashSet<&String> = query_words.iter().collect();
        for w in &query_words {
            if !counts.contains_key(w) {
                order.push(w.clone());
                counts.insert(w.clone(), 0);
            }
        }
        let mut overlap_sum = 0.0;
        let mut total = 0;
        for text in texts {
            let words = split(text);
            let set: HashSet<&String> = words.iter().collect();
            for w in &words {
                total += 1;
                if !counts.contains_key(w) {
                    order.push(w.clone());
                }
                *counts.entry(w.clone()).or_insert(0) += 1;
            }
            if !query_set.is_empty() {
                let hits = query_set.intersection(&set).count();
                overlap_sum += hits as f64 / query_set.len() as f64;
            }
        }
        let slots: Vec<Slot> = order
            .iter()
            .map(|w| Slot {
                count: counts[w],
                in_query: false,
                seen_in: 0,
            })
            .collect();
        WordStats {
            lexical: (!texts.is_empty()).then(|| overlap_sum / texts.len() as f64),
            entropy: (total > 0).then(|| normalised_entropy(&slots, total)),
        }
    }

    proptest::proptest! {
        /// Words split first and lowered once per spelling give exactly
        /// (to the bit) what lowering every text whole gives.
        #[test]
        fn word_stats_agree_with_lowering_whole_texts(
            query in "(Ab|ab|AB|ΣΑΣ|σας|İx|ix|Straße|STRASSE| |\u{a0})*",
            texts in proptest::collection::vec(
                "(Ab|ab|AB|ΣΑΣ|σας|ΣΑΣΑ|İx|ix|i\u{307}x|Straße|STRASSE|x1| |\t|\u{3000})*",
                0..12,
            ),
        ) {
            proptest::prop_assert_eq!(word_stats(&query, &texts), plain_word_stats(&query, &texts));
        }
    }

    #[test]
    fn short_spellings_compare_every_byte() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
        ];
        for w in words {
            assert!(same_bytes(w.as_bytes(), w.as_bytes()));
            // Every single byte changed is seen, wherever it is.
            for at in 0..w.len() {
                let mut other = w.as_bytes().to_vec();
                other[at] ^= 1;
                assert!(!same_bytes(w.as_bytes(), &other), "{w} at {at}");
            }
        }
        assert!(!same_bytes(b"abcd", b"abcde"));
    }
}
