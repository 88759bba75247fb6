//! Signature verification, one at a time or in batches.

use super::digest::Digest;
use super::keys::{PublicKey, Signature};

/// Whether `signature` is `key`'s signature over the 32 raw digest bytes.
/// Uses dalek's `verify` (cofactorless, canonical `S` required), the check
/// the reference's `cryptography` backend makes.
pub fn verify(digest: &Digest, signature: &Signature, key: &PublicKey) -> bool {
    use ed25519_dalek::Verifier;
    key.dalek()
        .verify(digest.as_bytes(), &signature.dalek())
        .is_ok()
}

/// [`verify`] over the reference's text forms: any text that is not a
/// signature or a key (wrong length, not hex, not a point) fails, as the
/// reference's `verify_signature` returns `False` on every exception.
pub fn verify_hex(digest: &Digest, signature_hex: &str, key_hex: &str) -> bool {
    let (Ok(signature), Ok(key)) = (
        signature_hex.parse::<Signature>(),
        key_hex.parse::<PublicKey>(),
    ) else {
        return false;
    };
    verify(digest, &signature, &key)
}

/// One signature to check in a batch.
#[derive(Debug, Clone, Copy)]
pub struct BatchItem<'a> {
    /// The digest that was signed.
    pub digest: &'a Digest,
    /// The claimed signature.
    pub signature: &'a Signature,
    /// The signer's key.
    pub key: &'a PublicKey,
}

/// Verifies every item and returns one verdict per item, in order.
///
/// Tries one Ed25519 batch equation first (cheaper per signature than
/// single checks); when it fails, falls back to single verification to name
/// the bad ones. dalek's batch equation is cofactorless, like [`verify`],
/// and weighted by scalars derived from every input, so a batch holding a
/// bad signature passes only with negligible probability.
pub fn verify_batch(items: &[BatchItem<'_>]) -> Vec<bool> {
    if items.len() < 2 {
        return items
            .iter()
            .map(|i| verify(i.digest, i.signature, i.key))
            .collect();
    }
    let messages: Vec<&[u8]> = items.iter().map(|i| &i.digest.as_bytes()[..]).collect();
    let signatures: Vec<ed25519_dalek::Signature> =
        items.iter().map(|i| i.signature.dalek()).collect();
    let keys: Vec<ed25519_dalek::VerifyingKey> = items.iter().map(|i| *i.key.dalek()).collect();
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
        return vec![true; items.len()];
    }
    items
        .iter()
        .map(|i| verify(i.digest, i.signature, i.key))
        .collect()
}
