//! Gossip inputs: keys, engines, a signed PING and peer tables.

use bizra::gossip::{GossipConfig, GossipEngine, GossipMessage, PeerTable, Timeouts, UnixMicros};
use bizra::pci::{SigningKey, SplitMix64};

/// The fixed "now" of the benches.
pub const T0: UnixMicros = UnixMicros(1_770_120_000_000_000);
/// The peer-table sizes the scaling benches sweep.
pub const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

/// The signing key of node `n` (deterministic).
pub fn key(n: u32) -> SigningKey {
    let mut seed = [7u8; 32];
    seed[..4].copy_from_slice(&n.to_le_bytes());
    SigningKey::from_seed(&seed)
}

/// A fresh engine for node `n` with a fixed random source.
pub fn engine(n: u32) -> GossipEngine {
    GossipEngine::new(
        &format!("node-{n}"),
        "127.0.0.1:7000",
        key(n),
        GossipConfig::default(),
        Box::new(SplitMix64::new(1)),
    )
}

/// A signed PING as a node with a few peers sends it.
pub fn ping() -> GossipMessage {
    let mut sender = engine(1);
    for n in 2..8 {
        sender.add_seed(
            &format!("node-{n}"),
            &format!("10.0.0.{n}:7654"),
            &key(n).public_key().to_hex(),
            T0,
        );
    }
    sender.create_ping(T0)
}

/// A table of `n` peers heard from `spacing` microseconds apart.
pub fn table(n: usize, spacing: i64) -> PeerTable {
    let mut t = PeerTable::with_timeouts(Timeouts::default());
    for i in 0..n {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let ip = format!("10.{}.{}.{}:7654", i >> 16 & 255, i >> 8 & 255, i & 255);
        t.add(
            &format!("node-{i}"),
            &ip,
            key,
            UnixMicros(i as i64 * spacing),
        );
    }
    t
}

/// A receiver that knows the sender of [`ping`], and that PING's wire bytes.
pub fn receiver_and_ping() -> (GossipEngine, Vec<u8>) {
    let msg = ping();
    let sender = engine(1);
    let mut receiver = engine(0);
    receiver.add_seed(sender.node_id(), sender.address(), sender.public_key(), T0);
    (receiver, bizra::gossip::encode_json(&msg))
}
