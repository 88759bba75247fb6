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
    use crate::stats::describe::{quantile_of_sorted, sorted};
    let v = sample.values();
    // A sample is never empty and holds only finite values, so it sorts;
    // the fallback is unreachable. The figures are those of `mean`,
    // `median` and `quantile` (the mean summed in sorted order too), from
    // one sort.
    let Some(v) = sorted(v) else {
        let nan = f64::NAN;
        return Summary {
            n: v.len(),
            median: nan,
            mean: nan,
            p99: nan,
            max: nan,
        };
    };
    Summary {
        n: v.len(),
        median: quantile_of_sorted(&v, 0.5),
        mean: v.iter().sum::<f64>() / v.len() as f64,
        p99: quantile_of_sorted(&v, 0.99),
        max: quantile_of_sorted(&v, 1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::describe::{mean, median, quantile};
    use crate::stats::rng::Rng;

    #[test]
    fn a_summary_holds_exactly_what_the_statistics_give() {
        let mut rng = Rng::new(11);
        for n in [1, 2, 3, 30, 101] {
            let v: Vec<f64> = (0..n)
                .map(|_| 100.0 * (0.05 * rng.normal()).exp())
                .collect();
            let s = summarise(&Sample::new(v.clone()).unwrap());
            let bits = |x: Option<f64>| x.map(f64::to_bits);
            assert_eq!(s.n, n);
            assert_eq!(Some(s.median.to_bits()), bits(median(&v)));
            assert_eq!(Some(s.mean.to_bits()), bits(mean(&v)));
            assert_eq!(Some(s.p99.to_bits()), bits(quantile(&v, 0.99)));
            assert_eq!(Some(s.max.to_bits()), bits(quantile(&v, 1.0)));
        }
    }
}
