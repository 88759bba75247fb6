//! Parity with the reference session DAG: every node hash of
//! `tests/vectors/session_dag.json`.

mod common;

use bizra::session_dag::{SessionDag, SessionState, node_hash};
use common::{Json, cases, load_vectors};

const FILE: &str = "session_dag.json";

#[test]
fn node_hashes_match_the_reference() {
    let doc = load_vectors(FILE);
    for (i, case) in cases(&doc, FILE, "nodes").iter().enumerate() {
        let parents: Vec<&str> = case.at("parents").list().iter().map(Json::text).collect();
        let state: SessionState = case.at("state").text().parse().unwrap();
        // Loaded without loss: integers of any size and floats exactly as
        // the reference's `json.dumps` wrote them.
        let data = case.at("data");
        let timestamp = case.at("timestamp").text();
        let want = case.at("hash").text();
        assert_eq!(
            node_hash(&parents, state.as_str(), data, timestamp),
            want,
            "case {i}"
        );
    }
}

/// The DAG's own nodes carry the same hashes when built from the vectors'
/// chains (each case whose parents are earlier cases).
#[test]
fn dag_nodes_carry_reference_hashes() {
    let doc = load_vectors(FILE);
    let mut dag = SessionDag::new();
    let mut added = 0;
    for case in cases(&doc, FILE, "nodes") {
        let parents: Vec<&str> = case.at("parents").list().iter().map(Json::text).collect();
        if parents.iter().any(|p| dag.get(p).is_none()) {
            continue;
        }
        let data = case.at("data").clone();
        let state = case.at("state").text().parse().unwrap();
        let hash = dag
            .add_node(&parents, state, data, case.at("timestamp").text())
            .unwrap();
        assert_eq!(hash, case.at("hash").text());
        added += 1;
    }
    assert!(added > 0, "no vector case could be added to a DAG");
}
