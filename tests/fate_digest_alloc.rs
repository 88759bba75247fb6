//! The context digest allocates nothing per float: writing a float's
//! Python repr uses a stack buffer, so a context full of floats digests
//! with exactly as many allocations as one holding integers of the same
//! text lengths (only the shared text buffer grows, equally for both).
//!
//! A counting allocator wraps the system one and counts per thread, so
//! nothing the test harness does elsewhere adds to the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bizra::fate::{HookContext, UtcTimestamp};
use bizra::py::PyValue;

struct Counting;

thread_local! {
    // Per thread, so that the test harness's own thread (printing, say)
    // cannot add to the count of the thread under test.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

/// Counts one allocation on this thread (none once its thread-locals are
/// gone, at thread exit).
fn count() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

/// Allocations made by this thread so far.
fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// wrapper only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

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
