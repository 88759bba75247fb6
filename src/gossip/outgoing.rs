//! What the engine sends: signed messages with their piggyback, gossip
//! targets, health checks, and the dissemination buffer.

use crate::py::PyValue;

use super::config::PiggybackPolicy;
use super::engine::GossipEngine;
use super::health::Transition;
use super::message::{GossipMessage, Payload};
use super::peers::{PIGGYBACK_PEERS, PeerView};
use super::time::UnixMicros;
use super::types::MsgType;

impl GossipEngine {
    /// A signed message from this node (the reference's `_create_message`):
    /// the next sequence number, the payload plus our `public_key` unless it
    /// has one, and the most recently seen peers as piggyback.
    pub fn create_message(
        &mut self,
        msg_type: MsgType,
        mut payload: Payload,
        now: UnixMicros,
    ) -> GossipMessage {
        if !payload.iter().any(|(k, _)| k == "public_key") {
            payload.push(("public_key".into(), PyValue::Str(self.public_key.clone())));
        }
        self.sequence += 1;
        let piggyback = self
            .collect_piggyback()
            .into_iter()
            .map(|i| self.peers.record(i))
            .collect();
        let mut msg = GossipMessage {
            msg_type,
            sender_id: self.node_id.to_string(),
            sender_address: self.address.clone(),
            sequence: self.sequence,
            timestamp: now.to_iso(),
            payload,
            piggyback,
            signature: String::new(),
        };
        // Payloads we build hold no NaN; one a caller passes might.
        if msg.sign(&self.key).is_err() {
            msg.signature.clear();
        }
        msg
    }

    /// An ANNOUNCE carrying our key and Ihsān average.
    pub fn create_announce(&mut self, now: UnixMicros) -> GossipMessage {
        let payload = vec![
            ("public_key".into(), PyValue::Str(self.public_key.clone())),
            ("ihsan_average".into(), PyValue::Float(self.ihsan_average)),
        ];
        self.create_message(MsgType::Announce, payload, now)
    }

    /// A PING.
    pub fn create_ping(&mut self, now: UnixMicros) -> GossipMessage {
        self.create_message(MsgType::Ping, Vec::new(), now)
    }

    /// A LEAVE.
    pub fn create_leave(&mut self, now: UnixMicros) -> GossipMessage {
        let payload = vec![("reason".into(), PyValue::Str("graceful_shutdown".into()))];
        self.create_message(MsgType::Leave, payload, now)
    }

    /// Up to `fanout` distinct ALIVE peers, drawn uniformly (all of them
    /// when there are no more than `fanout`). O(fanout).
    pub fn select_targets(&mut self) -> Vec<PeerView> {
        let alive = self.peers.alive();
        let k = self.config.fanout.min(alive.len());
        let mut picked: Vec<u32> = Vec::with_capacity(k);
        if alive.len() <= self.config.fanout {
            picked.extend_from_slice(alive);
        } else {
            while picked.len() < k {
                let idx = alive[self.rng.below(alive.len())];
                if !picked.contains(&idx) {
                    picked.push(idx);
                }
            }
        }
        picked.into_iter().map(|i| self.peers.view(i)).collect()
    }

    /// Notes that a PING went to `node_id` at `now` (cleared by its ACK).
    pub fn note_ping_sent(&mut self, node_id: &str, now: UnixMicros) {
        if let Some(idx) = self.peers.lookup(node_id) {
            self.pending_pings.insert(idx, now.0);
        }
    }

    /// The reference's `check_peer_health` at `now`, touching only peers
    /// whose deadline passed.
    pub fn check_peer_health(&mut self, now: UnixMicros) -> Vec<Transition> {
        let changes = self.peers.check_health(now);
        for ch in &changes {
            if let Some(idx) = self.peers.lookup(&ch.node_id) {
                self.announce_news(idx);
            }
        }
        changes
    }

    /// Queues a membership change for dissemination (a no-op under the
    /// reference's policy).
    pub(super) fn announce_news(&mut self, idx: u32) {
        let PiggybackPolicy::Dissemination { factor } = self.config.piggyback else {
            return;
        };
        let sends = factor.saturating_mul(usize::BITS - (self.peers.len() + 1).leading_zeros());
        match self.news.iter_mut().find(|(i, _)| *i == idx) {
            Some(entry) => entry.1 = sends,
            None => self.news.push((idx, sends)),
        }
    }

    /// The peers to piggyback on the next message: the most recently seen
    /// (reference), or only pending news (dissemination, where filling the
    /// spare slots with old members would bury real news under records
    /// every receiver re-announces).
    fn collect_piggyback(&mut self) -> Vec<u32> {
        if self.config.piggyback == PiggybackPolicy::MostRecentlySeen {
            return self.peers.recent().take(PIGGYBACK_PEERS).collect();
        }
        let mut picked: Vec<u32> = Vec::with_capacity(PIGGYBACK_PEERS);
        if !self.news.is_empty() {
            // Freshest news (most sends left) first.
            self.news
                .sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            for entry in self.news.iter_mut().take(PIGGYBACK_PEERS) {
                picked.push(entry.0);
                entry.1 -= 1;
            }
            self.news.retain(|e| e.1 > 0);
        }
        picked
    }
}
