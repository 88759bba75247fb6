//! The closed sets of names on the wire: message types and node states.

use std::fmt;
use std::str::FromStr;

/// A name on the wire that is not one of the known values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a known {what}")]
pub struct UnknownName {
    /// Which set was searched ("message type" or "node state").
    pub what: &'static str,
    /// The offending text (cut to 64 characters).
    pub text: String,
}

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[repr(u8)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name written on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName { what: $what, text: text.chars().take(64).collect() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// The kind of a gossip message.
    MsgType, "message type", {
        /// Liveness probe; answered with `PING_ACK`.
        Ping = "PING",
        /// Answer to `PING` or `ANNOUNCE`.
        PingAck = "PING_ACK",
        /// Indirect probe through an intermediary (carried, not acted on).
        PingReq = "PING_REQ",
        /// A node joining; answered with a welcome `PING_ACK`.
        Announce = "ANNOUNCE",
        /// Graceful departure; the sender becomes `LEFT`.
        Leave = "LEAVE",
        /// A shared pattern; answered with `PATTERN_ACK`.
        PatternShare = "PATTERN_SHARE",
        /// Answer to `PATTERN_SHARE`.
        PatternAck = "PATTERN_ACK",
        /// Consensus proposal, handed to consensus.
        Propose = "PROPOSE",
        /// Consensus vote, handed to consensus.
        Vote = "VOTE",
        /// Consensus commit, handed to consensus.
        Commit = "COMMIT",
    }
);

wire_enum!(
    /// What a node believes about a peer.
    NodeState, "node state", {
        /// Heard from recently.
        Alive = "ALIVE",
        /// Silent for longer than the suspicion timeout.
        Suspect = "SUSPECT",
        /// Silent for longer than the dead timeout.
        Dead = "DEAD",
        /// Said goodbye; never probed again.
        Left = "LEFT",
    }
);

impl MsgType {
    /// Whether the message belongs to consensus and is handed over.
    pub fn is_consensus(self) -> bool {
        matches!(self, MsgType::Propose | MsgType::Vote | MsgType::Commit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for t in MsgType::ALL {
            assert_eq!(t.as_str().parse::<MsgType>(), Ok(*t));
        }
        for s in NodeState::ALL {
            assert_eq!(s.as_str().parse::<NodeState>(), Ok(*s));
        }
        assert!("ping".parse::<MsgType>().is_err());
    }
}
