//! The session DAG: every state a session passes through is a node, hashed
//! over its parents, state, data and time as the reference hashes it.
//!
//! Sessions advance by standard transitions (checked against the
//! reference's table), branch from any earlier node, merge branches and
//! roll back to an earlier state. Lineage follows each node's *primary*
//! parent (the first one given, like git's first parent); every node keeps
//! one jump pointer on that chain (Myers' skew-binary scheme), so lineage
//! queries cost O(log n) and memory stays O(1) per node.
//!
//! ```
//! use bizra::py::PyValue;
//! use bizra::session_dag::{SessionDag, SessionState};
//!
//! let mut dag = SessionDag::new();
//! let root = dag.genesis(SessionState::Init, PyValue::Dict(vec![]), "2026-02-03T12:00:00+00:00")?;
//! let next = dag.transition(&root, SessionState::Active, PyValue::Dict(vec![]), "2026-02-03T12:00:01+00:00")?;
//! assert!(dag.is_ancestor(&root, &next)?);
//! assert!(dag.transition(&next, SessionState::Init, PyValue::Dict(vec![]), "2026-02-03T12:00:02+00:00").is_err());
//! # Ok::<(), bizra::session_dag::DagError>(())
//! ```

mod dag;
mod error;
mod hash;
mod state;

pub use dag::{Node, NodeId, SessionDag};
pub use error::DagError;
pub use hash::{data_hash, node_hash};
pub use state::SessionState;
