//! NTU configuration and its validation.

use super::NtuError;
use super::window::MAX_CAPACITY;

/// The settings of an NTU, with the reference's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NtuConfig {
    /// Number of observations in the sliding window (default 5).
    pub window_size: usize,
    /// Weight of temporal consistency in the belief update (default 0.4).
    pub alpha: f64,
    /// Weight of the class prior (default 0.35).
    pub beta: f64,
    /// Weight of the previous belief (default 0.25).
    pub gamma: f64,
    /// Belief at or above which a pattern is detected (default 0.95).
    pub ihsan_threshold: f64,
    /// Convergence tolerance of `run_until_convergence` (default 0.01).
    pub epsilon: f64,
    /// Observation budget of `run_until_convergence` (default 1000).
    pub max_iterations: usize,
}

impl Default for NtuConfig {
    fn default() -> Self {
        NtuConfig {
            window_size: 5,
            alpha: 0.4,
            beta: 0.35,
            gamma: 0.25,
            ihsan_threshold: 0.95,
            epsilon: 0.01,
            max_iterations: 1000,
        }
    }
}

/// The belief-update weights after validation and normalisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Temporal-consistency weight.
    pub alpha: f64,
    /// Prior weight.
    pub beta: f64,
    /// Previous-belief weight.
    pub gamma: f64,
}

impl NtuConfig {
    /// A default config with the given window size.
    pub fn with_window(window_size: usize) -> Self {
        NtuConfig {
            window_size,
            ..NtuConfig::default()
        }
    }

    /// Checks the config and returns the weights the unit will use: when
    /// `|alpha + beta + gamma - 1| > 1e-6`, each is divided by the sum, as
    /// the reference does. A zero window, a negative or non-finite weight,
    /// a window beyond [`MAX_CAPACITY`] (2^20 values, where the running sums
    /// would lose precision), a zero sum or an out-of-range threshold is an
    /// error (the reference
    /// divides by zero or misbehaves silently).
    pub fn validate(&self) -> Result<Weights, NtuError> {
        if self.window_size == 0 {
            return Err(NtuError::ZeroWindow(self.window_size));
        }
        if self.window_size > MAX_CAPACITY {
            return Err(NtuError::WindowTooLarge {
                size: self.window_size,
                max: MAX_CAPACITY,
            });
        }
        for (name, value) in [
            ("alpha", self.alpha),
            ("beta", self.beta),
            ("gamma", self.gamma),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(NtuError::BadWeight { name, value });
            }
        }
        if !(self.ihsan_threshold.is_finite() && (0.0..=1.0).contains(&self.ihsan_threshold)) {
            return Err(NtuError::BadParameter {
                name: "ihsan_threshold",
                range: "[0, 1]",
                value: self.ihsan_threshold,
            });
        }
        if !(self.epsilon.is_finite() && self.epsilon > 0.0) {
            return Err(NtuError::BadParameter {
                name: "epsilon",
                range: "(0, inf)",
                value: self.epsilon,
            });
        }
        let sum = self.alpha + self.beta + self.gamma;
        if sum == 0.0 {
            return Err(NtuError::ZeroWeightSum);
        }
        let w = if (sum - 1.0).abs() > 1e-6 {
            Weights {
                alpha: self.alpha / sum,
                beta: self.beta / sum,
                gamma: self.gamma / sum,
            }
        } else {
            Weights {
                alpha: self.alpha,
                beta: self.beta,
                gamma: self.gamma,
            }
        };
        Ok(w)
    }
}
