//! Handling datagrams that arrived together with one batched signature
//! check. Results equal handling them one by one, in order.

use crate::pci::{BatchItem, Digest, PublicKey, Signature, verify_batch};

use super::engine::GossipEngine;
use super::message::GossipMessage;
use super::outcome::{Handled, Rejected};
use super::time::UnixMicros;
use super::wire::decode_json_strict;

impl GossipEngine {
    /// Handles `datagrams` in order, as [`handle_message`] would one by
    /// one, but verifies all their signatures in one Ed25519 batch first
    /// (falling back to single checks to find the bad ones).
    ///
    /// Each message is checked against the key the engine would pick for
    /// it now (the known sender's, else the payload's). If an earlier
    /// message in the batch changes that choice (it introduced the
    /// sender), the later message is verified again singly with the right
    /// key, so the results never depend on batching.
    ///
    /// [`handle_message`]: GossipEngine::handle_message
    pub fn handle_batch(
        &mut self,
        datagrams: &[&[u8]],
        now: UnixMicros,
    ) -> Vec<Result<Handled, Rejected>> {
        let decoded: Vec<_> = datagrams.iter().map(|d| decode_json_strict(d)).collect();
        let mut verdicts: Vec<Option<(String, bool)>> = vec![None; decoded.len()];
        let mut pending: Vec<(usize, Digest, Signature, PublicKey)> = Vec::new();
        for (i, msg) in decoded.iter().enumerate() {
            let Ok(msg) = msg else { continue };
            let (key_hex, prepared) = self.prepare(msg);
            match prepared {
                Prepared::Ready(digest, sig, key) => pending.push((i, digest, sig, key)),
                // verify_signature would say false for the same reasons.
                Prepared::Fails => verdicts[i] = Some((key_hex, false)),
                Prepared::Single => {}
            }
        }
        let items: Vec<BatchItem<'_>> = pending
            .iter()
            .map(|(_, d, s, k)| BatchItem {
                digest: d,
                signature: s,
                key: k,
            })
            .collect();
        for ((i, _, _, key), ok) in pending.iter().zip(verify_batch(&items)) {
            verdicts[*i] = Some((key.to_hex(), ok));
        }
        decoded
            .into_iter()
            .zip(verdicts)
            .map(|(msg, verdict)| match msg {
                Ok(msg) => self.handle_checked(msg, now, verdict),
                Err(e) => Err(e.into()),
            })
            .collect()
    }

    /// The key text `handle_decoded` would verify `msg` with right now,
    /// and what the batch can do with it. A known sender's key comes
    /// decoded from the engine's cache, as in `handle_decoded`, so a
    /// batch decodes each peer's key once, not once a message.
    fn prepare(&mut self, msg: &GossipMessage) -> (String, Prepared) {
        let Some(idx) = self.peers.lookup(&msg.sender_id) else {
            let key_hex = msg.payload_public_key().to_owned();
            let prepared = prepare(msg, &key_hex);
            return (key_hex, prepared);
        };
        let raw = self.peers.get(idx).key;
        let prepared = match self.keys.get(idx, &raw, self.peers.len()) {
            // Not a curve point: the single check fails too.
            None => Prepared::Fails,
            Some(key) => with_key(msg, key),
        };
        (crate::pci::to_hex(&raw), prepared)
    }
}

// Short-lived, one per datagram: boxing the big variant would only add
// an allocation.
#[allow(clippy::large_enum_variant)]
enum Prepared {
    /// Checkable in the batch.
    Ready(Digest, Signature, PublicKey),
    /// Would fail a single check too (bad signature text, bad key, or a
    /// payload with no canonical form).
    Fails,
    /// A valid key spelled in upper case: left to a single check.
    Single,
}

fn prepare(msg: &GossipMessage, key_hex: &str) -> Prepared {
    let Ok(key) = key_hex.parse::<PublicKey>() else {
        return Prepared::Fails;
    };
    if key.to_hex() != key_hex {
        return Prepared::Single;
    }
    with_key(msg, key)
}

/// The batch item for `msg` checked with `key`, or `Fails` when the
/// signature text or the payload cannot be checked at all.
fn with_key(msg: &GossipMessage, key: PublicKey) -> Prepared {
    match (msg.signature.parse::<Signature>(), msg.digest()) {
        (Ok(sig), Ok(digest)) => Prepared::Ready(digest, sig, key),
        _ => Prepared::Fails,
    }
}
