//! The peer registry: which voter id owns which key.

use std::collections::HashMap;

use crate::pci::PublicKey;

/// The longest peer id accepted, in characters.
pub const MAX_PEER_ID_CHARS: usize = 256;

/// Why a peer could not be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The id is empty.
    #[error("peer id is empty")]
    EmptyId,
    /// The id is longer than [`MAX_PEER_ID_CHARS`].
    #[error("peer id of {chars} characters exceeds {MAX_PEER_ID_CHARS}")]
    IdTooLong {
        /// Its length in characters.
        chars: usize,
    },
    /// The id holds `\n`, `\r`, `\0` or `:`, which would let it forge the
    /// `proposal:voter:signature` replay keys and log lines.
    #[error("peer id {id:?} contains {ch:?}")]
    BadChar {
        /// The offending id.
        id: String,
        /// The forbidden character.
        ch: char,
    },
    /// The id is registered with another key; keys never change.
    #[error("peer {id:?} is already registered with key {existing}")]
    KeyChange {
        /// The peer.
        id: String,
        /// The key it keeps, hex.
        existing: String,
    },
}

/// Checks a peer id against the reference's rules.
pub fn validate_peer_id(id: &str) -> Result<(), RegistryError> {
    if id.is_empty() {
        return Err(RegistryError::EmptyId);
    }
    let chars = id.chars().count();
    if chars > MAX_PEER_ID_CHARS {
        return Err(RegistryError::IdTooLong { chars });
    }
    if let Some(ch) = id.chars().find(|c| matches!(c, '\n' | '\r' | '\0' | ':')) {
        return Err(RegistryError::BadChar {
            id: id.to_owned(),
            ch,
        });
    }
    Ok(())
}

/// Peer id → registered key. A key is set once; re-registering the same
/// key is a no-op, a different one an error.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    keys: HashMap<String, PublicKey>,
}

impl Registry {
    /// Registers `id` with `key` after validating the id.
    pub fn register(&mut self, id: &str, key: PublicKey) -> Result<(), RegistryError> {
        validate_peer_id(id)?;
        match self.keys.get(id) {
            Some(existing) if *existing != key => Err(RegistryError::KeyChange {
                id: id.to_owned(),
                existing: existing.to_hex(),
            }),
            Some(_) => Ok(()),
            None => {
                self.keys.insert(id.to_owned(), key);
                Ok(())
            }
        }
    }

    /// Removes a peer (never `keep`, the local node).
    pub fn unregister(&mut self, id: &str, keep: &str) {
        if id != keep {
            self.keys.remove(id);
        }
    }

    /// The key registered for `id`.
    pub fn key(&self, id: &str) -> Option<&PublicKey> {
        self.keys.get(id)
    }

    /// How many peers are registered (the local node included).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no peer is registered.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The registered ids in sorted order (leader selection uses it).
    pub fn sorted_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self.keys.keys().map(String::as_str).collect();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_rules() {
        assert_eq!(validate_peer_id(""), Err(RegistryError::EmptyId));
        assert!(matches!(
            validate_peer_id("a:b"),
            Err(RegistryError::BadChar { ch: ':', .. })
        ));
        assert!(matches!(
            validate_peer_id(&"é".repeat(257)),
            Err(RegistryError::IdTooLong { chars: 257 })
        ));
        assert_eq!(validate_peer_id(&"é".repeat(256)), Ok(()));
    }
}
