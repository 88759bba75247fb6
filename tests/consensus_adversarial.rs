//! Votes and PBFT messages that must be refused, each leaving the engine's
//! state unchanged, and commit happening exactly once.

use bizra::consensus::{ConsensusEngine, Phase, Proposal, Vote, VoteError, VoteOutcome};
use bizra::pci::{SigningKey, SplitMix64};
use bizra::py::PyValue;

fn key(n: u16) -> SigningKey {
    let mut seed = [0u8; 32];
    seed[..2].copy_from_slice(&n.to_le_bytes());
    seed[31] = 0x5a;
    SigningKey::from_seed(&seed)
}

fn node(n: u16) -> ConsensusEngine {
    ConsensusEngine::new(
        &format!("n{n}"),
        key(n),
        Box::new(SplitMix64::new(u64::from(n))),
    )
    .unwrap()
}

/// A leader `n0` with `peers` registered peers and one proposal.
fn setup(peers: u16) -> (ConsensusEngine, Proposal) {
    let mut leader = node(0);
    for n in 1..=peers {
        leader
            .register_peer(&format!("n{n}"), key(n).public_key())
            .unwrap();
    }
    let pattern = PyValue::from_json(r#"{"pattern": "x", "score": 0.97}"#).unwrap();
    let proposal = leader.propose_pattern(pattern, 0.0).unwrap();
    (leader, proposal)
}

fn vote(n: u16, proposal: &Proposal) -> Vote {
    let mut voter = node(n);
    voter.accept_proposal(proposal.clone(), 0.0).unwrap();
    voter.cast_vote(proposal, 0.97).unwrap()
}

fn refused(engine: &mut ConsensusEngine, v: &Vote, n: usize) -> VoteError {
    let before = engine.summary();
    let err = engine.receive_vote(v, n).expect_err("must be refused");
    assert_eq!(
        engine.summary(),
        before,
        "refused vote changed state: {err}"
    );
    err
}

#[test]
fn vote_for_unknown_proposal() {
    let (mut leader, proposal) = setup(3);
    let mut v = vote(1, &proposal);
    v.proposal_id = "prop_ffffffff".into();
    assert!(matches!(
        refused(&mut leader, &v, 4),
        VoteError::UnknownProposal { .. }
    ));
}

#[test]
fn replayed_vote() {
    let (mut leader, proposal) = setup(6);
    let v = vote(1, &proposal);
    assert!(leader.receive_vote(&v, 7).is_ok());
    assert!(matches!(
        refused(&mut leader, &v, 7),
        VoteError::Replay { .. }
    ));
}

#[test]
fn vote_from_unregistered_voter() {
    let (mut leader, proposal) = setup(3);
    assert!(matches!(
        refused(&mut leader, &vote(9, &proposal), 4),
        VoteError::Unregistered { .. }
    ));
}

#[test]
fn vote_with_swapped_key() {
    let (mut leader, proposal) = setup(3);
    // n2 signs and offers its own key under n1's name.
    let mut v = vote(2, &proposal);
    v.voter_id = "n1".into();
    assert!(matches!(
        refused(&mut leader, &v, 4),
        VoteError::KeyMismatch { .. }
    ));
    // With n1's key claimed but n2's signature, the signature check fails.
    v.public_key = key(1).public_key().to_hex();
    assert!(matches!(
        refused(&mut leader, &v, 4),
        VoteError::BadSignature { .. }
    ));
}

#[test]
fn vote_with_flipped_signature_bit() {
    let (mut leader, proposal) = setup(3);
    let good = vote(1, &proposal);
    for i in 0..good.signature.len() {
        let mut v = good.clone();
        let mut bytes = v.signature.into_bytes();
        bytes[i] ^= 1;
        v.signature = String::from_utf8(bytes).unwrap();
        let err = refused(&mut leader, &v, 4);
        assert!(matches!(err, VoteError::BadSignature { .. }), "{err}");
    }
}

#[test]
fn second_vote_with_another_signature_fails_its_signature_check() {
    let (mut leader, proposal) = setup(6);
    leader.receive_vote(&vote(1, &proposal), 7).unwrap();
    let mut second = vote(1, &proposal);
    second.signature = key(1).sign(&bizra::pci::domain_digest(b"other")).to_hex();
    let err = refused(&mut leader, &second, 7);
    assert!(matches!(err, VoteError::BadSignature { .. }), "{err}");
}

#[test]
fn double_vote_is_refused_after_the_replay_memory_forgot_it() {
    let (mut leader, proposal) = setup(6);
    leader.set_replay_capacity(1);
    let first = vote(1, &proposal);
    leader.receive_vote(&first, 7).unwrap();
    leader.receive_vote(&vote(2, &proposal), 7).unwrap(); // evicts n1's vote id
    let err = refused(&mut leader, &first, 7);
    assert!(matches!(err, VoteError::DoubleVote { .. }), "{err}");
    assert_eq!(leader.vote_count(&proposal.proposal_id), 2);
}

#[test]
fn zero_nodes_is_an_error_not_a_commit() {
    let (mut leader, proposal) = setup(3);
    assert!(matches!(
        refused(&mut leader, &vote(1, &proposal), 0),
        VoteError::Quorum(_)
    ));
}

#[test]
fn commits_exactly_once_at_quorum() {
    let (mut leader, proposal) = setup(9);
    // n = 10: f = 3, quorum 7.
    let mut outcomes = Vec::new();
    for n in 1..=9 {
        outcomes.push(leader.receive_vote(&vote(n, &proposal), 10).unwrap());
    }
    let reached: Vec<usize> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| **o == VoteOutcome::QuorumReached)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(reached, vec![7]);
    assert!(leader.is_committed(&proposal.proposal_id));
    assert_eq!(leader.vote_count(&proposal.proposal_id), 9);
}

