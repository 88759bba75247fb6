//! The gossip engine: every check of the reference's `handle_message` in
//! its order, piggyback merging, replies, outgoing messages and targets.

use std::collections::HashMap;
use std::sync::Arc;

use crate::pci::{RandomSource, SigningKey};
use crate::py::{PyInt, PyValue};

use super::config::GossipConfig;
use super::dedup::BoundedSet;
use super::keycache::KeyCache;
use super::message::{GossipMessage, PeerUpdate};
use super::outcome::{Handled, Rejected, Snapshot};
use super::peers::{PeerTable, PeerView};
use super::ratelimit::RateLimiter;
use super::time::{UnixMicros, parse_iso};
use super::types::{MsgType, NodeState};
use super::wire::decode_json_strict;

/// A node's gossip engine. It reads no clock and no global randomness:
/// callers pass `now` and the engine owns an injected [`RandomSource`].
pub struct GossipEngine {
    pub(super) config: GossipConfig,
    pub(super) node_id: Arc<str>,
    pub(super) address: String,
    pub(super) key: SigningKey,
    pub(super) public_key: String,
    pub(super) ihsan_average: f64,
    pub(super) peers: PeerTable,
    pub(super) seen: BoundedSet<(Box<str>, u64)>,
    pub(super) rate: RateLimiter,
    pub(super) sequence: u64,
    pub(super) pending_pings: HashMap<u32, i64>,
    /// Membership news still to spread: (peer, sends left). Used only
    /// under [`PiggybackPolicy::Dissemination`]; stays small because each
    /// entry expires after O(log n) sends.
    pub(super) news: Vec<(u32, u32)>,
    pub(super) rng: Box<dyn RandomSource + Send>,
    /// Decoded keys of the peers we hear from.
    pub(super) keys: KeyCache,
}

fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

/// A 64-hex-character key as bytes (the reference only checks the length;
/// non-hex text of that length could never verify a signature anyway).
fn key_bytes(text: &str) -> Option<[u8; 32]> {
    crate::pci::from_hex::<32>(text).ok()
}

impl GossipEngine {
    /// A node named `node_id` at `address`, signing with `key`.
    pub fn new(
        node_id: &str,
        address: &str,
        key: SigningKey,
        config: GossipConfig,
        rng: Box<dyn RandomSource + Send>,
    ) -> GossipEngine {
        GossipEngine {
            node_id: Arc::from(node_id),
            address: address.to_owned(),
            public_key: key.public_key().to_hex(),
            key,
            ihsan_average: 0.95,
            peers: PeerTable::with_timeouts(config.timeouts),
            seen: BoundedSet::new(config.seen_capacity),
            rate: RateLimiter::new(config.rate_limit, config.rate_window),
            sequence: 0,
            pending_pings: HashMap::new(),
            news: Vec::new(),
            rng,
            keys: KeyCache::default(),
            config,
        }
    }

    /// This node's id.
    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    /// This node's key, hex.
    pub fn public_key(&self) -> &str {
        &self.public_key
    }

    /// This node's address.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The configuration.
    pub fn config(&self) -> &GossipConfig {
        &self.config
    }

    /// The peer table.
    pub fn peers(&self) -> &PeerTable {
        &self.peers
    }

    /// The peer named `id`, if known. O(1).
    pub fn peer(&self, id: &str) -> Option<PeerView> {
        self.peers.lookup(id).map(|i| self.peers.view(i))
    }

    /// `1 +` the number of ALIVE peers (the reference's network size).
    pub fn network_size(&self) -> usize {
        1 + self.peers.alive_count()
    }

    /// Adds a bootstrap peer (the reference's `add_seed_node`); its key
    /// must be 64 hex characters.
    pub fn add_seed(
        &mut self,
        node_id: &str,
        address: &str,
        public_key: &str,
        now: UnixMicros,
    ) -> bool {
        let Some(key) = key_bytes(public_key) else {
            return false;
        };
        match self.peers.lookup(node_id) {
            Some(idx) => self.peers.touch(idx, now),
            None => {
                self.peers.insert(node_id, address, key, now);
            }
        }
        true
    }

    /// Decodes JSON wire bytes (in canonical wire form only, see
    /// [`decode_json_strict`]) and handles them.
    pub fn handle_message(&mut self, bytes: &[u8], now: UnixMicros) -> Result<Handled, Rejected> {
        let msg = decode_json_strict(bytes)?;
        self.handle_decoded(msg, now)
    }

    /// Handles a decoded message: rate limit, timestamp window, signature,
    /// duplicate, piggyback merge, sender liveness, dispatch. A rejected
    /// message changes nothing but the rate-limit count (which, as in the
    /// reference, is taken before any other check).
    pub fn handle_decoded(
        &mut self,
        msg: GossipMessage,
        now: UnixMicros,
    ) -> Result<Handled, Rejected> {
        self.handle_checked(msg, now, None)
    }

