//! Decoded peer keys. Checking a signature needs the key as a curve point,
//! and decompressing 32 bytes into one costs about a seventh of the check
//! itself; the peer table keeps only the 32 bytes (a decoded point takes
//! 160 bytes more, too much for every one of a million peers), so the
//! engine keeps the points of the peers it hears from here.
//!
//! The cache is direct-mapped by peer index: O(1), no eviction policy to
//! get wrong, and bounded. It grows with the table up to [`MAX_SLOTS`], so
//! an engine that knows a handful of peers keeps a handful of points. A
//! peer's key never changes once it is in the table (indices are never
//! reused), so an entry never goes stale.

use crate::pci::PublicKey;

/// At most this many decoded keys (about 200 KB).
const MAX_SLOTS: usize = 1024;

/// Decoded keys by peer index; a key that is not a curve point is cached as
/// `None`, so a peer with a bad key costs one decoding, not one a message.
#[derive(Debug, Default)]
pub(super) struct KeyCache {
    slots: Vec<Option<(u32, Option<PublicKey>)>>,
}

impl KeyCache {
    /// The decoded key of peer `idx`, whose raw bytes are `raw`, with
    /// `peers` peers in the table.
    pub(super) fn get(&mut self, idx: u32, raw: &[u8; 32], peers: usize) -> Option<PublicKey> {
        let want = peers.next_power_of_two().min(MAX_SLOTS);
        if self.slots.len() < want {
            // Re-mapping would need the raw keys again: start empty.
            self.slots = vec![None; want];
        }
        let slot = &mut self.slots[idx as usize & (want - 1)];
        match slot {
            Some((i, key)) if *i == idx => *key,
            _ => {
                let key = PublicKey::from_bytes(raw).ok();
                *slot = Some((idx, key));
                key
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pci::SigningKey;

    #[test]
    fn gives_each_peer_its_own_key_across_collisions_and_growth() {
        let keys: Vec<[u8; 32]> = (0..3000u32)
            .map(|n| {
                let mut seed = [1u8; 32];
                seed[..4].copy_from_slice(&n.to_le_bytes());
                SigningKey::from_seed(&seed).public_key().to_bytes()
            })
            .collect();
        let mut cache = KeyCache::default();
        for round in 0..2 {
            for (i, raw) in keys.iter().enumerate() {
                let peers = if round == 0 { i + 1 } else { keys.len() };
                let got = cache.get(i as u32, raw, peers).unwrap();
                assert_eq!(got.to_bytes(), *raw);
            }
        }
        assert!(cache.slots.len() <= MAX_SLOTS);
    }

    #[test]
    fn a_key_off_the_curve_is_none() {
        // y = 2 has no x on Ed25519.
        let mut raw = [0u8; 32];
        raw[0] = 2;
        let mut cache = KeyCache::default();
        assert_eq!(cache.get(0, &raw, 1), None);
        assert_eq!(cache.get(0, &raw, 1), None);
    }
}
