//! Invariants of the FATE gate and hook chain, checked on generated input.

mod common;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use bizra::fate::{
    BlockedBy, FateError, FateGate, FateScore, HookContext, HookError, HookExecutor, HookOutcome,
    HookPhase, HookPriority, HookRegistry, UtcTimestamp, is_py_whitespace,
};
use bizra::py::PyValue;
use common::pygen::{self, Gen, PYTHON};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

const PRIORITIES: [HookPriority; 5] = [
    HookPriority::Critical,
    HookPriority::High,
    HookPriority::Normal,
    HookPriority::Low,
    HookPriority::Deferred,
];

/// Short strings over the chars that make word matching hard: case pairs,
/// capital and final sigma, dotted capital I, Kelvin sign, separators that
/// Python splits on and ones it does not.
fn tricky_text() -> impl Strategy<Value = String> {
    "[aAbBkK\u{212a}ΣσςΑİi\u{307}ǅǆ_ .'\u{1f}\u{a0}\u{2028}\u{200b}]{0,14}"
}

/// Python's `len(set(a.lower().replace("_", " ").split()) & intent_set)`
/// and `len(intent_set)`, built the allocating way with std's `to_lowercase`.
fn naive_overlap(op: &str, intent: &str) -> (usize, usize) {
    let set = |s: &str| -> HashSet<String> {
        s.to_lowercase()
            .replace('_', " ")
            .split(is_py_whitespace)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (a, b) = (set(op), set(intent));
    (a.intersection(&b).count(), b.len())
}

/// The fidelity the gate gives operation `op` against `intent`.
fn gate_fidelity(op: &str, intent: &str) -> f64 {
    let mut ctx = HookContext::new("id", None, op);
    ctx.operation_type = "tool".into();
    let score = FateGate::default()
        .validate(&ctx, Some(intent), None)
        .unwrap();
    score.fidelity
}

/// The reference's fidelity from [`naive_overlap`]: 0.7 without an
/// intent, 0.8 for an intent with no words, else `min(1, 0.7 + 0.3 ·
/// shared / distinct)`.
fn naive_fidelity(op: &str, intent: &str) -> f64 {
    if intent.is_empty() {
        return 0.7;
    }
    match naive_overlap(op, intent) {
        (_, 0) => 0.8,
        (shared, distinct) => (0.7 + 0.3 * (shared as f64 / distinct as f64)).min(1.0),
    }
}

fn passing_context() -> HookContext {
    let ts = UtcTimestamp::from_unix_micros(1_770_120_000_000_000).ok();
    let mut ctx = HookContext::new("exec-1", ts, "generate_summary");
    ctx.operation_type = "tool".into();
    ctx.input_data = vec![("text".into(), PyValue::Str("abc".into()))];
    ctx.metadata = vec![("description".into(), PyValue::Str("why".into()))];
    ctx
}

/// The reference's context digest built from texts alone: SHA-256 of
/// `json.dumps` (sorted keys, default separators) of the execution id, the
/// first 16 hex chars of SHA-256 of `repr(input_data)`, the operation name
/// and the ISO timestamp.
fn reference_digest(input: &Gen, exec_id: &str, op: &str, iso: &str) -> String {
    let input_hash = pygen::hex(&Sha256::digest(input.repr().as_bytes()));
    let doc = format!(
        "{{\"execution_id\": \"{exec_id}\", \"input_hash\": \"{}\", \"operation_name\": \"{op}\", \"timestamp\": \"{iso}\"}}",
        &input_hash[..16]
    );
    pygen::hex(&Sha256::digest(doc.as_bytes()))
}

/// The digest of a context whose input data is parsed from the text
/// Python's `json.dumps` writes for `input`.
fn digest_of(input: &Gen, exec_id: &str, op: &str, iso: &str) -> String {
    let value = PyValue::from_json(&input.json(PYTHON)).expect("generated JSON parses");
    let mut ctx = HookContext::new(exec_id, Some(iso.parse().expect("ISO timestamp")), op);
    ctx.input_data = bizra::fate::into_dict(value).expect("a dict");
    ctx.digest()
}

const ISO: &str = "2026-02-03T12:00:00.123456+00:00";

fn ok_hook(_: &mut HookContext) -> Result<HookOutcome, HookError> {
    Ok(HookOutcome::Continue)
}

proptest! {
    #[test]
    fn digest_covers_the_exact_input_data(
        input in pygen::dict(),
        exec_id in "[a-z0-9-]{0,12}",
        op in "[a-z_]{0,12}",
    ) {
        prop_assert_eq!(digest_of(&input, &exec_id, &op, ISO), reference_digest(&input, &exec_id, &op, ISO));
    }

    #[test]
    fn digest_keeps_integers_beyond_64_bits(
        input in pygen::dict_with_big_int(),
        big in pygen::big_int_text(),
    ) {
        prop_assert!(input.has_big_int());
        prop_assert_eq!(digest_of(&input, "exec-1", "op", ISO), reference_digest(&input, "exec-1", "op", ISO));
        // The integer's neighbour, which a double cannot tell apart,
        // digests differently.
        let digest = |int: &str| digest_of(
            &Gen::Dict(vec![("n".into(), Gen::Int(int.into()))]), "exec-1", "op", ISO,
        );
        prop_assert_ne!(digest(&big), digest(&pygen::neighbour(&big)));
    }

    #[test]
    fn overall_is_monotone_in_each_dimension(
        dims in proptest::array::uniform4(0.0f64..=1.0),
        which in 0usize..4,
        raise in 0.0f64..=1.0,
    ) {
        let base = FateScore {
            fidelity: dims[0],
            accountability: dims[1],
            transparency: dims[2],
            ethics: dims[3],
        };
        let mut raised = dims;
        raised[which] = (raised[which] + raise).min(1.0);
        let higher = FateScore {
            fidelity: raised[0],
            accountability: raised[1],
            transparency: raised[2],
            ethics: raised[3],
        };
        prop_assert!(higher.overall() >= base.overall());
    }

    #[test]
    fn fidelity_matches_the_allocating_definition(
        op in tricky_text(),
        other in tricky_text(),
        mode in 0usize..3,
    ) {
        // Deriving the intent from the operation name makes shared words,
        // and so the case-mapping rules, matter in most cases.
        let intent = match mode {
            0 => other,
            1 => op.to_lowercase() + " " + &other,
            _ => other + " " + &op.to_uppercase(),
        };
        prop_assert_eq!(gate_fidelity(&op, &intent), naive_fidelity(&op, &intent));
    }

    /// Texts of 0 to 40 words, ASCII or not: every path of the word
    /// matching (the small and large stack arrays, and re-splitting).
    #[test]
    fn fidelity_of_long_texts_matches_the_allocating_definition(
        op in proptest::collection::vec("(gen|GEN|sum|Sum|text|of|x[0-9]|ΣΑΣ|i̇x)", 0..40),
        intent in proptest::collection::vec("(gen|GEN|sum|Sum|text|of|x[0-9]|ΣΑΣ|i̇x)", 1..40),
        ascii in proptest::prelude::any::<bool>(),
    ) {
        let keep = |w: &String| !ascii || w.is_ascii();
        let op: Vec<&String> = op.iter().filter(|w| keep(w)).collect();
        let intent: Vec<&String> = intent.iter().filter(|w| keep(w)).collect();
        let op = op.iter().map(|w| w.as_str()).collect::<Vec<_>>().join("_");
        let intent = intent.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(" \t");
        prop_assert_eq!(gate_fidelity(&op, &intent), naive_fidelity(&op, &intent));
    }

    #[test]
    fn arbitrary_input_never_panics(
        op in any::<String>(),
        intent in proptest::option::of(any::<String>()),
        key in any::<String>(),
        exec_id in any::<String>(),
        snr in proptest::option::of(any::<f64>()),
    ) {
        let mut ctx = HookContext::new(exec_id, None, op);
        ctx.metadata = vec![(key.clone(), PyValue::Bool(true))];
        ctx.input_data = vec![(key, PyValue::Float(f64::NAN))];
        let mut gate = FateGate::default();
        match gate.validate(&ctx, intent.as_deref(), snr) {
            Ok(score) => {
                prop_assert!(snr.is_none_or(f64::is_finite));
                for dim in bizra::fate::Dimension::ALL {
                    prop_assert!((0.0..=1.0).contains(&score.get(dim)), "{dim}: {score:?}");
                }
                prop_assert!(score.overall() > 0.0 && score.overall() <= 1.0);
            }
            Err(FateError::NonFiniteSnr { value }) => prop_assert!(!value.is_finite()),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
        prop_assert_eq!(ctx.digest().len(), 64);
    }

    #[test]
    fn hooks_run_in_stable_priority_order(picks in proptest::collection::vec(0usize..5, 0..12)) {
        let mut registry = HookRegistry::new();
        for (i, &p) in picks.iter().enumerate() {
            registry.register(&i.to_string(), HookPhase::PreValidate, PRIORITIES[p], ok_hook).unwrap();
        }
        let mut exec = HookExecutor::new(registry, FateGate::default(), || 0.0);
        let result = exec.run(passing_context(), None, None, |_| Ok(PyValue::None)).unwrap();
        let ran: Vec<String> = result.context.hook_trace.iter()
            .filter(|e| e.phase == HookPhase::PreValidate)
            .map(|e| e.name.to_string())
            .collect();
        let mut want: Vec<usize> = (0..picks.len()).collect();
        want.sort_by_key(|&i| PRIORITIES[picks[i]]); // `sort_by_key` is stable
        let want: Vec<String> = want.iter().map(ToString::to_string).collect();
        prop_assert_eq!(ran, want);
    }

    #[test]
    fn only_a_critical_error_blocks(p in 0usize..5, phase in 0usize..4) {
        let priority = PRIORITIES[p];
        let phase = HookPhase::HOOKED[phase];
        let mut registry = HookRegistry::new();
        registry.register("boom", phase, priority, |_| Err(HookError::new("boom"))).unwrap();
        registry.register("after", phase, HookPriority::Deferred, ok_hook).unwrap();
        let mut exec = HookExecutor::new(registry, FateGate::default(), || 0.0);
        let result = exec
            .run(passing_context(), Some("generate summary"), Some(1.0), |_| Ok(PyValue::None))
            .unwrap();
        let blocking_phase = match phase {
            HookPhase::PreValidate => Some(BlockedBy::PreValidate),
            HookPhase::PreExecute => Some(BlockedBy::PreExecute),
            _ => None,
        };
        let critical = priority == HookPriority::Critical;
        let want = if critical { blocking_phase } else { None };
        prop_assert_eq!(result.blocked_by, want);
        prop_assert_eq!(result.success, want.is_none());
        prop_assert_eq!(result.failures.len(), 1);
        // A recorded, non-blocking failure lets the rest of the phase run.
        let after_ran = result.context.hook_trace.iter().any(|e| &*e.name == "after");
        prop_assert_eq!(after_ran, !critical);
    }
}

#[test]
fn a_stateful_hook_sees_every_run() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let mut registry = HookRegistry::new();
    registry
        .register(
            "count",
            HookPhase::PostExecute,
            HookPriority::Low,
            move |ctx| {
                log.lock().unwrap().push(ctx.logical_clock);
                Ok(HookOutcome::Continue)
            },
        )
        .unwrap();
    let mut exec = HookExecutor::new(registry, FateGate::default(), || 0.0);
    for _ in 0..3 {
        let result = exec.run(
            passing_context(),
            Some("generate summary"),
            Some(1.0),
            |_| Ok(PyValue::None),
        );
        assert!(result.unwrap().success);
    }
    // Each run starts a fresh context: operation is clock 1, the hook clock 2.
    assert_eq!(*seen.lock().unwrap(), [2, 2, 2]);
    assert_eq!(
        exec.registry.hooks(HookPhase::PostExecute)[0].invocations,
        3
    );
}
