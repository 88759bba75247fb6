//! Consensus inputs: voters, a proposal, their votes, and a leader ready to
//! receive them.

use bizra::consensus::{ConsensusEngine, Proposal, Vote};
use bizra::pci::{PublicKey, SigningKey, SplitMix64};
use bizra::py::PyValue;

/// The signing key of voter `n` (deterministic).
pub fn key(n: u32) -> SigningKey {
    let mut seed = [3u8; 32];
    seed[..4].copy_from_slice(&n.to_le_bytes());
    SigningKey::from_seed(&seed)
}

pub struct Network {
    pub keys: Vec<PublicKey>,
    pub proposal: Proposal,
    pub votes: Vec<Vote>,
}

/// `n` voters `v0..`, one proposal by `leader`, and every voter's vote.
pub fn network(n: u32) -> Network {
    let mut leader =
        ConsensusEngine::new("leader", key(u32::MAX), Box::new(SplitMix64::new(5))).unwrap();
    let pattern = PyValue::from_json(
        r#"{"pattern": "elevated", "score": 0.97, "meta": {"tags": ["a", "b"]}}"#,
    )
    .unwrap();
    let proposal = leader.propose_pattern(pattern, 0.0).unwrap();
    let signers: Vec<SigningKey> = (0..n).map(key).collect();
    let votes = signers
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let mut voter =
                ConsensusEngine::new(&format!("v{i}"), k.clone(), Box::new(SplitMix64::new(0)))
                    .unwrap();
            voter.accept_proposal(proposal.clone(), 0.0).unwrap();
            voter.cast_vote(&proposal, 0.97).unwrap()
        })
        .collect();
    Network {
        keys: signers.iter().map(SigningKey::public_key).collect(),
        proposal,
        votes,
    }
}

pub fn leader_for(net: &Network) -> ConsensusEngine {
    let mut e =
        ConsensusEngine::new("leader", key(u32::MAX), Box::new(SplitMix64::new(5))).unwrap();
    for (i, k) in net.keys.iter().enumerate() {
        e.register_peer(&format!("v{i}"), *k).unwrap();
    }
    e.accept_proposal(net.proposal.clone(), 0.0).unwrap();
    e
}
