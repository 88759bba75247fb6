//! The JSON wire codec, byte-identical to the reference's `to_bytes` /
//! `from_bytes` (`json.dumps(asdict(msg), default=str)` / `json.loads`).

use crate::py::{JsonStyle, PyValue, write_json_str};

use super::message::{GossipMessage, PeerUpdate};
use super::types::UnknownName;

/// The largest wire message read. The reference has no limit; a UDP
/// datagram holds at most 65,507 bytes, and other transports get the same
/// bound so a hostile peer cannot make us parse megabytes.
pub const MAX_WIRE_BYTES: usize = 65_536;

/// Why bytes are not a gossip message. The reference drops all of these
/// silently at its first step (`from_bytes` raising).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WireError {
    /// Longer than [`MAX_WIRE_BYTES`].
    #[error("message of {len} bytes exceeds the {max}-byte limit")]
    TooLong {
        /// The length given.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not UTF-8 (the reference decodes before parsing).
    #[error("message is not UTF-8 (invalid byte at {at})")]
    NotUtf8 {
        /// Offset of the first invalid byte.
        at: usize,
    },
    /// Not JSON.
    #[error("message is not JSON: {message}")]
    Json {
        /// The parser's complaint.
        message: String,
    },
    /// A field is missing, unknown or of the wrong type.
    #[error("field {field:?}: {problem}")]
    Field {
        /// The field's path, e.g. `piggyback[2].state`.
        field: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A message type or node state that does not exist.
    #[error(transparent)]
    UnknownName(#[from] UnknownName),
    /// Valid JSON for a message, but not the bytes a node writes for it
    /// (other escapes, spacing, exponent case or key order). See
    /// [`decode_json_strict`].
    #[error("message is not in canonical wire form")]
    NotCanonical,
    /// The binary form is damaged.
    #[error("binary message: {message}")]
    Binary {
        /// What the decoder said.
        message: String,
    },
}

fn field(field: impl Into<String>, problem: &'static str) -> WireError {
    WireError::Field {
        field: field.into(),
        problem,
    }
}

/// Writes the wire form: fields in declaration order, `", "`/`": "`
/// separators, non-ASCII as `\uXXXX`.
pub fn encode_json(msg: &GossipMessage) -> Vec<u8> {
    let mut out = String::with_capacity(256 + 256 * msg.piggyback.len());
    out.push_str("{\"msg_type\": ");
    write_json_str(&mut out, msg.msg_type.as_str());
    out.push_str(", \"sender_id\": ");
    write_json_str(&mut out, &msg.sender_id);
    out.push_str(", \"sender_address\": ");
    write_json_str(&mut out, &msg.sender_address);
    out.push_str(", \"sequence\": ");
    out.push_str(&msg.sequence.to_string());
    out.push_str(", \"timestamp\": ");
    write_json_str(&mut out, &msg.timestamp);
    out.push_str(", \"payload\": ");
    write_object(&mut out, &msg.payload);
    out.push_str(", \"piggyback\": [");
    for (i, peer) in msg.piggyback.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        peer.to_value().write_json(&mut out, JsonStyle::PYTHON);
    }
    out.push_str("], \"signature\": ");
    write_json_str(&mut out, &msg.signature);
    out.push('}');
    out.into_bytes()
}

fn write_object(out: &mut String, entries: &[(String, PyValue)]) {
    out.push('{');
    for (i, (k, v)) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_json_str(out, k);
        out.push_str(": ");
        v.write_json(out, JsonStyle::PYTHON);
    }
    out.push('}');
}

