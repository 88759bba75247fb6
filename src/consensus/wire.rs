//! Consensus messages as gossip payloads: what a PROPOSE, VOTE or COMMIT
//! carries, and the decoding of a received one into a typed message.
//!
//! Every payload is a JSON object with a `kind` naming the message:
//!
//! | gossip type | `kind`        | fields                                                                 |
//! | ----------- | ------------- | ---------------------------------------------------------------------- |
//! | `PROPOSE`   | `pre_prepare` | `proposal_id`, `proposer_id`, `pattern` (any JSON), `timestamp` (float), `view`, `sequence` |
//! | `VOTE`      | `vote`        | `proposal_id`, `voter_id`, `signature`, `voter_key`, `ihsan_score` (float) |
//! | `VOTE`      | `prepare`     | `proposal_id`, `replica_id`, `view`, `sequence`, `digest`, `signature`  |
//! | `VOTE`      | `view_change` | `view`, `requester_id`, `signature`, `prepared` (list of ids)           |
//! | `COMMIT`    | `commit`      | as `prepare`                                                            |
//! | `COMMIT`    | `new_view`    | `view`, `leader_id`, `signature`, `view_changes` (list of `view_change` objects without `kind`) |
//!
//! Integers are non-negative and fit in 64 bits. Other keys are ignored:
//! the gossip layer adds the sender's own `public_key`, which is why a
//! vote's key travels as `voter_key` (a relayed vote's key is not the
//! sender's). The gossip signature
//! authenticates the sender; the consensus signatures inside are checked by
//! the engine against its registry, as for any vote.

use crate::gossip::{GossipMessage, MsgType, Payload};
use crate::py::{PyInt, PyValue};

use super::pbft::NewView;
use super::vote::{PhaseMessage, Proposal, ViewChange, Vote};

/// A consensus message carried by gossip.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsensusMessage {
    /// A proposal (PBFT pre-prepare).
    PrePrepare(Proposal),
    /// A plain signed vote.
    Vote(Vote),
    /// A PBFT PREPARE.
    Prepare(PhaseMessage),
    /// A PBFT COMMIT.
    Commit(PhaseMessage),
    /// A request to move to the next view.
    ViewChange(ViewChange),
    /// The new leader's proof that a quorum asked for its view.
    NewView(NewView),
}

/// Why a gossip message is not a well-formed consensus message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The gossip type carries no consensus message.
    #[error("a {msg_type} message carries no consensus payload")]
    NotConsensus {
        /// The gossip message type.
        msg_type: MsgType,
    },
    /// `kind` is missing or unknown for this gossip type.
    #[error("{msg_type} payload: kind {kind:?} is not one of {expected}")]
    Kind {
        /// The gossip message type.
        msg_type: MsgType,
        /// The kind found (empty when missing; cut to 64 characters).
        kind: String,
        /// The kinds this type may carry.
        expected: &'static str,
    },
    /// A field is missing or has the wrong type or range.
    #[error("{kind} payload: field {field:?} {problem}")]
    Field {
        /// The message kind.
        kind: &'static str,
        /// The field.
        field: &'static str,
        /// What is wrong, e.g. "is missing", "is not a string".
        problem: &'static str,
    },
}

type Result<T> = std::result::Result<T, PayloadError>;

