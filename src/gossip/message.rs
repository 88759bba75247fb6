//! The gossip message and the piggybacked peer records it carries.

use crate::pci::{self, CanonicalError, Digest, PublicKey, Signature, SigningKey};
use crate::py::{PyInt, PyValue};

use super::types::{MsgType, NodeState};

/// A payload: a JSON object with its keys in wire order. Arbitrary JSON
/// values (integers of any size included) survive, so a signature made by
/// any node still verifies after we decode and re-encode.
pub type Payload = Vec<(String, PyValue)>;

/// One piggybacked peer record, `NodeInfo.to_dict()` in the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerUpdate {
    /// The peer's id. Empty ids are carried but ignored when merging.
    pub node_id: String,
    /// `host:port`.
    pub address: String,
    /// The peer's key as sent. Kept as text: a short or malformed key is
    /// not a decoding error, only a reason not to add an unknown peer.
    pub public_key: String,
    /// The sender's belief about the peer.
    pub state: NodeState,
    /// Lamport-style counter; only a higher one overrides what we know.
    pub incarnation: i64,
    /// The peer's average Ihsān score.
    pub ihsan_average: f64,
    /// Patterns the peer contributed.
    pub patterns_contributed: i64,
}

impl PeerUpdate {
    /// The record as the reference's `to_dict()` orders it.
    pub fn to_value(&self) -> PyValue {
        PyValue::Dict(vec![
            ("node_id".into(), PyValue::Str(self.node_id.clone())),
            ("address".into(), PyValue::Str(self.address.clone())),
            ("public_key".into(), PyValue::Str(self.public_key.clone())),
            ("state".into(), PyValue::Str(self.state.as_str().into())),
            (
                "incarnation".into(),
                PyValue::Int(PyInt::from(self.incarnation)),
            ),
            ("ihsan_average".into(), PyValue::Float(self.ihsan_average)),
            (
                "patterns_contributed".into(),
                PyValue::Int(PyInt::from(self.patterns_contributed)),
            ),
        ])
    }
}

/// A gossip message, field for field the reference's `GossipMessage`.
#[derive(Debug, Clone, PartialEq)]
pub struct GossipMessage {
    /// What the message is.
    pub msg_type: MsgType,
    /// The sender's node id.
    pub sender_id: String,
    /// The sender's `host:port`.
    pub sender_address: String,
    /// The sender's message counter, from 1; with `sender_id` it names the
    /// message for duplicate detection.
    pub sequence: u64,
    /// ISO 8601 send time, or empty (then the freshness check is skipped).
    pub timestamp: String,
    /// Type-specific content.
    pub payload: Payload,
    /// Peer records for membership spreading.
    pub piggyback: Vec<PeerUpdate>,
    /// Hex Ed25519 signature over [`GossipMessage::digest`]; empty if unsigned.
    pub signature: String,
}

impl GossipMessage {
    /// The signed fields as the reference's `_signable_dict()`: everything
    /// but `signature`.
    pub fn signable_value(&self) -> PyValue {
        PyValue::Dict(vec![
            (
                "msg_type".into(),
                PyValue::Str(self.msg_type.as_str().into()),
            ),
            ("sender_id".into(), PyValue::Str(self.sender_id.clone())),
            (
                "sender_address".into(),
                PyValue::Str(self.sender_address.clone()),
            ),
            ("sequence".into(), PyValue::Int(sequence_int(self.sequence))),
            ("timestamp".into(), PyValue::Str(self.timestamp.clone())),
            ("payload".into(), PyValue::Dict(self.payload.clone())),
            (
                "piggyback".into(),
                PyValue::List(self.piggyback.iter().map(PeerUpdate::to_value).collect()),
            ),
        ])
    }

    /// Canonical JSON of the signed fields (the same bytes as
    /// `canonical_json(&self.signable_value())`, written directly).
    pub fn canonical_json(&self) -> Result<String, CanonicalError> {
        let mut out = String::with_capacity(256 + 256 * self.piggyback.len());
        super::signable::write_signable(&mut out, self)?;
        Ok(out)
    }

    /// The domain-separated digest the signature covers.
    pub fn digest(&self) -> Result<Digest, CanonicalError> {
        Ok(pci::domain_digest(self.canonical_json()?.as_bytes()))
    }

    /// Signs the message in place (the reference's `sign`).
    pub fn sign(&mut self, key: &SigningKey) -> Result<(), CanonicalError> {
        self.signature = key.sign(&self.digest()?).to_hex();
        Ok(())
    }

    /// Whether `signature` is valid for `public_key_hex` (the reference's
    /// `verify_signature`: an empty signature or key, a payload that has no
    /// canonical form, or any malformed hex is simply `false`).
    pub fn verify_signature(&self, public_key_hex: &str) -> bool {
        if self.signature.is_empty() || public_key_hex.is_empty() {
            return false;
        }
        match self.digest() {
            Ok(digest) => pci::verify_hex(&digest, &self.signature, public_key_hex),
            Err(_) => false,
        }
    }

    /// Whether `signature` is valid for an already decoded key: the check
    /// of [`verify_signature`](Self::verify_signature) without parsing the
    /// key's hex and decompressing its point again.
    pub fn verify_with(&self, key: &PublicKey) -> bool {
        let Ok(signature) = self.signature.parse::<Signature>() else {
            return false;
        };
        match self.digest() {
            Ok(digest) => pci::verify(&digest, &signature, key),
            Err(_) => false,
        }
    }

    /// The payload's `public_key` when it is a string, else `""`.
    pub fn payload_public_key(&self) -> &str {
        payload_str(&self.payload, "public_key").unwrap_or("")
    }
}

/// The string at `key` in a payload, if there is one.
pub fn payload_str<'a>(payload: &'a Payload, key: &str) -> Option<&'a str> {
    payload
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| match v {
            PyValue::Str(s) => Some(s.as_str()),
            _ => None,
        })
}

fn sequence_int(sequence: u64) -> PyInt {
    match i64::try_from(sequence) {
        Ok(v) => PyInt::from(v),
        Err(_) => sequence
            .to_string()
            .parse()
            .expect("a u64's decimal text is an integer"),
    }
}