/// Reads the wire form. Accepts what the reference's `from_bytes` accepts
/// and can then sign-check: every field present but `piggyback` and
/// `signature` (which default to `[]` and `""`), no unknown field, and
/// piggyback records shaped as `NodeInfo.to_dict()` writes them.
pub fn decode_json(bytes: &[u8]) -> Result<GossipMessage, WireError> {
    if bytes.len() > MAX_WIRE_BYTES {
        return Err(WireError::TooLong {
            len: bytes.len(),
            max: MAX_WIRE_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| WireError::NotUtf8 {
        at: e.valid_up_to(),
    })?;
    let value = PyValue::from_json(text).map_err(|e| WireError::Json {
        message: e.to_string(),
    })?;
    let PyValue::Dict(entries) = value else {
        return Err(field("", "the message is not a JSON object"));
    };
    from_entries(entries)
}

fn from_entries(entries: Vec<(String, PyValue)>) -> Result<GossipMessage, WireError> {
    let (mut msg_type, mut sender_id, mut sender_address, mut sequence) = (None, None, None, None);
    let (mut timestamp, mut payload) = (None, None);
    let (mut piggyback, mut signature) = (Vec::new(), String::new());
    for (key, value) in entries {
        match key.as_str() {
            "msg_type" => msg_type = Some(string(value, "msg_type")?.parse()?),
            "sender_id" => sender_id = Some(string(value, "sender_id")?),
            "sender_address" => sender_address = Some(string(value, "sender_address")?),
            "sequence" => sequence = Some(unsigned(&value, "sequence")?),
            "timestamp" => timestamp = Some(string(value, "timestamp")?),
            "payload" => match value {
                PyValue::Dict(d) => payload = Some(d),
                _ => return Err(field("payload", "not an object")),
            },
            "piggyback" => piggyback = peers(value)?,
            "signature" => signature = string(value, "signature")?,
            _ => return Err(field(key, "unknown field")),
        }
    }
    Ok(GossipMessage {
        msg_type: msg_type.ok_or_else(|| field("msg_type", "missing"))?,
        sender_id: sender_id.ok_or_else(|| field("sender_id", "missing"))?,
        sender_address: sender_address.ok_or_else(|| field("sender_address", "missing"))?,
        sequence: sequence.ok_or_else(|| field("sequence", "missing"))?,
        timestamp: timestamp.ok_or_else(|| field("timestamp", "missing"))?,
        payload: payload.ok_or_else(|| field("payload", "missing"))?,
        piggyback,
        signature,
    })
}

fn string(value: PyValue, name: &str) -> Result<String, WireError> {
    match value {
        PyValue::Str(s) => Ok(s),
        _ => Err(field(name, "not a string")),
    }
}

fn unsigned(value: &PyValue, name: &str) -> Result<u64, WireError> {
    match value {
        PyValue::Int(i) => i
            .to_string()
            .parse()
            .map_err(|_| field(name, "not an integer in 0..2^64")),
        _ => Err(field(name, "not an integer")),
    }
}

fn signed(value: &PyValue, name: impl FnOnce() -> String) -> Result<i64, WireError> {
    match value {
        PyValue::Int(i) => i
            .to_string()
            .parse()
            .map_err(|_| field(name(), "not a 64-bit integer")),
        _ => Err(field(name(), "not an integer")),
    }
}

fn peers(value: PyValue) -> Result<Vec<PeerUpdate>, WireError> {
    let PyValue::List(items) = value else {
        return Err(field("piggyback", "not a list"));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| peer(i, item))
        .collect()
}

fn peer(i: usize, item: PyValue) -> Result<PeerUpdate, WireError> {
    let PyValue::Dict(entries) = item else {
        return Err(field(format!("piggyback[{i}]"), "not an object"));
    };
    let path = |k: &str| format!("piggyback[{i}].{k}");
    let mut slots: [Option<PyValue>; 7] = Default::default();
    for (key, value) in entries {
        let at = match key.as_str() {
            "node_id" => 0,
            "address" => 1,
            "public_key" => 2,
            "state" => 3,
            "incarnation" => 4,
            "ihsan_average" => 5,
            "patterns_contributed" => 6,
            _ => return Err(field(path(&key), "unknown field")),
        };
        slots[at] = Some(value);
    }
    const NAMES: [&str; 7] = [
        "node_id",
        "address",
        "public_key",
        "state",
        "incarnation",
        "ihsan_average",
        "patterns_contributed",
    ];
    let mut take = |at: usize| {
        slots[at]
            .take()
            .ok_or_else(|| field(path(NAMES[at]), "missing"))
    };
    let node_id = string(take(0)?, &path("node_id"))?;
    let address = string(take(1)?, &path("address"))?;
    let public_key = string(take(2)?, &path("public_key"))?;
    let state = string(take(3)?, &path("state"))?.parse()?;
    let incarnation = signed(&take(4)?, || path("incarnation"))?;
    let ihsan_average = match take(5)? {
        PyValue::Float(x) => x,
        _ => return Err(field(path("ihsan_average"), "not a float")),
    };
    let patterns_contributed = signed(&take(6)?, || path("patterns_contributed"))?;
    Ok(PeerUpdate {
        node_id,
        address,
        public_key,
        state,
        incarnation,
        ihsan_average,
        patterns_contributed,
    })
}

/// [`decode_json`], then refuses bytes that are not exactly what
/// [`encode_json`] writes for the message. Every reference node writes that
/// form (the parity tests show it byte for byte), so nothing honest is
/// lost, while the reference's lenient `json.loads` would let one signed
/// message travel in many spellings (`\u00df` / `\u00DF`, `1e-05` /
/// `1E-05`, extra spaces), each passing the signature check.
pub fn decode_json_strict(bytes: &[u8]) -> Result<GossipMessage, WireError> {
    let msg = decode_json(bytes)?;
    if encode_json(&msg) != bytes {
        return Err(WireError::NotCanonical);
    }
    Ok(msg)
}
