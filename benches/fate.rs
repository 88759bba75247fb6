//! FATE gate hot paths: one validation, one context digest, and the whole
//! hook chain (hooks in every hooked phase, the gate, the operation, and a
//! digest of the context).

mod common;
mod inputs;

use std::hint::black_box;

use bizra::fate::{FateGate, HookExecutor, SystemClock};
use bizra::py::PyValue;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use inputs::fate::{INTENT, context, registry};

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

    // An intent longer than the words kept on the stack (8): the
    // re-splitting path.
    const LONG_INTENT: &str = "Generate a short summary of the text for the user in plain English";
    c.bench_function("fate/validate/long_intent", |b| {
        b.iter(|| {
            gate.validate(
                black_box(&ctx),
                black_box(Some(LONG_INTENT)),
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
