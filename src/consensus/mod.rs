//! BFT consensus voting.
//!
//! Quorum arithmetic, the peer registry, signed votes with the reference's
//! refusal order (and a batch path that verifies many signatures at once),
//! and the PBFT path with view changes. Digests are computed once per
//! proposal, and duplicate and replay checks are hash-set lookups.

mod engine;
mod pbft;
mod quorum;
mod registry;
mod replica;
mod vote;
mod wire;

pub use engine::{ConsensusEngine, MAX_SEEN_VOTES};
pub use pbft::{DEFAULT_TIMEOUT_SECS, NewView};
pub use quorum::{QuorumError, quorum_size};
pub use registry::{MAX_PEER_ID_CHARS, Registry, RegistryError, validate_peer_id};
pub use replica::{Replica, ReplicaError};
pub use vote::{
    CastError, IHSAN_THRESHOLD, Phase, PhaseMessage, Proposal, ProposalDigests, ViewChange, Vote,
    VoteError, VoteOutcome,
};
pub use wire::{ConsensusMessage, PayloadError};
