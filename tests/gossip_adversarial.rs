//! Forged, replayed, stale, flooding and malformed gossip: each is refused,
//! nothing panics, and the engine's state is unchanged.

mod gossip_support;

use bizra::gossip::{
    GossipMessage, Handled, MsgType, NodeState, Rejected, SECOND, UnixMicros, decode_batch,
    decode_binary, decode_json, encode_binary, encode_json,
};
use gossip_support::*;
use proptest::prelude::*;

fn refused_without_change(bytes: &[u8], now: UnixMicros) -> Rejected {
    let mut engine = local();
    let before = engine.snapshot();
    let err = engine
        .handle_message(bytes, now)
        .expect_err("must be refused");
    assert_eq!(
        engine.snapshot(),
        before,
        "state changed by a refused message ({err})"
    );
    err
}

#[test]
fn untouched_message_is_accepted() {
    let mut engine = local();
    let reply = engine
        .handle_message(&wire(2, MsgType::Ping, 1, T0), T0)
        .unwrap();
    assert!(matches!(reply, Handled::Reply(ref m) if m.msg_type == MsgType::PingAck));
    assert_eq!(engine.peer("peer-2").unwrap().state, NodeState::Alive);
}

#[test]
fn flipped_bit_anywhere_is_refused() {
    let bytes = wire(2, MsgType::Ping, 1, T0);
    let mut outcomes = std::collections::BTreeMap::new();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut damaged = bytes.clone();
            damaged[i] ^= 1 << bit;
            if local().handle_message(&damaged, T0).is_ok() {
                panic!(
                    "flip at {i} bit {bit} accepted: {}",
                    String::from_utf8_lossy(
                        &damaged[i.saturating_sub(30)..(i + 30).min(damaged.len())]
                    )
                );
            }
            let err = refused_without_change(&damaged, T0);
            let kind = format!("{err:?}")
                .split(['(', ' ', '{'])
                .next()
                .unwrap()
                .to_owned();
            *outcomes.entry(kind).or_insert(0) += 1;
        }
    }
    // Both the parser and the signature check must have done work.
    assert!(
        outcomes.contains_key("Malformed") && outcomes.contains_key("BadSignature"),
        "{outcomes:?}"
    );
}

#[test]
fn replay_is_refused_as_duplicate() {
    let mut engine = local();
    let bytes = wire(2, MsgType::Ping, 1, T0);
    engine.handle_message(&bytes, T0).unwrap();
    let before = engine.snapshot();
    let later = T0.plus(SECOND);
    assert!(matches!(
        engine.handle_message(&bytes, later),
        Err(Rejected::Duplicate { sequence: 1, .. })
    ));
    assert_eq!(engine.snapshot(), before);
}

#[test]
fn stale_and_future_timestamps_are_refused() {
    let msg = wire(2, MsgType::Ping, 1, T0);
    assert!(matches!(
        refused_without_change(&msg, T0.plus(300 * SECOND + 1)),
        Rejected::TooOld { .. }
    ));
    assert!(matches!(
        refused_without_change(&msg, T0.plus(-30 * SECOND - 1)),
        Rejected::TooNew { .. }
    ));
    // The window's edges are inclusive, as the reference's `>` comparisons.
    assert!(local().handle_message(&msg, T0.plus(300 * SECOND)).is_ok());
    assert!(local().handle_message(&msg, T0.plus(-30 * SECOND)).is_ok());
}

#[test]
fn unparseable_or_naive_timestamp_is_refused() {
    for ts in ["yesterday", "2026-02-03T12:00:00"] {
        let mut msg = signed(2, MsgType::Ping, 1, T0, vec![]);
        msg.timestamp = ts.into();
        msg.sign(&key(2)).unwrap();
        assert!(matches!(
            refused_without_change(&encode_json(&msg), T0),
            Rejected::BadTimestamp(_)
        ));
    }
}

#[test]
fn empty_timestamp_skips_the_freshness_check() {
    let mut msg = signed(2, MsgType::Ping, 1, T0, vec![]);
    msg.timestamp.clear();
    msg.sign(&key(2)).unwrap();
    assert!(
        local()
            .handle_message(&encode_json(&msg), T0.plus(10_000 * SECOND))
            .is_ok()
    );
}

#[test]
fn flood_beyond_rate_limit_is_refused() {
    let mut engine = local();
    for seq in 1..=10 {
        engine
            .handle_message(&wire(2, MsgType::Ping, seq, T0), T0.plus(seq as i64))
            .unwrap();
    }
    let before = engine.snapshot();
    let err = engine
        .handle_message(&wire(2, MsgType::Ping, 11, T0), T0.plus(11))
        .unwrap_err();
    assert!(matches!(err, Rejected::RateLimited { .. }));
    assert_eq!(engine.snapshot(), before);
    // A second later the sender may speak again.
    assert!(
        engine
            .handle_message(&wire(2, MsgType::Ping, 12, T0), T0.plus(SECOND + 11))
            .is_ok()
    );
}

#[test]
fn forged_signature_does_not_poison_the_seen_set() {
    let mut engine = local();
    let mut forged = signed(2, MsgType::Ping, 1, T0, vec![]);
    forged.sign(&key(66)).unwrap();
    let before = engine.snapshot();
    assert!(matches!(
        engine.handle_message(&encode_json(&forged), T0),
        Err(Rejected::BadSignature { .. })
    ));
    assert_eq!(engine.snapshot(), before);
    // The genuine message with the same sender and sequence still gets in.
    assert!(
        engine
            .handle_message(&wire(2, MsgType::Ping, 1, T0), T0)
            .is_ok()
    );
}

