//! What handling a message can end in, and the engine snapshot tests
//! compare.

use super::message::GossipMessage;
use super::peers::PeerView;
use super::time::TimestampError;
use super::wire::WireError;

/// Why a message was dropped. Listed in the order the checks run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejected {
    /// Not a gossip message.
    #[error(transparent)]
    Malformed(#[from] WireError),
    /// The sender sent too many messages in the last window.
    #[error("sender {sender_id:?} is over the rate limit")]
    RateLimited {
        /// The sender (cut to 64 characters).
        sender_id: String,
    },
    /// The timestamp is not a date-time with an offset.
    #[error(transparent)]
    BadTimestamp(#[from] TimestampError),
    /// Older than the freshness window.
    #[error("message is {age_micros} µs old")]
    TooOld {
        /// Its age.
        age_micros: i64,
    },
    /// Too far in the future.
    #[error("message is {ahead_micros} µs in the future")]
    TooNew {
        /// How far ahead.
        ahead_micros: i64,
    },
    /// The signature does not verify with the known or offered key.
    #[error("bad or missing signature from {sender_id:?}")]
    BadSignature {
        /// The sender (cut to 64 characters).
        sender_id: String,
    },
    /// Already seen (`sender_id:sequence`).
    #[error("duplicate message {sequence} from {sender_id:?}")]
    Duplicate {
        /// The sender (cut to 64 characters).
        sender_id: String,
        /// Its sequence number.
        sequence: u64,
    },
}

/// What an accepted message led to.
#[derive(Debug, Clone, PartialEq)]
pub enum Handled {
    /// A signed answer to send back (PING_ACK or PATTERN_ACK).
    Reply(GossipMessage),
    /// A consensus message (PROPOSE, VOTE, COMMIT) for the consensus engine.
    Consensus(GossipMessage),
    /// Nothing to send.
    Done,
}

/// The comparable state of an engine (see [`GossipEngine::snapshot`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Every peer in insertion order.
    pub peers: Vec<PeerView>,
    /// ALIVE peers.
    pub alive: usize,
    /// Seen message ids, oldest first.
    pub seen: Vec<(String, u64)>,
    /// Our last sequence number.
    pub sequence: u64,
    /// Outstanding pings (peer index, sent at).
    pub pending_pings: Vec<(u32, i64)>,
}
