//! Ed25519 keys and signatures in the reference's hex forms.

use std::fmt;
use std::str::FromStr;

use super::digest::Digest;
use super::hex::{self, HexError};

/// Why a key or signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The text is not the right amount of hex.
    #[error("{what} {text:?} is not valid hex: {source}")]
    Hex {
        /// Which kind of value ("public key", "signature", "seed").
        what: &'static str,
        /// The offending text (cut to 140 characters).
        text: String,
        /// The hex error.
        source: HexError,
    },
    /// The 32 bytes are not the encoding of a curve point.
    #[error("public key {hex} is not a point on Ed25519")]
    NotAPoint {
        /// The key's hex.
        hex: String,
    },
}

fn hex_error(what: &'static str, text: &str, source: HexError) -> KeyError {
    KeyError::Hex {
        what,
        text: text.chars().take(140).collect(),
        source,
    }
}

/// A validated Ed25519 public key: 64 hex characters naming a curve point.
/// Displayed as lowercase hex, the form every reference node sends.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// Validates 32 raw bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, KeyError> {
        ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map(PublicKey)
            .map_err(|_| KeyError::NotAPoint {
                hex: hex::encode(bytes),
            })
    }

    /// The 32 compressed bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// Whether `text` is exactly this key's lowercase hex, the comparison
    /// the reference makes between a claimed and a registered key string.
    pub fn matches_hex(&self, text: &str) -> bool {
        let mut buf = [0u8; 64];
        hex::encode_into(self.0.as_bytes(), &mut buf);
        text.as_bytes() == buf
    }

    pub(crate) fn dalek(&self) -> &ed25519_dalek::VerifyingKey {
        &self.0
    }
}

impl FromStr for PublicKey {
    type Err = KeyError;

    /// Parses 64 hex characters of either case (as `bytes.fromhex` does).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = hex::decode::<32>(text).map_err(|e| hex_error("public key", text, e))?;
        PublicKey::from_bytes(&bytes)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

/// A 64-byte Ed25519 signature; its text form is 128 hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub [u8; 64]);

impl Signature {
    /// Lowercase hex, 128 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    pub(crate) fn dalek(&self) -> ed25519_dalek::Signature {
        ed25519_dalek::Signature::from_bytes(&self.0)
    }
}

impl FromStr for Signature {
    type Err = KeyError;

    /// Parses exactly 128 lowercase hex characters, the only form any node
    /// writes. The reference's `bytes.fromhex` would also take upper case;
    /// refusing it gives every signature one spelling, so a bit flipped in
    /// a signed message (`a` ↔ `A` is one bit) never still verifies.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some(at) = text.find(|c: char| c.is_ascii_uppercase()) {
            let ch = text[at..].chars().next().unwrap_or('?');
            return Err(hex_error("signature", text, HexError::Digit { ch, at }));
        }
        hex::decode::<64>(text)
            .map(Signature)
            .map_err(|e| hex_error("signature", text, e))
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

/// An Ed25519 signing key made from a 32-byte seed, the reference's private
/// key form (64 hex characters).
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// The key for a raw 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// The key for a seed written as 64 hex characters.
    pub fn from_seed_hex(text: &str) -> Result<SigningKey, KeyError> {
        let seed = hex::decode::<32>(text).map_err(|e| hex_error("seed", text, e))?;
        Ok(SigningKey::from_seed(&seed))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// Signs the 32 raw bytes of `digest` (not its hex text), as the
    /// reference's `sign_message` does.
    pub fn sign(&self, digest: &Digest) -> Signature {
        use ed25519_dalek::Signer;
        Signature(self.0.sign(digest.as_bytes()).to_bytes())
    }
}

impl fmt::Debug for SigningKey {
    /// Never prints the seed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public {})", self.public_key())
    }
}
