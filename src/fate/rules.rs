//! The four scoring rules, each a small pure function of the context.
//!
//! Additions and multiplications run in the reference's order: the scores
//! must agree to the last bit where the reference's own rounding shows
//! (three additions of 0.1 to 0.7 give 0.9999999999999999).
//!
//! Each rule also gives the dimension's factor in the overall score,
//! `max(x, 1e-10) ** 0.25`. Accountability, transparency and fidelity (up
//! to 16 intent words) take a few known values, so their factors come from
//! tables filled once with the very same `pow` call: only ethics, a
//! continuous score, calls `pow` per validation.

use std::sync::OnceLock;

use super::HookContext;
use super::score::weighted_root;
use super::words::overlap_counts;
use crate::py::PyValue;

/// A dimension's value and its factor `max(value, 1e-10) ** 0.25`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Scored {
    pub(super) value: f64,
    pub(super) root: f64,
}

impl Scored {
    fn of(value: f64) -> Scored {
        Scored {
            value,
            root: weighted_root(value),
        }
    }
}

/// Intents of up to this many distinct words have tabulated fidelity.
const FIDELITY_TABLE_WORDS: usize = 16;

/// Every value the table-driven rules can give, with its factor.
struct Tables {
    /// Indexed by the four accountability facts as bits (see
    /// [`accountability`]).
    accountability: [Scored; 16],
    /// Indexed by the three transparency facts as bits.
    transparency: [Scored; 8],
    /// Indexed by `distinct * (FIDELITY_TABLE_WORDS + 1) + shared`.
    fidelity: [Scored; (FIDELITY_TABLE_WORDS + 1) * (FIDELITY_TABLE_WORDS + 1)],
    no_intent: Scored,
    blank_intent: Scored,
}

/// Builds the shared tables if no gate has yet.
pub(super) fn warm_tables() {
    tables();
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let bit = |i: usize, b: usize| i & (1 << b) != 0;
        let width = FIDELITY_TABLE_WORDS + 1;
        Tables {
            accountability: std::array::from_fn(|i| {
                Scored::of(accountability_value(
                    bit(i, 0),
                    bit(i, 1),
                    bit(i, 2),
                    bit(i, 3),
                ))
            }),
            transparency: std::array::from_fn(|i| {
                Scored::of(transparency_value(bit(i, 0), bit(i, 1), bit(i, 2)))
            }),
            fidelity: std::array::from_fn(|i| {
                let (distinct, shared) = (i / width, i % width);
                if distinct == 0 || shared > distinct {
                    Scored::of(0.0) // never read
                } else {
                    Scored::of(fidelity_value(shared, distinct))
                }
            }),
            no_intent: Scored::of(NO_INTENT),
            blank_intent: Scored::of(BLANK_INTENT),
        }
    })
}

/// Python's `min(1.0, x)`: `x` unless it is not below 1.
fn cap_one(x: f64) -> f64 {
    if x < 1.0 { x } else { 1.0 }
}

/// Fidelity without a declared intent (none or empty).
const NO_INTENT: f64 = 0.7;
/// Fidelity for an intent that holds no words.
const BLANK_INTENT: f64 = 0.8;

/// How well the operation's name matches the declared intent.
pub(super) fn fidelity(operation_name: &str, declared_intent: Option<&str>) -> Scored {
    let intent = match declared_intent {
        None | Some("") => return tables().no_intent,
        Some(intent) => intent,
    };
    let (shared, distinct) = overlap_counts(operation_name, intent);
    if distinct == 0 {
        return tables().blank_intent;
    }
    if distinct <= FIDELITY_TABLE_WORDS {
        return tables().fidelity[distinct * (FIDELITY_TABLE_WORDS + 1) + shared];
    }
    Scored::of(fidelity_value(shared, distinct))
}

/// `min(1, 0.7 + 0.3 * shared / distinct)` for `distinct > 0`.
fn fidelity_value(shared: usize, distinct: usize) -> f64 {
    // The reference divides first, then scales: keep that order for parity.
    let alignment = shared as f64 / distinct as f64;
    cap_one(0.7 + 0.3 * alignment)
}

