//! FATE inputs: a realistic context and a registry with hooks in every
//! hooked phase.

use bizra::fate::{HookContext, HookOutcome, HookPhase, HookPriority, HookRegistry, UtcTimestamp};
use bizra::py::PyValue;

/// The declared intent the benches validate against.
pub const INTENT: &str = "Generate summary of text";

/// A context like the reference's decorator builds for a summarising tool.
pub fn context() -> HookContext {
    let ts = UtcTimestamp::from_unix_micros(1_770_120_000_123_456).ok();
    let mut ctx = HookContext::new("a1b2c3d4e5f6", ts, "generate_summary_text");
    ctx.operation_type = "inference".into();
    let input = r#"{"text": "The FATE gate scores fidelity, accountability, transparency and ethics.",
        "max_tokens": 256, "temperature": 0.7, "stop": ["\n\n", "END"], "user": "café"}"#;
    ctx.input_data = bizra::fate::into_dict(PyValue::from_json(input).unwrap()).unwrap();
    ctx.metadata = vec![
        (
            "description".into(),
            PyValue::Str("summarise a document".into()),
        ),
        ("source".into(), PyValue::Str("api".into())),
        ("pii_detected".into(), PyValue::Bool(false)),
    ];
    ctx
}

pub fn registry() -> HookRegistry {
    let mut r = HookRegistry::new();
    let phases = [
        HookPhase::PreValidate,
        HookPhase::PreExecute,
        HookPhase::PostExecute,
        HookPhase::PostValidate,
    ];
    for phase in phases {
        r.register("schema", phase, HookPriority::Critical, |ctx| {
            Ok(if ctx.operation_name.is_empty() {
                HookOutcome::Block
            } else {
                HookOutcome::Continue
            })
        })
        .unwrap();
        r.register("audit", phase, HookPriority::Low, |_| {
            Ok(HookOutcome::Continue)
        })
        .unwrap();
    }
    // The integrity check the reference's `to_dict` does: digest the context.
    r.register(
        "integrity",
        HookPhase::PostValidate,
        HookPriority::High,
        |ctx| {
            let digest = ctx.digest();
            ctx.output_data
                .push(("digest".into(), PyValue::Str(digest)));
            Ok(HookOutcome::Continue)
        },
    )
    .unwrap();
    r
}
