//! The PBFT path: pre-prepare, prepare, commit, view change and timeouts
//! (Castro and Liskov 1999), with the same registry and signature checks
//! as plain votes.

use crate::pci::{Digest, Signature, domain_digest, verify};
use crate::py::PyValue;

use super::engine::{ConsensusEngine, ProposalState};
use super::quorum::quorum_size;
use super::vote::{
    CastError, IHSAN_THRESHOLD, Phase, PhaseMessage, Proposal, ViewChange, VoteError, VoteOutcome,
    clip,
};

/// The reference's default round timeout.
pub const DEFAULT_TIMEOUT_SECS: f64 = 5.0;

fn view_change_digest(view: u64, requester: &str, prepared: &[String]) -> Digest {
    domain_digest(format!("VIEW-CHANGE:{view}:{requester}:{}", prepared.join(",")).as_bytes())
}

fn new_view_digest(view: u64, leader: &str, requests: &[ViewChange]) -> Digest {
    let ids: Vec<&str> = requests.iter().map(|r| r.requester_id.as_str()).collect();
    domain_digest(format!("NEW-VIEW:{view}:{leader}:{}", ids.join(",")).as_bytes())
}

/// PBFT's NEW-VIEW: the leader of `view` shows the quorum of view-change
/// requests that elected it, so a replica that missed some of them still
/// moves to the view. Signed by the leader over
/// `BLAKE3dom("NEW-VIEW:{view}:{leader}:{requester,...}")`, requesters in
/// the order carried (sorted when this port writes one).
#[derive(Debug, Clone, PartialEq)]
pub struct NewView {
    /// The view being entered.
    pub view: u64,
    /// Its leader, the sender.
    pub leader_id: String,
    /// Hex signature of the leader.
    pub signature: String,
    /// The view-change requests for `view`, each signed by its requester.
    pub view_changes: Vec<ViewChange>,
}

/// Which PBFT phase message is being received.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    Prepare,
    Commit,
}

impl ConsensusEngine {
    /// The leader of `view`: `sorted(peers)[view % n]` over registered ids.
    pub fn leader_for_view(&self, view: u64) -> String {
        let ids = self.registry.sorted_ids();
        if ids.is_empty() {
            return self.node_id.clone();
        }
        ids[(view % ids.len() as u64) as usize].to_owned()
    }

    /// The current view.
    pub fn current_view(&self) -> u64 {
        self.view
    }

    /// Sets the current leader.
    pub fn set_leader(&mut self, leader_id: &str) {
        self.leader = Some(leader_id.to_owned());
    }

    /// Whether this node is the current leader.
    pub fn is_leader(&self) -> bool {
        self.leader.as_deref() == Some(self.node_id.as_str())
    }

    /// The leader's pre-prepare: a proposal in the current view.
    pub fn initiate_pre_prepare(
        &mut self,
        pattern: PyValue,
        now: f64,
    ) -> Result<Proposal, CastError> {
        if !self.is_leader() {
            return Err(CastError::NotLeader {
                node_id: self.node_id.clone(),
                view: self.view,
            });
        }
        self.propose_pattern(pattern, now)
    }

    /// This replica's PREPARE for a known proposal, recorded locally.
    pub fn send_prepare(
        &mut self,
        proposal_id: &str,
        ihsan: f64,
    ) -> Result<PhaseMessage, CastError> {
        if ihsan.is_nan() || ihsan < IHSAN_THRESHOLD {
            return Err(CastError::IhsanTooLow { score: ihsan });
        }
        let view = self.view;
        let Some(state) = self.proposals.get_mut(proposal_id) else {
            return Err(CastError::WrongPhase {
                proposal_id: proposal_id.to_owned(),
                needed: Phase::PrePrepare,
            });
        };
        if state.proposal.view != view {
            return Err(CastError::ViewMismatch {
                got: state.proposal.view,
                current: view,
            });
        }
        let signature = self.key.sign(&state.digests.pattern).to_hex();
        state
            .prepares
            .insert(self.node_id.clone(), signature.clone());
        Ok(own_message(
            &self.node_id,
            proposal_id,
            view,
            state,
            signature,
        ))
    }

