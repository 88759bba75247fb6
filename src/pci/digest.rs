//! The domain-separated BLAKE3 digest that signatures cover.

use std::fmt;

use super::hex;

/// Prepended to every hashed message so a digest made here can never be
/// mistaken for a digest of another protocol's bytes.
pub const DOMAIN_PREFIX: &[u8] = b"bizra-pci-v1:";

/// A 32-byte BLAKE3 digest. Its text form is 64 lowercase hex characters,
/// the form the reference passes around and hashes again (the commit digest).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The raw bytes, which is what Ed25519 signs.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64-character lowercase hex form.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    /// `BLAKE3dom(self.hex + suffix)`: how the reference derives a digest
    /// from a digest, e.g. the PBFT commit digest with suffix `":commit"`.
    pub fn derive(&self, suffix: &str) -> Digest {
        let mut text = [0u8; 64];
        hex::encode_into(&self.0, &mut text);
        let mut hasher = blake3::Hasher::new();
        hasher.update(DOMAIN_PREFIX);
        hasher.update(&text);
        hasher.update(suffix.as_bytes());
        Digest(*hasher.finalize().as_bytes())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({self})")
    }
}

/// BLAKE3 of [`DOMAIN_PREFIX`] followed by `bytes`.
pub fn domain_digest(bytes: &[u8]) -> Digest {
    let mut hasher = blake3::Hasher::new();
    hasher.update(DOMAIN_PREFIX);
    hasher.update(bytes);
    Digest(*hasher.finalize().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derive_equals_hashing_the_hex_text() {
        let d = domain_digest(b"x");
        let direct = domain_digest(format!("{}:commit", d.to_hex()).as_bytes());
        assert_eq!(d.derive(":commit"), direct);
    }
}
