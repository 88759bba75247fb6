//! The input of [`compute`](super::compute), built like the reference's
//! keyword arguments: required query and texts, everything else optional.

/// IaaS dimension scores as the reference's `iaas_dimensions` dict.
///
/// `Some(IaasDimensions)` stands for a non-empty dict: each dimension it
/// lacks reads 0.8. Passing no dimensions (or what would be an empty dict)
/// makes all four equal to the IaaS score instead. So
/// `IaasDimensions::default()` is a dict holding none of the four names,
/// which gives 0.8 for all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IaasDimensions {
    /// Inclusiveness, or `None` for the 0.8 default.
    pub inclusiveness: Option<f64>,
    /// Abundance, or `None` for the 0.8 default.
    pub abundance: Option<f64>,
    /// Articulation, or `None` for the 0.8 default.
    pub articulation: Option<f64>,
    /// Sanitization, or `None` for the 0.8 default.
    pub sanitization: Option<f64>,
}

impl IaasDimensions {
    /// Reads a dict's entries. Returns `None` for an empty dict, which the
    /// reference treats as no dict at all; names other than the four
    /// dimensions are ignored, as the reference's `.get` calls ignore them.
    pub fn from_entries<'k>(entries: impl IntoIterator<Item = (&'k str, f64)>) -> Option<Self> {
        let mut dims = IaasDimensions::default();
        let mut any = false;
        for (name, value) in entries {
            any = true;
            match name {
                "inclusiveness" => dims.inclusiveness = Some(value),
                "abundance" => dims.abundance = Some(value),
                "articulation" => dims.articulation = Some(value),
                "sanitization" => dims.sanitization = Some(value),
                _ => {}
            }
        }
        any.then_some(dims)
    }
}

/// Everything `compute` scores. Start from [`SnrInput::new`] and add the
/// optional parts with the `with_*` methods; the defaults are the
/// reference's (IaaS score 0.8, everything else absent).
///
/// `T` is the text type of the texts and symbolic sources (`&str`,
/// `String`, ...), `E` the embedding type (`Vec<f64>`, `&[f64]`, ...).
#[derive(Debug, Clone, Copy)]
pub struct SnrInput<'a, T = &'a str, E = Vec<f64>> {
    /// The query or task description.
    pub query: &'a str,
    /// The retrieved or generated texts.
    pub texts: &'a [T],
    /// Embedding of the query.
    pub query_embedding: Option<&'a [f64]>,
    /// One embedding per text, all of the query embedding's length.
    pub text_embeddings: Option<&'a [E]>,
    /// The precomputed IaaS score; the reference's default is 0.8.
    pub iaas_score: f64,
    /// Individual IaaS dimension scores.
    pub iaas_dimensions: Option<IaasDimensions>,
    /// Source identifiers for symbolic grounding.
    pub symbolic_sources: Option<&'a [T]>,
    /// Model confidence scores for neural grounding.
    pub neural_confidences: Option<&'a [f64]>,
}

/// The reference's default IaaS score.
pub const DEFAULT_IAAS_SCORE: f64 = 0.8;

impl<'a, T: AsRef<str>, E: AsRef<[f64]>> SnrInput<'a, T, E> {
    /// Input with only a query and texts.
    pub fn new(query: &'a str, texts: &'a [T]) -> Self {
        SnrInput {
            query,
            texts,
            query_embedding: None,
            text_embeddings: None,
            iaas_score: DEFAULT_IAAS_SCORE,
            iaas_dimensions: None,
            symbolic_sources: None,
            neural_confidences: None,
        }
    }

    /// Sets the query embedding.
    pub fn with_query_embedding(mut self, embedding: &'a [f64]) -> Self {
        self.query_embedding = Some(embedding);
        self
    }

    /// Sets the text embeddings, one per text.
    pub fn with_text_embeddings(mut self, embeddings: &'a [E]) -> Self {
        self.text_embeddings = Some(embeddings);
        self
    }

    /// Sets the IaaS score.
    pub fn with_iaas_score(mut self, score: f64) -> Self {
        self.iaas_score = score;
        self
    }

    /// Sets the IaaS dimensions.
    pub fn with_iaas_dimensions(mut self, dimensions: IaasDimensions) -> Self {
        self.iaas_dimensions = Some(dimensions);
        self
    }

    /// Sets the symbolic sources.
    pub fn with_symbolic_sources(mut self, sources: &'a [T]) -> Self {
        self.symbolic_sources = Some(sources);
        self
    }

    /// Sets the neural confidences.
    pub fn with_neural_confidences(mut self, confidences: &'a [f64]) -> Self {
        self.neural_confidences = Some(confidences);
        self
    }
}

impl<T: AsRef<str> + Sync, E: AsRef<[f64]> + Sync> SnrInput<'_, T, E> {
    /// Scores this input; see [`compute`](super::compute).
    pub fn compute(&self) -> Result<super::SnrResult, super::SnrError> {
        super::compute(self)
    }
}
