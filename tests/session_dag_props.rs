//! Session DAG invariants: lineage answers equal a plain parent walk, and
//! bad operations are typed errors that leave the DAG unchanged, and node
//! hashes cover the exact data, integers far beyond 64 bits included.

mod common;

use bizra::py::PyValue;
use bizra::session_dag::{DagError, SessionDag, SessionState, data_hash, node_hash};
use common::pygen::{self, Gen, PYTHON, PYTHON_SORTED};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn empty() -> PyValue {
    PyValue::Dict(vec![])
}

fn stamp(i: usize) -> String {
    format!(
        "2026-02-03T12:{:02}:{:02}.{:06}+00:00",
        i / 3600 % 60,
        i / 60 % 60,
        i % 60
    )
}

/// Builds a random DAG: node i's primary parent is `choices[i] % i`, and
/// every fifth node also merges in another earlier node.
fn build(choices: &[usize]) -> (SessionDag, Vec<String>) {
    let mut dag = SessionDag::new();
    let mut hashes = vec![dag.genesis(SessionState::Init, empty(), &stamp(0)).unwrap()];
    for (i, &c) in choices.iter().enumerate() {
        let n = hashes.len();
        let primary = hashes[c % n].clone();
        let mut parents = vec![primary.as_str()];
        let other = hashes[(c / 7) % n].clone();
        if i % 5 == 4 && other != primary {
            parents.push(other.as_str());
        }
        let h = dag
            .add_node(&parents, SessionState::Active, empty(), &stamp(i + 1))
            .unwrap();
        hashes.push(h);
    }
    (dag, hashes)
}

/// The plain answer: walk primary parents from `node` to the root.
fn walk_contains(dag: &SessionDag, ancestor: &str, node: &str) -> bool {
    let mut x = dag.get(node);
    while let Some(n) = x {
        if n.hash == ancestor {
            return true;
        }
        x = n.parents.first().map(|p| dag.node(*p));
    }
    false
}

/// SHA-256 hex of `text`.
fn sha256_hex(text: &str) -> String {
    pygen::hex(&Sha256::digest(text.as_bytes()))
}

/// The reference's node hash built from texts alone: `json.dumps` with
/// sorted keys of the parents (sorted), state, data hash and timestamp,
/// where the data hash is SHA-256 of the data's sorted JSON text.
fn reference_node_hash(parents: &[&str], state: &str, data: &Gen, stamp: &str) -> String {
    let mut sorted = parents.to_vec();
    sorted.sort_unstable();
    let parents: Vec<String> = sorted.iter().map(|p| format!("\"{p}\"")).collect();
    sha256_hex(&format!(
        "{{\"data_hash\": \"{}\", \"parents\": [{}], \"state\": \"{state}\", \"timestamp\": \"{stamp}\"}}",
        sha256_hex(&data.json(PYTHON_SORTED)),
        parents.join(", "),
    ))
}

/// Parses the text `json.dumps(data)` writes, as data arrives from Python.
fn parsed(data: &Gen) -> PyValue {
    PyValue::from_json(&data.json(PYTHON)).expect("generated JSON parses")
}