    /// This replica's COMMIT, once the proposal has a prepare quorum.
    pub fn send_commit(&mut self, proposal_id: &str) -> Result<PhaseMessage, CastError> {
        let view = self.view;
        let state = match self.proposals.get_mut(proposal_id) {
            Some(s) if s.phase == Phase::Prepare => s,
            _ => {
                return Err(CastError::WrongPhase {
                    proposal_id: proposal_id.to_owned(),
                    needed: Phase::Prepare,
                });
            }
        };
        let signature = self.key.sign(&state.digests.commit).to_hex();
        state
            .commits
            .insert(self.node_id.clone(), signature.clone());
        Ok(own_message(
            &self.node_id,
            proposal_id,
            view,
            state,
            signature,
        ))
    }

    /// Records a PREPARE. Quorum moves the proposal to [`Phase::Prepare`]
    /// (reported once as [`VoteOutcome::QuorumReached`]).
    pub fn receive_prepare(
        &mut self,
        msg: &PhaseMessage,
        node_count: usize,
    ) -> Result<VoteOutcome, VoteError> {
        self.receive_phase(msg, node_count, Step::Prepare)
    }

    /// Records a COMMIT. Quorum commits the proposal (once).
    pub fn receive_commit(
        &mut self,
        msg: &PhaseMessage,
        node_count: usize,
    ) -> Result<VoteOutcome, VoteError> {
        self.receive_phase(msg, node_count, Step::Commit)
    }

    fn receive_phase(
        &mut self,
        msg: &PhaseMessage,
        node_count: usize,
        step: Step,
    ) -> Result<VoteOutcome, VoteError> {
        let quorum = quorum_size(node_count)?;
        let Some(state) = self.proposals.get(&msg.proposal_id) else {
            return Err(VoteError::UnknownProposal {
                proposal_id: clip(&msg.proposal_id),
            });
        };
        let Some(key) = self.registry.key(&msg.replica_id) else {
            return Err(VoteError::Unregistered {
                voter_id: clip(&msg.replica_id),
            });
        };
        if msg.view != self.view {
            return Err(VoteError::ViewMismatch {
                got: msg.view,
                current: self.view,
            });
        }
        if msg.digest != state.digests.pattern.to_hex() {
            return Err(VoteError::DigestMismatch {
                got: clip(&msg.digest),
            });
        }
        let signed = match step {
            Step::Prepare => &state.digests.pattern,
            Step::Commit => &state.digests.commit,
        };
        let ok = msg
            .signature
            .parse::<Signature>()
            .is_ok_and(|sig| verify(signed, &sig, key));
        if !ok {
            return Err(VoteError::BadSignature {
                voter_id: clip(&msg.replica_id),
            });
        }
        let state = self
            .proposals
            .get_mut(&msg.proposal_id)
            .expect("checked above");
        let book = match step {
            Step::Prepare => &mut state.prepares,
            Step::Commit => &mut state.commits,
        };
        if book.contains_key(&msg.replica_id) {
            return Err(VoteError::DoubleVote {
                voter_id: clip(&msg.replica_id),
            });
        }
        book.insert(msg.replica_id.clone(), msg.signature.clone());
        let count = book.len();
        match step {
            Step::Prepare if count >= quorum && state.phase == Phase::PrePrepare => {
                state.phase = Phase::Prepare;
                Ok(VoteOutcome::QuorumReached)
            }
            Step::Commit
                if count >= quorum && state.phase == Phase::Prepare && !state.committed =>
            {
                state.phase = Phase::Committed;
                state.committed = true;
                Ok(VoteOutcome::QuorumReached)
            }
            _ => Ok(VoteOutcome::Recorded { count, quorum }),
        }
    }

