//! Instruction-count benches (gungraun on valgrind's callgrind): the same
//! hot paths, inputs and ids as the Criterion suites, counted rather than
//! timed, so a change of a fraction of a percent shows even on a noisy
//! machine.
//!
//! Groups are systems, functions operations and bench ids parameters, so
//! `ntu::observe` with id `w5` is the bench `ntu/observe/w5`. An id must be
//! an identifier, so a parameter that starts with a digit gets a leading
//! `_` (`_100`, `_5x384`), which the harness drops. Setup and teardown run
//! outside the counted region; functions hand large inputs back so that
//! dropping them is not counted either.
//!
//! Run with the installed runner (scripts/install.sh installs it):
//! `cargo bench --bench instructions -- --save-summary=json`.

mod inputs;

use std::hint::black_box;

use bizra::fate::{FateGate, FateScore, HookContext, HookExecutor, SystemClock};
use bizra::ntu::{Ntu, NtuState};
use bizra::py::PyValue;
use bizra::session_dag::{SessionDag, SessionState};
use bizra::snr::SnrResult;
use gungraun::{library_benchmark, library_benchmark_group, main};
use inputs::snr::Batch;

/// Teardown: drops the benchmark's output outside the counted region.
fn discard<T>(output: T) {
    drop(black_box(output));
}

#[library_benchmark]
#[bench::w5(setup = inputs::ntu::full_unit, teardown = discard, args = (5))]
#[bench::w64(setup = inputs::ntu::full_unit, teardown = discard, args = (64))]
#[bench::w1024(setup = inputs::ntu::full_unit, teardown = discard, args = (1024))]
fn observe(input: (Ntu, f64)) -> (NtuState, Ntu) {
    let (mut ntu, v) = input;
    let state = ntu.observe(black_box(v)).expect("finite");
    (black_box(state), ntu)
}

fn gate_and_context() -> (FateGate, HookContext) {
    (FateGate::default(), inputs::fate::context())
}

#[library_benchmark]
#[bench::default(setup = gate_and_context, teardown = discard)]
fn validate(input: (FateGate, HookContext)) -> (FateScore, (FateGate, HookContext)) {
    let (mut gate, ctx) = input;
    let score = gate.validate(black_box(&ctx), Some(inputs::fate::INTENT), Some(0.97));
    (black_box(score.expect("finite snr")), (gate, ctx))
}

#[library_benchmark]
#[bench::default(setup = inputs::fate::context, teardown = discard)]
fn digest(ctx: HookContext) -> (String, HookContext) {
    (black_box(black_box(&ctx).digest()), ctx)
}

fn executor_and_context() -> (HookExecutor, HookContext) {
    let exec = HookExecutor::new(inputs::fate::registry(), FateGate::default(), SystemClock);
    (exec, inputs::fate::context())
}

#[library_benchmark]
#[bench::full(setup = executor_and_context, teardown = discard)]
fn hook_chain(input: (HookExecutor, HookContext)) -> (bool, HookExecutor) {
    let (mut exec, ctx) = input;
    let result = exec.run(ctx, Some(inputs::fate::INTENT), Some(0.97), |_| {
        Ok(PyValue::None)
    });
    (black_box(result.expect("chain runs").success), exec)
}

fn snr_batch(n: usize) -> Batch {
    inputs::snr::batch(n, inputs::snr::seed(n))
}

#[library_benchmark]
#[bench::_5x384(setup = snr_batch, teardown = discard, args = (5))]
#[bench::_1000x384(setup = snr_batch, teardown = discard, args = (1000))]
fn compute(batch: Batch) -> (SnrResult, Batch) {
    let result = inputs::snr::compute_input(&batch).compute();
    (black_box(result.expect("valid input")), batch)
}

#[library_benchmark]
#[bench::_5(setup = snr_batch, teardown = discard, args = (5))]
fn calculate_simple(batch: Batch) -> (SnrResult, Batch) {
    let result = bizra::snr::calculate_simple(&batch.query, &batch.texts, 0.8);
    (black_box(result.expect("finite score")), batch)
}

type Chain = (SessionDag, String, String);

#[library_benchmark]
#[bench::_100(setup = inputs::session_dag::chain, teardown = discard, args = (100))]
#[bench::_1000(setup = inputs::session_dag::chain, teardown = discard, args = (1000))]
#[bench::_10000(setup = inputs::session_dag::chain, teardown = discard, args = (10000))]
#[bench::_100000(setup = inputs::session_dag::chain, teardown = discard, args = (100000))]
fn lineage(input: Chain) -> (bool, Chain) {
    let found = input
        .0
        .is_ancestor(black_box(&input.1), black_box(&input.2));
    (black_box(found.expect("known nodes")), input)
}

#[library_benchmark]
#[bench::_100(setup = inputs::session_dag::chain, teardown = discard, args = (100))]
#[bench::_1000(setup = inputs::session_dag::chain, teardown = discard, args = (1000))]
#[bench::_10000(setup = inputs::session_dag::chain, teardown = discard, args = (10000))]
#[bench::_100000(setup = inputs::session_dag::chain, teardown = discard, args = (100000))]
fn add(mut input: Chain) -> (String, Chain) {
    let (data, stamp) = (
        inputs::session_dag::data(0),
        inputs::session_dag::stamp(1 << 40),
    );
    let tip = input.2.as_str();
    let added = input.0.add_node(&[tip], SessionState::Failed, data, &stamp);
    (black_box(added.expect("fresh node")), input)
}

library_benchmark_group!(name = ntu, benchmarks = [observe]);
library_benchmark_group!(name = fate, benchmarks = [validate, digest, hook_chain]);
library_benchmark_group!(name = snr, benchmarks = [compute, calculate_simple]);
library_benchmark_group!(name = session_dag, benchmarks = [lineage, add]);

main!(library_benchmark_groups = ntu, fate, snr, session_dag);
