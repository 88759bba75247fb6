//! The DAG store, its operations and O(log n) lineage queries.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, DefaultHasher};

use super::{DagError, SessionState, node_hash};
use crate::py::PyValue;

/// Index of a node in its DAG (dense, in insertion order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(u32);

impl NodeId {
    /// The dense index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One node of the session DAG.
#[derive(Debug, Clone)]
pub struct Node {
    /// The reference's node hash (64 hex chars).
    pub hash: String,
    /// Parents in the order given; the first is the primary parent.
    pub parents: Vec<NodeId>,
    /// The session state at this node.
    pub state: SessionState,
    /// The node's data (a dict).
    pub data: PyValue,
    /// ISO-8601 time of the node, as hashed.
    pub timestamp: String,
    /// Length of the primary-parent chain down to a root.
    pub depth: u32,
    /// An ancestor on the primary chain (Myers' skew-binary jump).
    jump: NodeId,
}

/// A session DAG.
#[derive(Debug, Clone, Default)]
pub struct SessionDag {
    nodes: Vec<Node>,
    /// Keyed by SHA-256 digests the DAG computes itself, so a fixed hasher
    /// is safe from flooding, and the same inputs take the same
    /// instructions in every process (a randomly seeded table moved the
    /// instruction counts of `add` by up to 0.4 % from run to run).
    by_hash: HashMap<String, NodeId, BuildHasherDefault<DefaultHasher>>,
    head: Option<NodeId>,
}

impl SessionDag {
    /// An empty DAG.
    pub fn new() -> SessionDag {
        SessionDag::default()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the DAG has no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The most recently added node, where the session stands now.
    pub fn head(&self) -> Option<&Node> {
        self.head.map(|id| &self.nodes[id.index()])
    }

    /// The node with this hash.
    pub fn get(&self, hash: &str) -> Option<&Node> {
        self.by_hash.get(hash).map(|id| &self.nodes[id.index()])
    }

    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index()]
    }

    /// The id of the node with this hash.
    pub fn id(&self, hash: &str) -> Result<NodeId, DagError> {
        self.by_hash
            .get(hash)
            .copied()
            .ok_or_else(|| DagError::UnknownNode(hash.to_owned()))
    }

    /// Adds a node with the given parents (hashes, primary first) without
    /// checking the transition: the low-level form the operations below
    /// build on. Returns the new node's hash.
    pub fn add_node(
        &mut self,
        parents: &[&str],
        state: SessionState,
        data: PyValue,
        timestamp: &str,
    ) -> Result<String, DagError> {
        if !matches!(data, PyValue::Dict(_)) {
            return Err(DagError::DataNotADict(data.repr()));
        }
        let mut ids = Vec::with_capacity(parents.len());
        for (i, p) in parents.iter().enumerate() {
            let id = *self
                .by_hash
                .get(*p)
                .ok_or_else(|| DagError::UnknownParent((*p).to_owned()))?;
            if parents[..i].contains(p) {
                return Err(DagError::DuplicateParent((*p).to_owned()));
            }
            ids.push(id);
        }
        let hash = node_hash(parents, state.as_str(), &data, timestamp);
        if self.by_hash.contains_key(&hash) {
            return Err(DagError::DuplicateNode(hash));
        }
        let id = NodeId(self.nodes.len() as u32);
        let (depth, jump) = match ids.first() {
            None => (0, id),
            Some(&parent) => {
                let p = &self.nodes[parent.index()];
                let j = &self.nodes[p.jump.index()];
                let jj = &self.nodes[j.jump.index()];
                // Myers (1983): jump twice as far when the parent's two
                // jumps span equal distances, else jump to the parent.
                let jump = if p.depth - j.depth == j.depth - jj.depth {
                    j.jump
                } else {
                    parent
                };
                (p.depth + 1, jump)
            }
        };
        self.nodes.push(Node {
            hash: hash.clone(),
            parents: ids,
            state,
            data,
            timestamp: timestamp.to_owned(),
            depth,
            jump,
        });
        self.by_hash.insert(hash.clone(), id);
        self.head = Some(id);
        Ok(hash)
    }

    /// Starts a session: a root node with no parent.
    pub fn genesis(
        &mut self,
        state: SessionState,
        data: PyValue,
        timestamp: &str,
    ) -> Result<String, DagError> {
        self.add_node(&[], state, data, timestamp)
    }

