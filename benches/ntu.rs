//! NTU benches: `ntu/observe/w{5,64,1024}` (one observation on a full
//! window) and `ntu/detect_pattern/{100}`.

mod common;

use std::hint::black_box;

use bizra::ntu::{Ntu, NtuConfig};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// A fixed pseudo-random stream in [0, 1] (xorshift), so every run and
/// every revision measures the same input.
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

fn observe(c: &mut Criterion) {
    let values = stream(4096);
    let mut group = c.benchmark_group("ntu");
    for window in [5usize, 64, 1024] {
        let mut ntu = Ntu::new(NtuConfig::with_window(window)).expect("valid config");
        for &v in &values[..window] {
            ntu.observe(v).expect("finite");
        }
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
