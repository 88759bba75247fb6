//! Parity with the reference's consensus: every case of
//! `tests/vectors/consensus.json`.

mod common;

use bizra::consensus::{
    ConsensusEngine, Proposal, ProposalDigests, Vote, VoteOutcome, quorum_size,
};
use bizra::pci::{SigningKey, SplitMix64, canonical_json, domain_digest};
use bizra::py::PyValue;
use common::Json;

/// The patterns as loaded (integers of any size stay exact).
fn patterns() -> Vec<PyValue> {
    let doc = common::load_vectors("consensus.json");
    common::cases(&doc, "consensus.json", "votes")
        .iter()
        .map(|v| v.at("pattern").clone())
        .collect()
}

fn field<'a>(case: &'a PyValue, key: &str) -> &'a str {
    case.at(key).text()
}

#[test]
fn quorum_for_every_node_count() {
    let doc = common::load_vectors("consensus.json");
    for case in common::cases(&doc, "consensus.json", "quorum") {
        let n = usize::try_from(case.at("n").count()).unwrap();
        let want = usize::try_from(case.at("quorum").count()).unwrap();
        assert_eq!(quorum_size(n), Ok(want), "n = {n}");
    }
    assert!(quorum_size(0).is_err());
}

#[test]
fn canonical_json_digests_signatures_and_commit_digests_match() {
    let doc = common::load_vectors("consensus.json");
    let cases = common::cases(&doc, "consensus.json", "votes");
    let patterns = patterns();
    assert_eq!(patterns.len(), cases.len());
    for (i, (case, pattern)) in cases.iter().zip(&patterns).enumerate() {
        let canonical = canonical_json(pattern).unwrap();
        assert_eq!(canonical, field(case, "canonical_json"), "vote {i}");
        let digest = domain_digest(canonical.as_bytes());
        assert_eq!(digest.to_hex(), field(case, "digest"), "vote {i}");
        let digests = ProposalDigests::of(pattern).unwrap();
        assert_eq!(digests.pattern, digest);
        assert_eq!(
            digests.commit.to_hex(),
            field(case, "commit_digest"),
            "vote {i}"
        );
        let key = SigningKey::from_seed_hex(field(case, "private_key")).unwrap();
        assert_eq!(
            key.public_key().to_hex(),
            field(case, "public_key"),
            "vote {i}"
        );
        assert_eq!(
            key.sign(&digest).to_hex(),
            field(case, "signature"),
            "vote {i}"
        );
    }
}

#[test]
fn reference_votes_are_accepted_by_our_engine() {
    let doc = common::load_vectors("consensus.json");
    let cases = common::cases(&doc, "consensus.json", "votes");
    for (i, (case, pattern)) in cases.iter().zip(patterns()).enumerate() {
        let local = SigningKey::from_seed(&[9; 32]);
        let mut engine =
            ConsensusEngine::new("local", local, Box::new(SplitMix64::new(1))).unwrap();
        engine
            .register_peer("voter", field(case, "public_key").parse().unwrap())
            .unwrap();
        let proposal = Proposal {
            proposal_id: format!("prop_{i:08x}"),
            proposer_id: "local".into(),
            pattern,
            timestamp: 0.0,
            view: 0,
            sequence: 1,
        };
        engine.accept_proposal(proposal.clone(), 0.0).unwrap();
        let vote = Vote {
            proposal_id: proposal.proposal_id.clone(),
            voter_id: "voter".into(),
            signature: field(case, "signature").into(),
            public_key: field(case, "public_key").into(),
            ihsan_score: 0.97,
        };
        // Two nodes: quorum 1, so the reference vote commits the proposal.
        assert_eq!(
            engine.receive_vote(&vote, 2),
            Ok(VoteOutcome::QuorumReached),
            "vote {i}"
        );
        assert!(engine.is_committed(&proposal.proposal_id));
        // The same vote cast by us is byte-identical.
        let ours = ConsensusEngine::new(
            "voter",
            SigningKey::from_seed_hex(field(case, "private_key")).unwrap(),
            Box::new(SplitMix64::new(2)),
        )
        .unwrap()
        .cast_vote(&proposal, 0.97)
        .unwrap();
        assert_eq!(ours.signature, vote.signature, "vote {i}");
        assert_eq!(ours.public_key, vote.public_key, "vote {i}");
    }
}
