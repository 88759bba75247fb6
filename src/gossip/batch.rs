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
            let key_hex = self.key_for(msg);
            match prepare(msg, &key_hex) {
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

    /// The key text `handle_decoded` would verify `msg` with right now.
    fn key_for(&self, msg: &GossipMessage) -> String {
        match self.peers().lookup(&msg.sender_id) {
            Some(idx) => self.peers().view(idx).public_key,
            None => msg.payload_public_key().to_owned(),
        }
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
    match (msg.signature.parse::<Signature>(), msg.digest()) {
        (Ok(sig), Ok(digest)) => Prepared::Ready(digest, sig, key),
        _ => Prepared::Fails,
    }
}