proptest! {
    #[test]
    fn data_hash_is_the_hash_of_the_sorted_json_text(data in pygen::value()) {
        prop_assert_eq!(data_hash(&parsed(&data)), sha256_hex(&data.json(PYTHON_SORTED)));
    }

    #[test]
    fn node_hashes_keep_integers_beyond_64_bits(
        data in pygen::dict_with_big_int(),
        other in pygen::big_int_text(),
    ) {
        prop_assert!(data.has_big_int());
        let stamp = stamp(7);
        let value = parsed(&data);
        let mut dag = SessionDag::new();
        let root = dag.genesis(SessionState::Init, value.clone(), &stamp).unwrap();
        prop_assert_eq!(&root, &reference_node_hash(&[], "init", &data, &stamp));
        let next = dag
            .transition(&root, SessionState::Active, value.clone(), &stamp)
            .unwrap();
        prop_assert_eq!(&next, &reference_node_hash(&[&root], "active", &data, &stamp));
        prop_assert_eq!(node_hash(&[&root], "active", &value, &stamp), next);
        // Integers a double cannot tell apart hash differently.
        let next_int = pygen::neighbour(&other);
        let int = |t: &str| PyValue::List(vec![PyValue::Int(t.parse().unwrap())]);
        prop_assert_ne!(data_hash(&int(&other)), data_hash(&int(&next_int)));
    }

    #[test]
    fn lineage_queries_equal_a_parent_walk(
        choices in prop::collection::vec(any::<usize>(), 1..300),
        queries in prop::collection::vec((any::<usize>(), any::<usize>()), 1..50),
    ) {
        let (dag, hashes) = build(&choices);
        for (a, b) in queries {
            let (a, b) = (&hashes[a % hashes.len()], &hashes[b % hashes.len()]);
            prop_assert_eq!(dag.is_ancestor(a, b).unwrap(), walk_contains(&dag, a, b));
            let lineage: Vec<&str> = dag.lineage(b).unwrap().iter().map(|n| n.hash.as_str()).collect();
            let common = dag.common_ancestor(a, b).unwrap().map(|n| n.hash.clone());
            // The plain common ancestor: the first node of b's chain that is
            // on a's chain.
            let plain = lineage.iter().find(|h| walk_contains(&dag, h, a)).map(|h| h.to_string());
            prop_assert_eq!(common, plain);
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(parent in ".*", state in ".*", stamp in ".*") {
        let mut dag = SessionDag::new();
        let _ = state.parse::<SessionState>();
        let r = dag.add_node(&[parent.as_str()], SessionState::Init, empty(), &stamp);
        prop_assert!(matches!(r, Err(DagError::UnknownParent(_))));
        prop_assert!(dag.is_empty());
        prop_assert!(dag.genesis(SessionState::Init, PyValue::Str(stamp.clone()), &stamp).is_err());
    }
}

#[test]
fn every_transition_follows_the_reference_table() {
    let mut allowed = 0;
    for from in SessionState::ALL {
        for to in SessionState::ALL {
            let mut dag = SessionDag::new();
            let root = dag.genesis(from, empty(), &stamp(0)).unwrap();
            let r = dag.transition(&root, to, empty(), &stamp(1));
            if from.can_transition_to(to) {
                allowed += 1;
                assert!(r.is_ok(), "{from} -> {to}");
            } else {
                assert!(
                    matches!(r, Err(DagError::ForbiddenTransition { from: f, to: t, .. }) if f == from && t == to),
                    "{from} -> {to} should be refused"
                );
                assert_eq!(dag.len(), 1, "a refused transition adds nothing");
            }
        }
    }
    // SYSTEMS.md lists 18 allowed transitions (2+4+2+2+2+2+1+2+1+0).
    assert_eq!(allowed, 18);
}

#[test]
fn forbidden_transition_message_names_both_states() {
    let mut dag = SessionDag::new();
    let root = dag.genesis(SessionState::Init, empty(), &stamp(0)).unwrap();
    let msg = dag
        .transition(&root, SessionState::Committed, empty(), &stamp(1))
        .unwrap_err()
        .to_string();
    assert_eq!(
        msg,
        "transition init -> committed is not allowed (allowed from init: active, terminated)"
    );
}

#[test]
fn unknown_parents_and_bad_merges_are_refused() {
    let mut dag = SessionDag::new();
    let root = dag.genesis(SessionState::Init, empty(), &stamp(0)).unwrap();
    assert_eq!(
        dag.transition("feed", SessionState::Active, empty(), &stamp(1)),
        Err(DagError::UnknownNode("feed".into()))
    );
    assert_eq!(
        dag.merge(&[&root], SessionState::Active, empty(), &stamp(1)),
        Err(DagError::MergeNeedsTwoParents(1))
    );
    assert_eq!(
        dag.merge(&[&root, &root], SessionState::Active, empty(), &stamp(1)),
        Err(DagError::DuplicateParent(root.clone()))
    );
    assert_eq!(
        dag.genesis(SessionState::Init, empty(), &stamp(0)),
        Err(DagError::DuplicateNode(root.clone()))
    );
    assert!(
        matches!("paused".parse::<SessionState>(), Err(DagError::UnknownState(s)) if s == "paused")
    );
    assert_eq!(dag.len(), 1);
}

#[test]
fn branch_merge_and_rollback_shape_the_lineage() {
    let mut dag = SessionDag::new();
    let init = dag.genesis(SessionState::Init, empty(), &stamp(0)).unwrap();
    let active = dag
        .transition(&init, SessionState::Active, empty(), &stamp(1))
        .unwrap();
    let computing = dag
        .transition(&active, SessionState::Computing, empty(), &stamp(2))
        .unwrap();
    let suspended = dag
        .branch(&active, SessionState::Suspended, empty(), &stamp(3))
        .unwrap();
    let failed = dag
        .transition(&computing, SessionState::Failed, empty(), &stamp(4))
        .unwrap();
    let recovered = dag
        .merge(
            &[&failed, &suspended],
            SessionState::Recovered,
            empty(),
            &stamp(5),
        )
        .unwrap();
    assert!(dag.is_ancestor(&computing, &recovered).unwrap());
    // The suspended branch is a second parent, not on the primary chain.
    assert!(!dag.is_ancestor(&suspended, &recovered).unwrap());
    assert_eq!(
        dag.common_ancestor(&suspended, &recovered)
            .unwrap()
            .unwrap()
            .hash,
        active
    );
    let back = dag.rollback(&active, empty(), &stamp(6)).unwrap();
    assert_eq!(dag.get(&back).unwrap().state, SessionState::Active);
    assert_eq!(dag.head().unwrap().hash, back);
    let chain: Vec<_> = dag
        .lineage(&back)
        .unwrap()
        .iter()
        .map(|n| n.state)
        .collect();
    assert_eq!(
        chain,
        [
            SessionState::Active,
            SessionState::Active,
            SessionState::Init
        ]
    );
}