    /// [`handle_decoded`](Self::handle_decoded) with an optional signature
    /// verdict computed ahead of time for a given key: it is used only if
    /// the engine, at this point, would check the message with that key.
    pub(super) fn handle_checked(
        &mut self,
        msg: GossipMessage,
        now: UnixMicros,
        verdict: Option<(String, bool)>,
    ) -> Result<Handled, Rejected> {
        if !self.rate.admit(&msg.sender_id, now.0) {
            return Err(Rejected::RateLimited {
                sender_id: clip(&msg.sender_id),
            });
        }
        if !msg.timestamp.is_empty() {
            let sent = parse_iso(&msg.timestamp)?;
            let age = now.0.saturating_sub(sent.0);
            if age > self.config.max_age {
                return Err(Rejected::TooOld { age_micros: age });
            }
            if age < -self.config.max_future {
                return Err(Rejected::TooNew { ahead_micros: -age });
            }
        }
        let sender = self.peers.lookup(&msg.sender_id);
        // Checked before the duplicate test so that forged copies cannot
        // poison the seen set (the reference's SEC-016 note). A known
        // sender is checked with its decoded key, held in the cache.
        let verified = match sender {
            Some(idx) => {
                let raw = self.peers.get(idx).key;
                match verdict {
                    Some((key, ok)) if crate::pci::to_hex(&raw) == key => ok,
                    _ => self
                        .keys
                        .get(idx, &raw, self.peers.len())
                        .is_some_and(|key| msg.verify_with(&key)),
                }
            }
            None => {
                let key_hex = msg.payload_public_key();
                match verdict {
                    Some((key, ok)) if key == key_hex => ok,
                    _ => msg.verify_signature(key_hex),
                }
            }
        };
        if !verified {
            return Err(Rejected::BadSignature {
                sender_id: clip(&msg.sender_id),
            });
        }
        if !self
            .seen
            .insert((msg.sender_id.as_str().into(), msg.sequence))
        {
            return Err(Rejected::Duplicate {
                sender_id: clip(&msg.sender_id),
                sequence: msg.sequence,
            });
        }
        for update in &msg.piggyback {
            self.merge(update, now);
        }
        self.mark_sender(&msg, sender, now);
        Ok(self.dispatch(msg, now))
    }

    /// Merges one piggybacked record (the reference's `_merge_node_state`).
    fn merge(&mut self, update: &PeerUpdate, now: UnixMicros) {
        if update.node_id.is_empty() || *update.node_id == *self.node_id {
            return;
        }
        match self.peers.lookup(&update.node_id) {
            Some(idx) => {
                if update.incarnation > self.peers.incarnation(idx) {
                    self.peers.apply_update(idx, update, now);
                    self.announce_news(idx);
                }
            }
            None => {
                let Some(key) = key_bytes(&update.public_key) else {
                    return;
                };
                let idx = self
                    .peers
                    .insert(&update.node_id, &update.address, key, now);
                self.peers.apply_update(idx, update, now);
                self.announce_news(idx);
            }
        }
    }

    fn mark_sender(&mut self, msg: &GossipMessage, sender: Option<u32>, now: UnixMicros) {
        match sender {
            Some(idx) => self.peers.touch(idx, now),
            // Our own id is never a peer (the reference would add itself).
            None if *msg.sender_id == *self.node_id => {}
            None => {
                if let Some(key) = key_bytes(msg.payload_public_key()) {
                    let idx = self
                        .peers
                        .insert(&msg.sender_id, &msg.sender_address, key, now);
                    // A join is news; a stranger's ping is not.
                    if msg.msg_type == MsgType::Announce {
                        self.announce_news(idx);
                    }
                }
            }
        }
    }

    fn dispatch(&mut self, msg: GossipMessage, now: UnixMicros) -> Handled {
        match msg.msg_type {
            MsgType::Ping => {
                let payload = vec![
                    ("in_response_to".into(), int(msg.sequence as i64)),
                    ("node_count".into(), int(self.network_size() as i64)),
                ];
                Handled::Reply(self.create_message(MsgType::PingAck, payload, now))
            }
            MsgType::PingAck => {
                if let Some(idx) = self.peers.lookup(&msg.sender_id) {
                    self.pending_pings.remove(&idx);
                }
                Handled::Done
            }
            MsgType::Announce => {
                let known: Vec<PyValue> = (0..self.peers.len() as u32)
                    .filter(|&i| self.peers.get(i).state() == NodeState::Alive)
                    .take(self.config.welcome_peers)
                    .map(|i| self.peers.record(i).to_value())
                    .collect();
                let payload = vec![
                    ("welcome".into(), PyValue::Bool(true)),
                    ("network_size".into(), int(self.network_size() as i64)),
                    ("known_peers".into(), PyValue::List(known)),
                ];
                Handled::Reply(self.create_message(MsgType::PingAck, payload, now))
            }
            MsgType::Leave => {
                if let Some(idx) = self.peers.lookup(&msg.sender_id) {
                    self.peers.set_state(idx, NodeState::Left, now);
                    self.announce_news(idx);
                }
                Handled::Done
            }
            MsgType::PatternShare => {
                let pattern_id = msg
                    .payload
                    .iter()
                    .find(|(k, _)| k == "pattern_id")
                    .map_or(PyValue::None, |(_, v)| v.clone());
                let payload = vec![
                    ("pattern_id".into(), pattern_id),
                    ("accepted".into(), PyValue::Bool(true)),
                ];
                Handled::Reply(self.create_message(MsgType::PatternAck, payload, now))
            }
            t if t.is_consensus() => Handled::Consensus(msg),
            _ => Handled::Done,
        }
    }

    /// Everything a message could change, for tests that check a refused
    /// message changed nothing (the rate-limit windows are left out: the
    /// reference counts a message there before checking it).
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            peers: self.peers.views(),
            alive: self.peers.alive_count(),
            seen: self.seen.iter().map(|(s, q)| (s.to_string(), *q)).collect(),
            sequence: self.sequence,
            pending_pings: {
                let mut p: Vec<(u32, i64)> =
                    self.pending_pings.iter().map(|(a, b)| (*a, *b)).collect();
                p.sort_unstable();
                p
            },
        }
    }

    /// Senders tracked by the rate limiter.
    pub fn rate_limited_senders(&self) -> usize {
        self.rate.len()
    }
}

fn int(v: i64) -> PyValue {
    PyValue::Int(PyInt::from(v))
}
