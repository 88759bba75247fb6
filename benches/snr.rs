//! SNR v2 scoring: `compute` with embeddings for a small and a large batch,
//! and `calculate_simple` for a small one.

mod common;

use std::hint::black_box;

use bizra::snr::{self, IaasDimensions, SnrInput};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// Embedding width of the common sentence encoders (MiniLM).
const DIM: usize = 384;

/// A small deterministic generator (SplitMix64), so runs measure the same
/// input without a dependency on a random-number crate.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Vocabulary: English-like words plus a few with digits and non-ASCII
/// letters, so both the ASCII fast path and full lower-casing run.
const WORDS: &[&str] = &[
    "signal",
    "noise",
    "entropy",
    "Shannon",
    "channel",
    "capacity",
    "data",
    "quality",
    "verified",
    "citation",
    "database",
    "ontology",
    "consensus",
    "gossip",
    "byzantine",
    "measured",
    "provenance",
    "information",
    "learning",
    "pattern",
    "summary",
    "accuracy",
    "x86_64",
    "v1.2",
    "2024",
    "café",
    "naïve",
    "Straße",
    "İstanbul",
    "ΣΑΣ",
    "the",
    "of",
    "and",
    "is",
    "by",
    "framework",
    "dimension",
    "inclusiveness",
    "abundance",
    "articulation",
];

struct Batch {
    query: String,
    texts: Vec<String>,
    query_embedding: Vec<f64>,
    text_embeddings: Vec<Vec<f64>>,
    sources: Vec<String>,
    confidences: Vec<f64>,
}

fn sentence(rng: &mut SplitMix) -> String {
    let len = 6 + rng.below(10);
    let words: Vec<&str> = (0..len).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    words.join(" ")
}

fn batch(n: usize, seed: u64) -> Batch {
    let mut rng = SplitMix(seed);
    let vector = |rng: &mut SplitMix| (0..DIM).map(|_| rng.unit()).collect::<Vec<f64>>();
    Batch {
        query: sentence(&mut rng),
        texts: (0..n).map(|_| sentence(&mut rng)).collect(),
        query_embedding: vector(&mut rng),
        text_embeddings: (0..n).map(|_| vector(&mut rng)).collect(),
        sources: ["database:x", "web", "KG:y", "blog"]
            .map(String::from)
            .to_vec(),
        confidences: (0..n.min(16)).map(|_| rng.unit().abs()).collect(),
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("snr");
    for n in [5usize, 1000] {
        let b = batch(n, 0x5EED + n as u64);
        let dims = IaasDimensions {
            inclusiveness: Some(0.9),
            ..Default::default()
        };
        let input = SnrInput::new(&b.query, &b.texts)
            .with_query_embedding(&b.query_embedding)
            .with_text_embeddings(&b.text_embeddings)
            .with_iaas_score(0.85)
            .with_iaas_dimensions(dims)
            .with_symbolic_sources(&b.sources)
            .with_neural_confidences(&b.confidences);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("compute", format!("{n}x{DIM}")),
            &input,
            |bench, input| bench.iter(|| black_box(input).compute().expect("valid input")),
        );
    }

    let small = batch(5, 0xC0FFEE);
    group.throughput(Throughput::Elements(5));
    group.bench_function(BenchmarkId::new("calculate_simple", "5"), |bench| {
        bench.iter(|| {
            snr::calculate_simple(black_box(&small.query), black_box(&small.texts), 0.8)
                .expect("finite score")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = bench
}
criterion_main!(benches);
