//! A simulation mode: many engines in one process, no sockets, virtual
//! time. It measures how fast a membership change spreads: a node joins by
//! announcing itself to one seed, and each round every node pings `fanout`
//! random ALIVE peers and takes the answer. The only carrier of membership
//! news is the reference's piggyback (the five most recently seen peers),
//! so this is the reference protocol's own dissemination speed.
//!
//! Messages go through [`GossipEngine::handle_decoded`] with every check
//! (rate limit, freshness, Ed25519 signature, duplicates), skipping only
//! the JSON text step.

use crate::pci::{RandomSource, SigningKey, SplitMix64};

use super::config::GossipConfig;
use super::engine::GossipEngine;
use super::message::GossipMessage;
use super::outcome::Handled;
use super::time::{SECOND, UnixMicros};

/// What to simulate.
#[derive(Debug, Clone, Copy)]
pub struct SimConfig {
    /// Nodes already in the network.
    pub nodes: usize,
    /// Random peers each node knows at the start (plus a ring neighbour,
    /// so the graph is connected).
    pub initial_view: usize,
    /// Rounds to run at most.
    pub max_rounds: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Engine settings (fanout, limits).
    pub gossip: GossipConfig,
}

/// How far the news got after one round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundStat {
    /// Round number, from 1.
    pub round: usize,
    /// Nodes that know the joiner.
    pub informed: usize,
    /// Messages delivered in the round.
    pub messages: usize,
}

/// The outcome of [`simulate_join`].
#[derive(Debug, Clone)]
pub struct SimReport {
    /// One entry per round run.
    pub rounds: Vec<RoundStat>,
    /// The first round after which every node knew the joiner.
    pub converged_at: Option<usize>,
}

/// The simulation's start: 2026-02-03T12:00:00Z.
const T0: UnixMicros = UnixMicros(1_770_120_000_000_000);

fn id(i: usize) -> String {
    format!("sim-{i}")
}

fn index(id: &str) -> usize {
    id.strip_prefix("sim-")
        .and_then(|n| n.parse().ok())
        .expect("simulated ids are sim-N")
}

fn key(i: usize) -> SigningKey {
    let mut seed = [0x5eu8; 32];
    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
    SigningKey::from_seed(&seed)
}

/// Delivers `msg` to node `to`, and its reply (if any) back to the sender.
/// Returns the number of messages delivered.
fn deliver(engines: &mut [GossipEngine], to: usize, msg: GossipMessage, now: UnixMicros) -> usize {
    let from = index(&msg.sender_id);
    match engines[to].handle_decoded(msg, now) {
        Ok(Handled::Reply(reply)) => {
            let _ = engines[from].handle_decoded(reply, now);
            2
        }
        _ => 1,
    }
}

/// Runs the join experiment described in the module documentation.
pub fn simulate_join(cfg: SimConfig) -> SimReport {
    let n = cfg.nodes.max(2);
    let mut rng = SplitMix64::new(cfg.seed);
    let mut engines: Vec<GossipEngine> = (0..=n)
        .map(|i| {
            let rng = Box::new(SplitMix64::new(
                cfg.seed ^ (i as u64).wrapping_mul(0x9e37_79b9),
            ));
            GossipEngine::new(&id(i), &id(i), key(i), cfg.gossip, rng)
        })
        .collect();
    let keys: Vec<String> = engines.iter().map(|e| e.public_key().to_owned()).collect();
    for (i, engine) in engines[..n].iter_mut().enumerate() {
        let mut view = vec![(i + 1) % n];
        while view.len() < cfg.initial_view.min(n - 1) + 1 {
            let j = rng.below(n);
            if j != i && !view.contains(&j) {
                view.push(j);
            }
        }
        for j in view {
            engine.add_seed(&id(j), &id(j), &keys[j], T0);
        }
    }
    // Node n joins through node 0.
    let joiner = id(n);
    engines[n].add_seed(&id(0), &id(0), &keys[0], T0);
    let announce = engines[n].create_announce(T0);
    deliver(&mut engines, 0, announce, T0);

    let mut report = SimReport {
        rounds: Vec::new(),
        converged_at: None,
    };
    let mut order: Vec<usize> = (0..=n).collect();
    for round in 1..=cfg.max_rounds {
        let base = T0.plus(round as i64 * cfg.gossip.interval.max(SECOND));
        // A fresh random order each round, so no node always goes first.
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let mut messages = 0;
        for (k, &i) in order.iter().enumerate() {
            let now = base.plus(k as i64);
            let targets = engines[i].select_targets();
            if targets.is_empty() {
                continue;
            }
            let ping = engines[i].create_ping(now);
            for t in targets {
                messages += deliver(&mut engines, index(&t.node_id), ping.clone(), now);
            }
        }
        let informed = engines[..n]
            .iter()
            .filter(|e| e.peer(&joiner).is_some())
            .count();
        report.rounds.push(RoundStat {
            round,
            informed,
            messages,
        });
        if informed == n {
            report.converged_at = Some(round);
            break;
        }
    }
    report
}
