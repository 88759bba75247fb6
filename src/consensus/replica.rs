//! A PBFT replica driven by received consensus messages: it checks each
//! one with the engine and says what to broadcast next. The transport
//! (e.g. gossip over UDP) only moves the messages; see
//! `tests/consensus_udp.rs` for four replicas committing over real sockets.

use crate::py::PyValue;

use super::engine::ConsensusEngine;
use super::vote::{CastError, VoteError, VoteOutcome};
use super::wire::ConsensusMessage;

/// Messages held because their proposal has not arrived yet (UDP may
/// reorder); beyond this many, new ones are refused.
const MAX_WAITING: usize = 1024;

/// Why a replica refused a message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReplicaError {
    /// The engine refused it.
    #[error(transparent)]
    Vote(#[from] VoteError),
    /// This replica could not act on it (e.g. a pre-prepare of a
    /// non-leader, or a view it is not in).
    #[error(transparent)]
    Cast(#[from] CastError),
    /// A pre-prepare sent by another node than the proposer it names (the
    /// proposal itself is unsigned; the transport authenticated the sender).
    #[error("pre-prepare naming proposer {proposer_id:?} was sent by {sender_id:?}")]
    NotProposer {
        /// The authenticated sender.
        sender_id: String,
        /// The proposer named.
        proposer_id: String,
    },
    /// Too many messages wait for proposals that have not arrived.
    #[error("{MAX_WAITING} messages already wait for their proposals")]
    WaitingFull,
}

/// One replica: its engine, the network size and its Ihsān score.
pub struct Replica {
    engine: ConsensusEngine,
    nodes: usize,
    ihsan: f64,
    waiting: Vec<(String, ConsensusMessage)>,
}

type Out = Result<Vec<ConsensusMessage>, ReplicaError>;

impl Replica {
    /// A replica of a network of `nodes` voting with score `ihsan`. The
    /// engine's registry should hold every replica's key.
    pub fn new(mut engine: ConsensusEngine, nodes: usize, ihsan: f64) -> Replica {
        let leader = engine.leader_for_view(engine.current_view());
        engine.set_leader(&leader);
        Replica {
            engine,
            nodes,
            ihsan,
            waiting: Vec::new(),
        }
    }

    /// The engine.
    pub fn engine(&self) -> &ConsensusEngine {
        &self.engine
    }

    /// As leader: the pre-prepare of `pattern` and this replica's prepare.
    pub fn propose(&mut self, pattern: PyValue, now: f64) -> Out {
        let proposal = self.engine.initiate_pre_prepare(pattern, now)?;
        let prepare = self
            .engine
            .send_prepare(&proposal.proposal_id, self.ihsan)?;
        Ok(vec![
            ConsensusMessage::PrePrepare(proposal),
            ConsensusMessage::Prepare(prepare),
        ])
    }

    /// As any replica: asks for the next view.
    pub fn request_view_change(&mut self) -> Out {
        let request = self.engine.request_view_change();
        let mut out = vec![ConsensusMessage::ViewChange(request.clone())];
        // Our own request may be the one that completes the quorum.
        if self
            .engine
            .create_new_view(request.view, self.nodes)
            .is_ok()
        {
            out.extend(self.enter_view(request.view)?);
        }
        Ok(out)
    }

    fn enter_view(&mut self, view: u64) -> Out {
        let new_view = self.engine.create_new_view(view, self.nodes)?;
        if self.engine.current_view() < view {
            self.engine.receive_new_view(&new_view, self.nodes)?;
        }
        Ok(vec![ConsensusMessage::NewView(new_view)])
    }

    /// Handles `msg` from the authenticated node `sender_id` at `now`
    /// (seconds) and returns what to broadcast.
    pub fn handle(&mut self, sender_id: &str, msg: ConsensusMessage, now: f64) -> Out {
        let nodes = self.nodes;
        let waits = |e: &VoteError| matches!(e, VoteError::UnknownProposal { .. });
        match msg {
            ConsensusMessage::PrePrepare(proposal) => {
                if proposal.proposer_id != sender_id {
                    return Err(ReplicaError::NotProposer {
                        sender_id: sender_id.to_owned(),
                        proposer_id: proposal.proposer_id,
                    });
                }
                let leader = self.engine.leader_for_view(proposal.view);
                if proposal.view != self.engine.current_view() || proposal.proposer_id != leader {
                    return Err(CastError::NotLeader {
                        node_id: proposal.proposer_id,
                        view: proposal.view,
                    }
                    .into());
                }
                let id = proposal.proposal_id.clone();
                self.engine.accept_proposal(proposal, now)?;
                let mut out = vec![ConsensusMessage::Prepare(
                    self.engine.send_prepare(&id, self.ihsan)?,
                )];
                // Replay what arrived before the proposal, in order.
                let held = std::mem::take(&mut self.waiting);
                for (sender, m) in held {
                    if let Ok(more) = self.handle(&sender, m, now) {
                        out.extend(more);
                    }
                }
                Ok(out)
            }
            ConsensusMessage::Prepare(m) => match self.engine.receive_prepare(&m, nodes) {
                Ok(VoteOutcome::QuorumReached) => {
                    let commit = self.engine.send_commit(&m.proposal_id)?;
                    self.engine.try_commit(&m.proposal_id, nodes)?;
                    Ok(vec![ConsensusMessage::Commit(commit)])
                }
                Ok(VoteOutcome::Recorded { .. }) => Ok(Vec::new()),
                Err(e) if waits(&e) => self.wait(sender_id, ConsensusMessage::Prepare(m)),
                Err(e) => Err(e.into()),
            },
            ConsensusMessage::Commit(m) => match self.engine.receive_commit(&m, nodes) {
                Ok(_) => Ok(Vec::new()),
                Err(e) if waits(&e) => self.wait(sender_id, ConsensusMessage::Commit(m)),
                Err(e) => Err(e.into()),
            },
            ConsensusMessage::Vote(v) => match self.engine.receive_vote(&v, nodes) {
                Ok(_) => Ok(Vec::new()),
                Err(e) if waits(&e) => self.wait(sender_id, ConsensusMessage::Vote(v)),
                Err(e) => Err(e.into()),
            },
            ConsensusMessage::ViewChange(request) => {
                self.engine.receive_view_change(&request, nodes)?;
                if self.engine.leader_for_view(request.view) == self.engine.node_id() {
                    // Leads the requested view: announce it once a quorum asked.
                    return match self.enter_view(request.view) {
                        Ok(out) => Ok(out),
                        Err(ReplicaError::Cast(CastError::NoViewChangeQuorum { .. })) => {
                            Ok(Vec::new())
                        }
                        Err(e) => Err(e),
                    };
                }
                Ok(Vec::new())
            }
            ConsensusMessage::NewView(new_view) => {
                self.engine.receive_new_view(&new_view, nodes)?;
                Ok(Vec::new())
            }
        }
    }

    fn wait(&mut self, sender_id: &str, msg: ConsensusMessage) -> Out {
        if self.waiting.len() >= MAX_WAITING {
            return Err(ReplicaError::WaitingFull);
        }
        self.waiting.push((sender_id.to_owned(), msg));
        Ok(Vec::new())
    }
}