    /// Asks to move to the next view, naming the proposals prepared here
    /// but not committed; the request counts as this node's own.
    pub fn request_view_change(&mut self) -> ViewChange {
        let view = self.view + 1;
        let mut prepared: Vec<String> = self
            .proposals
            .iter()
            .filter(|(_, s)| matches!(s.phase, Phase::Prepare | Phase::Commit) && !s.committed)
            .map(|(id, _)| id.clone())
            .collect();
        // The reference lists them in dict order; sorted is deterministic.
        prepared.sort();
        let signature = self
            .key
            .sign(&view_change_digest(view, &self.node_id, &prepared))
            .to_hex();
        let request = ViewChange {
            view,
            requester_id: self.node_id.clone(),
            signature,
            prepared,
        };
        self.view_changes
            .entry(view)
            .or_default()
            .push(request.clone());
        request
    }

    /// Records a view-change request; at quorum the view advances and the
    /// leader becomes [`leader_for_view`](Self::leader_for_view).
    pub fn receive_view_change(
        &mut self,
        request: &ViewChange,
        node_count: usize,
    ) -> Result<VoteOutcome, VoteError> {
        let quorum = quorum_size(node_count)?;
        let Some(key) = self.registry.key(&request.requester_id) else {
            return Err(VoteError::Unregistered {
                voter_id: clip(&request.requester_id),
            });
        };
        let digest = view_change_digest(request.view, &request.requester_id, &request.prepared);
        if !request
            .signature
            .parse::<Signature>()
            .is_ok_and(|s| verify(&digest, &s, key))
        {
            return Err(VoteError::BadSignature {
                voter_id: clip(&request.requester_id),
            });
        }
        let requests = self.view_changes.entry(request.view).or_default();
        if requests
            .iter()
            .any(|r| r.requester_id == request.requester_id)
        {
            return Err(VoteError::DoubleVote {
                voter_id: clip(&request.requester_id),
            });
        }
        requests.push(request.clone());
        let count = requests.len();
        if count >= quorum && request.view > self.view {
            self.view = request.view;
            let leader = self.leader_for_view(self.view);
            self.set_leader(&leader);
            return Ok(VoteOutcome::QuorumReached);
        }
        Ok(VoteOutcome::Recorded { count, quorum })
    }

