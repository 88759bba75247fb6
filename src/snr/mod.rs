//! Signal-to-noise ratio v2: how much of a batch of texts is signal.
//!
//! A port of the reference's `SNRCalculatorV2` (`core/iaas/snr_v2.py`). Four
//! components in [0, 1], signal S, diversity D, grounding G and the IaaS
//! score I, combine into `snr = clamp(S^0.30 D^0.25 G^0.25 I^0.20, 0, 1)`;
//! [`SnrResult`] also gives the unweighted `snr_classic`, a Shannon
//! `channel_efficiency` and a [`QualityTier`].
//!
//! - [`compute`] (or [`SnrInput::compute`]) scores a query against texts with
//!   optional embeddings, IaaS dimensions, symbolic sources and neural
//!   confidences.
//! - [`calculate_simple`] scores without embeddings, with a heuristic
//!   grounding.
//!
//! Words are `text.lower().split()` exactly as Python forms them (see the
//! `text` module). Redundancy, the mean pairwise cosine of the text
//! embeddings, is computed in O(n·d) from the sum of the unit vectors; it
//! agrees with the reference's O(n²·d) loop to about 1e-12 (and within
//! 1e-9 by contract).
//!
//! Where this port departs from the reference, on input the reference
//! mishandles:
//! - NaN or infinite numbers are a [`SnrError::NonFinite`] (the reference
//!   turns a NaN IaaS score into an SNR of 1.0).
//! - Embedding shapes must agree ([`SnrError::EmbeddingCount`],
//!   [`SnrError::TextDimension`], [`SnrError::QueryDimension`]); the
//!   reference crashes on too few text embeddings and silently counts extra
//!   ones in the redundancy only.
//! - Vectors with components beyond about 1e±154 keep their direction
//!   instead of overflowing to NaN or underflowing to "no similarity".
//! - The IaaS score and confidences are not range-checked: any finite value
//!   is scored as the reference scores it (the floor at 1e-10 and the clamp
//!   of the SNR to [0, 1] keep the result defined).

mod components;
mod error;
mod input;
mod py_digit;
mod score;
mod text;
mod vector;

pub use error::{Location, SnrError};
pub use input::{DEFAULT_IAAS_SCORE, IaasDimensions, SnrInput};
pub use score::{
    Components, ELITE_THRESHOLD, IHSAN_THRESHOLD, IaasScores, QualityTier, SnrResult,
    SubComponents, WEIGHTS, Weights,
};

use components::{diversity, grounding, signal, simple_grounding, simple_signal, word_stats};
use error::finite;
use vector::embedding_stats;

/// Default of an IaaS dimension missing from a given dimension map.
const DIMENSION_DEFAULT: f64 = 0.8;

/// Scores `input` as the reference's `compute_snr` does.
///
/// Errors on non-finite numbers anywhere in the input and on embeddings
/// whose count or dimensions disagree; never panics.
pub fn compute<T: AsRef<str> + Sync, E: AsRef<[f64]> + Sync>(
    input: &SnrInput<'_, T, E>,
) -> Result<SnrResult, SnrError> {
    let iaas_score = finite(input.iaas_score, Location::IaasScore)?;
    let iaas_dimensions = dimension_scores(iaas_score, input.iaas_dimensions)?;
    for (index, &c) in input
        .neural_confidences
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        finite(c, Location::NeuralConfidence { index })?;
    }
    let (embeddings, words) = measure(input);
    let embeddings = embeddings?;

    let (signal_strength, semantic_relevance, lexical_overlap) =
        signal(embeddings.semantic, words.lexical);
    let (diversity, entropy, redundancy) = diversity(
        !input.texts.is_empty(),
        words.entropy,
        embeddings.redundancy,
    );
    let (grounding, symbolic_coverage, neural_confidence) =
        grounding(input.symbolic_sources, input.neural_confidences);
    Ok(SnrResult {
        components: Components {
            signal_strength,
            diversity,
            grounding,
            iaas_score,
        },
        sub_components: SubComponents {
            semantic_relevance,
            lexical_overlap,
            redundancy,
            entropy,
            entropy_bits: 0.0,
            max_entropy_bits: 0.0,
            symbolic_coverage,
            neural_confidence,
        },
        iaas_dimensions,
    })
}

/// Embedding values (`n × d`) from which the embeddings are measured on
/// a pool thread while this one reads the words: below it, handing the
/// pass over and waking the thread costs more than it saves.
const PARALLEL_VALUES: usize = 1 << 15;

/// The embeddings' and the words' figures: independent passes, on two
/// threads for a large batch. Each figure is computed by the same code
/// in the same order either way, so the result is the same to the bit.
fn measure<T: AsRef<str> + Sync, E: AsRef<[f64]> + Sync>(
    input: &SnrInput<'_, T, E>,
) -> (
    Result<vector::EmbeddingStats, SnrError>,
    components::WordStats,
) {
    let embeddings = || {
        embedding_stats(
            input.texts.len(),
            input.query_embedding,
            input.text_embeddings,
        )
    };
    let words = || word_stats(input.query, input.texts);
    let values: usize = input
        .text_embeddings
        .map_or(0, |t| t.iter().map(|e| e.as_ref().len()).sum());
    // A pool thread (started once per process, not per call: starting and
    // ending a thread costs tens of microseconds of page-table work) takes
    // the embeddings while this thread reads the words. A small batch, or
    // no thread to be had, is measured here.
    let Some(pool) = (values >= PARALLEL_VALUES).then(pool).flatten() else {
        return (embeddings(), words());
    };
    let mut apart = None;
    let w = pool.in_place_scope(|scope| {
        scope.spawn(|_| apart = Some(embeddings_apart(embeddings)));
        words()
    });
    // The scope has joined the spawned task; it ran unless it panicked, and
    // a panic in it is re-raised by the scope.
    (apart.unwrap_or_else(embeddings), w)
}

