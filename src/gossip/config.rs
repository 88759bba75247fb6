//! The engine's constants, the reference's by default and scalable for
//! tests that cannot wait fifteen seconds.

use super::health::Timeouts;
use super::time::SECOND;

/// Which peers ride on outgoing messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PiggybackPolicy {
    /// The reference: the five most recently seen peers.
    MostRecentlySeen,
    /// SWIM's dissemination buffer (Das, Gupta and Motivala 2002, §4.1):
    /// every membership change (a join, a peer first heard of through
    /// piggyback, a new incarnation or state, a departure) is piggybacked
    /// `factor · ⌈log2(n + 1)⌉` times, freshest news first, and nothing else
    /// is piggybacked.
    Dissemination {
        /// The retransmission multiplier λ.
        factor: u32,
    },
}

/// Timing and size limits of a [`super::GossipEngine`]. Times are in
/// microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GossipConfig {
    /// Between gossip rounds (reference: 1 s).
    pub interval: i64,
    /// Suspect and dead silence timeouts (reference: 5 s and 15 s).
    pub timeouts: Timeouts,
    /// Older messages are dropped (reference: 300 s).
    pub max_age: i64,
    /// Messages this far in the future are dropped (reference: 30 s).
    pub max_future: i64,
    /// Accepted messages per sender per window (reference: 10).
    pub rate_limit: usize,
    /// The rate window (reference: 1 s).
    pub rate_window: i64,
    /// Peers gossiped to per round (reference: 3).
    pub fanout: usize,
    /// Message ids remembered for duplicate detection (reference: 10,000).
    pub seen_capacity: usize,
    /// Peers listed in a welcome (reference: 10).
    pub welcome_peers: usize,
    /// Which peers ride on outgoing messages (reference: most recently seen).
    pub piggyback: PiggybackPolicy,
}

impl Default for GossipConfig {
    fn default() -> Self {
        GossipConfig {
            interval: SECOND,
            timeouts: Timeouts::default(),
            max_age: 300 * SECOND,
            max_future: 30 * SECOND,
            rate_limit: 10,
            rate_window: SECOND,
            fanout: 3,
            seen_capacity: 10_000,
            welcome_peers: 10,
            piggyback: PiggybackPolicy::MostRecentlySeen,
        }
    }
}

impl GossipConfig {
    /// The reference's timing divided by `factor`: the gossip interval,
    /// the health timeouts and the rate window (so a sender may still send
    /// ten messages per scaled second). The freshness window, which is about
    /// clock skew, keeps its real-time value.
    pub fn time_scaled(factor: i64) -> GossipConfig {
        let d = GossipConfig::default();
        let factor = factor.max(1);
        GossipConfig {
            interval: d.interval / factor,
            timeouts: Timeouts {
                suspect_after: d.timeouts.suspect_after / factor,
                dead_after: d.timeouts.dead_after / factor,
            },
            rate_window: d.rate_window / factor,
            ..d
        }
    }
}
