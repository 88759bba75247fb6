//! SNR v2 scoring: `compute` with embeddings for a small and a large batch,
//! and `calculate_simple` for a small one.

mod common;
mod inputs;

use std::hint::black_box;

use bizra::snr;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use inputs::snr::{DIM, batch, compute_input, seed};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("snr");
    for n in [5usize, 1000] {
        let b = batch(n, seed(n));
        let input = compute_input(&b);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(
            BenchmarkId::new("compute", format!("{n}x{DIM}")),
            &input,
            |bench, input| bench.iter(|| black_box(input).compute().expect("valid input")),
        );
    }

    let small = batch(5, 0xC0FFEE);
    group.throughput(Throughput::Elements(5));
    group.bench_function(BenchmarkId::new("calculate_simple", "5"), |bench| {
        bench.iter(|| {
            snr::calculate_simple(black_box(&small.query), black_box(&small.texts), 0.8)
                .expect("finite score")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = bench
}
criterion_main!(benches);