impl ConsensusMessage {
    /// The gossip type and payload that carry this message.
    pub fn to_payload(&self) -> (MsgType, Payload) {
        match self {
            ConsensusMessage::PrePrepare(p) => (
                MsgType::Propose,
                vec![
                    kind("pre_prepare"),
                    s("proposal_id", &p.proposal_id),
                    s("proposer_id", &p.proposer_id),
                    ("pattern".into(), p.pattern.clone()),
                    ("timestamp".into(), PyValue::Float(p.timestamp)),
                    n("view", p.view),
                    n("sequence", p.sequence),
                ],
            ),
            ConsensusMessage::Vote(v) => (
                MsgType::Vote,
                vec![
                    kind("vote"),
                    s("proposal_id", &v.proposal_id),
                    s("voter_id", &v.voter_id),
                    s("signature", &v.signature),
                    s("voter_key", &v.public_key),
                    ("ihsan_score".into(), PyValue::Float(v.ihsan_score)),
                ],
            ),
            ConsensusMessage::Prepare(m) => (MsgType::Vote, phase_payload("prepare", m)),
            ConsensusMessage::Commit(m) => (MsgType::Commit, phase_payload("commit", m)),
            ConsensusMessage::ViewChange(vc) => {
                let mut p = vec![kind("view_change")];
                p.extend(view_change_fields(vc));
                (MsgType::Vote, p)
            }
            ConsensusMessage::NewView(nv) => (
                MsgType::Commit,
                vec![
                    kind("new_view"),
                    n("view", nv.view),
                    s("leader_id", &nv.leader_id),
                    s("signature", &nv.signature),
                    (
                        "view_changes".into(),
                        PyValue::List(
                            nv.view_changes
                                .iter()
                                .map(|vc| PyValue::Dict(view_change_fields(vc)))
                                .collect(),
                        ),
                    ),
                ],
            ),
        }
    }

    /// Decodes the consensus message a gossip message carries.
    pub fn from_gossip(msg: &GossipMessage) -> Result<ConsensusMessage> {
        let kind_text = match get(&msg.payload, "kind") {
            Some(PyValue::Str(k)) => k.as_str(),
            _ => "",
        };
        let bad_kind = |expected| PayloadError::Kind {
            msg_type: msg.msg_type,
            kind: kind_text.chars().take(64).collect(),
            expected,
        };
        let p = &msg.payload;
        match msg.msg_type {
            MsgType::Propose => match kind_text {
                "pre_prepare" => {
                    let f = Fields("pre_prepare", p);
                    Ok(ConsensusMessage::PrePrepare(Proposal {
                        proposal_id: f.str("proposal_id")?,
                        proposer_id: f.str("proposer_id")?,
                        pattern: f.get("pattern")?.clone(),
                        timestamp: f.float("timestamp")?,
                        view: f.u64("view")?,
                        sequence: f.u64("sequence")?,
                    }))
                }
                _ => Err(bad_kind("pre_prepare")),
            },
            MsgType::Vote => match kind_text {
                "vote" => {
                    let f = Fields("vote", p);
                    Ok(ConsensusMessage::Vote(Vote {
                        proposal_id: f.str("proposal_id")?,
                        voter_id: f.str("voter_id")?,
                        signature: f.str("signature")?,
                        public_key: f.str("voter_key")?,
                        ihsan_score: f.float("ihsan_score")?,
                    }))
                }
                "prepare" => Ok(ConsensusMessage::Prepare(phase(Fields("prepare", p))?)),
                "view_change" => Ok(ConsensusMessage::ViewChange(view_change(Fields(
                    "view_change",
                    p,
                ))?)),
                _ => Err(bad_kind("vote, prepare, view_change")),
            },
            MsgType::Commit => match kind_text {
                "commit" => Ok(ConsensusMessage::Commit(phase(Fields("commit", p))?)),
                "new_view" => {
                    let f = Fields("new_view", p);
                    let PyValue::List(items) = f.get("view_changes")? else {
                        return Err(f.err("view_changes", "is not a list"));
                    };
                    let view_changes = items
                        .iter()
                        .map(|item| match item {
                            PyValue::Dict(entries) => view_change(Fields("new_view", entries)),
                            _ => Err(f.err("view_changes", "holds a non-object")),
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok(ConsensusMessage::NewView(NewView {
                        view: f.u64("view")?,
                        leader_id: f.str("leader_id")?,
                        signature: f.str("signature")?,
                        view_changes,
                    }))
                }
                _ => Err(bad_kind("commit, new_view")),
            },
            other => Err(PayloadError::NotConsensus { msg_type: other }),
        }
    }
}

fn kind(k: &str) -> (String, PyValue) {
    s("kind", k)
}

fn s(key: &str, value: &str) -> (String, PyValue) {
    (key.into(), PyValue::Str(value.into()))
}

fn n(key: &str, value: u64) -> (String, PyValue) {
    let int = match i64::try_from(value) {
        Ok(v) => PyInt::from(v),
        Err(_) => value
            .to_string()
            .parse()
            .expect("a u64's decimal text is an integer"),
    };
    (key.into(), PyValue::Int(int))
}

fn phase_payload(k: &str, m: &PhaseMessage) -> Payload {
    vec![
        kind(k),
        s("proposal_id", &m.proposal_id),
        s("replica_id", &m.replica_id),
        n("view", m.view),
        n("sequence", m.sequence),
        s("digest", &m.digest),
        s("signature", &m.signature),
    ]
}

fn view_change_fields(vc: &ViewChange) -> Vec<(String, PyValue)> {
    vec![
        n("view", vc.view),
        s("requester_id", &vc.requester_id),
        s("signature", &vc.signature),
        (
            "prepared".into(),
            PyValue::List(
                vc.prepared
                    .iter()
                    .map(|id| PyValue::Str(id.clone()))
                    .collect(),
            ),
        ),
    ]
}

fn get<'a>(entries: &'a [(String, PyValue)], key: &str) -> Option<&'a PyValue> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The fields of one payload object, with errors naming the kind.
struct Fields<'a>(&'static str, &'a [(String, PyValue)]);

impl Fields<'_> {
    fn err(&self, field: &'static str, problem: &'static str) -> PayloadError {
        PayloadError::Field {
            kind: self.0,
            field,
            problem,
        }
    }

