//! The voting engine: proposals, signed votes, and commit at quorum.

use std::collections::{HashMap, HashSet};

use crate::gossip::BoundedSet;
use crate::pci::{BatchItem, PublicKey, RandomSource, Signature, SigningKey, verify, verify_batch};
use crate::py::PyValue;

use super::quorum::quorum_size;
use super::registry::{Registry, RegistryError};
use super::vote::{
    CastError, IHSAN_THRESHOLD, Phase, Proposal, ProposalDigests, Vote, VoteError, VoteOutcome,
    clip,
};

/// How many accepted vote ids are remembered for replay detection (the
/// reference's `_max_seen_ids`). A forgotten id still cannot count twice:
/// the per-proposal voter set refuses a second vote.
pub const MAX_SEEN_VOTES: usize = 100_000;

/// Everything known about one proposal.
#[derive(Debug, Clone)]
pub(crate) struct ProposalState {
    pub(crate) proposal: Proposal,
    pub(crate) digests: ProposalDigests,
    pub(crate) phase: Phase,
    pub(crate) voters: HashSet<String>,
    pub(crate) votes: Vec<Vote>,
    pub(crate) committed: bool,
    pub(crate) prepares: HashMap<String, String>,
    pub(crate) commits: HashMap<String, String>,
    pub(crate) started_at: f64,
}

/// One node's consensus engine.
pub struct ConsensusEngine {
    pub(crate) node_id: String,
    pub(crate) key: SigningKey,
    pub(crate) registry: Registry,
    pub(crate) proposals: HashMap<String, ProposalState>,
    pub(crate) seen_votes: BoundedSet<String>,
    pub(crate) view: u64,
    pub(crate) sequence: u64,
    pub(crate) leader: Option<String>,
    pub(crate) view_changes: HashMap<u64, Vec<super::vote::ViewChange>>,
    rng: Box<dyn RandomSource + Send>,
}

impl ConsensusEngine {
    /// A node named `node_id` signing with `key`, registered with itself.
    /// `rng` draws proposal ids.
    pub fn new(
        node_id: &str,
        key: SigningKey,
        rng: Box<dyn RandomSource + Send>,
    ) -> Result<ConsensusEngine, RegistryError> {
        let mut registry = Registry::default();
        registry.register(node_id, key.public_key())?;
        Ok(ConsensusEngine {
            node_id: node_id.to_owned(),
            key,
            registry,
            proposals: HashMap::new(),
            seen_votes: BoundedSet::new(MAX_SEEN_VOTES),
            view: 0,
            sequence: 0,
            leader: None,
            view_changes: HashMap::new(),
            rng,
        })
    }

    /// Remembers at most `capacity` accepted vote ids for replay detection
    /// (default [`MAX_SEEN_VOTES`]); forgets those remembered so far.
    pub fn set_replay_capacity(&mut self, capacity: usize) {
        self.seen_votes = BoundedSet::new(capacity);
    }

