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

use bizra::consensus::{ConsensusEngine, Vote};
use bizra::fate::{FateGate, FateScore, HookContext, HookExecutor, SystemClock};
use bizra::gossip::{
    GossipEngine, GossipMessage, PeerTable, decode_binary, decode_json, encode_binary, encode_json,
};
use bizra::ntu::{Ntu, NtuState};
use bizra::py::PyValue;
use bizra::session_dag::{SessionDag, SessionState};
use bizra::snr::SnrResult;
use gungraun::{
    Callgrind, LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main,
};
use inputs::snr::Batch;

/// Teardown: drops the benchmark's output outside the counted region.
fn discard<T>(output: T) {
    drop(black_box(output));
}

/// A full unit and its next value, boxed: the bench function then moves a
/// pointer in and out rather than the 80-byte unit, about 30 instructions
/// of copying that are the bench's plumbing, not the observation.
fn boxed_unit(window: usize) -> Box<(Ntu, f64)> {
    Box::new(inputs::ntu::full_unit(window))
}

#[library_benchmark]
#[bench::w5(setup = boxed_unit, teardown = discard, args = (5))]
#[bench::w64(setup = boxed_unit, teardown = discard, args = (64))]
#[bench::w1024(setup = boxed_unit, teardown = discard, args = (1024))]
fn observe(mut input: Box<(Ntu, f64)>) -> (NtuState, Box<(Ntu, f64)>) {
    // The value is read from the heap at run time, so it needs no
    // `black_box` (which would store and reload it).
    let v = input.1;
    let state = input.0.observe(v).expect("finite");
    (black_box(state), input)
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

// A large batch measures its embeddings on a second thread; callgrind
// counts a thread only inside a toggled function, so that thread's entry
// is toggled too and the count is the work of both.
#[library_benchmark(
    config = LibraryBenchmarkConfig::default()
        .tool(Callgrind::with_args(["--toggle-collect=*embeddings_apart*"]))
)]
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

fn json_wire() -> Vec<u8> {
    encode_json(&inputs::gossip::ping())
}

fn binary_wire() -> Vec<u8> {
    encode_binary(&inputs::gossip::ping())
}

#[library_benchmark]
#[bench::ping(setup = json_wire, teardown = discard)]
fn json_decode(wire: Vec<u8>) -> (GossipMessage, Vec<u8>) {
    (
        black_box(decode_json(black_box(&wire)).expect("valid")),
        wire,
    )
}

#[library_benchmark]
#[bench::ping(setup = binary_wire, teardown = discard)]
fn binary_decode(wire: Vec<u8>) -> (GossipMessage, Vec<u8>) {
    (
        black_box(decode_binary(black_box(&wire)).expect("valid")),
        wire,
    )
}

fn signed_ping() -> (GossipMessage, String) {
    (
        inputs::gossip::ping(),
        inputs::gossip::key(1).public_key().to_hex(),
    )
}

#[library_benchmark]
#[bench::ping(setup = signed_ping, teardown = discard)]
fn verify(input: (GossipMessage, String)) -> (bool, (GossipMessage, String)) {
    (
        black_box(input.0.verify_signature(black_box(&input.1))),
        input,
    )
}

#[library_benchmark]
#[bench::signed_ping(setup = inputs::gossip::receiver_and_ping, teardown = discard)]
#[bench::signed_ping_warm(setup = inputs::gossip::warm_receiver_and_ping, teardown = discard)]
fn handle_message(input: (GossipEngine, Vec<u8>)) -> (GossipEngine, Vec<u8>) {
    let (mut engine, wire) = input;
    let handled = engine.handle_message(black_box(&wire), inputs::gossip::T0);
    black_box(handled.expect("accepted"));
    (engine, wire)
}

// 64 signed PINGs from 8 known senders in one batch: the batched
// signature check, with each sender's key decoded once.
#[library_benchmark]
#[bench::_64(setup = inputs::gossip::receiver_and_batch, teardown = discard)]
fn handle_batch(input: (GossipEngine, Vec<Vec<u8>>)) -> (GossipEngine, Vec<Vec<u8>>) {
    let (mut engine, wires) = input;
    let refs: Vec<&[u8]> = wires.iter().map(Vec::as_slice).collect();
    let handled = engine.handle_batch(black_box(&refs), inputs::gossip::T0);
    assert!(handled.iter().all(Result::is_ok), "all accepted");
    black_box(handled);
    (engine, wires)
}

/// A table of `n` peers and the id of one of them.
fn table_and_id(n: usize) -> (PeerTable, String) {
    (inputs::gossip::table(n, 1), format!("node-{}", n / 2))
}

#[library_benchmark]
#[bench::_1000(setup = table_and_id, teardown = discard, args = (1000))]
#[bench::_10000(setup = table_and_id, teardown = discard, args = (10000))]
#[bench::_100000(setup = table_and_id, teardown = discard, args = (100000))]
fn peer_lookup(input: (PeerTable, String)) -> (PeerTable, String) {
    black_box(input.0.lookup(black_box(&input.1)).expect("known peer"));
    input
}

/// Consecutive health checks counted per run: the wheel moves a peer to a
/// lower level when time reaches its slot, and enough checks are counted
/// for those moves to be included at every size (the slot of 64 ticks,
/// 65 ms, holds 13,000 peers at a million).
const HEALTH_CHECKS: usize = 1024;

#[library_benchmark]
#[bench::_1000(setup = inputs::gossip::HealthRun::new, teardown = discard, args = (1000))]
#[bench::_10000(setup = inputs::gossip::HealthRun::new, teardown = discard, args = (10000))]
#[bench::_100000(setup = inputs::gossip::HealthRun::new, teardown = discard, args = (100000))]
#[bench::_1000000(setup = inputs::gossip::HealthRun::new, teardown = discard, args = (1000000))]
fn health_check(mut run: inputs::gossip::HealthRun) -> (usize, inputs::gossip::HealthRun) {
    let changes = (0..HEALTH_CHECKS).map(|_| run.step()).sum();
    (black_box(changes), run)
}

/// A leader with 64 registered voters and the first voter's vote.
fn leader_and_vote() -> (ConsensusEngine, Vote) {
    let net = inputs::consensus::network(64);
    let leader = inputs::consensus::leader_for(&net);
    (leader, net.votes[0].clone())
}

#[library_benchmark]
#[bench::single(setup = leader_and_vote, teardown = discard)]
fn receive_vote(input: (ConsensusEngine, Vote)) -> (ConsensusEngine, Vote) {
    let (mut leader, vote) = input;
    black_box(
        leader
            .receive_vote(black_box(&vote), 1 << 30)
            .expect("valid vote"),
    );
    (leader, vote)
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
library_benchmark_group!(
    name = gossip,
    benchmarks = [
        json_decode,
        binary_decode,
        verify,
        handle_message,
        handle_batch,
        peer_lookup,
        health_check
    ]
);
library_benchmark_group!(name = consensus, benchmarks = [receive_vote]);

main!(
    library_benchmark_groups = ntu,
    fate,
    snr,
    session_dag,
    gossip,
    consensus
);
