//! The FATE gate: scores a context on the four dimensions and keeps counts.

use std::collections::VecDeque;

use super::words::overlap_counts;
use super::{FateScore, HookContext};
use crate::py::PyValue;

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
        let score = FateScore {
            fidelity: fidelity(&ctx.operation_name, declared_intent),
            accountability: accountability(ctx, flags.any),
            transparency: transparency(ctx, flags.explained),
            ethics: ethics(ethics_base, &flags),
        };
        self.validations += 1;
        if score.passed() {
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

/// Python's `min(1.0, x)`: `x` unless it is not below 1.
fn cap_one(x: f64) -> f64 {
    if x < 1.0 { x } else { 1.0 }
}

/// How well the operation's name matches the declared intent.
fn fidelity(operation_name: &str, declared_intent: Option<&str>) -> f64 {
    let intent = match declared_intent {
        None | Some("") => return 0.7,
        Some(intent) => intent,
    };
    let (shared, distinct) = overlap_counts(operation_name, intent);
    if distinct == 0 {
        return 0.8;
    }
    // The reference divides first, then scales: keep that order for parity.
    let alignment = shared as f64 / distinct as f64;
    cap_one(0.7 + 0.3 * alignment)
}

/// Traceability; added in the reference's order for float parity.
fn accountability(ctx: &HookContext, has_metadata: bool) -> f64 {
    let mut score = 0.0;
    if !ctx.execution_id.is_empty() {
        score += 0.3;
    }
    if ctx.timestamp.is_some() {
        score += 0.3;
    }
    // The reference checks that the trace exists, which it always does.
    score += 0.2;
    if has_metadata {
        score += 0.1;
    }
    if !ctx.operation_name.is_empty() {
        score += 0.1;
    }
    cap_one(score)
}

/// Explainability; three additions to 0.7 give 0.9999999999999999, as in
/// the reference.
fn transparency(ctx: &HookContext, explained: bool) -> f64 {
    let mut score = 0.7;
    if ctx.operation_type != "unknown" {
        score += 0.1;
    }
    if !ctx.input_data.is_empty() {
        score += 0.1;
    }
    if explained {
        score += 0.1;
    }
    cap_one(score)
}

/// The base score scaled by flagged violations, clamped to `[0, 1]` the way
/// Python's `max(0.0, min(1.0, x))` does (so `-0.0` becomes `0.0`).
fn ethics(base: f64, flags: &MetadataFlags) -> f64 {
    let mut score = base;
    if flags.pii {
        score *= 0.5;
    }
    if flags.toxicity {
        score *= 0.3;
    }
    if flags.violation {
        score *= 0.1;
    }
    let capped = cap_one(score);
    if capped > 0.0 { capped } else { 0.0 }
}

/// The metadata facts the gate reads, gathered in one pass.
#[derive(Debug, Default)]
struct MetadataFlags {
    any: bool,
    explained: bool,
    pii: bool,
    toxicity: bool,
    violation: bool,
}

impl MetadataFlags {
    fn read(metadata: &[(String, PyValue)]) -> Self {
        // Python's `dict.get` sees one value per key; a hand-built entry list
        // could repeat a key, so only the first occurrence counts.
        let mut seen = [false; 5];
        let mut truthy = [false; 5];
        for (key, value) in metadata {
            let slot = match key.as_str() {
                "description" => 0,
                "rationale" => 1,
                "pii_detected" => 2,
                "toxicity_detected" => 3,
                "ethics_violation" => 4,
                _ => continue,
            };
            if !seen[slot] {
                seen[slot] = true;
                truthy[slot] = value.is_truthy();
            }
        }
        MetadataFlags {
            any: !metadata.is_empty(),
            explained: truthy[0] || truthy[1],
            pii: truthy[2],
            toxicity: truthy[3],
            violation: truthy[4],
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

    #[test]
    fn negative_zero_ethics_becomes_zero() {
        assert!(ethics(-0.0, &MetadataFlags::default()).is_sign_positive());
        assert_eq!(ethics(1.2, &MetadataFlags::default()), 1.0);
    }
}
