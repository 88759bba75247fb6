//! Proposals, votes and the PBFT messages, with the reasons they are refused.

use crate::pci::{CanonicalError, Digest};
use crate::py::PyValue;

use super::quorum::QuorumError;

/// The lowest Ihsān score that may vote (`UNIFIED_IHSAN_THRESHOLD`).
pub const IHSAN_THRESHOLD: f64 = 0.95;

/// Where a proposal stands in PBFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Proposed, waiting for prepares.
    PrePrepare,
    /// A quorum prepared; commits are being gathered.
    Prepare,
    /// A quorum committed (transient before `Committed`).
    Commit,
    /// Final.
    Committed,
    /// Timed out.
    Aborted,
}

/// A proposal (PBFT pre-prepare): a pattern some node wants elevated.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// `prop_` + 8 hex digits.
    pub proposal_id: String,
    /// The proposing node.
    pub proposer_id: String,
    /// The pattern; its canonical JSON digest is what voters sign.
    pub pattern: PyValue,
    /// Creation time, seconds since the epoch.
    pub timestamp: f64,
    /// The view it was proposed in.
    pub view: u64,
    /// The proposer's sequence number.
    pub sequence: u64,
}

/// A signed vote for a proposal.
#[derive(Debug, Clone, PartialEq)]
pub struct Vote {
    /// The proposal voted for.
    pub proposal_id: String,
    /// The voter's registered id.
    pub voter_id: String,
    /// Hex signature over the pattern digest.
    pub signature: String,
    /// The voter's claimed key (must equal the registered one).
    pub public_key: String,
    /// The voter's Ihsān score.
    pub ihsan_score: f64,
}

/// A PBFT PREPARE or COMMIT message (same shape; the signed digest differs).
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseMessage {
    /// The proposal.
    pub proposal_id: String,
    /// The replica sending it.
    pub replica_id: String,
    /// The replica's view.
    pub view: u64,
    /// The proposal's sequence number.
    pub sequence: u64,
    /// Hex pattern digest.
    pub digest: String,
    /// Hex signature: over the pattern digest (prepare) or the commit
    /// digest `BLAKE3dom(digest_hex + ":commit")` (commit).
    pub signature: String,
}

/// A request to move to a new view (leader rotation).
#[derive(Debug, Clone, PartialEq)]
pub struct ViewChange {
    /// The view asked for.
    pub view: u64,
    /// Who asks.
    pub requester_id: String,
    /// Hex signature over `BLAKE3dom("VIEW-CHANGE:{view}:{id}:{prepared,...}")`.
    pub signature: String,
    /// Proposals the requester had prepared but not committed.
    pub prepared: Vec<String>,
}

/// What accepting a vote or phase message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    /// Recorded; the proposal has `count` of the `quorum` it needs.
    Recorded {
        /// Votes (or messages of this phase) now held.
        count: usize,
        /// Votes needed.
        quorum: usize,
    },
    /// Recorded, and this one reached the quorum: the phase advanced (for a
    /// vote or commit, the proposal committed). Happens once per proposal.
    QuorumReached,
}

