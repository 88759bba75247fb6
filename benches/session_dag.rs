//! Session DAG benches: `session_dag/add/{depth}` (one hashed node added at
//! the tip of a chain of that depth) and `session_dag/lineage/{depth}` (is
//! the root an ancestor of the tip), for depths 10^2 to 10^5.

mod common;

use std::hint::black_box;

use bizra::py::PyValue;
use bizra::session_dag::{SessionDag, SessionState};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

const DEPTHS: [usize; 4] = [100, 1_000, 10_000, 100_000];

/// A distinct ISO-8601 time for every `i` (one microsecond apart).
fn stamp(i: usize) -> String {
    let (secs, micros) = (i / 1_000_000, i % 1_000_000);
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    format!("2026-02-03T{h:02}:{m:02}:{s:02}.{micros:06}+00:00")
}

fn data(i: usize) -> PyValue {
    PyValue::Dict(vec![
        ("session_id".into(), PyValue::Str("abc123def456".into())),
        ("step".into(), PyValue::Int((i as i64).into())),
    ])
}

/// A chain of `depth` nodes alternating active/computing, with a side
/// branch every 16 nodes; returns the DAG, its root and its tip.
fn chain(depth: usize) -> (SessionDag, String, String) {
    let mut dag = SessionDag::new();
    let root = dag
        .genesis(SessionState::Active, data(0), &stamp(0))
        .expect("genesis");
    let mut tip = root.clone();
    let mut state = SessionState::Active;
    for i in 1..depth {
        let next = match state {
            SessionState::Active => SessionState::Suspended,
            SessionState::Suspended => SessionState::Resumed,
            _ => SessionState::Active,
        };
        if i % 16 == 0 {
            dag.add_node(&[&tip], SessionState::Failed, data(i), &stamp(depth + i))
                .expect("side branch");
        }
        tip = dag
            .transition(&tip, next, data(i), &stamp(i))
            .expect("chain");
        state = next;
    }
    (dag, root, tip)
}

fn benches_for(c: &mut Criterion) {
    let mut group = c.benchmark_group("session_dag");
    for depth in DEPTHS {
        let (mut dag, root, tip) = chain(depth);
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::new("lineage", depth), &depth, |b, _| {
            b.iter(|| {
                black_box(
                    dag.is_ancestor(black_box(&root), black_box(&tip))
                        .expect("known"),
                )
            })
        });
        let mut i = 10 * depth;
        group.bench_with_input(BenchmarkId::new("add", depth), &depth, |b, _| {
            b.iter(|| {
                i += 1;
                black_box(
                    dag.add_node(&[&tip], SessionState::Failed, data(i), &stamp(i))
                        .expect("fresh node"),
                )
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = benches_for
}
criterion_main!(benches);