/// The crate's own pool, one thread per core, started on first use; `None`
/// when its threads cannot be started (then batches are measured on the
/// calling thread). Its own, not rayon's global pool: a program's
/// settings or work there neither limit nor wait for these tasks, and a
/// pool that cannot start is not a panic.
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("bizra-snr-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `measure` on the second thread: a function of its own name so
/// that the instruction-count bench can count that thread's work
/// (`--toggle-collect=*embeddings_apart*` in `benches/instructions.rs`).
#[inline(never)]
fn embeddings_apart<R>(measure: impl FnOnce() -> R) -> R {
    measure()
}

/// Scores texts without embeddings, as the reference's `calculate_simple`:
/// lexical signal only, diversity from word entropy, grounding from the
/// share of "specific" words (with a digit or more than 8 characters).
///
/// Errors only on a non-finite IaaS score.
pub fn calculate_simple<T: AsRef<str>>(
    query: &str,
    texts: &[T],
    iaas_score: f64,
) -> Result<SnrResult, SnrError> {
    let iaas_score = finite(iaas_score, Location::IaasScore)?;
    let words = word_stats(query, texts);
    let (signal_strength, semantic_relevance, lexical_overlap) = simple_signal(words.lexical);
    let (diversity, entropy, redundancy) = diversity(!texts.is_empty(), words.entropy, 0.0);
    Ok(SnrResult {
        components: Components {
            signal_strength,
            diversity,
            grounding: simple_grounding(texts),
            iaas_score,
        },
        sub_components: SubComponents {
            semantic_relevance,
            lexical_overlap,
            redundancy,
            entropy,
            entropy_bits: 0.0,
            max_entropy_bits: 0.0,
            symbolic_coverage: 0.5,
            neural_confidence: 0.7,
        },
        iaas_dimensions: dimension_scores(iaas_score, None)?,
    })
}

/// The reported IaaS dimensions: from the map (missing ones 0.8) or all
/// equal to the IaaS score.
fn dimension_scores(
    iaas_score: f64,
    dimensions: Option<IaasDimensions>,
) -> Result<IaasScores, SnrError> {
    let Some(d) = dimensions else {
        return Ok(IaasScores {
            inclusiveness: iaas_score,
            abundance: iaas_score,
            articulation: iaas_score,
            sanitization: iaas_score,
        });
    };
    let get = |value: Option<f64>, name: &'static str| {
        finite(
            value.unwrap_or(DIMENSION_DEFAULT),
            Location::IaasDimension(name),
        )
    };
    Ok(IaasScores {
        inclusiveness: get(d.inclusiveness, "inclusiveness")?,
        abundance: get(d.abundance, "abundance")?,
        articulation: get(d.articulation, "articulation")?,
        sanitization: get(d.sanitization, "sanitization")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_batch_measured_on_two_threads_gives_the_same_bits() {
        let dim = 256;
        let n = PARALLEL_VALUES / dim + 7;
        let texts: Vec<String> = (0..n)
            .map(|i| format!("Signal {} noise ΣΑΣ café w{}", i % 13, i % 29))
            .collect();
        let value = |i: usize| ((i * 7919 % 1009) as f64 / 1009.0) - 0.5;
        let embeddings: Vec<Vec<f64>> = (0..n)
            .map(|t| (0..dim).map(|d| value(t * dim + d)).collect())
            .collect();
        let query: Vec<f64> = (0..dim).map(|d| value(d + 3)).collect();
        let input = SnrInput::new("signal noise w3", &texts)
            .with_query_embedding(&query)
            .with_text_embeddings(&embeddings);
        let (threaded, words) = measure(&input);
        let alone = embedding_stats(n, Some(&query), Some(&embeddings)).unwrap();
        let bits = |x: Option<f64>| x.map(f64::to_bits);
        let threaded = threaded.unwrap();
        assert_eq!(bits(threaded.semantic), bits(alone.semantic));
        assert_eq!(threaded.redundancy.to_bits(), alone.redundancy.to_bits());
        let w = word_stats("signal noise w3", &texts);
        assert_eq!(bits(words.lexical), bits(w.lexical));
        assert_eq!(bits(words.entropy), bits(w.entropy));
        // A bad value is reported from the second thread as from the first.
        let mut bad = embeddings.clone();
        bad[n - 1][5] = f64::NAN;
        let input = input.with_text_embeddings(&bad);
        assert!(matches!(
            measure(&input).0,
            Err(SnrError::NonFinite {
                location: Location::TextEmbedding { text, index: 5 },
                ..
            }) if text == n - 1
        ));
    }
}
