//! Gossip inputs: keys, engines, a signed PING and peer tables.

use bizra::gossip::{
    GossipConfig, GossipEngine, GossipMessage, PeerTable, SECOND, Timeouts, UnixMicros,
};
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

/// [`receiver_and_ping`] after the receiver has heard from the sender
/// once already (a PING without piggyback), as in steady operation: the
/// sender's decoded key is in the receiver's cache.
pub fn warm_receiver_and_ping() -> (GossipEngine, Vec<u8>) {
    let (mut receiver, wire) = receiver_and_ping();
    let mut earlier = engine(1);
    earlier.create_ping(T0);
    // Sequence 2: the measured PING is sequence 1, not a duplicate.
    let warm = bizra::gossip::encode_json(&earlier.create_ping(T0));
    receiver.handle_message(&warm, T0).expect("accepted");
    (receiver, wire)
}

/// Peers found due by each health check of [`HealthRun::step`].
pub const DUE: i64 = 10;

/// A table of `n` peers heard from evenly over the suspect timeout, and a
/// clock: each [`step`](HealthRun::step) moves it on by `DUE` spacings, so
/// every check finds the same number of peers due whatever `n` is.
pub struct HealthRun {
    pub table: PeerTable,
    pub now: i64,
    pub spacing: i64,
}

impl HealthRun {
    /// The table, already past its first check (at 5 s).
    pub fn new(n: usize) -> HealthRun {
        let spacing = 5 * SECOND / n as i64;
        let mut run = HealthRun {
            table: table(n, spacing),
            now: 5 * SECOND,
            spacing,
        };
        run.table.check_health(UnixMicros(run.now));
        run
    }

    /// One check with `DUE` peers past their deadline; each is found
    /// SUSPECT and then heard from again, so the state is steady. Returns
    /// the number of changes.
    pub fn step(&mut self) -> usize {
        self.now += DUE * self.spacing;
        let now = UnixMicros(self.now);
        let changes = self.table.check_health(now);
        for ch in &changes {
            let idx = self.table.lookup(&ch.node_id).expect("known peer");
            self.table.touch(idx, now);
        }
        changes.len()
    }
}

/// Senders in [`receiver_and_batch`]; each sends `BATCH / BATCH_SENDERS`
/// PINGs.
pub const BATCH_SENDERS: u32 = 8;
/// Datagrams in [`receiver_and_batch`].
pub const BATCH: usize = 64;

/// A receiver that knows [`BATCH_SENDERS`] senders (none heard from yet)
/// and [`BATCH`] signed PINGs from them, round robin.
pub fn receiver_and_batch() -> (GossipEngine, Vec<Vec<u8>>) {
    let mut senders: Vec<GossipEngine> = (0..BATCH_SENDERS).map(|n| engine(100 + n)).collect();
    let mut receiver = engine(0);
    for s in &senders {
        receiver.add_seed(s.node_id(), s.address(), s.public_key(), T0);
    }
    let wires = (0..BATCH)
        .map(|i| {
            let s = &mut senders[i % BATCH_SENDERS as usize];
            bizra::gossip::encode_json(&s.create_ping(T0))
        })
        .collect();
    (receiver, wires)
}
