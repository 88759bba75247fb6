//! Consensus hot paths: one vote, and 10^4 votes to a commit.

mod common;
mod inputs;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bizra::consensus::VoteOutcome;
use common::Lazy;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use inputs::consensus::{leader_for, network};

fn receive_vote(c: &mut Criterion) {
    let mut net = Lazy::new(|| network(4096));
    let mut g = c.benchmark_group("consensus");
    g.throughput(Throughput::Elements(1));
    g.bench_function("receive_vote/single", |b| {
        let net = &*net.get();
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let mut e = leader_for(net);
                let chunk = (iters - done).min(net.votes.len() as u64) as usize;
                let start = Instant::now();
                for v in &net.votes[..chunk] {
                    // A node count no quorum reaches: every vote is recorded.
                    black_box(e.receive_vote(v, 1 << 30).unwrap());
                }
                total += start.elapsed();
                done += chunk as u64;
            }
            total
        })
    });
    g.finish();
}

fn votes_to_quorum(c: &mut Criterion) {
    const N: u32 = 10_000;
    let mut net = Lazy::new(|| network(N));
    let mut g = c.benchmark_group("consensus");
    g.throughput(Throughput::Elements(u64::from(N)));
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("votes_to_quorum", N), |b| {
        let net = &*net.get();
        b.iter_batched(
            || leader_for(net),
            |mut e| {
                let results = e.receive_votes(&net.votes, N as usize);
                assert_eq!(
                    results
                        .iter()
                        .filter(|r| **r == Ok(VoteOutcome::QuorumReached))
                        .count(),
                    1
                );
                e
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function(BenchmarkId::new("votes_to_quorum_one_by_one", N), |b| {
        let net = &*net.get();
        b.iter_batched(
            || leader_for(net),
            |mut e| {
                for v in &net.votes {
                    let _ = black_box(e.receive_vote(v, N as usize));
                }
                e
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = receive_vote, votes_to_quorum
}
criterion_main!(benches);
