//! Properties of the SNR scorer: the O(n·d) redundancy equals the plain
//! pairwise mean, bad numbers and shapes are typed errors, nothing panics.

use bizra::snr::{self, IaasDimensions, Location, SnrError, SnrInput};
use proptest::prelude::*;

/// The reference's cosine: 0 when either vector has a zero norm.
fn plain_cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// The reference's O(n²·d) redundancy: mean cosine over all pairs i < j.
fn plain_redundancy(vs: &[Vec<f64>]) -> f64 {
    let mut sims = Vec::new();
    for i in 0..vs.len() {
        for j in i + 1..vs.len() {
            sims.push(plain_cosine(&vs[i], &vs[j]));
        }
    }
    if sims.is_empty() {
        0.0
    } else {
        sims.iter().sum::<f64>() / sims.len() as f64
    }
}

/// `n` vectors of dimension `d`, about one in four the zero vector.
fn embeddings(max_n: usize) -> impl Strategy<Value = (Vec<f64>, Vec<Vec<f64>>)> {
    (1usize..=max_n, 1usize..=24).prop_flat_map(|(n, d)| {
        let vector = prop_oneof![
            3 => prop::collection::vec(-100.0f64..100.0, d),
            1 => Just(vec![0.0; d]),
        ];
        (
            prop::collection::vec(-100.0f64..100.0, d),
            prop::collection::vec(vector, n),
        )
    })
}

/// Any f64 at all, NaN and infinities included.
fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        -1.0f64..1.0,
    ]
}

fn dummy_texts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("text {i}")).collect()
}

proptest! {
    #[test]
    fn redundancy_equals_pairwise_mean((query, texts) in embeddings(40)) {
        let words = dummy_texts(texts.len());
        let got = SnrInput::new("q", &words)
            .with_query_embedding(&query)
            .with_text_embeddings(&texts)
            .compute()
            .expect("valid embeddings");
        let want = plain_redundancy(&texts);
        prop_assert!((got.sub_components.redundancy - want).abs() <= 1e-9,
            "redundancy {} vs pairwise {}", got.sub_components.redundancy, want);
        let semantic = texts.iter().map(|t| plain_cosine(&query, t)).sum::<f64>()
            / texts.len() as f64;
        prop_assert!((got.sub_components.semantic_relevance - semantic).abs() <= 1e-12);
    }

    #[test]
    fn arbitrary_input_scores_or_names_the_bad_number(
        query in any::<String>(),
        texts in prop::collection::vec(any::<String>(), 0..6),
        dim in 0usize..5,
        raw in prop::collection::vec(any_float(), 0..40),
        iaas in any_float(),
        confidences in prop::collection::vec(any_float(), 0..4),
        sources in prop::collection::vec(any::<String>(), 0..4),
        dimension in any_float(),
    ) {
        let mut values = raw.into_iter().cycle();
        let query_embedding: Vec<f64> = values.by_ref().take(dim).collect();
        let text_embeddings: Vec<Vec<f64>> = (0..texts.len())
            .map(|_| values.by_ref().take(dim).collect())
            .collect();
        // Short `raw` makes short vectors: unequal lengths must be a shape
        // error. Without texts the query has nothing to disagree with.
        let text_dim = text_embeddings.first().map(Vec::len);
        let shapes_ok = text_embeddings.iter().all(|t| Some(t.len()) == text_dim)
            && text_dim.is_none_or(|d| d == query_embedding.len());
        let all_finite = iaas.is_finite()
            && dimension.is_finite()
            && confidences.iter().all(|c| c.is_finite())
            && query_embedding.iter().chain(text_embeddings.iter().flatten()).all(|x| x.is_finite());
        let dims = IaasDimensions { abundance: Some(dimension), ..Default::default() };
        let result = SnrInput::new(&query, &texts)
            .with_query_embedding(&query_embedding)
            .with_text_embeddings(&text_embeddings)
            .with_iaas_score(iaas)
            .with_iaas_dimensions(dims)
            .with_symbolic_sources(&sources)
            .with_neural_confidences(&confidences)
            .compute();
        match result {
            Ok(r) => {
                prop_assert!(shapes_ok && all_finite);
                prop_assert!((0.0..=1.0).contains(&r.snr()), "snr {}", r.snr());
                prop_assert!(r.channel_efficiency().is_finite());
            }
            Err(SnrError::NonFinite { value, .. }) => prop_assert!(!value.is_finite()),
            Err(e) => prop_assert!(!shapes_ok, "unexpected {e}"),
        }
        let simple = snr::calculate_simple(&query, &texts, iaas);
        prop_assert_eq!(simple.is_ok(), iaas.is_finite());
    }

    #[test]
    fn query_dimension_mismatch_is_an_error(d in 1usize..20, extra in 1usize..5) {
        let texts = dummy_texts(2);
        let query = vec![1.0; d + extra];
        let embeddings = vec![vec![1.0; d], vec![0.5; d]];
        let err = SnrInput::new("q", &texts)
            .with_query_embedding(&query)
            .with_text_embeddings(&embeddings)
            .compute()
            .unwrap_err();
        prop_assert_eq!(err, SnrError::QueryDimension { query: d + extra, text: d });
    }

    #[test]
    fn text_dimension_mismatch_is_an_error(d in 0usize..20, other in 0usize..20, at in 1usize..4) {
        prop_assume!(d != other);
        let texts = dummy_texts(4);
        let mut embeddings = vec![vec![1.0; d]; 4];
        embeddings[at] = vec![1.0; other];
        let err = SnrInput::new("q", &texts)
            .with_text_embeddings(&embeddings)
            .compute()
            .unwrap_err();
        prop_assert_eq!(err, SnrError::TextDimension { index: at, expected: d, found: other });
    }

    #[test]
    fn embedding_count_mismatch_is_an_error(texts in 0usize..6, embeddings in 0usize..6) {
        prop_assume!(texts != embeddings);
        let words = dummy_texts(texts);
        let vectors = vec![vec![1.0, 2.0]; embeddings];
        let err = SnrInput::new("q", &words)
            .with_text_embeddings(&vectors)
            .compute()
            .unwrap_err();
        prop_assert_eq!(err, SnrError::EmbeddingCount { texts, embeddings });
    }
}

#[test]
fn nan_iaas_score_is_an_error_not_a_perfect_score() {
    // The reference's min/max turn a NaN score into an SNR of 1.0.
    let err = snr::calculate_simple("q", &["a text"], f64::NAN).unwrap_err();
    assert!(matches!(
        err,
        SnrError::NonFinite {
            location: Location::IaasScore,
            ..
        }
    ));
}
