//! SWIM-style gossip membership.
//!
//! The message model and its two codecs (the JSON wire form, byte-identical
//! to the reference's, and a compact binary form with LZ4 batches), and the
//! engine that checks, merges and answers messages.

mod binary;
mod dedup;
mod message;
mod time;
mod types;
mod wire;

pub use binary::{MAX_BATCH_BYTES, decode_batch, decode_binary, encode_batch, encode_binary};
pub use dedup::BoundedSet;
pub use message::{GossipMessage, Payload, PeerUpdate, payload_str};
pub use time::{SECOND, TimestampError, UnixMicros, parse_iso};
pub use types::{MsgType, NodeState, UnknownName};
pub use wire::{MAX_WIRE_BYTES, WireError, decode_json, encode_json};
