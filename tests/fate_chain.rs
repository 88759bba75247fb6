//! The hook chain runs phases in the reference's order and writes the
//! reference's trace, shown here with a stepping clock.

use bizra::fate::{
    BlockedBy, Dimension, FailureKind, FateGate, HookContext, HookError, HookExecutor, HookOutcome,
    HookPhase, HookPriority, HookRegistry, UtcTimestamp,
};
use bizra::py::PyValue;

fn context() -> HookContext {
    let ts = UtcTimestamp::from_unix_micros(1_770_120_000_000_000).ok();
    let mut ctx = HookContext::new("exec-1", ts, "generate_summary");
    ctx.operation_type = "tool".into();
    ctx.input_data = vec![("text".into(), PyValue::Str("abc".into()))];
    ctx.metadata = vec![("rationale".into(), PyValue::Str("asked".into()))];
    ctx
}

/// A clock that starts at 1770120000.0 s and advances 0.125 s per reading
/// (exact in binary, so the 3-decimal form has no rounding question).
fn stepping_clock() -> impl FnMut() -> f64 {
    let mut t = 1_770_120_000.0 - 0.125;
    move || {
        t += 0.125;
        t
    }
}

fn pass(_: &mut HookContext) -> Result<HookOutcome, HookError> {
    Ok(HookOutcome::Continue)
}

#[test]
fn full_chain_trace_in_phase_and_priority_order() {
    let mut r = HookRegistry::new();
    r.register("log", HookPhase::PreExecute, HookPriority::Low, pass)
        .unwrap();
    r.register("schema", HookPhase::PreValidate, HookPriority::High, pass)
        .unwrap();
    r.register(
        "ethics",
        HookPhase::PreExecute,
        HookPriority::Critical,
        pass,
    )
    .unwrap();
    r.register(
        "metrics",
        HookPhase::PostExecute,
        HookPriority::Low,
        |ctx| {
            ctx.metadata.push(("_metrics".into(), PyValue::Bool(true)));
            Ok(HookOutcome::Continue)
        },
    )
    .unwrap();
    r.register(
        "quality",
        HookPhase::PostValidate,
        HookPriority::Normal,
        |_| Err(HookError::new("score too low")),
    )
    .unwrap();
    let mut exec = HookExecutor::new(r, FateGate::default(), stepping_clock());
    let result = exec
        .run(context(), Some("generate summary"), Some(0.99), |ctx| {
            Ok(PyValue::Str(format!("summary of {}", ctx.input_data.len())))
        })
        .unwrap();

    assert!(result.success);
    assert_eq!(result.blocked_by, None);
    // Reading 0 is the start time; each trace entry takes the next reading.
    assert_eq!(
        result.context.trace_strings(),
        [
            "1:pre_validate:schema@1770120000.125",
            "2:pre_execute:ethics@1770120000.250",
            "3:pre_execute:log@1770120000.375",
            "4:execute:operation@1770120000.500",
            "5:post_execute:metrics@1770120000.625",
            "6:post_validate:quality@1770120000.750",
        ]
    );
    // A non-critical error is recorded and skipped: the phase still succeeds.
    assert_eq!(result.phases.post_validate, Some(true));
    assert_eq!(result.execution_time_ms, 875.0);
    assert_eq!(result.failures.len(), 1);
    assert_eq!(
        result.failures[0].kind,
        FailureKind::Error(HookError::new("score too low"))
    );
    assert_eq!(
        result.context.output_data,
        [("result".to_owned(), PyValue::Str("summary of 1".into()))]
    );
    assert!(result.context.fate_score.is_some_and(|s| s.passed()));
    assert_eq!(result.context.metadata.len(), 2);
}

#[test]
fn a_block_in_pre_validate_stops_before_the_gate() {
    let mut r = HookRegistry::new();
    r.register("deny", HookPhase::PreValidate, HookPriority::Normal, |_| {
        Ok(HookOutcome::Block)
    })
    .unwrap();
    r.register("later", HookPhase::PreValidate, HookPriority::Low, pass)
        .unwrap();
    let mut exec = HookExecutor::new(r, FateGate::default(), || 0.0);
    let result = exec
        .run(context(), Some("generate summary"), Some(1.0), |_| {
            panic!("the operation must not run")
        })
        .unwrap();
    assert_eq!(result.blocked_by, Some(BlockedBy::PreValidate));
    assert_eq!(result.blocked_by.unwrap().to_string(), "pre_validate");
    assert_eq!(result.context.fate_score, None);
    assert_eq!(
        result.context.trace_strings(),
        ["1:pre_validate:deny@0.000"]
    );
    assert_eq!(exec.gate.stats().validations, 0);
}

#[test]
fn a_failing_score_blocks_naming_the_weakest_dimension() {
    let mut exec = HookExecutor::new(HookRegistry::new(), FateGate::default(), || 0.0);
    let mut ctx = context();
    ctx.metadata
        .push(("pii_detected".into(), PyValue::Bool(true)));
    let result = exec
        .run(ctx, Some("generate summary"), Some(1.0), |_| {
            Ok(PyValue::None)
        })
        .unwrap();
    assert_eq!(
        result.blocked_by,
        Some(BlockedBy::FateGate(Dimension::Ethics))
    );
    assert_eq!(result.blocked_by.unwrap().to_string(), "fate_gate:ethics");
    assert!(!result.success);
    assert_eq!(exec.gate.stats().blocks, 1);
}

#[test]
fn an_operation_error_fails_the_run_without_blame() {
    let mut exec = HookExecutor::new(HookRegistry::new(), FateGate::default(), || 0.0);
    let result = exec
        .run(context(), Some("generate summary"), Some(1.0), |_| {
            Err(HookError::new("disk full"))
        })
        .unwrap();
    assert!(!result.success);
    assert_eq!(result.blocked_by, None);
    assert_eq!(result.context.error.as_deref(), Some("disk full"));
    assert_eq!(result.phases.execute, Some(false));
}

#[test]
fn a_disabled_hook_is_skipped_and_a_non_finite_snr_is_refused() {
    let mut r = HookRegistry::new();
    r.register(
        "deny",
        HookPhase::PreValidate,
        HookPriority::Critical,
        |_| Ok(HookOutcome::Block),
    )
    .unwrap();
    r.set_enabled("deny", false);
    let mut exec = HookExecutor::new(r, FateGate::default(), || 0.0);
    let result = exec
        .run(context(), Some("generate summary"), Some(1.0), |_| {
            Ok(PyValue::None)
        })
        .unwrap();
    assert!(result.success);
    assert!(
        exec.run(context(), None, Some(f64::NAN), |_| Ok(PyValue::None))
            .is_err()
    );
}
