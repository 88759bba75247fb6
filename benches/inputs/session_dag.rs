//! Session DAG inputs: chains of a given depth with side branches.

use bizra::py::PyValue;
use bizra::session_dag::{SessionDag, SessionState};

/// The depths the DAG benches sweep.
pub const DEPTHS: [usize; 4] = [100, 1_000, 10_000, 100_000];

/// A distinct ISO-8601 time for every `i` (one microsecond apart).
pub fn stamp(i: usize) -> String {
    let (secs, micros) = (i / 1_000_000, i % 1_000_000);
    let (h, m, s) = (secs / 3600 % 24, secs / 60 % 60, secs % 60);
    format!("2026-02-03T{h:02}:{m:02}:{s:02}.{micros:06}+00:00")
}

/// Node data like the reference's: a session id and a step counter.
pub fn data(i: usize) -> PyValue {
    PyValue::Dict(vec![
        ("session_id".into(), PyValue::Str("abc123def456".into())),
        ("step".into(), PyValue::Int((i as i64).into())),
    ])
}

/// A chain of `depth` nodes cycling active → suspended → resumed, with a
/// failed side branch every 16 nodes; returns the DAG, its root and tip.
pub fn chain(depth: usize) -> (SessionDag, String, String) {
    let mut dag = SessionDag::new();
    let root = dag
        .genesis(SessionState::Active, data(0), &stamp(0))
        .expect("genesis");
    let mut tip = root.clone();
    let mut state = SessionState::Active;
    for i in 1..depth {
        let next = match state {
            SessionState::Active => SessionState::Suspended,
            SessionState::Suspended => SessionState::Resumed,
            _ => SessionState::Active,
        };
        if i % 16 == 0 {
            dag.add_node(&[&tip], SessionState::Failed, data(i), &stamp(depth + i))
                .expect("side branch");
        }
        tip = dag
            .transition(&tip, next, data(i), &stamp(i))
            .expect("chain");
        state = next;
    }
    (dag, root, tip)
}
