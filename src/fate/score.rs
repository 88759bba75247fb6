//! The four FATE dimensions and the score built from them.

use std::fmt;

/// The overall score a [`FateScore`] must reach to pass.
///
/// The reference compares against its unified Ihsan constant here, not the
/// gate's own configurable threshold, so a gate built with another threshold
/// still passes and blocks at 0.95.
pub const PASS_THRESHOLD: f64 = 0.95;

/// Each dimension's weight in the weighted geometric mean.
const WEIGHT: f64 = 0.25;

/// The floor a dimension is raised to before the power, so that a zero
/// dimension gives a tiny overall score rather than exactly zero.
const FLOOR: f64 = 1e-10;

/// A dimension's factor in the overall score: `max(x, 1e-10) ** 0.25`,
/// with C's `pow` as Python's `**` calls it.
pub(super) fn weighted_root(x: f64) -> f64 {
    // Python's `max(x, 1e-10)` keeps `x` unless the floor is larger.
    let floored = if FLOOR > x { FLOOR } else { x };
    floored.powf(WEIGHT)
}

/// One of the four FATE dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// Alignment of the operation with the declared intent.
    Fidelity,
    /// Traceability: identifiers, timestamp, trace, metadata, name.
    Accountability,
    /// Explainability: operation type, inputs, a stated rationale.
    Transparency,
    /// Ihsan compliance: the SNR score scaled down by flagged violations.
    Ethics,
}

impl Dimension {
    /// All dimensions in the reference's order F, A, T, E.
    pub const ALL: [Dimension; 4] = [
        Dimension::Fidelity,
        Dimension::Accountability,
        Dimension::Transparency,
        Dimension::Ethics,
    ];

    /// The reference's lower-case name: `"fidelity"`, `"accountability"`,
    /// `"transparency"` or `"ethics"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Fidelity => "fidelity",
            Dimension::Accountability => "accountability",
            Dimension::Transparency => "transparency",
            Dimension::Ethics => "ethics",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A FATE validation score: each dimension in `[0, 1]`, equally weighted.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FateScore {
    /// Alignment of the operation with the declared intent.
    pub fidelity: f64,
    /// Traceability of the operation.
    pub accountability: f64,
    /// Explainability of the decision path.
    pub transparency: f64,
    /// Ihsan compliance.
    pub ethics: f64,
}

impl FateScore {
    /// The dimension's value.
    pub fn get(&self, dimension: Dimension) -> f64 {
        match dimension {
            Dimension::Fidelity => self.fidelity,
            Dimension::Accountability => self.accountability,
            Dimension::Transparency => self.transparency,
            Dimension::Ethics => self.ethics,
        }
    }

    /// The weighted geometric mean `prod(max(x, 1e-10)^0.25)`, multiplied in
    /// the order F, A, T, E as the reference does (float parity).
    pub fn overall(&self) -> f64 {
        let mut product = 1.0;
        for dimension in Dimension::ALL {
            product *= weighted_root(self.get(dimension));
        }
        product
    }

    /// Whether [`overall`](Self::overall) reaches [`PASS_THRESHOLD`].
    pub fn passed(&self) -> bool {
        self.overall() >= PASS_THRESHOLD
    }

    /// The first dimension, in the order F, A, T, E, holding the minimum.
    pub fn weakest(&self) -> Dimension {
        let mut weakest = Dimension::Fidelity;
        for dimension in Dimension::ALL {
            // Strictly less, so ties keep the earlier dimension (Python's `min`).
            if self.get(dimension) < self.get(weakest) {
                weakest = dimension;
            }
        }
        weakest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(f: f64, a: f64, t: f64, e: f64) -> FateScore {
        FateScore {
            fidelity: f,
            accountability: a,
            transparency: t,
            ethics: e,
        }
    }

    #[test]
    fn all_ones_pass_with_overall_one() {
        let s = score(1.0, 1.0, 1.0, 1.0);
        assert_eq!(s.overall(), 1.0);
        assert!(s.passed());
    }

    #[test]
    fn zero_dimension_is_floored_not_zero() {
        let s = score(0.0, 1.0, 1.0, 1.0);
        assert_eq!(s.overall(), 1e-10f64.powf(0.25));
        assert!(!s.passed());
    }

    #[test]
    fn weakest_prefers_the_earlier_dimension_on_ties() {
        assert_eq!(score(0.5, 0.5, 0.9, 0.9).weakest(), Dimension::Fidelity);
        assert_eq!(
            score(0.9, 0.5, 0.5, 0.5).weakest(),
            Dimension::Accountability
        );
        assert_eq!(score(0.9, 0.9, 0.9, 0.1).weakest(), Dimension::Ethics);
        assert_eq!(Dimension::Transparency.to_string(), "transparency");
    }
}
