//! Typed errors for bad SNR input.

use std::fmt;

/// Where a non-finite number was found in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Component `index` of the query embedding.
    QueryEmbedding {
        /// Component index.
        index: usize,
    },
    /// Component `index` of the embedding of text `text`.
    TextEmbedding {
        /// Text index.
        text: usize,
        /// Component index.
        index: usize,
    },
    /// The IaaS score.
    IaasScore,
    /// One of the four IaaS dimensions, by name.
    IaasDimension(&'static str),
    /// Entry `index` of the neural confidences.
    NeuralConfidence {
        /// Entry index.
        index: usize,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::QueryEmbedding { index } => write!(f, "query embedding component {index}"),
            Location::TextEmbedding { text, index } => {
                write!(f, "text embedding {text} component {index}")
            }
            Location::IaasScore => f.write_str("iaas_score"),
            Location::IaasDimension(name) => write!(f, "iaas dimension {name:?}"),
            Location::NeuralConfidence { index } => write!(f, "neural confidence {index}"),
        }
    }
}

/// Input the SNR scorer refuses. The reference would crash (`IndexError`,
/// numpy shape errors) or silently return nonsense (a NaN IaaS score turns
/// into an SNR of 1.0 through Python's `min`/`max`) on these.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SnrError {
    /// The number of text embeddings differs from the number of texts. The
    /// reference indexes embeddings by text (too few crash it) but takes the
    /// redundancy over all embeddings (extra ones would count there only).
    #[error("{embeddings} text embeddings given for {texts} texts")]
    EmbeddingCount {
        /// Number of texts.
        texts: usize,
        /// Number of text embeddings.
        embeddings: usize,
    },
    /// A text embedding's length differs from the first text embedding's.
    #[error("text embedding {index} has {found} dimensions, text embedding 0 has {expected}")]
    TextDimension {
        /// Index of the offending text embedding.
        index: usize,
        /// Dimensions of text embedding 0.
        expected: usize,
        /// Dimensions of the offending embedding.
        found: usize,
    },
    /// The query embedding's length differs from the text embeddings'.
    #[error("query embedding has {query} dimensions, text embeddings have {text}")]
    QueryDimension {
        /// Dimensions of the query embedding.
        query: usize,
        /// Dimensions of the text embeddings.
        text: usize,
    },
    /// A NaN or infinity in an embedding, a score or a confidence.
    #[error("{location} is not finite: {value}")]
    NonFinite {
        /// Where the value was found.
        location: Location,
        /// The offending value.
        value: f64,
    },
}

/// Checks `value` is finite, naming `location` otherwise.
pub(crate) fn finite(value: f64, location: Location) -> Result<f64, SnrError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(SnrError::NonFinite { location, value })
    }
}
