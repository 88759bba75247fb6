//! Embedding arithmetic: norms, cosines and the O(n·d) redundancy.
//!
//! The reference computes `dot(a, b) / (|a| |b|)` and calls a vector with a
//! zero norm "no similarity" (0). Squaring components overflows beyond about
//! 1e154 and underflows below about 1e-154, where the reference returns NaN
//! or 0 for vectors that have a perfectly good direction. The port keeps the
//! plain formula in the safe range (so it agrees with the reference to
//! rounding) and rescales by the largest component outside it. Only a vector
//! whose components are all zero has no direction here.

use super::error::{Location, SnrError};

/// Squared norms inside this range take the plain formula: the product of
/// two norms then stays within 1e±290, far from overflow and subnormals.
const PLAIN_RANGE: std::ops::RangeInclusive<f64> = 1e-290..=1e290;

/// A Euclidean norm kept as `scale * root`, so that it is exact in range
/// even when the norm itself is not representable.
#[derive(Debug, Clone, Copy)]
struct Norm {
    /// 1 in the plain range, else the largest absolute component.
    scale: f64,
    /// Norm of the vector divided by `scale`; 0 for the zero vector.
    root: f64,
}

/// Independent running sums per dot product: eight partial sums keep four
/// SSE2 registers' worth of additions in flight, so the loop runs at the
/// machine's throughput instead of waiting on one addition's latency. The
/// order differs from numpy's only by rounding.
const LANES: usize = 8;

/// Adds up the partial sums, then the tail. Even and odd lanes are summed
/// apart first, the order in which pairs of lanes held in one SSE2
/// register add up without shuffling them in the loop.
fn finish(acc: [f64; LANES], tail: f64) -> f64 {
    let even = (acc[0] + acc[2]) + (acc[4] + acc[6]);
    let odd = (acc[1] + acc[3]) + (acc[5] + acc[7]);
    (even + odd) + tail
}

/// Dot product of `a` and `b` (of equal length). Always inlined, so that
/// each compilation of [`embedding_stats`] has its own, for its own CPU
/// features.
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f64 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    finish(acc, tail)
}

/// Norm of `v`; a non-finite component is an error naming its index.
fn norm(v: &[f64], location: impl Fn(usize) -> Location) -> Result<Norm, SnrError> {
    norm_from(v, dot(v, v), location)
}

/// Norm of `v` given `squares = dot(v, v)`.
fn norm_from(
    v: &[f64],
    squares: f64,
    location: impl Fn(usize) -> Location,
) -> Result<Norm, SnrError> {
    if PLAIN_RANGE.contains(&squares) {
        return Ok(Norm {
            scale: 1.0,
            root: squares.sqrt(),
        });
    }
    // NaN and infinities propagate into the sum, so only now look for them.
    if let Some(index) = v.iter().position(|x| !x.is_finite()) {
        return Err(SnrError::NonFinite {
            location: location(index),
            value: v[index],
        });
    }
    let scale = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 {
        return Ok(Norm {
            scale: 1.0,
            root: 0.0,
        });
    }
    let root = v
        .iter()
        .map(|x| (x / scale) * (x / scale))
        .sum::<f64>()
        .sqrt();
    Ok(Norm { scale, root })
}

/// Cosine of `a` and `b` given their norms; 0 when either is the zero vector.
fn cosine(a: &[f64], na: Norm, b: &[f64], nb: Norm) -> f64 {
    if na.root == 0.0 || nb.root == 0.0 {
        return 0.0;
    }
    if na.scale == 1.0 && nb.scale == 1.0 {
        return dot(a, b) / (na.root * nb.root);
    }
    let scaled: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x / na.scale) * (y / nb.scale))
        .sum();
    scaled / (na.root * nb.root)
}

/// What the embeddings contribute to the score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct EmbeddingStats {
    /// Mean cosine of the query and each text; `None` unless both the query
    /// and the text embeddings are given and there is at least one text.
    pub semantic: Option<f64>,
    /// Mean pairwise cosine of the text embeddings; 0 with fewer than two.
    pub redundancy: f64,
}

/// Validates the embeddings and measures them in one pass per text.
///
/// Redundancy uses `Σ_{i<j} u_i·u_j = (|Σ u_i|² − Σ |u_i|²) / 2` over the
/// unit vectors `u_i` (zero vectors give `u_i = 0` yet count among the
/// `n(n−1)/2` pairs, as in the reference), so it costs O(n·d), not O(n²·d).
///
/// Compiled twice, for the baseline x86-64 and for AVX2, and the second
/// chosen at run time where the CPU has it (`multiversion`, whose checked
/// dispatch keeps this crate free of `unsafe`). The results are the same
/// bits either way: every dot product keeps eight running sums, each
/// added to in the same order whatever the vector width, and there is no
/// fused multiply-add (a test compares the two).
#[multiversion::multiversion(targets("x86_64+avx2"))]
pub(crate) fn embedding_stats<E: AsRef<[f64]>>(
    n_texts: usize,
    query: Option<&[f64]>,
    texts: Option<&[E]>,
) -> Result<EmbeddingStats, SnrError> {
    measure_embeddings(n_texts, query, texts)
}