    /// Commits the proposal if it is prepared and already holds a quorum
    /// of commits: commits from other replicas may arrive before this one
    /// prepared (and sent its own), and none may follow. Returns whether
    /// this call committed it.
    pub fn try_commit(&mut self, proposal_id: &str, node_count: usize) -> Result<bool, VoteError> {
        let quorum = quorum_size(node_count)?;
        match self.proposals.get_mut(proposal_id) {
            Some(s) if s.phase == Phase::Prepare && !s.committed && s.commits.len() >= quorum => {
                s.phase = Phase::Committed;
                s.committed = true;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// This node's NEW-VIEW for `view`: it must lead that view and hold a
    /// quorum of view-change requests for it (its own included).
    pub fn create_new_view(&self, view: u64, node_count: usize) -> Result<NewView, CastError> {
        let quorum = quorum_size(node_count)?;
        if self.leader_for_view(view) != self.node_id {
            return Err(CastError::NotLeader {
                node_id: self.node_id.clone(),
                view,
            });
        }
        let mut requests = self.view_changes.get(&view).cloned().unwrap_or_default();
        if requests.len() < quorum {
            return Err(CastError::NoViewChangeQuorum {
                view,
                count: requests.len(),
                quorum,
            });
        }
        requests.sort_by(|a, b| a.requester_id.cmp(&b.requester_id));
        let signature = self
            .key
            .sign(&new_view_digest(view, &self.node_id, &requests))
            .to_hex();
        Ok(NewView {
            view,
            leader_id: self.node_id.clone(),
            signature,
            view_changes: requests,
        })
    }

    /// Enters the view of a NEW-VIEW after checking, in order: the view is
    /// ahead of ours, the sender leads it, the sender is registered and
    /// signed it, and it carries a quorum of distinct requests for that
    /// view, each from a registered replica and correctly signed. The
    /// requests are recorded as if received. A refused NEW-VIEW changes
    /// nothing.
    pub fn receive_new_view(
        &mut self,
        msg: &NewView,
        node_count: usize,
    ) -> Result<VoteOutcome, VoteError> {
        let quorum = quorum_size(node_count)?;
        if msg.view <= self.view {
            return Err(VoteError::ViewMismatch {
                got: msg.view,
                current: self.view,
            });
        }
        let leader = self.leader_for_view(msg.view);
        if msg.leader_id != leader {
            return Err(VoteError::NotLeader {
                sender_id: clip(&msg.leader_id),
                view: msg.view,
                leader_id: clip(&leader),
            });
        }
        let Some(key) = self.registry.key(&msg.leader_id) else {
            return Err(VoteError::Unregistered {
                voter_id: clip(&msg.leader_id),
            });
        };
        let digest = new_view_digest(msg.view, &msg.leader_id, &msg.view_changes);
        if !msg
            .signature
            .parse::<Signature>()
            .is_ok_and(|s| verify(&digest, &s, key))
        {
            return Err(VoteError::BadSignature {
                voter_id: clip(&msg.leader_id),
            });
        }
        let mut requesters: Vec<&str> = Vec::with_capacity(msg.view_changes.len());
        for r in &msg.view_changes {
            if r.view != msg.view {
                return Err(VoteError::ViewMismatch {
                    got: r.view,
                    current: msg.view,
                });
            }
            let Some(key) = self.registry.key(&r.requester_id) else {
                return Err(VoteError::Unregistered {
                    voter_id: clip(&r.requester_id),
                });
            };
            let digest = view_change_digest(r.view, &r.requester_id, &r.prepared);
            if !r
                .signature
                .parse::<Signature>()
                .is_ok_and(|s| verify(&digest, &s, key))
            {
                return Err(VoteError::BadSignature {
                    voter_id: clip(&r.requester_id),
                });
            }
            if requesters.contains(&r.requester_id.as_str()) {
                return Err(VoteError::DoubleVote {
                    voter_id: clip(&r.requester_id),
                });
            }
            requesters.push(&r.requester_id);
        }
        if requesters.len() < quorum {
            return Err(VoteError::NoQuorum {
                count: requesters.len(),
                quorum,
            });
        }
        let known = self.view_changes.entry(msg.view).or_default();
        for r in &msg.view_changes {
            if !known.iter().any(|k| k.requester_id == r.requester_id) {
                known.push(r.clone());
            }
        }
        self.view = msg.view;
        self.set_leader(&leader);
        Ok(VoteOutcome::QuorumReached)
    }

    /// Aborts every open round older than `timeout_secs` at `now` and
    /// returns their ids (sorted), the cue for a view change.
    pub fn check_timeouts(&mut self, now: f64, timeout_secs: f64) -> Vec<String> {
        let mut timed_out: Vec<String> = self
            .proposals
            .iter_mut()
            .filter(|(_, s)| {
                !matches!(s.phase, Phase::Committed | Phase::Aborted)
                    && now - s.started_at > timeout_secs
            })
            .map(|(id, s)| {
                s.phase = Phase::Aborted;
                id.clone()
            })
            .collect();
        timed_out.sort();
        timed_out
    }
}

/// This replica's PREPARE or COMMIT for `state`: both carry the pattern
/// digest and differ only in what the signature covers.
fn own_message(
    node_id: &str,
    proposal_id: &str,
    view: u64,
    state: &ProposalState,
    signature: String,
) -> PhaseMessage {
    PhaseMessage {
        proposal_id: proposal_id.to_owned(),
        replica_id: node_id.to_owned(),
        view,
        sequence: state.proposal.sequence,
        digest: state.digests.pattern.to_hex(),
        signature,
    }
}
