//! Gossip hot paths: codecs, signatures, message handling, and the peer
//! table at 10^3..10^6 peers.

mod common;
mod inputs;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bizra::gossip::{GossipEngine, SECOND, decode_binary, decode_json, encode_binary, encode_json};
use bizra::pci::{BatchItem, SigningKey, SplitMix64, domain_digest, verify_batch};
use common::Lazy;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use inputs::gossip::{DUE, HealthRun, SIZES, T0, engine, key, ping, table};

fn codecs_and_signatures(c: &mut Criterion) {
    let msg = ping();
    let json = encode_json(&msg);
    let binary = encode_binary(&msg);
    let mut g = c.benchmark_group("gossip");
    g.throughput(Throughput::Elements(1));
    g.bench_function("json_decode/ping", |b| {
        b.iter(|| decode_json(black_box(&json)).unwrap())
    });
    g.bench_function("binary_decode/ping", |b| {
        b.iter(|| decode_binary(black_box(&binary)).unwrap())
    });
    let k = key(1);
    g.bench_function("sign/ping", |b| {
        b.iter_batched_ref(
            || msg.clone(),
            |m| m.sign(black_box(&k)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    let pk = k.public_key().to_hex();
    g.bench_function("verify/ping", |b| {
        b.iter(|| assert!(black_box(&msg).verify_signature(&pk)))
    });
    for n in [64usize, 1024] {
        let mut input = Lazy::new(|| {
            let digests: Vec<_> = (0..n).map(|i| domain_digest(&i.to_le_bytes())).collect();
            let keys: Vec<_> = (0..n as u32).map(key).collect();
            let sigs: Vec<_> = keys.iter().zip(&digests).map(|(k, d)| k.sign(d)).collect();
            let pubs: Vec<_> = keys.iter().map(SigningKey::public_key).collect();
            (digests, sigs, pubs)
        });
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("batch_verify", n), |b| {
            let (digests, sigs, pubs) = input.get();
            let items: Vec<BatchItem<'_>> = (0..n)
                .map(|i| BatchItem {
                    digest: &digests[i],
                    signature: &sigs[i],
                    key: &pubs[i],
                })
                .collect();
            b.iter(|| assert!(verify_batch(black_box(&items)).iter().all(|ok| *ok)))
        });
    }
    g.finish();
}

/// Signed PINGs from 256 known senders, each well under the rate limit.
fn handle_message(c: &mut Criterion) {
    const SENDERS: u32 = 256;
    const MESSAGES: usize = 8192;
    // Built on first use: nothing is signed when both benches are
    // filtered out.
    let mut input = Lazy::new(|| {
        let mut senders: Vec<GossipEngine> = (0..SENDERS).map(|n| engine(100 + n)).collect();
        let wires: Vec<Vec<u8>> = (0..MESSAGES)
            .map(|i| encode_json(&senders[i % SENDERS as usize].create_ping(T0)))
            .collect();
        let seeds: Vec<_> = senders
            .iter()
            .map(|s| {
                let owned = |x: &str| x.to_owned();
                (
                    owned(s.node_id()),
                    owned(s.address()),
                    owned(s.public_key()),
                )
            })
            .collect();
        senders.clear();
        (seeds, wires)
    });
    let fresh = |seeds: &[(String, String, String)]| {
        let mut e = engine(1);
        for (id, address, key) in seeds {
            e.add_seed(id, address, key, T0);
        }
        e
    };
    let mut g = c.benchmark_group("gossip");
    g.throughput(Throughput::Elements(1));
    g.bench_function("handle_message/signed_ping", |b| {
        let (seeds, wires) = input.get();
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let mut e = fresh(seeds);
                let chunk = (iters - done).min(MESSAGES as u64) as usize;
                let start = Instant::now();
                for (i, w) in wires[..chunk].iter().enumerate() {
                    // 1 ms apart: each sender speaks every 256 ms.
                    let now = T0.plus(i as i64 * 1000);
                    black_box(e.handle_message(w, now).unwrap());
                }
                total += start.elapsed();
                done += chunk as u64;
            }
            total
        })
    });
    // The same stream, 64 datagrams at a time with one batched signature
    // check; throughput is per message.
    const BATCH: usize = 64;
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function(BenchmarkId::new("handle_batch", BATCH), |b| {
        let (seeds, wires) = input.get();
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let mut e = fresh(seeds);
                let chunk = (iters - done).min((MESSAGES / BATCH) as u64) as usize;
                let start = Instant::now();
                for (k, group) in wires.chunks(BATCH).take(chunk).enumerate() {
                    let refs: Vec<&[u8]> = group.iter().map(Vec::as_slice).collect();
                    let now = T0.plus((k * BATCH) as i64 * 1000);
                    black_box(e.handle_batch(&refs, now));
                }
                total += start.elapsed();
                done += chunk as u64;
            }
            total
        })
    });
    g.finish();
}

fn peer_table(c: &mut Criterion) {
    let mut g = c.benchmark_group("gossip");
    for n in SIZES {
        let mut input = Lazy::new(|| {
            let t = table(n, 5 * SECOND / n as i64);
            let mut rng = SplitMix64::new(9);
            let queries: Vec<String> = (0..4096)
                .map(|_| format!("node-{}", bizra::pci::RandomSource::below(&mut rng, n)))
                .collect();
            (t, queries)
        });
        g.throughput(Throughput::Elements(1));
        g.bench_function(BenchmarkId::new("peer_lookup", n), |b| {
            let (t, q) = input.get();
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) & 4095;
                black_box(t.lookup(&q[i]).unwrap())
            })
        });
        // One check with DUE peers past their deadline (see HealthRun).
        let mut run = Lazy::new(|| HealthRun::new(n));
        g.throughput(Throughput::Elements(DUE as u64));
        g.bench_function(BenchmarkId::new("health_check", n), |b| {
            let run = run.get();
            b.iter(|| black_box(run.step()))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = codecs_and_signatures, handle_message, peer_table
}
criterion_main!(benches);
