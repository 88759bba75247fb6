//! What the history store's index keeps of a sample: the statistics that
//! judging reads, so that a run loaded from the index alone is judged
//! exactly as the same run loaded with its samples.

use serde::{Deserialize, Serialize};

use super::{Sample, ValueError, check_finite};

/// The statistics of a [`Sample`] that charts and gates use (each value
/// computed by `stats::describe` on the samples, so bit-identical to
/// computing it again). Written only in the store's index, in place of
/// the samples; a record holding samples never carries one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// How many samples there were.
    pub n: usize,
    /// Median (what a series is charted by).
    pub median: f64,
    /// Mean.
    pub mean: f64,
    /// 99th percentile (linear interpolation).
    pub p99: f64,
    /// Largest sample.
    pub max: f64,
}

impl Summary {
    /// Checks what a sample would: at least one value, each finite.
    pub(crate) fn check(&self) -> Result<(), ValueError> {
        if self.n == 0 {
            return Err(ValueError::Empty);
        }
        [self.median, self.mean, self.p99, self.max]
            .into_iter()
            .try_for_each(|v| check_finite(v).map(drop))
    }

    /// The summarised values, for the sign check of a measurement.
    pub(crate) fn values(&self) -> [f64; 4] {
        [self.median, self.mean, self.p99, self.max]
    }
}

/// The statistics of `sample`, as `judge` computes them from the values.
pub fn summarise(sample: &Sample) -> Summary {
    use crate::stats::describe::{mean, median, quantile};
    let v = sample.values();
    // A sample is never empty and holds only finite values, so every
    // statistic exists; the fallbacks are unreachable.
    Summary {
        n: v.len(),
        median: median(v).unwrap_or(f64::NAN),
        mean: mean(v).unwrap_or(f64::NAN),
        p99: quantile(v, 0.99).unwrap_or(f64::NAN),
        max: quantile(v, 1.0).unwrap_or(f64::NAN),
    }
}
