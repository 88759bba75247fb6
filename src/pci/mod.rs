//! Canonical JSON, domain-separated digests and signatures shared by gossip and consensus.
//!
//! This is the reference's `core.pci.crypto`: a value is written as canonical
//! JSON ([`canonical_json`]: sorted keys, `,`/`:` separators, ASCII-only,
//! floats in shortest round-trip form, NaN and infinities refused), hashed as
//! BLAKE3 of `"bizra-pci-v1:"` + those bytes ([`domain_digest`]), and the 32
//! raw digest bytes are signed with Ed25519 ([`SigningKey::sign`]). Keys and
//! signatures travel as lowercase hex.

mod canonical;
mod digest;
mod hex;
mod keys;
mod rng;
mod verify;

pub use canonical::{CanonicalError, canonical_json, write_canonical_json};
pub use digest::{DOMAIN_PREFIX, Digest, domain_digest};
pub(crate) use hex::encode_into as hex_into;
pub use hex::{HexError, decode as from_hex, encode as to_hex};
pub use keys::{KeyError, PublicKey, Signature, SigningKey};
pub use rng::{RandomSource, SplitMix64};
pub use verify::{BatchItem, verify, verify_batch, verify_hex};
