//! Values that cannot hold NaN or infinities, and negative numbers only
//! where the metric allows them.

use serde::{Deserialize, Serialize};

use super::Metric;

/// Why a number or list is not a valid measurement.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// NaN or ±∞.
    #[error("value {0} is not finite")]
    NotFinite(f64),
    /// Times, counts and bytes are never negative.
    #[error("value {0} is negative")]
    Negative(f64),
    /// A sample needs at least one value.
    #[error("sample is empty")]
    Empty,
    /// Only a custom metric may be marked as possibly negative.
    #[error("metric {0} is never negative; only a custom metric may be signed")]
    NeverNegative(Metric),
}

/// Checks one measured value: finite and not negative.
pub fn check_value(v: f64) -> Result<f64, ValueError> {
    if !v.is_finite() {
        Err(ValueError::NotFinite(v))
    } else if v < 0.0 {
        Err(ValueError::Negative(v))
    } else {
        Ok(v)
    }
}

/// Checks one value of a metric that may be negative: finite.
pub fn check_finite(v: f64) -> Result<f64, ValueError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(ValueError::NotFinite(v))
    }
}

/// Raw per-iteration values of one bench and metric, in the measurement's
/// unit: never empty, every value finite. Whether a value may be negative
/// depends on the metric, so the [`super::Measurement`] holding the sample
/// checks the sign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<f64>", into = "Vec<f64>")]
pub struct Sample(Vec<f64>);

impl Sample {
    /// Validates the values: at least one, every one finite.
    pub fn new(values: Vec<f64>) -> Result<Sample, ValueError> {
        if values.is_empty() {
            return Err(ValueError::Empty);
        }
        for &v in &values {
            check_finite(v)?;
        }
        Ok(Sample(values))
    }

    /// The values in recorded order.
    pub fn values(&self) -> &[f64] {
        &self.0
    }

    /// How many values (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true; present for API symmetry with slices.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl TryFrom<Vec<f64>> for Sample {
    type Error = ValueError;
    fn try_from(values: Vec<f64>) -> Result<Self, Self::Error> {
        Sample::new(values)
    }
}

impl From<Sample> for Vec<f64> {
    fn from(s: Sample) -> Vec<f64> {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_nan_infinity_and_empty() {
        assert_eq!(Sample::new(vec![]), Err(ValueError::Empty));
        assert!(matches!(
            Sample::new(vec![1.0, f64::NAN]),
            Err(ValueError::NotFinite(_))
        ));
        assert!(matches!(
            Sample::new(vec![f64::NEG_INFINITY]),
            Err(ValueError::NotFinite(_))
        ));
        assert_eq!(Sample::new(vec![0.0, 2.0]).unwrap().len(), 2);
    }

    #[test]
    fn a_sample_may_hold_negative_values_for_a_signed_metric() {
        assert_eq!(Sample::new(vec![-1.0, 2.0]).unwrap().values(), [-1.0, 2.0]);
    }

    #[test]
    fn check_value_refuses_negatives_and_check_finite_allows_them() {
        assert_eq!(check_value(-1.0), Err(ValueError::Negative(-1.0)));
        assert_eq!(check_finite(-1.0), Ok(-1.0));
        assert!(matches!(
            check_finite(f64::NAN),
            Err(ValueError::NotFinite(_))
        ));
        assert_eq!(check_value(0.0), Ok(0.0));
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<Sample>("[]").is_err());
        assert!(serde_json::from_str::<Sample>("[1e999]").is_err());
        assert!(serde_json::from_str::<Sample>("[-3.0]").is_ok());
        assert!(serde_json::from_str::<Sample>("[3.0]").is_ok());
    }
}
