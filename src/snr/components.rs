//! The three computed components: signal, diversity and grounding.
//!
//! Each function returns the component with the sub-components it was built
//! from, in the reference's order. Means are plain sums divided by the count;
//! numpy sums in another order, which moves the result only by rounding.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::py_digit::is_py_digit;
use super::text::{LoweredTexts, py_lower, py_split};

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

/// Lexical overlap and entropy in one pass over the words, with one hash
/// lookup per word and no allocation per word.
pub(crate) fn word_stats<T: AsRef<str>>(query: &str, texts: &[T]) -> WordStats {
    let query = py_lower(query);
    let lowered = LoweredTexts::new(texts);
    // Words are short: a fast hasher matters more here than SipHash's
    // resistance to chosen collisions. Sizing for one distinct word per 8
    // bytes of text saves most rehashing; the cap bounds it on big batches.
    let expected = (lowered.len_bytes() / 8).clamp(16, 4096);
    let mut index: HashMap<&str, usize, RandomState> =
        HashMap::with_capacity_and_hasher(expected, RandomState::default());
    let mut slots: Vec<Slot> = Vec::new();
    for word in py_split(&query) {
        index.entry(word).or_insert_with(|| {
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
    for (t, text) in lowered.iter().enumerate() {
        let mut hits = 0usize;
        for word in py_split(text) {
            total += 1;
            let slot = *index.entry(word).or_insert_with(|| {
                slots.push(Slot {
                    count: 0,
                    in_query: false,
                    seen_in: usize::MAX,
                });
                slots.len() - 1
            });
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
}
