//! SNR inputs: deterministic batches of texts and embeddings.

use bizra::snr::{IaasDimensions, SnrInput};

/// Embedding width of the common sentence encoders (MiniLM).
pub const DIM: usize = 384;

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

pub struct Batch {
    pub query: String,
    pub texts: Vec<String>,
    pub query_embedding: Vec<f64>,
    pub text_embeddings: Vec<Vec<f64>>,
    pub sources: Vec<String>,
    pub confidences: Vec<f64>,
}

fn sentence(rng: &mut SplitMix) -> String {
    let len = 6 + rng.below(10);
    let words: Vec<&str> = (0..len).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    words.join(" ")
}

pub fn batch(n: usize, seed: u64) -> Batch {
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

/// The `compute` input the benches score: every optional part given.
pub fn compute_input(b: &Batch) -> SnrInput<'_, String, Vec<f64>> {
    let dims = IaasDimensions {
        inclusiveness: Some(0.9),
        ..Default::default()
    };
    SnrInput::new(&b.query, &b.texts)
        .with_query_embedding(&b.query_embedding)
        .with_text_embeddings(&b.text_embeddings)
        .with_iaas_score(0.85)
        .with_iaas_dimensions(dims)
        .with_symbolic_sources(&b.sources)
        .with_neural_confidences(&b.confidences)
}

/// The seed of the batch of `n` texts, shared by both suites.
pub fn seed(n: usize) -> u64 {
    0x5EED + n as u64
}
