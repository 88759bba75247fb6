//! Consensus hot paths: one vote, and 10^4 votes to a commit.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use bizra::consensus::{ConsensusEngine, Proposal, Vote, VoteOutcome};
use bizra::pci::{PublicKey, SigningKey, SplitMix64};
use bizra::py::PyValue;
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn key(n: u32) -> SigningKey {
    let mut seed = [3u8; 32];
    seed[..4].copy_from_slice(&n.to_le_bytes());
    SigningKey::from_seed(&seed)
}

struct Network {
    keys: Vec<PublicKey>,
    proposal: Proposal,
    votes: Vec<Vote>,
}

/// `n` voters `v0..`, one proposal by `leader`, and every voter's vote.
fn network(n: u32) -> Network {
    let mut leader =
        ConsensusEngine::new("leader", key(u32::MAX), Box::new(SplitMix64::new(5))).unwrap();
    let pattern = PyValue::from_json(
        r#"{"pattern": "elevated", "score": 0.97, "meta": {"tags": ["a", "b"]}}"#,
    )
    .unwrap();
    let proposal = leader.propose_pattern(pattern, 0.0).unwrap();
    let signers: Vec<SigningKey> = (0..n).map(key).collect();
    let votes = signers
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mut voter =
                ConsensusEngine::new(&format!("v{i}"), k.clone(), Box::new(SplitMix64::new(0)))
                    .unwrap();
            voter.accept_proposal(proposal.clone(), 0.0).unwrap();
            voter.cast_vote(&proposal, 0.97).unwrap()
        })
        .collect();
    Network {
        keys: signers.iter().map(SigningKey::public_key).collect(),
        proposal,
        votes,
    }
}

fn leader_for(net: &Network) -> ConsensusEngine {
    let mut e =
        ConsensusEngine::new("leader", key(u32::MAX), Box::new(SplitMix64::new(5))).unwrap();
    for (i, k) in net.keys.iter().enumerate() {
        e.register_peer(&format!("v{i}"), *k).unwrap();
    }
    e.accept_proposal(net.proposal.clone(), 0.0).unwrap();
    e
}

fn receive_vote(c: &mut Criterion) {
    let net = network(4096);
    let mut g = c.benchmark_group("consensus");
    g.throughput(Throughput::Elements(1));
    g.bench_function("receive_vote/single", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let mut e = leader_for(&net);
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
    let net = network(N);
    let mut g = c.benchmark_group("consensus");
    g.throughput(Throughput::Elements(u64::from(N)));
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("votes_to_quorum", N), |b| {
        b.iter_batched(
            || leader_for(&net),
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
        b.iter_batched(
            || leader_for(&net),
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
