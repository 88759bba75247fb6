//! The FATE gate: scores a context on the four dimensions and keeps counts.

use std::collections::VecDeque;

use super::rules::{MetadataFlags, accountability, ethics, fidelity, transparency};
use super::{FateScore, HookContext, PASS_THRESHOLD};

/// How many recent scores the gate keeps.
pub const HISTORY_LEN: usize = 100;

/// Why the gate refused its configuration or an input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FateError {
    /// A threshold is NaN, infinite, or outside `[0, 1]`.
    #[error("{name} must be a finite number in [0, 1], got {value}")]
    Threshold {
        /// Which threshold: `"ihsan_threshold"` or `"snr_threshold"`.
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The SNR score is NaN or infinite. The reference would turn NaN into a
    /// perfect ethics score (its clamp lets NaN through as 1.0), so it is
    /// refused instead; finite scores outside `[0, 1]` are clamped as there.
    #[error("snr_score must be finite, got {value}")]
    NonFiniteSnr {
        /// The offending value.
        value: f64,
    },
}

/// The gate's thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateConfig {
    /// The ethics score used when no SNR score is given.
    pub ihsan_threshold: f64,
    /// Kept for reporting, as in the reference, which never reads it.
    pub snr_threshold: f64,
}

impl Default for GateConfig {
    /// The reference's unified thresholds: Ihsan 0.95, SNR 0.85.
    fn default() -> Self {
        GateConfig {
            ihsan_threshold: 0.95,
            snr_threshold: 0.85,
        }
    }
}

impl GateConfig {
    /// Checks that both thresholds are finite and within `[0, 1]`.
    pub fn validate(&self) -> Result<(), FateError> {
        for (name, value) in [
            ("ihsan_threshold", self.ihsan_threshold),
            ("snr_threshold", self.snr_threshold),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(FateError::Threshold { name, value });
            }
        }
        Ok(())
    }
}

/// Counts and recent history of a gate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GateStats {
    /// Validations run.
    pub validations: u64,
    /// Validations whose score passed.
    pub passes: u64,
    /// Validations whose score did not pass.
    pub blocks: u64,
    /// Mean overall score of the kept history; 0 when it is empty.
    pub average_overall: f64,
}

/// The FATE gate.
#[derive(Debug, Clone)]
pub struct FateGate {
    config: GateConfig,
    validations: u64,
    passes: u64,
    blocks: u64,
    // Allocated once with room for HISTORY_LEN; the oldest score is dropped
    // before a new one is pushed, so validating never allocates.
    history: VecDeque<FateScore>,
}

impl Default for FateGate {
    /// A gate with the default thresholds.
    fn default() -> Self {
        FateGate::with_valid_config(GateConfig::default())
    }
}

impl FateGate {
    /// A gate with the given thresholds, once they are checked.
    pub fn new(config: GateConfig) -> Result<Self, FateError> {
        config.validate()?;
        Ok(FateGate::with_valid_config(config))
    }

    fn with_valid_config(config: GateConfig) -> Self {
        // Fill the shared score tables now, once per process, rather than
        // in the first validation.
        super::rules::warm_tables();
        FateGate {
            config,
            validations: 0,
            passes: 0,
            blocks: 0,
            history: VecDeque::with_capacity(HISTORY_LEN),
        }
    }

    /// The gate's thresholds.
    pub fn config(&self) -> GateConfig {
        self.config
    }

    /// Scores `ctx` against the declared intent and an optional SNR score,
    /// counts the outcome and remembers the score.
    ///
    /// Fails only for a NaN or infinite `snr_score`, before counting.
    pub fn validate(
        &mut self,
        ctx: &HookContext,
        declared_intent: Option<&str>,
        snr_score: Option<f64>,
    ) -> Result<FateScore, FateError> {
        let ethics_base = match snr_score {
            Some(value) if !value.is_finite() => return Err(FateError::NonFiniteSnr { value }),
            Some(value) => value,
            None => self.config.ihsan_threshold,
        };
        let flags = MetadataFlags::read(&ctx.metadata);
        let f = fidelity(&ctx.operation_name, declared_intent);
        let a = accountability(ctx, flags.any);
        let t = transparency(ctx, flags.explained);
        let e = ethics(ethics_base, &flags);
        let score = FateScore {
            fidelity: f.value,
            accountability: a.value,
            transparency: t.value,
            ethics: e.value,
        };
        // `FateScore::overall` from the rules' factors, multiplied in the
        // same order from the same start, so the same bits.
        let overall = 1.0 * f.root * a.root * t.root * e.root;
        debug_assert_eq!(overall.to_bits(), score.overall().to_bits());
        self.validations += 1;
        if overall >= PASS_THRESHOLD {
            self.passes += 1;
        } else {
            self.blocks += 1;
        }
        if self.history.len() == HISTORY_LEN {
            self.history.pop_front();
        }
        self.history.push_back(score);
        Ok(score)
    }

    /// The kept scores, oldest first (at most [`HISTORY_LEN`]).
    pub fn history(&self) -> impl ExactSizeIterator<Item = &FateScore> {
        self.history.iter()
    }

    /// Counts and the mean overall score of the kept history.
    pub fn stats(&self) -> GateStats {
        let average_overall = if self.history.is_empty() {
            0.0
        } else {
            self.history.iter().map(FateScore::overall).sum::<f64>() / self.history.len() as f64
        };
        GateStats {
            validations: self.validations,
            passes: self.passes,
            blocks: self.blocks,
            average_overall,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_thresholds_naming_them() {
        let bad = GateConfig {
            ihsan_threshold: f64::NAN,
            ..GateConfig::default()
        };
        assert!(matches!(
            FateGate::new(bad),
            Err(FateError::Threshold {
                name: "ihsan_threshold",
                ..
            })
        ));
        let bad = GateConfig {
            snr_threshold: 1.5,
            ..GateConfig::default()
        };
        assert_eq!(
            FateGate::new(bad).unwrap_err(),
            FateError::Threshold {
                name: "snr_threshold",
                value: 1.5
            }
        );
    }

    #[test]
    fn non_finite_snr_is_refused_and_not_counted() {
        let mut gate = FateGate::default();
        let ctx = HookContext::new("id", None, "op");
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(
                gate.validate(&ctx, None, Some(value)),
                Err(FateError::NonFiniteSnr { .. })
            ));
        }
        assert_eq!(gate.stats().validations, 0);
    }

    #[test]
    fn history_keeps_the_last_hundred() {
        let mut gate = FateGate::default();
        let ctx = HookContext::new("id", None, "op");
        for i in 0..250 {
            gate.validate(&ctx, None, Some(f64::from(i) / 250.0))
                .unwrap();
        }
        assert_eq!(gate.history().len(), HISTORY_LEN);
        let first = gate.history().next().unwrap();
        assert_eq!(first.ethics, 150.0 / 250.0);
        let stats = gate.stats();
        assert_eq!((stats.validations, stats.passes + stats.blocks), (250, 250));
    }
}
