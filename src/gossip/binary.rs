//! The compact binary codec for node-to-node traffic (bincode 2 over
//! serde) and LZ4-compressed batches of messages.
//!
//! The envelope is binary; the payload travels as its JSON text (insertion
//! order, compact separators) so that arbitrary values, big integers
//! included, survive exactly and a signature made over the JSON form still
//! verifies after a binary round trip.

use serde::{Deserialize, Serialize};

use crate::py::{JsonStyle, PyValue};

use super::message::{GossipMessage, PeerUpdate};
use super::types::{MsgType, NodeState};
use super::wire::{MAX_WIRE_BYTES, WireError};

/// The largest decompressed batch accepted. The LZ4 header states the size
/// before anything is decoded, so a forged header cannot make us allocate
/// more than this.
pub const MAX_BATCH_BYTES: usize = 16 << 20;

const COMPACT: JsonStyle = JsonStyle {
    item_separator: ",",
    key_separator: ":",
    sort_keys: false,
};

#[derive(Serialize, Deserialize)]
struct BinPeer {
    node_id: String,
    address: String,
    public_key: String,
    state: NodeState,
    incarnation: i64,
    ihsan_average: f64,
    patterns_contributed: i64,
}

#[derive(Serialize, Deserialize)]
struct BinMessage {
    msg_type: MsgType,
    sender_id: String,
    sender_address: String,
    sequence: u64,
    timestamp: String,
    payload_json: String,
    piggyback: Vec<BinPeer>,
    /// 64 raw bytes when the signature is lowercase hex of that length,
    /// else the text's bytes (`raw_signature` false), so nothing is lost.
    raw_signature: bool,
    signature: Vec<u8>,
}

fn to_bin(msg: &GossipMessage) -> BinMessage {
    let mut payload_json = String::new();
    PyValue::Dict(msg.payload.clone()).write_json(&mut payload_json, COMPACT);
    let raw = msg
        .signature
        .parse::<crate::pci::Signature>()
        .ok()
        .filter(|s| s.to_hex() == msg.signature);
    BinMessage {
        msg_type: msg.msg_type,
        sender_id: msg.sender_id.clone(),
        sender_address: msg.sender_address.clone(),
        sequence: msg.sequence,
        timestamp: msg.timestamp.clone(),
        payload_json,
        piggyback: msg
            .piggyback
            .iter()
            .map(|p| BinPeer {
                node_id: p.node_id.clone(),
                address: p.address.clone(),
                public_key: p.public_key.clone(),
                state: p.state,
                incarnation: p.incarnation,
                ihsan_average: p.ihsan_average,
                patterns_contributed: p.patterns_contributed,
            })
            .collect(),
        raw_signature: raw.is_some(),
        signature: match raw {
            Some(s) => s.0.to_vec(),
            None => msg.signature.as_bytes().to_vec(),
        },
    }
}

fn binary_error(message: impl ToString) -> WireError {
    WireError::Binary {
        message: message.to_string(),
    }
}

fn from_bin(bin: BinMessage) -> Result<GossipMessage, WireError> {
    let payload = match PyValue::from_json(&bin.payload_json) {
        Ok(PyValue::Dict(d)) => d,
        Ok(_) => return Err(binary_error("payload is not an object")),
        Err(e) => return Err(binary_error(e)),
    };
    let signature = if bin.raw_signature {
        let bytes: [u8; 64] = bin
            .signature
            .try_into()
            .map_err(|_| binary_error("raw signature is not 64 bytes"))?;
        crate::pci::Signature(bytes).to_hex()
    } else {
        String::from_utf8(bin.signature).map_err(binary_error)?
    };
    Ok(GossipMessage {
        msg_type: bin.msg_type,
        sender_id: bin.sender_id,
        sender_address: bin.sender_address,
        sequence: bin.sequence,
        timestamp: bin.timestamp,
        payload,
        piggyback: bin
            .piggyback
            .into_iter()
            .map(|p| PeerUpdate {
                node_id: p.node_id,
                address: p.address,
                public_key: p.public_key,
                state: p.state,
                incarnation: p.incarnation,
                ihsan_average: p.ihsan_average,
                patterns_contributed: p.patterns_contributed,
            })
            .collect(),
        signature,
    })
}

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<MAX_BATCH_BYTES>()
}

/// Encodes one message in the binary form.
pub fn encode_binary(msg: &GossipMessage) -> Vec<u8> {
    bincode::serde::encode_to_vec(to_bin(msg), config()).expect("encoding to a Vec cannot fail")
}

/// Decodes one message; trailing bytes, oversized input, every damaged
/// field and any encoding other than [`encode_binary`]'s are errors, never
/// panics.
pub fn decode_binary(bytes: &[u8]) -> Result<GossipMessage, WireError> {
    if bytes.len() > MAX_WIRE_BYTES {
        return Err(WireError::TooLong {
            len: bytes.len(),
            max: MAX_WIRE_BYTES,
        });
    }
    let (bin, used): (BinMessage, usize) =
        bincode::serde::decode_from_slice(bytes, config()).map_err(binary_error)?;
    if used != bytes.len() {
        return Err(binary_error(format!(
            "{} trailing bytes",
            bytes.len() - used
        )));
    }
    let msg = from_bin(bin)?;
    // One message, one encoding: a payload spelled differently inside a
    // valid frame would otherwise pass the signature check.
    if encode_binary(&msg) != bytes {
        return Err(WireError::NotCanonical);
    }
    Ok(msg)
}

/// Encodes messages as one LZ4 block (size-prepended) of their binary forms.
pub fn encode_batch(messages: &[GossipMessage]) -> Vec<u8> {
    let bins: Vec<BinMessage> = messages.iter().map(to_bin).collect();
    let raw = bincode::serde::encode_to_vec(bins, config()).expect("encoding to a Vec cannot fail");
    lz4_flex::compress_prepend_size(&raw)
}

/// Decodes a batch made by [`encode_batch`].
pub fn decode_batch(bytes: &[u8]) -> Result<Vec<GossipMessage>, WireError> {
    let Some((head, body)) = bytes.split_first_chunk::<4>() else {
        return Err(binary_error("batch shorter than its size header"));
    };
    let size = u32::from_le_bytes(*head) as usize;
    // LZ4 expands at most 255-fold, so a larger claim is a lie.
    if size > MAX_BATCH_BYTES || size > body.len().saturating_mul(255) {
        return Err(binary_error(format!("implausible batch size {size}")));
    }
    let raw = lz4_flex::decompress(body, size).map_err(binary_error)?;
    let (bins, used): (Vec<BinMessage>, usize) =
        bincode::serde::decode_from_slice(&raw, config()).map_err(binary_error)?;
    if used != raw.len() {
        return Err(binary_error("trailing bytes in batch"));
    }
    bins.into_iter().map(from_bin).collect()
}
