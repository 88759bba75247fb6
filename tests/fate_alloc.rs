//! `FateGate::validate` allocates nothing: the word matching, metadata
//! lookups and history all work in memory the gate and context already hold.
//!
//! The counting allocator (`tests/common/counting_alloc.rs`) counts per
//! thread, so nothing the test harness does elsewhere adds to the count.

use bizra::fate::{FateGate, HookContext, UtcTimestamp};
use bizra::py::PyValue;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{Counting, allocations};

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn validate_does_not_allocate() {
    let ts = UtcTimestamp::from_unix_micros(1_770_120_000_000_000).ok();
    let mut ctx = HookContext::new("exec-1", ts, "ΣΑΣ_İstanbul_generate_summary");
    ctx.operation_type = "tool".into();
    ctx.input_data = vec![("text".into(), PyValue::Str("abc".into()))];
    ctx.metadata = vec![
        ("description".into(), PyValue::Str("why".into())),
        ("pii_detected".into(), PyValue::Int(0.into())),
    ];
    // Short and long (more words than the stack arrays hold) intents, ASCII
    // and not, with and without an SNR score.
    let long = "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 summary";
    let intents = [
        None,
        Some(""),
        Some("generate summary"),
        Some("σας i̇stanbul"),
        Some(long),
    ];
    let mut gate = FateGate::default();

    let before = allocations();
    // More than the history length, so the ring buffer wraps.
    for round in 0..60 {
        for intent in intents {
            let snr = (round % 2 == 0).then_some(0.9);
            std::hint::black_box(gate.validate(&ctx, intent, snr).unwrap());
        }
    }
    let after = allocations();
    assert_eq!(
        after - before,
        0,
        "validate allocated {} times",
        after - before
    );
    assert_eq!(gate.stats().validations, 300);
    // The counter sees this thread's allocations.
    let before = allocations();
    std::hint::black_box(vec![0u8; 16]);
    assert_eq!(allocations() - before, 1);
}