    fn get(&self, field: &'static str) -> Result<&PyValue> {
        get(self.1, field).ok_or_else(|| self.err(field, "is missing"))
    }

    fn str(&self, field: &'static str) -> Result<String> {
        match self.get(field)? {
            PyValue::Str(v) => Ok(v.clone()),
            _ => Err(self.err(field, "is not a string")),
        }
    }

    fn float(&self, field: &'static str) -> Result<f64> {
        match self.get(field)? {
            PyValue::Float(v) => Ok(*v),
            // Python writes 1.0 as 1.0, but a hand-written int is a number too.
            PyValue::Int(v) => v
                .to_string()
                .parse::<i64>()
                .map(|v| v as f64)
                .map_err(|_| self.err(field, "is out of range")),
            _ => Err(self.err(field, "is not a number")),
        }
    }

    fn u64(&self, field: &'static str) -> Result<u64> {
        match self.get(field)? {
            PyValue::Int(v) => v
                .to_string()
                .parse::<u64>()
                .map_err(|_| self.err(field, "is not an integer in 0..2^64")),
            _ => Err(self.err(field, "is not an integer")),
        }
    }
}

fn phase(f: Fields<'_>) -> Result<PhaseMessage> {
    Ok(PhaseMessage {
        proposal_id: f.str("proposal_id")?,
        replica_id: f.str("replica_id")?,
        view: f.u64("view")?,
        sequence: f.u64("sequence")?,
        digest: f.str("digest")?,
        signature: f.str("signature")?,
    })
}

fn view_change(f: Fields<'_>) -> Result<ViewChange> {
    let PyValue::List(items) = f.get("prepared")? else {
        return Err(f.err("prepared", "is not a list"));
    };
    let prepared = items
        .iter()
        .map(|v| match v {
            PyValue::Str(id) => Ok(id.clone()),
            _ => Err(f.err("prepared", "holds a non-string")),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ViewChange {
        view: f.u64("view")?,
        requester_id: f.str("requester_id")?,
        signature: f.str("signature")?,
        prepared,
    })
}
