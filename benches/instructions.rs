//! Instruction-count benches (gungraun on valgrind's callgrind): the same
//! hot paths and ids as the Criterion suites, counted rather than timed, so
//! a change of a fraction of a percent shows even on a noisy machine.
//!
//! Groups are systems, functions operations and bench ids parameters, so
//! `ntu::observe` with id `w5` is the bench `ntu/observe/w5`. A purely
//! numeric parameter is written with a leading `_` (`_100`), since an id
//! must be an identifier; the harness drops it. Setup runs outside the
//! counted region.
//!
//! Run with the installed runner (scripts/install.sh installs it):
//! `cargo bench --bench instructions -- --save-summary=json`.

use std::hint::black_box;

use bizra::ntu::{Ntu, NtuConfig, NtuState};
use bizra::py::PyValue;
use bizra::session_dag::{SessionDag, SessionState};
use gungraun::{library_benchmark, library_benchmark_group, main};

/// The same pseudo-random stream the Criterion NTU bench uses.
fn stream(n: usize) -> Vec<f64> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// A unit with a full window, ready for one more observation.
fn full_ntu(window: usize) -> (Ntu, f64) {
    let values = stream(window + 1);
    let mut ntu = Ntu::new(NtuConfig::with_window(window)).expect("valid config");
    for &v in &values[..window] {
        ntu.observe(v).expect("finite");
    }
    (ntu, values[window])
}

#[library_benchmark]
#[bench::w5(setup = full_ntu, args = (5))]
#[bench::w64(setup = full_ntu, args = (64))]
#[bench::w1024(setup = full_ntu, args = (1024))]
fn observe(input: (Ntu, f64)) -> NtuState {
    let (mut ntu, v) = input;
    black_box(ntu.observe(black_box(v)).expect("finite"))
}

/// Teardown: drops the benchmark's output (often a large structure moved
/// through it) outside the counted region.
fn discard<T>(output: T) {
    drop(black_box(output));
}

fn empty() -> PyValue {
    PyValue::Dict(vec![])
}

fn stamp(i: usize) -> String {
    let (secs, micros) = (i / 1_000_000, i % 1_000_000);
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    format!("2026-02-03T{h:02}:{m:02}:{s:02}.{micros:06}+00:00")
}

/// A chain of `depth` nodes; returns the DAG, its root and its tip.
fn chain(depth: usize) -> (SessionDag, String, String) {
    let mut dag = SessionDag::new();
    let root = dag
        .genesis(SessionState::Active, empty(), &stamp(0))
        .expect("genesis");
    let mut tip = root.clone();
    for i in 1..depth {
        tip = dag
            .add_node(&[&tip], SessionState::Active, empty(), &stamp(i))
            .expect("chain");
    }
    (dag, root, tip)
}

#[library_benchmark]
#[bench::_100(setup = chain, teardown = discard, args = (100))]
#[bench::_1000(setup = chain, teardown = discard, args = (1000))]
#[bench::_10000(setup = chain, teardown = discard, args = (10000))]
#[bench::_100000(setup = chain, teardown = discard, args = (100000))]
fn lineage(input: (SessionDag, String, String)) -> (bool, (SessionDag, String, String)) {
    let found = black_box(
        input
            .0
            .is_ancestor(black_box(&input.1), black_box(&input.2)),
    );
    (found.expect("known"), input)
}

#[library_benchmark]
#[bench::_100(setup = chain, teardown = discard, args = (100))]
#[bench::_1000(setup = chain, teardown = discard, args = (1000))]
#[bench::_10000(setup = chain, teardown = discard, args = (10000))]
#[bench::_100000(setup = chain, teardown = discard, args = (100000))]
fn add(mut input: (SessionDag, String, String)) -> (String, (SessionDag, String, String)) {
    let tip = input.2.as_str();
    let added = input
        .0
        .add_node(&[tip], SessionState::Failed, empty(), &stamp(1 << 40));
    (black_box(added.expect("fresh node")), input)
}

library_benchmark_group!(name = ntu, benchmarks = [observe]);
library_benchmark_group!(name = session_dag, benchmarks = [lineage, add]);

main!(library_benchmark_groups = ntu, session_dag);
