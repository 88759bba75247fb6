//! Errors of the session DAG.

use super::SessionState;

/// Why a DAG operation was refused. The DAG is left unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DagError {
    /// A state name the reference does not know.
    #[error("unknown session state {0:?}")]
    UnknownState(String),
    /// A standard transition the reference forbids.
    #[error("transition {from} -> {to} is not allowed (allowed from {from}: {allowed})")]
    ForbiddenTransition {
        /// The parent's state.
        from: SessionState,
        /// The requested state.
        to: SessionState,
        /// The allowed successors, for the message.
        allowed: String,
    },
    /// A parent hash that names no node of this DAG.
    #[error("unknown parent node {0}")]
    UnknownParent(String),
    /// A node hash that names no node of this DAG.
    #[error("unknown node {0}")]
    UnknownNode(String),
    /// The same parent named twice.
    #[error("parent {0} is named more than once")]
    DuplicateParent(String),
    /// A node with the same hash (same parents, state, data and time) exists.
    #[error("node {0} already exists")]
    DuplicateNode(String),
    /// A merge needs at least two distinct parents.
    #[error("a merge needs at least two parents, got {0}")]
    MergeNeedsTwoParents(usize),
    /// Node data must be a dict, as in the reference.
    #[error("node data must be a dict, got {0}")]
    DataNotADict(String),
}
