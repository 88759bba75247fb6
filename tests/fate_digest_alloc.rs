//! The context digest allocates nothing per float: writing a float's
//! Python repr uses a stack buffer, so a context full of floats digests
//! with exactly as many allocations as one holding integers of the same
//! text lengths (only the shared text buffer grows, equally for both).
//!
//! The counting allocator (`tests/common/counting_alloc.rs`) counts per
//! thread, so nothing the test harness does elsewhere adds to the count.

use bizra::fate::{HookContext, UtcTimestamp};
use bizra::py::PyValue;

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

use counting_alloc::{Counting, allocations};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A context whose input holds `values` in a list under one key.
fn context(values: Vec<PyValue>) -> HookContext {
    let ts = UtcTimestamp::from_unix_micros(1_770_120_000_123_456).ok();
    let mut ctx = HookContext::new("exec-1", ts, "op");
    ctx.input_data = vec![("values".into(), PyValue::List(values))];
    ctx
}

fn allocations_of_digest(ctx: &HookContext) -> usize {
    let before = allocations();
    let digest = ctx.digest();
    let after = allocations();
    assert_eq!(digest.len(), 64);
    after - before
}

#[test]
fn digest_allocates_nothing_per_float() {
    // Floats in every layout Python's repr uses, each next to an integer
    // whose decimal text is just as long.
    let floats = [
        (0.1, 3),
        (-2.5e-7, 8),
        (1e22, 5),
        (123456.789, 10),
        (-0.0, 4),
        (1.7976931348623157e308, 23),
        (0.000123, 8),
    ];
    for n in [1, 10, 300] {
        let mut float_values = Vec::new();
        let mut int_values = Vec::new();
        for i in 0..n {
            let (x, len) = floats[i % floats.len()];
            assert_eq!(bizra::py::float_repr(x).len(), len, "{x:?}");
            float_values.push(PyValue::Float(x));
            // A positive integer of `len` digits.
            let int: String = std::iter::once('1')
                .chain(std::iter::repeat_n('0', len - 1))
                .collect();
            int_values.push(PyValue::Int(int.parse().unwrap()));
        }
        let with_floats = context(float_values);
        let with_ints = context(int_values);
        let mut a = String::new();
        let mut b = String::new();
        with_floats.write_input_repr(&mut a);
        with_ints.write_input_repr(&mut b);
        assert_eq!(a.len(), b.len(), "the two inputs have equally long reprs");
        let float_allocs = allocations_of_digest(&with_floats);
        let int_allocs = allocations_of_digest(&with_ints);
        assert_eq!(
            float_allocs, int_allocs,
            "{n} floats: the digest allocated {float_allocs} times, {int_allocs} for integers"
        );
        // The buffer, its growth and the returned hex string: a handful.
        assert!(
            float_allocs <= 2 + 8,
            "{n} floats: {float_allocs} allocations"
        );
    }
}