    /// This node's id.
    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    /// Registers a peer's key (see [`Registry::register`]).
    pub fn register_peer(&mut self, id: &str, key: PublicKey) -> Result<(), RegistryError> {
        self.registry.register(id, key)
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Starts a round for `pattern` at time `now` (seconds). The reference
    /// also pre-prepares when this node leads; both make the same state.
    pub fn propose_pattern(&mut self, pattern: PyValue, now: f64) -> Result<Proposal, CastError> {
        let digests = ProposalDigests::of(&pattern)?;
        self.sequence += 1;
        let proposal = Proposal {
            proposal_id: format!("prop_{:08x}", self.rng.next_u64() as u32),
            proposer_id: self.node_id.clone(),
            pattern,
            timestamp: now,
            view: self.view,
            sequence: self.sequence,
        };
        self.insert_proposal(proposal.clone(), digests, now);
        Ok(proposal)
    }

    /// Makes a proposal received from another node (its pre-prepare)
    /// known here, so votes and phase messages for it can be checked.
    pub fn accept_proposal(&mut self, proposal: Proposal, now: f64) -> Result<(), CastError> {
        let digests = ProposalDigests::of(&proposal.pattern)?;
        if !self.proposals.contains_key(&proposal.proposal_id) {
            self.insert_proposal(proposal, digests, now);
        }
        Ok(())
    }

    fn insert_proposal(&mut self, proposal: Proposal, digests: ProposalDigests, now: f64) {
        let state = ProposalState {
            digests,
            phase: Phase::PrePrepare,
            voters: HashSet::new(),
            votes: Vec::new(),
            committed: false,
            prepares: HashMap::new(),
            commits: HashMap::new(),
            started_at: now,
            proposal,
        };
        self.proposals
            .insert(state.proposal.proposal_id.clone(), state);
    }

    /// Signs a vote for `proposal` if `ihsan` reaches [`IHSAN_THRESHOLD`].
    pub fn cast_vote(&self, proposal: &Proposal, ihsan: f64) -> Result<Vote, CastError> {
        // NaN compares false with everything: the reference would let it vote.
        if ihsan.is_nan() || ihsan < IHSAN_THRESHOLD {
            return Err(CastError::IhsanTooLow { score: ihsan });
        }
        let digests = match self.proposals.get(&proposal.proposal_id) {
            Some(s) if s.proposal.pattern == proposal.pattern => s.digests,
            _ => ProposalDigests::of(&proposal.pattern)?,
        };
        Ok(Vote {
            proposal_id: proposal.proposal_id.clone(),
            voter_id: self.node_id.clone(),
            signature: self.key.sign(&digests.pattern).to_hex(),
            public_key: self.key.public_key().to_hex(),
            ihsan_score: ihsan,
        })
    }

    /// Records a vote, counting toward a quorum of `node_count` nodes.
    /// Refusals run in the reference's order: unknown proposal, replay,
    /// unregistered voter, key mismatch, bad signature, double vote. A
    /// refused vote changes nothing.
    pub fn receive_vote(
        &mut self,
        vote: &Vote,
        node_count: usize,
    ) -> Result<VoteOutcome, VoteError> {
        self.apply_vote(vote, node_count, None)
    }

    /// [`receive_vote`](Self::receive_vote) for many votes, with one batch
    /// signature check for all that pass the cheap checks (falling back to
    /// single checks to find the bad ones). Results equal feeding the votes
    /// one by one.
    pub fn receive_votes(
        &mut self,
        votes: &[Vote],
        node_count: usize,
    ) -> Vec<Result<VoteOutcome, VoteError>> {
        let mut pending = Vec::new();
        let mut parsed = Vec::new();
        for (i, vote) in votes.iter().enumerate() {
            let (Some(state), Some(key)) = (
                self.proposals.get(&vote.proposal_id),
                self.registry.key(&vote.voter_id),
            ) else {
                continue;
            };
            if let Ok(sig) = vote.signature.parse::<Signature>() {
                pending.push(i);
                parsed.push((state.digests.pattern, sig, *key));
            }
        }
        let items: Vec<BatchItem<'_>> = parsed
            .iter()
            .map(|(d, s, k)| BatchItem {
                digest: d,
                signature: s,
                key: k,
            })
            .collect();
        let mut verdicts: Vec<Option<bool>> = vec![None; votes.len()];
        for (i, ok) in pending.into_iter().zip(verify_split(&items)) {
            verdicts[i] = Some(ok);
        }
        votes
            .iter()
            .zip(verdicts)
            .map(|(vote, verdict)| self.apply_vote(vote, node_count, verdict))
            .collect()
    }

    /// [`receive_votes`](Self::receive_votes) is the path that gains from
    /// more than one core; see [`verify_split`].
    fn apply_vote(
        &mut self,
        vote: &Vote,
        node_count: usize,
        verified: Option<bool>,
    ) -> Result<VoteOutcome, VoteError> {
        let quorum = quorum_size(node_count)?;
        let Some(state) = self.proposals.get(&vote.proposal_id) else {
            return Err(VoteError::UnknownProposal {
                proposal_id: clip(&vote.proposal_id),
            });
        };
        let vote_id = format!(
            "{}:{}:{}",
            vote.proposal_id,
            vote.voter_id,
            vote.signature.chars().take(32).collect::<String>()
        );
        if self.seen_votes.contains(&vote_id) {
            return Err(VoteError::Replay {
                voter_id: clip(&vote.voter_id),
            });
        }
        let Some(key) = self.registry.key(&vote.voter_id) else {
            return Err(VoteError::Unregistered {
                voter_id: clip(&vote.voter_id),
            });
        };
        if !key.matches_hex(&vote.public_key) {
            return Err(VoteError::KeyMismatch {
                voter_id: clip(&vote.voter_id),
                claimed: clip(&vote.public_key),
            });
        }
        let ok = verified.unwrap_or_else(|| match vote.signature.parse::<Signature>() {
            Ok(sig) => verify(&state.digests.pattern, &sig, key),
            Err(_) => false,
        });
        if !ok {
            return Err(VoteError::BadSignature {
                voter_id: clip(&vote.voter_id),
            });
        }
        if state.voters.contains(&vote.voter_id) {
            return Err(VoteError::DoubleVote {
                voter_id: clip(&vote.voter_id),
            });
        }
        self.seen_votes.insert(vote_id);
        let state = self
            .proposals
            .get_mut(&vote.proposal_id)
            .expect("checked above");
        state.voters.insert(vote.voter_id.clone());
        state.votes.push(vote.clone());
        let count = state.votes.len();
        if count >= quorum && !state.committed {
            state.committed = true;
            state.phase = Phase::Committed;
            return Ok(VoteOutcome::QuorumReached);
        }
        Ok(VoteOutcome::Recorded { count, quorum })
    }

    /// Whether the proposal has committed.
    pub fn is_committed(&self, proposal_id: &str) -> bool {
        self.proposals.get(proposal_id).is_some_and(|s| s.committed)
    }

    /// Votes recorded for a proposal (0 for an unknown one).
    pub fn vote_count(&self, proposal_id: &str) -> usize {
        self.proposals.get(proposal_id).map_or(0, |s| s.votes.len())
    }

    /// The proposal's phase, if it is known.
    pub fn phase(&self, proposal_id: &str) -> Option<Phase> {
        self.proposals.get(proposal_id).map(|s| s.phase)
    }

    /// A comparable summary of the state (for tests that check a refused
    /// message changed nothing).
    pub fn summary(&self) -> String {
        let mut ids: Vec<&String> = self.proposals.keys().collect();
        ids.sort();
        let mut out = format!(
            "view={} seq={} leader={:?} peers={} seen={}\n",
            self.view,
            self.sequence,
            self.leader,
            self.registry.len(),
            self.seen_votes.len()
        );
        for id in ids {
            let s = &self.proposals[id];
            let mut prepares: Vec<_> = s.prepares.iter().collect();
            prepares.sort();
            let mut commits: Vec<_> = s.commits.iter().collect();
            commits.sort();
            out.push_str(&format!(
                "{id} {:?} committed={} votes={:?} prepares={prepares:?} commits={commits:?}\n",
                s.phase,
                s.committed,
                s.votes.iter().map(|v| &v.voter_id).collect::<Vec<_>>()
            ));
        }
        let mut vc: Vec<_> = self.view_changes.iter().collect();
        vc.sort_by_key(|(v, _)| **v);
        out.push_str(&format!("view_changes={vc:?}\n"));
        out
    }
}

/// Below this many signatures a batch is checked on the calling thread: a
/// thread costs tens of microseconds to start, a signature about twenty.
const MIN_PER_THREAD: usize = 256;

/// [`verify_batch`] with the items split into one contiguous share per
/// available core, each share checked as its own batch on a scoped thread.
/// The verdicts are the same as one batch's (each share falls back to
/// single checks on its own), in order.
fn verify_split(items: &[BatchItem<'_>]) -> Vec<bool> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(items.len() / MIN_PER_THREAD).max(1);
    if threads == 1 {
        return verify_batch(items);
    }
    let share = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let mut shares = items.chunks(share);
        // The calling thread checks the first share itself.
        let first = shares.next().unwrap_or_default();
        let handles: Vec<_> = shares
            .map(|chunk| scope.spawn(move || verify_batch(chunk)))
            .collect();
        let mut out = verify_batch(first);
        for h in handles {
            match h.join() {
                Ok(verdicts) => out.extend(verdicts),
                // verify_batch does not panic; if it ever did, re-raise it
                // here rather than return verdicts for too few items.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pci::{Digest, domain_digest};

    #[test]
    fn split_verdicts_equal_one_batch_with_bad_items_in_every_share() {
        let n = 2 * MIN_PER_THREAD + 3;
        let digests: Vec<Digest> = (0..n).map(|i| domain_digest(&i.to_le_bytes())).collect();
        let keys: Vec<SigningKey> = (0..n as u32)
            .map(|i| {
                let mut seed = [9u8; 32];
                seed[..4].copy_from_slice(&i.to_le_bytes());
                SigningKey::from_seed(&seed)
            })
            .collect();
        let mut sigs: Vec<Signature> = keys.iter().zip(&digests).map(|(k, d)| k.sign(d)).collect();
        for bad in [3, n / 2 + 1, n - 1] {
            sigs[bad] = keys[0].sign(&digests[0]);
        }
        let pubs: Vec<PublicKey> = keys.iter().map(SigningKey::public_key).collect();
        let items: Vec<BatchItem<'_>> = (0..n)
            .map(|i| BatchItem {
                digest: &digests[i],
                signature: &sigs[i],
                key: &pubs[i],
            })
            .collect();
        let split = verify_split(&items);
        assert_eq!(split, verify_batch(&items));
        assert_eq!(split.iter().filter(|ok| !**ok).count(), 3);
    }
}
