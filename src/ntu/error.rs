//! Errors of the NTU.

/// Why an NTU operation was refused. The unit's state is left unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NtuError {
    /// A window of zero observations cannot hold anything.
    #[error("window_size must be at least 1, got {0}")]
    ZeroWindow(usize),
    /// A window too long for exact running sums (see
    /// [`MAX_CAPACITY`](super::window::MAX_CAPACITY)).
    #[error("window_size must be at most {max}, got {size}")]
    WindowTooLarge {
        /// The requested window.
        size: usize,
        /// The largest window supported.
        max: usize,
    },
    /// A weight is negative, NaN or infinite.
    #[error("weight {name} must be finite and non-negative, got {value}")]
    BadWeight {
        /// `alpha`, `beta` or `gamma`.
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The weights sum to zero, so they cannot be normalised.
    #[error("weights alpha + beta + gamma sum to zero")]
    ZeroWeightSum,
    /// A threshold or tolerance of the config is out of range.
    #[error("{name} must be finite and in {range}, got {value}")]
    BadParameter {
        /// The config field.
        name: &'static str,
        /// The allowed range, for the message.
        range: &'static str,
        /// The offending value.
        value: f64,
    },
    /// An observation is NaN or infinite (the reference silently maps NaN to
    /// 1.0; the port refuses it).
    #[error("observation {index} is not finite: {value}")]
    NonFinite {
        /// Position of the value in the input (0 for a single observation).
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// `run_until_convergence` was given no values to cycle through.
    #[error("run_until_convergence needs at least one value")]
    EmptyInput,
}
