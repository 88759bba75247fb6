//! The scored result: components, the SNR built from them, and the tier.

/// Floor for a component before its logarithm or power, from the reference.
const FLOOR: f64 = 1e-10;

/// SNR at or above which the reference's Ihsān gate passes (its
/// `UNIFIED_IHSAN_THRESHOLD`; every recorded vector is below it).
pub const IHSAN_THRESHOLD: f64 = 0.95;

/// SNR at or above which the reference calls the result elite (its
/// `SNR_THRESHOLD_T0_ELITE`, the `T0_ELITE` tier floor).
pub const ELITE_THRESHOLD: f64 = 0.98;

/// Weights of the weighted geometric mean, fixed in the reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Weight of the signal strength.
    pub signal: f64,
    /// Weight of the diversity.
    pub diversity: f64,
    /// Weight of the grounding.
    pub grounding: f64,
    /// Weight of the IaaS score.
    pub iaas: f64,
}

/// The weights every result uses.
pub const WEIGHTS: Weights = Weights {
    signal: 0.30,
    diversity: 0.25,
    grounding: 0.25,
    iaas: 0.20,
};

/// Quality tier of an SNR, from the reference's fixed thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QualityTier {
    /// SNR ≥ 0.98.
    T0Elite,
    /// SNR ≥ 0.95.
    T1High,
    /// SNR ≥ 0.90.
    T2Standard,
    /// SNR ≥ 0.85.
    T3Acceptable,
    /// SNR < 0.85.
    BelowThreshold,
}

impl QualityTier {
    /// The tier of `snr`.
    pub fn of(snr: f64) -> QualityTier {
        if snr >= 0.98 {
            QualityTier::T0Elite
        } else if snr >= 0.95 {
            QualityTier::T1High
        } else if snr >= 0.90 {
            QualityTier::T2Standard
        } else if snr >= 0.85 {
            QualityTier::T3Acceptable
        } else {
            QualityTier::BelowThreshold
        }
    }

    /// The reference's name for the tier, e.g. `"T0_ELITE"`.
    pub fn as_str(self) -> &'static str {
        match self {
            QualityTier::T0Elite => "T0_ELITE",
            QualityTier::T1High => "T1_HIGH",
            QualityTier::T2Standard => "T2_STANDARD",
            QualityTier::T3Acceptable => "T3_ACCEPTABLE",
            QualityTier::BelowThreshold => "BELOW_THRESHOLD",
        }
    }
}

impl std::fmt::Display for QualityTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The four components the SNR combines, each nominally in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Components {
    /// S: relevance of the texts to the query.
    pub signal_strength: f64,
    /// D: vocabulary entropy against embedding redundancy.
    pub diversity: f64,
    /// G: symbolic and neural backing.
    pub grounding: f64,
    /// I: the IaaS data-quality score, as given.
    pub iaas_score: f64,
}

/// The sub-components the main components were built from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubComponents {
    /// Mean query/text embedding cosine (0.5 without embeddings).
    pub semantic_relevance: f64,
    /// Mean share of distinct query words found in each text.
    pub lexical_overlap: f64,
    /// Mean pairwise cosine of the text embeddings.
    pub redundancy: f64,
    /// Normalised word entropy.
    pub entropy: f64,
    /// Raw entropy in bits. The reference declares it but never fills it
    /// in, so it is always 0.0 (as every recorded vector shows).
    pub entropy_bits: f64,
    /// Maximum entropy in bits; never filled in by the reference: 0.0.
    pub max_entropy_bits: f64,
    /// Share of symbolic sources naming structured knowledge (0.5 default).
    pub symbolic_coverage: f64,
    /// Mean neural confidence (0.7 default).
    pub neural_confidence: f64,
}

/// The four IaaS dimension scores reported alongside the result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IaasScores {
    /// Inclusiveness.
    pub inclusiveness: f64,
    /// Abundance.
    pub abundance: f64,
    /// Articulation.
    pub articulation: f64,
    /// Sanitization.
    pub sanitization: f64,
}

/// A full SNR v2 score. The derived figures are methods, so they always
/// agree with the components, as the reference's properties do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnrResult {
    /// S, D, G and I.
    pub components: Components,
    /// What S, D and G were built from.
    pub sub_components: SubComponents,
    /// The IaaS dimensions (they do not enter the SNR).
    pub iaas_dimensions: IaasScores,
}

impl SnrResult {
    /// The components with their weights, floored at 1e-10.
    fn weighted(&self) -> [(f64, f64); 4] {
        let c = &self.components;
        [
            (c.signal_strength.max(FLOOR), WEIGHTS.signal),
            (c.diversity.max(FLOOR), WEIGHTS.diversity),
            (c.grounding.max(FLOOR), WEIGHTS.grounding),
            (c.iaas_score.max(FLOOR), WEIGHTS.iaas),
        ]
    }

    /// Weighted geometric mean `Π max(x, 1e-10)^w`, clamped to [0, 1]. The
    /// reference subtracts a noise penalty that it never fills in (zero).
    pub fn snr(&self) -> f64 {
        let product = self
            .weighted()
            .iter()
            .fold(1.0, |acc, &(value, weight)| acc * value.powf(weight));
        product.clamp(0.0, 1.0)
    }

    /// Unweighted geometric mean `exp(mean(ln max(x, 1e-10)))`.
    pub fn snr_classic(&self) -> f64 {
        let logs: f64 = self.weighted().iter().map(|&(value, _)| value.ln()).sum();
        (logs / 4.0).exp()
    }

    /// `log2(1 + min(snr / (1 - snr + 1e-10), 20)) / log2(21)`: Shannon
    /// capacity of the SNR read as a ratio, capped at a ratio of 20.
    pub fn channel_efficiency(&self) -> f64 {
        let snr = self.snr();
        let ratio = (snr / (1.0 - snr + 1e-10)).min(20.0);
        (1.0 + ratio).log2() / 21f64.log2()
    }

    /// Whether the SNR reaches [`IHSAN_THRESHOLD`].
    pub fn ihsan_achieved(&self) -> bool {
        self.snr() >= IHSAN_THRESHOLD
    }

    /// Whether the SNR reaches [`ELITE_THRESHOLD`].
    pub fn elite_achieved(&self) -> bool {
        self.snr() >= ELITE_THRESHOLD
    }

    /// The quality tier of the SNR.
    pub fn tier(&self) -> QualityTier {
        QualityTier::of(self.snr())
    }

    /// The weights of the geometric mean (always [`WEIGHTS`]).
    pub fn weights(&self) -> Weights {
        WEIGHTS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_boundaries_are_inclusive() {
        assert_eq!(QualityTier::of(0.98), QualityTier::T0Elite);
        assert_eq!(QualityTier::of(0.95).as_str(), "T1_HIGH");
        assert_eq!(QualityTier::of(0.8999999).as_str(), "T3_ACCEPTABLE");
        assert_eq!(QualityTier::of(0.849).as_str(), "BELOW_THRESHOLD");
    }
}
