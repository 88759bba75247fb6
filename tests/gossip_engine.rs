//! The engine's behaviour on accepted messages: replies, membership,
//! outgoing messages and health checks.

mod gossip_support;

use bizra::gossip::{
    GossipMessage, Handled, MsgType, NodeState, PeerTable, SECOND, Timeouts, UnixMicros,
    encode_json,
};
use bizra::py::PyValue;
use gossip_support::*;
use proptest::prelude::*;

fn reply(h: Handled) -> GossipMessage {
    match h {
        Handled::Reply(m) => m,
        other => panic!("expected a reply, got {other:?}"),
    }
}

fn payload<'a>(m: &'a GossipMessage, k: &str) -> &'a PyValue {
    &m.payload.iter().find(|(key, _)| key == k).unwrap().1
}

#[test]
fn ping_gets_a_signed_ack_with_sequence_from_one() {
    let mut engine = local();
    let ack = reply(
        engine
            .handle_message(&wire(2, MsgType::Ping, 5, T0), T0)
            .unwrap(),
    );
    assert_eq!(ack.msg_type, MsgType::PingAck);
    assert_eq!(ack.sequence, 1);
    assert_eq!(
        payload(&ack, "in_response_to"),
        &PyValue::from_json("5").unwrap()
    );
    // Us, the sender and node-7 are alive (node-8 came in SUSPECT).
    assert_eq!(
        payload(&ack, "node_count"),
        &PyValue::from_json("3").unwrap()
    );
    assert_eq!(
        payload(&ack, "public_key"),
        &PyValue::Str(engine.public_key().into())
    );
    assert!(ack.verify_signature(engine.public_key()));
    assert!(ack.piggyback.len() <= 5);
    assert_eq!(ack.timestamp, T0.to_iso());
}

#[test]
fn announce_gets_a_welcome_listing_at_most_ten_alive_peers() {
    let mut engine = local();
    let records = (10..25).map(|n| record(n, NodeState::Alive, 1)).collect();
    let msg = signed(2, MsgType::Announce, 1, T0, records);
    let ack = reply(engine.handle_message(&encode_json(&msg), T0).unwrap());
    assert_eq!(payload(&ack, "welcome"), &PyValue::Bool(true));
    assert_eq!(
        payload(&ack, "network_size"),
        &PyValue::from_json("17").unwrap()
    );
    let PyValue::List(known) = payload(&ack, "known_peers") else {
        panic!()
    };
    assert_eq!(known.len(), 10);
}

#[test]
fn leave_marks_the_sender_left_and_health_checks_skip_it() {
    let mut engine = local();
    engine
        .handle_message(&wire(2, MsgType::Ping, 1, T0), T0)
        .unwrap();
    assert_eq!(
        engine
            .handle_message(&wire(2, MsgType::Leave, 2, T0), T0)
            .unwrap(),
        Handled::Done
    );
    assert_eq!(engine.peer("peer-2").unwrap().state, NodeState::Left);
    engine.check_peer_health(T0.plus(100 * SECOND));
    assert_eq!(engine.peer("peer-2").unwrap().state, NodeState::Left);
}