#[test]
fn batch_equals_one_by_one_and_names_the_bad_votes() {
    let (mut a, proposal) = setup(20);
    let (mut b, _) = setup(20);
    b.accept_proposal(proposal.clone(), 0.0).unwrap();
    let mut votes: Vec<Vote> = (1..=20).map(|n| vote(n, &proposal)).collect();
    votes[3].signature = votes[4].signature.clone(); // n4 with n5's signature
    votes[7].voter_id = "stranger".into();
    votes.push(votes[0].clone()); // replay inside the batch
    let batched = a.receive_votes(&votes, 21);
    let single: Vec<_> = votes.iter().map(|v| b.receive_vote(v, 21)).collect();
    assert_eq!(batched, single);
    assert!(matches!(batched[3], Err(VoteError::BadSignature { .. })));
    assert!(matches!(batched[7], Err(VoteError::Unregistered { .. })));
    assert!(matches!(batched[20], Err(VoteError::Replay { .. })));
    assert_eq!(
        batched
            .iter()
            .filter(|r| **r == Ok(VoteOutcome::QuorumReached))
            .count(),
        1
    );
}

#[test]
fn ihsan_below_threshold_or_nan_cannot_vote() {
    let (leader, proposal) = setup(1);
    assert!(leader.cast_vote(&proposal, 0.9499).is_err());
    assert!(leader.cast_vote(&proposal, f64::NAN).is_err());
    assert!(leader.cast_vote(&proposal, 0.95).is_ok());
}

#[test]
fn registration_rules() {
    let mut e = node(0);
    assert!(e.register_peer("", key(1).public_key()).is_err());
    assert!(e.register_peer("a\nb", key(1).public_key()).is_err());
    assert!(e.register_peer("a:b", key(1).public_key()).is_err());
    assert!(
        e.register_peer(&"x".repeat(257), key(1).public_key())
            .is_err()
    );
    e.register_peer("p", key(1).public_key()).unwrap();
    e.register_peer("p", key(1).public_key()).unwrap();
    assert!(e.register_peer("p", key(2).public_key()).is_err());
}