/// Traceability, from the context's facts.
pub(super) fn accountability(ctx: &HookContext, has_metadata: bool) -> Scored {
    let index = usize::from(!ctx.execution_id.is_empty())
        | usize::from(ctx.timestamp.is_some()) << 1
        | usize::from(has_metadata) << 2
        | usize::from(!ctx.operation_name.is_empty()) << 3;
    tables().accountability[index]
}

/// Traceability; added in the reference's order for float parity.
fn accountability_value(has_id: bool, has_timestamp: bool, has_metadata: bool, named: bool) -> f64 {
    let mut score = 0.0;
    if has_id {
        score += 0.3;
    }
    if has_timestamp {
        score += 0.3;
    }
    // The reference checks that the trace exists, which it always does.
    score += 0.2;
    if has_metadata {
        score += 0.1;
    }
    if named {
        score += 0.1;
    }
    cap_one(score)
}

/// Explainability, from the context's facts.
pub(super) fn transparency(ctx: &HookContext, explained: bool) -> Scored {
    let index = usize::from(ctx.operation_type != "unknown")
        | usize::from(!ctx.input_data.is_empty()) << 1
        | usize::from(explained) << 2;
    tables().transparency[index]
}

/// Explainability; three additions to 0.7 give 0.9999999999999999, as in
/// the reference.
fn transparency_value(typed: bool, has_input: bool, explained: bool) -> f64 {
    let mut score = 0.7;
    if typed {
        score += 0.1;
    }
    if has_input {
        score += 0.1;
    }
    if explained {
        score += 0.1;
    }
    cap_one(score)
}

/// The base score scaled by flagged violations, clamped to `[0, 1]` the way
/// Python's `max(0.0, min(1.0, x))` does (so `-0.0` becomes `0.0`).
pub(super) fn ethics(base: f64, flags: &MetadataFlags) -> Scored {
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
    Scored::of(if capped > 0.0 { capped } else { 0.0 })
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
        let e = ethics(-0.0, &MetadataFlags::default());
        assert!(e.value.is_sign_positive());
        assert_eq!(e.root, 1e-10f64.powf(0.25));
        assert_eq!(ethics(1.2, &MetadataFlags::default()).value, 1.0);
    }

    #[test]
    fn empty_intent_and_blank_intent_differ() {
        assert_eq!(fidelity("op", None).value, 0.7);
        assert_eq!(fidelity("op", Some("")).value, 0.7);
        assert_eq!(fidelity("op", Some(" \u{1f} ")).value, 0.8);
        assert_eq!(fidelity("make_report", Some("Make REPORT")).value, 1.0);
    }

    /// Every tabulated entry equals the direct computation to the bit, and
    /// the table's edge (16 distinct intent words) meets the direct path.
    #[test]
    fn tables_hold_the_direct_values() {
        let t = tables();
        for i in 0..16 {
            let b = |k: usize| i & (1 << k) != 0;
            let want = Scored::of(accountability_value(b(0), b(1), b(2), b(3)));
            assert_eq!(t.accountability[i], want);
        }
        for i in 0..8 {
            let b = |k: usize| i & (1 << k) != 0;
            assert_eq!(
                t.transparency[i],
                Scored::of(transparency_value(b(0), b(1), b(2)))
            );
        }
        assert_eq!(t.transparency[7].value, 0.9999999999999999);
        for distinct in 1..=FIDELITY_TABLE_WORDS {
            for shared in 0..=distinct {
                let got = t.fidelity[distinct * (FIDELITY_TABLE_WORDS + 1) + shared];
                let want = 0.7 + 0.3 * (shared as f64 / distinct as f64);
                assert_eq!(got, Scored::of(want.min(1.0)), "{shared}/{distinct}");
            }
        }
        let words: Vec<String> = (0..17).map(|i| format!("w{i}")).collect();
        for n in [16, 17] {
            let intent = words[..n].join(" ");
            let got = fidelity("w0_w1_w2", Some(&intent));
            assert_eq!(got, Scored::of(fidelity_value(3, n)), "{n} words");
        }
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