/// Why a vote or PBFT message was refused. Variants are listed in the
/// order the checks run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VoteError {
    /// No such proposal is active.
    #[error("unknown proposal {proposal_id:?}")]
    UnknownProposal {
        /// The proposal named.
        proposal_id: String,
    },
    /// This exact vote (proposal, voter, signature prefix) was accepted before.
    #[error("replayed vote from {voter_id:?}")]
    Replay {
        /// The voter.
        voter_id: String,
    },
    /// The voter is not registered.
    #[error("unregistered voter {voter_id:?}")]
    Unregistered {
        /// The voter.
        voter_id: String,
    },
    /// The vote's key is not the voter's registered key.
    #[error("voter {voter_id:?} claims key {claimed:?}, not its registered key")]
    KeyMismatch {
        /// The voter.
        voter_id: String,
        /// The key the vote carried (cut to 140 characters).
        claimed: String,
    },
    /// The message is for another view.
    #[error("message for view {got}, current view is {current}")]
    ViewMismatch {
        /// Its view.
        got: u64,
        /// Ours.
        current: u64,
    },
    /// The message names another digest than the proposal's.
    #[error("digest {got:?} is not the proposal's")]
    DigestMismatch {
        /// The digest it carried (cut to 140 characters).
        got: String,
    },
    /// The signature does not verify against the registered key.
    #[error("bad signature from {voter_id:?}")]
    BadSignature {
        /// The voter.
        voter_id: String,
    },
    /// The voter already voted (or sent this phase's message) for it.
    #[error("second vote from {voter_id:?}")]
    DoubleVote {
        /// The voter.
        voter_id: String,
    },
    /// A NEW-VIEW from a node that does not lead the view it names.
    #[error("{sender_id:?} does not lead view {view} (its leader is {leader_id:?})")]
    NotLeader {
        /// Who sent it.
        sender_id: String,
        /// The view named.
        view: u64,
        /// The view's leader.
        leader_id: String,
    },
    /// A NEW-VIEW without a quorum of valid view-change requests.
    #[error("{count} valid view-change requests, a quorum is {quorum}")]
    NoQuorum {
        /// Distinct valid requests carried.
        count: usize,
        /// Needed.
        quorum: usize,
    },
    /// The node count is zero.
    #[error(transparent)]
    Quorum(#[from] QuorumError),
}

/// Why this node cannot propose or vote.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CastError {
    /// The score is below [`IHSAN_THRESHOLD`] (or NaN).
    #[error("Ihsān score {score} is below {IHSAN_THRESHOLD}")]
    IhsanTooLow {
        /// The score given.
        score: f64,
    },
    /// The pattern holds NaN or an infinity, so it has no digest.
    #[error(transparent)]
    Canonical(#[from] CanonicalError),
    /// Only the leader may pre-prepare.
    #[error("{node_id:?} is not the leader of view {view}")]
    NotLeader {
        /// This node.
        node_id: String,
        /// The current view.
        view: u64,
    },
    /// No such proposal, or not in the phase the step needs.
    #[error("proposal {proposal_id:?} is unknown or not in phase {needed:?}")]
    WrongPhase {
        /// The proposal.
        proposal_id: String,
        /// The phase the step needs.
        needed: Phase,
    },
    /// A NEW-VIEW needs a quorum of view-change requests for its view.
    #[error("{count} view-change requests for view {view}, a quorum is {quorum}")]
    NoViewChangeQuorum {
        /// The view.
        view: u64,
        /// Requests held.
        count: usize,
        /// Needed.
        quorum: usize,
    },
    /// The node count is zero.
    #[error(transparent)]
    Quorum(#[from] QuorumError),
    /// A prepare for another view than ours.
    #[error("proposal of view {got}, current view is {current}")]
    ViewMismatch {
        /// The proposal's view.
        got: u64,
        /// Ours.
        current: u64,
    },
}

pub(crate) fn clip(text: &str) -> String {
    text.chars().take(140).collect()
}

/// The digests a proposal's votes and commits sign, computed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposalDigests {
    /// `BLAKE3dom(canonical_json(pattern))`, signed by votes and prepares.
    pub pattern: Digest,
    /// `BLAKE3dom(pattern_hex + ":commit")`, signed by commits.
    pub commit: Digest,
}

impl ProposalDigests {
    /// Both digests of `pattern`.
    pub fn of(pattern: &PyValue) -> Result<ProposalDigests, CanonicalError> {
        let canonical = crate::pci::canonical_json(pattern)?;
        let digest = crate::pci::domain_digest(canonical.as_bytes());
        Ok(ProposalDigests {
            pattern: digest,
            commit: digest.derive(":commit"),
        })
    }
}
