//! Four replicas on 127.0.0.1 commit a proposal through real UDP messages:
//! the leader's PROPOSE (pre-prepare), every replica's VOTE (prepare) and
//! COMMIT, each a signed gossip datagram whose payload is decoded into a
//! consensus message and checked by the replica's engine. Time is scaled
//! down 20-fold for the membership rounds. Every wait is bounded and the
//! whole test stops itself after 30 s; it asserts no speed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bizra::consensus::{ConsensusEngine, ConsensusMessage, Replica};
use bizra::gossip::{GossipConfig, GossipMessage, Outbox, UdpNode, UnixMicros};
use bizra::pci::{SigningKey, SplitMix64};
use bizra::py::PyValue;
use tokio::sync::mpsc;

const NODES: usize = 4;

fn key(i: usize) -> SigningKey {
    SigningKey::from_seed(&[i as u8 + 41; 32])
}

fn id(i: usize) -> String {
    format!("replica-{i}")
}

async fn poll_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = tokio::time::Instant::now();
    while !done() {
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn now_secs() -> f64 {
    UnixMicros::now().0 as f64 / 1e6
}

async fn broadcast(outbox: &Outbox, messages: Vec<ConsensusMessage>) {
    for m in messages {
        let (msg_type, payload) = m.to_payload();
        outbox.broadcast(msg_type, payload).await;
    }
}

/// Feeds a node's received consensus messages to its replica and
/// broadcasts what the replica answers; records refusals.
async fn drive(
    mut inbox: mpsc::UnboundedReceiver<GossipMessage>,
    replica: Arc<Mutex<Replica>>,
    outbox: Outbox,
    refused: Arc<Mutex<Vec<String>>>,
) {
    while let Some(msg) = inbox.recv().await {
        let decoded = ConsensusMessage::from_gossip(&msg);
        let out = match decoded {
            Ok(m) => replica
                .lock()
                .unwrap()
                .handle(&msg.sender_id, m, now_secs()),
            Err(e) => {
                refused.lock().unwrap().push(e.to_string());
                continue;
            }
        };
        match out {
            Ok(out) => broadcast(&outbox, out).await,
            Err(e) => refused.lock().unwrap().push(e.to_string()),
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn four_replicas_commit_a_proposal_over_udp() {
    let config = GossipConfig::time_scaled(20);
    let test = async {
        let mut nodes = Vec::new();
        let mut inboxes = Vec::new();
        for i in 0..NODES {
            let (tx, rx) = mpsc::unbounded_channel();
            let seed_key = key(0).public_key().to_hex();
            let seed = nodes
                .first()
                .map(|n: &UdpNode| (id(0), n.local_addr(), seed_key));
            let node = UdpNode::start(
                &id(i),
                "127.0.0.1:0",
                key(i),
                config,
                seed.as_ref().map(|(s, a, k)| (s.as_str(), *a, k.as_str())),
                UnixMicros::now,
                Some(tx),
            )
            .await
            .unwrap();
            nodes.push(node);
            inboxes.push(rx);
        }
        poll_until("full membership", Duration::from_secs(10), || {
            nodes
                .iter()
                .all(|n| n.with_engine(|e| e.peers().alive().len() == NODES - 1))
        })
        .await;

        let refused = Arc::new(Mutex::new(Vec::new()));
        let mut replicas = Vec::new();
        let mut drivers = Vec::new();
        for (i, inbox) in inboxes.into_iter().enumerate() {
            let mut engine =
                ConsensusEngine::new(&id(i), key(i), Box::new(SplitMix64::new(i as u64))).unwrap();
            for j in 0..NODES {
                engine.register_peer(&id(j), key(j).public_key()).unwrap();
            }
            let replica = Arc::new(Mutex::new(Replica::new(engine, NODES, 0.97)));
            drivers.push(tokio::spawn(drive(
                inbox,
                replica.clone(),
                nodes[i].outbox(),
                refused.clone(),
            )));
            replicas.push(replica);
        }

        // The leader of view 0 is the first id in sorted order.
        let leader = 0;
        assert_eq!(
            replicas[leader].lock().unwrap().engine().leader_for_view(0),
            id(leader)
        );
        let pattern =
            PyValue::from_json(r#"{"pattern": "elevated", "score": 0.97, "tags": ["udp"]}"#)
                .unwrap();
        let first = replicas[leader]
            .lock()
            .unwrap()
            .propose(pattern, now_secs())
            .unwrap();
        let ConsensusMessage::PrePrepare(proposal) = &first[0] else {
            panic!("the leader's first message is its pre-prepare: {first:?}");
        };
        let proposal_id = proposal.proposal_id.clone();
        broadcast(&nodes[leader].outbox(), first).await;

        poll_until("a commit on every replica", Duration::from_secs(10), || {
            replicas
                .iter()
                .all(|r| r.lock().unwrap().engine().is_committed(&proposal_id))
        })
        .await;
        assert!(
            refused.lock().unwrap().is_empty(),
            "refused: {:?}",
            refused.lock().unwrap()
        );

        for d in drivers {
            d.abort();
        }
        for n in nodes {
            n.stop().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("the test bounds itself at 30 s");
}
