//! The settings of the change-point analysis and their defaults.

use thiserror::Error;

/// The judge's default minimum effect: smaller steps are not changes.
pub const DEFAULT_MIN_MAGNITUDE: f64 = 0.03;

/// The judge's default α.
pub const DEFAULT_ALPHA: f64 = 0.01;

/// A step needs two runs (as in the judge).
pub const DEFAULT_MIN_SEGMENT: usize = 2;

/// Runs compared on each side of a position (see the module doc).
pub const DEFAULT_WINDOW: usize = 20;

/// How change points are found and which ones count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Smallest relative step reported (0.03 = 3 %).
    pub min_magnitude: f64,
    /// Significance level for the Bonferroni-adjusted p-value, in (0, 1).
    pub alpha: f64,
    /// Fewest runs on each side of a change point (≥ 1).
    pub min_segment: usize,
    /// Runs compared on each side of a position (≥ 2).
    pub window: usize,
    /// Quantisation step of the metric in its unit, if known (> 0);
    /// otherwise the smallest gap between distinct values.
    pub resolution: Option<f64>,
    /// Values may be negative: differences relative to the series' typical
    /// size instead of ratios. Also used whenever a value is ≤ 0.
    pub signed: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            min_magnitude: DEFAULT_MIN_MAGNITUDE,
            alpha: DEFAULT_ALPHA,
            min_segment: DEFAULT_MIN_SEGMENT,
            window: DEFAULT_WINDOW,
            resolution: None,
            signed: false,
        }
    }
}

/// An option out of its range.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum OptionsError {
    /// `min_magnitude` negative or not finite.
    #[error("change points: min_magnitude {0} must be a finite number ≥ 0")]
    MinMagnitude(f64),
    /// `alpha` outside (0, 1).
    #[error("change points: alpha {0} must lie strictly between 0 and 1")]
    Alpha(f64),
    /// `min_segment` zero.
    #[error("change points: min_segment must be at least 1 run")]
    MinSegment,
    /// `window` below 2.
    #[error("change points: window {0} must be at least 2 runs")]
    Window(usize),
    /// `resolution` not positive and finite.
    #[error("change points: resolution {0} must be a finite number > 0")]
    Resolution(f64),
}

impl Options {
    /// Checks every field's range; [`super::change_points`] reports nothing
    /// for options that fail it.
    pub fn validate(&self) -> Result<(), OptionsError> {
        if !(self.min_magnitude.is_finite() && self.min_magnitude >= 0.0) {
            return Err(OptionsError::MinMagnitude(self.min_magnitude));
        }
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(OptionsError::Alpha(self.alpha));
        }
        if self.min_segment == 0 {
            return Err(OptionsError::MinSegment);
        }
        if self.window < 2 {
            return Err(OptionsError::Window(self.window));
        }
        if let Some(q) = self.resolution.filter(|q| !(q.is_finite() && *q > 0.0)) {
            return Err(OptionsError::Resolution(q));
        }
        Ok(())
    }
}
