//! NTU benches: `ntu/observe/w{5,64,1024}` (one observation on a full
//! window) and `ntu/detect_pattern/{100}`.

mod common;
mod inputs;

use std::hint::black_box;

use bizra::ntu::{Ntu, NtuConfig};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use inputs::ntu::{full_unit, stream};

fn observe(c: &mut Criterion) {
    let values = stream(4096);
    let mut group = c.benchmark_group("ntu");
    for window in [5usize, 64, 1024] {
        let (mut ntu, _) = full_unit(window);
        group.throughput(Throughput::Elements(1));
        let mut i = 0;
        group.bench_with_input(
            BenchmarkId::new("observe", format!("w{window}")),
            &window,
            |b, _| {
                b.iter(|| {
                    i = (i + 1) & 4095;
                    black_box(ntu.observe(black_box(values[i])).expect("finite"))
                })
            },
        );
    }
    let mut ntu = Ntu::new(NtuConfig::default()).expect("valid config");
    let batch = stream(100);
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function(BenchmarkId::new("detect_pattern", batch.len()), |b| {
        b.iter(|| black_box(ntu.detect_pattern(black_box(&batch)).expect("finite")))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = observe
}
criterion_main!(benches);