#[test]
fn known_peer_key_wins_over_the_payload_key() {
    let mut engine = local();
    engine
        .handle_message(&wire(2, MsgType::Ping, 1, T0), T0)
        .unwrap();
    // An impostor signs as peer-2 with its own key, offering that key.
    let mut msg = signed(66, MsgType::Ping, 2, T0, vec![]);
    msg.sender_id = "peer-2".into();
    msg.sign(&key(66)).unwrap();
    let before = engine.snapshot();
    assert!(matches!(
        engine.handle_message(&encode_json(&msg), T0),
        Err(Rejected::BadSignature { .. })
    ));
    assert_eq!(engine.snapshot(), before);
}

#[test]
fn unsigned_message_is_refused() {
    let mut msg = signed(2, MsgType::Ping, 1, T0, vec![]);
    msg.signature.clear();
    assert!(matches!(
        refused_without_change(&encode_json(&msg), T0),
        Rejected::BadSignature { .. }
    ));
}

#[test]
fn piggyback_with_short_key_adds_nothing() {
    let mut engine = local();
    let mut short = record(9, NodeState::Alive, 3);
    short.public_key = "abcd".into();
    let msg = signed(2, MsgType::Ping, 1, T0, vec![short]);
    engine.handle_message(&encode_json(&msg), T0).unwrap();
    assert!(engine.peer("node-9").is_none());
    assert_eq!(engine.peers().len(), 1, "only the sender was added");
}

#[test]
fn own_id_in_piggyback_is_ignored() {
    let mut engine = local();
    let mut me = record(9, NodeState::Dead, 99);
    me.node_id = "local".into();
    engine
        .handle_message(&encode_json(&signed(2, MsgType::Ping, 1, T0, vec![me])), T0)
        .unwrap();
    assert!(engine.peer("local").is_none());
}

#[test]
fn piggyback_merge_needs_a_higher_incarnation() {
    let mut engine = local();
    let first = signed(
        2,
        MsgType::Ping,
        1,
        T0,
        vec![record(7, NodeState::Alive, 5)],
    );
    engine.handle_message(&encode_json(&first), T0).unwrap();
    let stale = signed(2, MsgType::Ping, 2, T0, vec![record(7, NodeState::Dead, 5)]);
    engine.handle_message(&encode_json(&stale), T0).unwrap();
    assert_eq!(engine.peer("node-7").unwrap().state, NodeState::Alive);
    let newer = signed(
        2,
        MsgType::Ping,
        3,
        T0,
        vec![record(7, NodeState::Suspect, 6)],
    );
    engine.handle_message(&encode_json(&newer), T0).unwrap();
    let p = engine.peer("node-7").unwrap();
    assert_eq!((p.state, p.incarnation), (NodeState::Suspect, 6));
}

fn any_message_bytes() -> impl Strategy<Value = Vec<u8>> {
    let json = wire(2, MsgType::Ping, 1, T0);
    let binary = encode_binary(&decode_json(&json).unwrap());
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..600),
        (0..json.len()).prop_map(move |n| json[..n].to_vec()),
        (0..binary.len()).prop_map(move |n| binary[..n].to_vec()),
        "\\PC{0,300}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn garbage_and_truncations_never_panic_or_change_state(bytes in any_message_bytes()) {
        let _ = decode_json(&bytes);
        let _ = decode_binary(&bytes);
        let _ = decode_batch(&bytes);
        let mut engine = local();
        let before = engine.snapshot();
        if engine.handle_message(&bytes, T0).is_err() {
            prop_assert_eq!(engine.snapshot(), before);
        }
        if let Ok(msg) = decode_binary(&bytes) {
            let _: GossipMessage = msg;
        }
    }
}

#[test]
fn batch_handling_equals_one_by_one() {
    let mut forged = signed(3, MsgType::Ping, 1, T0, vec![]);
    forged.sign(&key(66)).unwrap();
    let mut unsigned = signed(4, MsgType::Ping, 1, T0, vec![]);
    unsigned.signature.clear();
    let datagrams: Vec<Vec<u8>> = vec![
        wire(2, MsgType::Ping, 1, T0),
        wire(2, MsgType::Ping, 1, T0), // duplicate
        encode_json(&forged),
        wire(3, MsgType::Announce, 2, T0),
        encode_json(&unsigned),
        b"{not json".to_vec(),
        wire(5, MsgType::Vote, 1, T0),
        wire(2, MsgType::Leave, 2, T0),
    ];
    let refs: Vec<&[u8]> = datagrams.iter().map(Vec::as_slice).collect();
    let mut batched = local();
    let mut single = local();
    let a = batched.handle_batch(&refs, T0);
    let b: Vec<_> = refs.iter().map(|d| single.handle_message(d, T0)).collect();
    assert_eq!(a, b);
    assert_eq!(batched.snapshot(), single.snapshot());
    assert!(matches!(a[2], Err(Rejected::BadSignature { .. })));
    assert!(matches!(a[1], Err(Rejected::Duplicate { .. })));
}
