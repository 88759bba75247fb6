//! Nodes and messages for the gossip engine tests.

#![allow(dead_code)]

use bizra::gossip::{
    GossipConfig, GossipEngine, GossipMessage, MsgType, NodeState, PeerUpdate, UnixMicros,
    encode_json,
};
use bizra::pci::{SigningKey, SplitMix64};
use bizra::py::{PyInt, PyValue};

/// 2026-02-03T12:00:00Z, the vectors' time.
pub const T0: UnixMicros = UnixMicros(1_770_120_000_000_000);

/// The key of test node `n`.
pub fn key(n: u8) -> SigningKey {
    SigningKey::from_seed(&[n; 32])
}

/// A fresh engine named "local" with the reference's configuration.
pub fn local() -> GossipEngine {
    GossipEngine::new(
        "local",
        "127.0.0.1:7000",
        key(1),
        GossipConfig::default(),
        Box::new(SplitMix64::new(42)),
    )
}

/// A piggyback record for node `n`.
pub fn record(n: u8, state: NodeState, incarnation: i64) -> PeerUpdate {
    PeerUpdate {
        node_id: format!("node-{n}"),
        address: format!("10.0.0.{n}:7654"),
        public_key: key(n).public_key().to_hex(),
        state,
        incarnation,
        ihsan_average: 0.95,
        patterns_contributed: 0,
    }
}

/// A message from test node `from` (id `peer-{from}`), signed by it, sent at `at`.
pub fn signed(
    from: u8,
    msg_type: MsgType,
    sequence: u64,
    at: UnixMicros,
    piggyback: Vec<PeerUpdate>,
) -> GossipMessage {
    let k = key(from);
    let mut msg = GossipMessage {
        msg_type,
        sender_id: format!("peer-{from}"),
        sender_address: format!("127.0.0.1:{}", 8000 + u16::from(from)),
        sequence,
        timestamp: at.to_iso(),
        payload: vec![
            ("public_key".into(), PyValue::Str(k.public_key().to_hex())),
            ("ihsan_average".into(), PyValue::Float(0.95)),
            ("note".into(), PyValue::Str("straße ΣΑΣ 😀".into())),
            ("n".into(), PyValue::Int(PyInt::from(123_456_789))),
        ],
        piggyback,
        signature: String::new(),
    };
    msg.sign(&k).unwrap();
    msg
}

/// [`signed`] as wire bytes.
pub fn wire(from: u8, msg_type: MsgType, sequence: u64, at: UnixMicros) -> Vec<u8> {
    encode_json(&signed(
        from,
        msg_type,
        sequence,
        at,
        vec![
            record(7, NodeState::Alive, 1),
            record(8, NodeState::Suspect, 2),
        ],
    ))
}