/// [`embedding_stats`]'s body, inlined into each of its compilations.
#[inline(always)]
fn measure_embeddings<E: AsRef<[f64]>>(
    n_texts: usize,
    query: Option<&[f64]>,
    texts: Option<&[E]>,
) -> Result<EmbeddingStats, SnrError> {
    let query = match query {
        Some(q) => Some((q, norm(q, |index| Location::QueryEmbedding { index })?)),
        None => None,
    };
    let Some(texts) = texts else {
        return Ok(EmbeddingStats {
            semantic: None,
            redundancy: 0.0,
        });
    };
    check_shapes(n_texts, query.map(|(q, _)| q.len()), texts)?;

    let dim = texts.first().map_or(0, |t| t.as_ref().len());
    let mut sum = vec![0.0f64; dim];
    let mut self_dots = 0.0;
    let mut cos_sum = 0.0;
    for (i, t) in texts.iter().enumerate() {
        let t = t.as_ref();
        // The text is read from memory once; the second product finds it
        // in the cache.
        let squares = dot(t, t);
        let qt = query.map_or(0.0, |(q, _)| dot(q, t));
        let nt = norm_from(t, squares, |index| Location::TextEmbedding {
            text: i,
            index,
        })?;
        if let Some((q, nq)) = query {
            cos_sum += if nq.scale == 1.0 && nt.scale == 1.0 {
                // `cosine` in its plain range, with the dot product at hand.
                if nq.root == 0.0 || nt.root == 0.0 {
                    0.0
                } else {
                    qt / (nq.root * nt.root)
                }
            } else {
                cosine(q, nq, t, nt)
            };
        }
        if nt.root == 0.0 {
            continue;
        }
        if nt.scale == 1.0 {
            let inv = 1.0 / nt.root;
            for (s, x) in sum.iter_mut().zip(t) {
                *s += x * inv;
            }
            self_dots += (nt.root * inv) * (nt.root * inv);
        } else {
            let mut own = 0.0;
            for (s, x) in sum.iter_mut().zip(t) {
                let u = x / nt.scale / nt.root;
                *s += u;
                own += u * u;
            }
            self_dots += own;
        }
    }
    let n = texts.len();
    let semantic = match query {
        Some(_) if n > 0 => Some(cos_sum / n as f64),
        _ => None,
    };
    let redundancy = if n >= 2 {
        (dot(&sum, &sum) - self_dots) / (n as f64 * (n - 1) as f64)
    } else {
        0.0
    };
    Ok(EmbeddingStats {
        semantic,
        redundancy,
    })
}

/// Counts and dimensions must agree before any arithmetic.
fn check_shapes<E: AsRef<[f64]>>(
    n_texts: usize,
    query_dim: Option<usize>,
    texts: &[E],
) -> Result<(), SnrError> {
    if texts.len() != n_texts {
        return Err(SnrError::EmbeddingCount {
            texts: n_texts,
            embeddings: texts.len(),
        });
    }
    let Some(first) = texts.first() else {
        return Ok(());
    };
    let expected = first.as_ref().len();
    if let Some(index) = texts.iter().position(|t| t.as_ref().len() != expected) {
        return Err(SnrError::TextDimension {
            index,
            expected,
            found: texts[index].as_ref().len(),
        });
    }
    match query_dim {
        Some(query) if query != expected => Err(SnrError::QueryDimension {
            query,
            text: expected,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(q: &[f64], t: &[Vec<f64>]) -> EmbeddingStats {
        embedding_stats(t.len(), Some(q), Some(t)).expect("valid input")
    }

    #[test]
    fn huge_and_tiny_vectors_keep_their_direction() {
        let s = stats(&[1e300, 0.0], &[vec![1e-300, 1e-300], vec![3e200, 0.0]]);
        let half = std::f64::consts::FRAC_1_SQRT_2;
        assert!((s.semantic.unwrap() - (half + 1.0) / 2.0).abs() < 1e-15);
        assert!((s.redundancy - half).abs() < 1e-15);
    }

    #[test]
    fn zero_vectors_count_in_pairs_but_add_nothing() {
        let s = stats(
            &[1.0, 0.0],
            &[vec![1.0, 0.0], vec![2.0, 0.0], vec![0.0, 0.0]],
        );
        // Pairs: (0,1) = 1, (0,2) = 0, (1,2) = 0.
        assert!((s.redundancy - 1.0 / 3.0).abs() < 1e-15);
    }

    #[test]
    fn nan_is_reported_with_its_place() {
        let err = embedding_stats(1, None, Some(&[vec![0.0, f64::NAN]])).unwrap_err();
        assert!(matches!(
            err,
            SnrError::NonFinite {
                location: Location::TextEmbedding { text: 0, index: 1 },
                ..
            }
        ));
    }

    proptest::proptest! {
        /// The AVX2 compilation (chosen on a CPU that has it) and the
        /// baseline one give the same bits.
        #[test]
        fn every_compilation_gives_the_same_bits(
            dim in 0usize..40,
            seed in proptest::collection::vec(-1e3f64..1e3, 0..400),
            scale in proptest::sample::select(vec![1.0, 1e-160, 1e160]),
        ) {
            let n = seed.len().checked_div(dim).unwrap_or(0);
            let texts: Vec<Vec<f64>> = (0..n)
                .map(|i| seed[i * dim..(i + 1) * dim].iter().map(|x| x * scale).collect())
                .collect();
            let query: Vec<f64> = (0..dim).map(|k| seed.get(k).copied().unwrap_or(1.0)).collect();
            let dispatched = embedding_stats(n, Some(&query), Some(&texts)).unwrap();
            let baseline = measure_embeddings(n, Some(&query), Some(&texts)).unwrap();
            proptest::prop_assert_eq!(dispatched.semantic.map(f64::to_bits), baseline.semantic.map(f64::to_bits));
            proptest::prop_assert_eq!(dispatched.redundancy.to_bits(), baseline.redundancy.to_bits());
        }
    }
}
