//! Session DAG benches: `session_dag/add/{depth}` (one hashed node added at
//! the tip of a chain of that depth) and `session_dag/lineage/{depth}` (is
//! the root an ancestor of the tip), for depths 10^2 to 10^5.

mod common;
mod inputs;

use std::hint::black_box;

use bizra::session_dag::SessionState;
use common::Lazy;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use inputs::session_dag::{DEPTHS, chain, data, stamp};

fn benches_for(c: &mut Criterion) {
    let mut group = c.benchmark_group("session_dag");
    for depth in DEPTHS {
        // Built on first use: nothing when both benches are filtered out.
        let mut input = Lazy::new(|| chain(depth));
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::new("lineage", depth), &depth, |b, _| {
            let (dag, root, tip) = input.get();
            b.iter(|| {
                black_box(
                    dag.is_ancestor(black_box(root.as_str()), black_box(tip.as_str()))
                        .expect("known"),
                )
            })
        });
        let mut i = 10 * depth;
        group.bench_with_input(BenchmarkId::new("add", depth), &depth, |b, _| {
            let (dag, _, tip) = input.get();
            b.iter(|| {
                i += 1;
                black_box(
                    dag.add_node(&[tip.as_str()], SessionState::Failed, data(i), &stamp(i))
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
