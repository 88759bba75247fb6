//! FATE gate hot paths: one validation, one context digest, and the whole
//! hook chain (hooks in every hooked phase, the gate, the operation, and a
//! digest of the context).

mod common;

use std::hint::black_box;

use bizra::fate::{
    FateGate, HookContext, HookExecutor, HookOutcome, HookPhase, HookPriority, HookRegistry,
    SystemClock, UtcTimestamp,
};
use bizra::py::PyValue;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

const INTENT: &str = "Generate summary of text";

/// A context like the reference's decorator builds for a summarising tool.
fn context() -> HookContext {
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

fn registry() -> HookRegistry {
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

fn benches(c: &mut Criterion) {
    let ctx = context();
    let mut gate = FateGate::default();
    assert!(
        gate.validate(&ctx, Some(INTENT), Some(0.97))
            .unwrap()
            .passed()
    );
    c.bench_function("fate/validate/default", |b| {
        b.iter(|| {
            gate.validate(
                black_box(&ctx),
                black_box(Some(INTENT)),
                black_box(Some(0.97)),
            )
        })
    });

    c.bench_function("fate/digest/default", |b| {
        b.iter(|| black_box(&ctx).digest())
    });

    let mut exec = HookExecutor::new(registry(), FateGate::default(), SystemClock);
    let check = exec.run(context(), Some(INTENT), Some(0.97), |_| Ok(PyValue::None));
    assert!(
        check.unwrap().success,
        "the benchmarked chain must run to the end"
    );
    c.bench_function("fate/hook_chain/full", |b| {
        b.iter_batched(
            context,
            |ctx| {
                exec.run(ctx, Some(INTENT), Some(0.97), |ctx| {
                    Ok(PyValue::Int((ctx.input_data.len() as i64).into()))
                })
            },
            BatchSize::SmallInput,
        )
    });
}

criterion_group! {
    name = fate;
    config = common::criterion();
    targets = benches
}
criterion_main!(fate);