#[test]
fn pattern_share_is_acknowledged_and_consensus_is_handed_off() {
    let mut engine = local();
    let mut share = signed(2, MsgType::PatternShare, 1, T0, vec![]);
    share
        .payload
        .push(("pattern_id".into(), PyValue::Str("p7".into())));
    share.sign(&key(2)).unwrap();
    let ack = reply(engine.handle_message(&encode_json(&share), T0).unwrap());
    assert_eq!(ack.msg_type, MsgType::PatternAck);
    assert_eq!(payload(&ack, "pattern_id"), &PyValue::Str("p7".into()));
    assert_eq!(payload(&ack, "accepted"), &PyValue::Bool(true));
    for (seq, t) in [
        (2, MsgType::Propose),
        (3, MsgType::Vote),
        (4, MsgType::Commit),
    ] {
        match engine.handle_message(&wire(2, t, seq, T0), T0).unwrap() {
            Handled::Consensus(m) => assert_eq!(m.msg_type, t),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn silent_peer_becomes_suspect_then_dead() {
    let mut engine = local();
    engine
        .handle_message(&wire(2, MsgType::Ping, 1, T0), T0)
        .unwrap();
    let state = |e: &bizra::gossip::GossipEngine| e.peer("peer-2").unwrap().state;
    assert!(
        engine
            .check_peer_health(T0.plus(5 * SECOND))
            .iter()
            .all(|t| t.node_id != "peer-2")
    );
    assert_eq!(state(&engine), NodeState::Alive);
    engine.check_peer_health(T0.plus(5 * SECOND + 1));
    assert_eq!(state(&engine), NodeState::Suspect);
    engine.check_peer_health(T0.plus(15 * SECOND + 1));
    assert_eq!(state(&engine), NodeState::Dead);
    // Hearing from it again revives it.
    engine
        .handle_message(
            &wire(2, MsgType::Ping, 2, T0.plus(16 * SECOND)),
            T0.plus(16 * SECOND),
        )
        .unwrap();
    assert_eq!(state(&engine), NodeState::Alive);
}

#[test]
fn piggyback_lists_the_five_most_recently_seen_peers() {
    let mut engine = local();
    for n in 2..10u8 {
        let at = T0.plus(i64::from(n) * 1000);
        engine
            .handle_message(&encode_json(&signed(n, MsgType::Ping, 1, at, vec![])), at)
            .unwrap();
    }
    let ping = engine.create_ping(T0.plus(SECOND));
    let ids: Vec<&str> = ping.piggyback.iter().map(|p| p.node_id.as_str()).collect();
    assert_eq!(ids, ["peer-9", "peer-8", "peer-7", "peer-6", "peer-5"]);
}

#[test]
fn targets_are_distinct_alive_peers() {
    let mut engine = local();
    for n in 2..30u8 {
        engine
            .handle_message(&encode_json(&signed(n, MsgType::Ping, 1, T0, vec![])), T0)
            .unwrap();
    }
    for _ in 0..50 {
        let t = engine.select_targets();
        assert_eq!(t.len(), 3);
        assert!(
            t[0].node_id != t[1].node_id
                && t[1].node_id != t[2].node_id
                && t[0].node_id != t[2].node_id
        );
    }
}

#[derive(Debug, Clone)]
enum Op {
    Add,
    Touch(usize, i64),
    Set(usize, NodeState),
    Check(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Add),
        (0usize..40, 0i64..3_000_000).prop_map(|(i, dt)| Op::Touch(i, dt)),
        (0usize..40, proptest::sample::select(NodeState::ALL)).prop_map(|(i, s)| Op::Set(i, s)),
        (0i64..8_000_000).prop_map(Op::Check),
    ]
}

proptest! {
    /// The heap-scheduled check gives exactly the reference's full scan.
    #[test]
    fn scheduled_health_check_equals_the_full_scan(ops in proptest::collection::vec(op(), 1..200)) {
        let t = Timeouts::default();
        let mut table = PeerTable::with_timeouts(t);
        let mut model: Vec<(NodeState, i64)> = Vec::new();
        let mut now = 0i64;
        for op in ops {
            match op {
                Op::Add => {
                    let n = model.len();
                    table.add(&format!("p{n}"), "a", [0; 32], UnixMicros(now)).unwrap();
                    model.push((NodeState::Alive, now));
                }
                Op::Touch(i, dt) if i < model.len() => {
                    now += dt;
                    table.touch(i as u32, UnixMicros(now));
                    model[i] = (NodeState::Alive, now);
                }
                Op::Set(i, s) if i < model.len() => {
                    table.set_state(i as u32, s, UnixMicros(now));
                    model[i].0 = s;
                }
                Op::Check(dt) => {
                    now += dt;
                    table.check_health(UnixMicros(now));
                    for (state, seen) in &mut model {
                        let silence = now - *seen;
                        if *state == NodeState::Left { continue; }
                        if silence > t.dead_after { *state = NodeState::Dead; }
                        else if silence > t.suspect_after { *state = NodeState::Suspect; }
                    }
                    let got: Vec<NodeState> = table.views().iter().map(|v| v.state).collect();
                    let want: Vec<NodeState> = model.iter().map(|m| m.0).collect();
                    prop_assert_eq!(got, want);
                }
                _ => {}
            }
        }
    }
}
