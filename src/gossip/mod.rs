//! SWIM-style gossip membership.
//!
//! The message model and its two codecs (the JSON wire form, byte-identical
//! to the reference's, and a compact binary form with LZ4 batches), and the
//! engine that checks, merges and answers messages. The engine reads no
//! clock: every call takes `now`, and randomness comes from an injected
//! [`RandomSource`](crate::pci::RandomSource).

mod address;
mod batch;
mod binary;
mod config;
mod dedup;
mod engine;
mod health;
mod keycache;
mod message;
mod outcome;
mod outgoing;
mod peers;
mod ratelimit;
mod signable;
mod sim;
mod time;
mod transport;
mod types;
mod wheel;
mod wire;

pub use binary::{MAX_BATCH_BYTES, decode_batch, decode_binary, encode_batch, encode_binary};
pub use config::{GossipConfig, PiggybackPolicy};
pub use dedup::BoundedSet;
pub use engine::GossipEngine;
pub use health::{Timeouts, Transition};
pub use message::{GossipMessage, Payload, PeerUpdate, payload_str};
pub use outcome::{Handled, Rejected, Snapshot};
pub use peers::{PIGGYBACK_PEERS, PeerTable, PeerView};
pub use ratelimit::RateLimiter;
pub use sim::{RoundStat, SimConfig, SimReport, simulate_join};
pub use time::{SECOND, TimestampError, UnixMicros, parse_iso};
pub use transport::{BindError, Clock, Outbox, UdpNode};
pub use types::{MsgType, NodeState, UnknownName};
pub use wire::{MAX_WIRE_BYTES, WireError, decode_json, decode_json_strict, encode_json};