    fn check_transition(&self, from: &str, to: SessionState) -> Result<(), DagError> {
        let from_state = self.nodes[self.id(from)?.index()].state;
        if from_state.can_transition_to(to) {
            Ok(())
        } else {
            Err(DagError::ForbiddenTransition {
                from: from_state,
                to,
                allowed: from_state
                    .successors()
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
        }
    }

    /// A standard transition: a child of `from` in state `to`, refused when
    /// the reference's table does not allow `from`'s state to go to `to`.
    /// `from` may be any node: a transition from an earlier node branches.
    pub fn transition(
        &mut self,
        from: &str,
        to: SessionState,
        data: PyValue,
        timestamp: &str,
    ) -> Result<String, DagError> {
        self.check_transition(from, to)?;
        self.add_node(&[from], to, data, timestamp)
    }

    /// A branch: a standard transition from an earlier node (an alias of
    /// [`SessionDag::transition`] that reads better at call sites).
    pub fn branch(
        &mut self,
        from: &str,
        to: SessionState,
        data: PyValue,
        timestamp: &str,
    ) -> Result<String, DagError> {
        self.transition(from, to, data, timestamp)
    }

    /// Joins branches: a node with every one of `parents` (primary first),
    /// in state `to`, which must be a standard transition from the primary
    /// parent's state.
    pub fn merge(
        &mut self,
        parents: &[&str],
        to: SessionState,
        data: PyValue,
        timestamp: &str,
    ) -> Result<String, DagError> {
        if parents.len() < 2 {
            return Err(DagError::MergeNeedsTwoParents(parents.len()));
        }
        self.check_transition(parents[0], to)?;
        self.add_node(parents, to, data, timestamp)
    }

    /// Rolls back to `target`: a new child of `target` that restores its
    /// state (not a standard transition, so not checked against the table).
    pub fn rollback(
        &mut self,
        target: &str,
        data: PyValue,
        timestamp: &str,
    ) -> Result<String, DagError> {
        let state = self.nodes[self.id(target)?.index()].state;
        self.add_node(&[target], state, data, timestamp)
    }

    /// The ancestor of `node` at `depth` on its primary chain (`None` when
    /// `depth` is below the node). O(log n).
    pub fn ancestor_at_depth(&self, node: NodeId, depth: u32) -> Option<NodeId> {
        let mut x = node;
        if self.nodes[x.index()].depth < depth {
            return None;
        }
        while self.nodes[x.index()].depth > depth {
            let n = &self.nodes[x.index()];
            x = if self.nodes[n.jump.index()].depth >= depth {
                n.jump
            } else {
                n.parents[0]
            };
        }
        Some(x)
    }

    /// Whether `ancestor` lies on `node`'s primary chain (a node is its own
    /// ancestor). O(log n).
    pub fn is_ancestor(&self, ancestor: &str, node: &str) -> Result<bool, DagError> {
        let (a, n) = (self.id(ancestor)?, self.id(node)?);
        let depth = self.nodes[a.index()].depth;
        Ok(self.ancestor_at_depth(n, depth) == Some(a))
    }

    /// The deepest common node of the primary chains of `a` and `b` (`None`
    /// when they start from different roots). O(log^2 n).
    pub fn common_ancestor(&self, a: &str, b: &str) -> Result<Option<&Node>, DagError> {
        let (a, b) = (self.id(a)?, self.id(b)?);
        let top = self.nodes[a.index()].depth.min(self.nodes[b.index()].depth);
        let at = |x: NodeId, d: u32| self.ancestor_at_depth(x, d).expect("d <= depth");
        if at(a, 0) != at(b, 0) {
            return Ok(None);
        }
        // Binary search for the deepest depth where both chains meet.
        let (mut lo, mut hi) = (0u32, top);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if at(a, mid) == at(b, mid) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        Ok(Some(&self.nodes[at(a, lo).index()]))
    }

    /// The primary chain from `node` back to its root, `node` first.
    pub fn lineage(&self, node: &str) -> Result<Vec<&Node>, DagError> {
        let mut x = Some(self.id(node)?);
        let mut out = Vec::new();
        while let Some(id) = x {
            let n = &self.nodes[id.index()];
            out.push(n);
            x = n.parents.first().copied();
        }
        Ok(out)
    }
}
