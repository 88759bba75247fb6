//! Sixteen nodes on 127.0.0.1 over real UDP: they find each other from one
//! seed, and a node that stops is seen SUSPECT, then DEAD. Time is scaled
//! down 20-fold (interval 50 ms, suspect after 250 ms, dead after 750 ms);
//! the test bounds itself and stops every node it started.
//!
//! Live peers may be suspected now and then: with 16 nodes and fanout 3 a
//! peer goes unheard for five intervals with probability about 0.1, and the
//! reference pings only ALIVE peers. So the test asks for full knowledge of
//! the membership, not for every peer to be ALIVE at one instant.

use std::time::Duration;

use bizra::gossip::{GossipConfig, NodeState, UdpNode, UnixMicros};
use bizra::pci::SigningKey;

const NODES: usize = 16;

fn key(i: usize) -> SigningKey {
    SigningKey::from_seed(&[i as u8 + 1; 32])
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

#[tokio::test(flavor = "current_thread")]
async fn sixteen_nodes_discover_each_other_and_detect_a_stopped_one() {
    let config = GossipConfig::time_scaled(20);
    let test = async {
        let seed = UdpNode::start(
            "udp-0",
            "127.0.0.1:0",
            key(0),
            config,
            None,
            UnixMicros::now,
            None,
        )
        .await
        .unwrap();
        let seed_addr = seed.local_addr();
        let seed_key = key(0).public_key().to_hex();
        let mut nodes = vec![seed];
        for i in 1..NODES {
            let node = UdpNode::start(
                &format!("udp-{i}"),
                "127.0.0.1:0",
                key(i),
                config,
                Some(("udp-0", seed_addr, &seed_key)),
                UnixMicros::now,
                None,
            )
            .await
            .unwrap();
            nodes.push(node);
        }
        poll_until("full membership", Duration::from_secs(10), || {
            nodes
                .iter()
                .all(|n| n.with_engine(|e| e.peers().len() == NODES - 1))
        })
        .await;

        let victim = nodes.pop().unwrap();
        let victim_id = format!("udp-{}", NODES - 1);
        victim.stop().await;
        poll_until(
            "the stopped node DEAD everywhere",
            Duration::from_secs(10),
            || {
                nodes.iter().all(|n| {
                    n.with_engine(|e| e.peer(&victim_id).map(|p| p.state)) == Some(NodeState::Dead)
                })
            },
        )
        .await;
        for n in &nodes {
            let seen: Vec<_> = n
                .transitions()
                .into_iter()
                .filter(|t| t.node_id == victim_id)
                .map(|t| t.to)
                .collect();
            assert_eq!(
                seen.first(),
                Some(&NodeState::Suspect),
                "SUSPECT before DEAD: {seen:?}"
            );
            assert_eq!(seen.last(), Some(&NodeState::Dead));
        }
        for n in nodes {
            n.stop().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("the test bounds itself at 30 s");
}
