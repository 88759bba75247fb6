//! The four scoring rules, each a small pure function of the context.
//!
//! Additions and multiplications run in the reference's order: the scores
//! must agree to the last bit where the reference's own rounding shows
//! (three additions of 0.1 to 0.7 give 0.9999999999999999).

use super::HookContext;
use super::words::overlap_counts;
use crate::py::PyValue;

/// Python's `min(1.0, x)`: `x` unless it is not below 1.
fn cap_one(x: f64) -> f64 {
    if x < 1.0 { x } else { 1.0 }
}

/// How well the operation's name matches the declared intent.
pub(super) fn fidelity(operation_name: &str, declared_intent: Option<&str>) -> f64 {
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
pub(super) fn accountability(ctx: &HookContext, has_metadata: bool) -> f64 {
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
pub(super) fn transparency(ctx: &HookContext, explained: bool) -> f64 {
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
pub(super) fn ethics(base: f64, flags: &MetadataFlags) -> f64 {
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
pub(super) struct MetadataFlags {
    pub(super) any: bool,
    pub(super) explained: bool,
    pub(super) pii: bool,
    pub(super) toxicity: bool,
    pub(super) violation: bool,
}

impl MetadataFlags {
    pub(super) fn read(metadata: &[(String, PyValue)]) -> Self {
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
    fn negative_zero_ethics_becomes_zero() {
        assert!(ethics(-0.0, &MetadataFlags::default()).is_sign_positive());
        assert_eq!(ethics(1.2, &MetadataFlags::default()), 1.0);
    }

    #[test]
    fn empty_intent_and_blank_intent_differ() {
        assert_eq!(fidelity("op", None), 0.7);
        assert_eq!(fidelity("op", Some("")), 0.7);
        assert_eq!(fidelity("op", Some(" \u{1f} ")), 0.8);
        assert_eq!(fidelity("make_report", Some("Make REPORT")), 1.0);
    }

    #[test]
    fn repeated_metadata_keys_count_once_first_wins() {
        let meta = vec![
            ("pii_detected".to_owned(), PyValue::Bool(false)),
            ("pii_detected".to_owned(), PyValue::Bool(true)),
        ];
        assert!(!MetadataFlags::read(&meta).pii);
    }
}