#[test]
fn pbft_round_with_forged_messages_refused() {
    // Four replicas n0..n3, all registered everywhere, n = 4, quorum 3.
    let mut nodes: Vec<ConsensusEngine> = (0..4).map(node).collect();
    for a in &mut nodes {
        for n in 0..4u16 {
            a.register_peer(&format!("n{n}"), key(n).public_key())
                .unwrap();
        }
    }
    let leader_id = nodes[0].leader_for_view(0);
    assert_eq!(leader_id, "n0");
    for e in &mut nodes {
        e.set_leader(&leader_id);
    }
    let pattern = PyValue::from_json(r#"{"pattern": "p", "score": 0.99}"#).unwrap();
    let proposal = nodes[0].initiate_pre_prepare(pattern.clone(), 0.0).unwrap();
    assert!(
        nodes[1].initiate_pre_prepare(pattern, 0.0).is_err(),
        "only the leader pre-prepares"
    );
    for e in &mut nodes[1..] {
        e.accept_proposal(proposal.clone(), 0.0).unwrap();
    }
    let id = proposal.proposal_id.clone();
    let prepares: Vec<_> = nodes
        .iter_mut()
        .map(|e| e.send_prepare(&id, 0.97).unwrap())
        .collect();
    // A forged prepare (n3's message with n2's signature) is refused.
    let mut forged = prepares[3].clone();
    forged.signature = prepares[2].signature.clone();
    let before = nodes[0].summary();
    assert!(matches!(
        nodes[0].receive_prepare(&forged, 4),
        Err(VoteError::BadSignature { .. })
    ));
    assert_eq!(nodes[0].summary(), before);
    for p in &prepares[1..] {
        nodes[0].receive_prepare(p, 4).unwrap();
    }
    assert_eq!(nodes[0].phase(&id), Some(Phase::Prepare));
    let commit = nodes[0].send_commit(&id).unwrap();
    let _ = commit;
    let mut commits = Vec::new();
    for e in &mut nodes[1..] {
        for p in &prepares {
            let _ = e.receive_prepare(p, 4);
        }
        commits.push(e.send_commit(&id).unwrap());
    }
    // A prepare signature is not a commit signature.
    let mut wrong = commits[0].clone();
    wrong.signature = prepares[1].signature.clone();
    assert!(matches!(
        nodes[0].receive_commit(&wrong, 4),
        Err(VoteError::BadSignature { .. })
    ));
    let mut results = Vec::new();
    for c in &commits {
        results.push(nodes[0].receive_commit(c, 4).unwrap());
    }
    assert_eq!(
        results
            .iter()
            .filter(|r| **r == VoteOutcome::QuorumReached)
            .count(),
        1
    );
    assert!(nodes[0].is_committed(&id));
    assert!(matches!(
        nodes[0].receive_commit(&commits[0], 4),
        Err(VoteError::DoubleVote { .. })
    ));
}

#[test]
fn view_change_rotates_the_leader_and_times_out_rounds() {
    let mut nodes: Vec<ConsensusEngine> = (0..4).map(node).collect();
    for a in &mut nodes {
        for n in 0..4u16 {
            a.register_peer(&format!("n{n}"), key(n).public_key())
                .unwrap();
        }
    }
    let pattern = PyValue::from_json(r#"{"pattern": "q"}"#).unwrap();
    let p = nodes[0].propose_pattern(pattern, 100.0).unwrap();
    assert!(nodes[0].check_timeouts(104.0, 5.0).is_empty());
    assert_eq!(
        nodes[0].check_timeouts(105.5, 5.0),
        vec![p.proposal_id.clone()]
    );
    assert_eq!(nodes[0].phase(&p.proposal_id), Some(Phase::Aborted));
    let requests: Vec<_> = nodes[1..]
        .iter_mut()
        .map(|e| e.request_view_change())
        .collect();
    let mut forged = requests[0].clone();
    forged.view = 7;
    assert!(matches!(
        nodes[0].receive_view_change(&forged, 4),
        Err(VoteError::BadSignature { .. })
    ));
    let outcomes: Vec<_> = requests
        .iter()
        .map(|r| nodes[0].receive_view_change(r, 4).unwrap())
        .collect();
    assert_eq!(outcomes[2], VoteOutcome::QuorumReached);
    assert_eq!(nodes[0].current_view(), 1);
    assert_eq!(nodes[0].leader_for_view(1), "n1");
    assert!(!nodes[0].is_leader());
}

/// Four engines `n0..n3` that know each other's keys.
fn cluster() -> Vec<ConsensusEngine> {
    (0..4u16)
        .map(|n| {
            let mut e = node(n);
            for m in 0..4u16 {
                e.register_peer(&format!("n{m}"), key(m).public_key())
                    .unwrap();
            }
            e
        })
        .collect()
}

#[test]
fn new_view_moves_a_replica_that_missed_the_view_changes() {
    let mut nodes = cluster();
    // Leader of view 1: sorted ids [n0, n1, n2, n3], 1 % 4 → n1.
    assert_eq!(nodes[1].leader_for_view(1), "n1");
    let requests: Vec<_> = (0..3).map(|i| nodes[i].request_view_change()).collect();
    for r in &requests {
        let _ = nodes[1].receive_view_change(r, 4);
    }
    let new_view = nodes[1].create_new_view(1, 4).unwrap();
    // n3 saw none of the requests; the NEW-VIEW alone moves it.
    let before = nodes[3].summary();
    let mut forged = new_view.clone();
    forged.view_changes.truncate(2);
    assert!(matches!(
        nodes[3].receive_new_view(&forged, 4),
        Err(VoteError::BadSignature { .. })
    ));
    let mut not_leader = new_view.clone();
    not_leader.leader_id = "n2".into();
    assert!(matches!(
        nodes[3].receive_new_view(&not_leader, 4),
        Err(VoteError::NotLeader { .. })
    ));
    assert_eq!(
        nodes[3].summary(),
        before,
        "a refused NEW-VIEW changes nothing"
    );
    assert_eq!(
        nodes[3].receive_new_view(&new_view, 4),
        Ok(VoteOutcome::QuorumReached)
    );
    assert_eq!(nodes[3].current_view(), 1);
    assert!(!nodes[3].is_leader());
    assert!(matches!(
        nodes[3].receive_new_view(&new_view, 4),
        Err(VoteError::ViewMismatch { .. })
    ));
}

#[test]
fn new_view_needs_a_quorum_and_the_leader() {
    let mut nodes = cluster();
    let r0 = nodes[0].request_view_change();
    let _ = nodes[1].receive_view_change(&r0, 4);
    // n1 holds one request (n0's): no quorum of 3.
    assert!(nodes[1].create_new_view(1, 4).is_err());
    // n2 does not lead view 1.
    assert!(nodes[2].create_new_view(1, 4).is_err());
}

#[test]
fn consensus_payloads_round_trip_and_bad_ones_name_the_field() {
    use bizra::consensus::{ConsensusMessage, PayloadError};
    use bizra::gossip::{GossipConfig, GossipEngine};

    let (mut leader, proposal) = setup(3);
    let v = vote(1, &proposal);
    leader.set_leader("n0");
    let prepare = leader.send_prepare(&proposal.proposal_id, 0.97).unwrap();
    let mut sender = GossipEngine::new(
        "n0",
        "127.0.0.1:1",
        key(0),
        GossipConfig::default(),
        Box::new(SplitMix64::new(1)),
    );
    let now = bizra::gossip::UnixMicros(1_770_000_000_000_000);
    for m in [
        ConsensusMessage::PrePrepare(proposal.clone()),
        ConsensusMessage::Vote(v),
        ConsensusMessage::Prepare(prepare),
        ConsensusMessage::ViewChange(leader.request_view_change()),
    ] {
        let (t, payload) = m.to_payload();
        let wire = bizra::gossip::encode_json(&sender.create_message(t, payload, now));
        let back = bizra::gossip::decode_json(&wire).unwrap();
        assert_eq!(ConsensusMessage::from_gossip(&back).unwrap(), m);
    }
    let (t, mut payload) = ConsensusMessage::PrePrepare(proposal).to_payload();
    payload.retain(|(k, _)| k != "view");
    let msg = sender.create_message(t, payload, now);
    assert_eq!(
        ConsensusMessage::from_gossip(&msg),
        Err(PayloadError::Field {
            kind: "pre_prepare",
            field: "view",
            problem: "is missing"
        })
    );
    let ping = sender.create_ping(now);
    assert!(ConsensusMessage::from_gossip(&ping).is_err());
}
