//! The simulation mode spreads a join in O(log n) rounds with SWIM's
//! dissemination buffer; the reference's piggyback gets it out too, slower.

use bizra::gossip::{GossipConfig, PiggybackPolicy, SimConfig, simulate_join};

fn run(nodes: usize, piggyback: PiggybackPolicy, max_rounds: usize) -> bizra::gossip::SimReport {
    simulate_join(SimConfig {
        nodes,
        initial_view: 8,
        max_rounds,
        seed: 3,
        gossip: GossipConfig {
            piggyback,
            ..GossipConfig::default()
        },
    })
}

#[test]
fn dissemination_reaches_every_node_in_logarithmic_rounds() {
    let n = 300;
    let report = run(n, PiggybackPolicy::Dissemination { factor: 3 }, 40);
    let rounds = report.converged_at.expect("converged");
    assert!(
        rounds as f64 <= 2.0 * (n as f64).log2(),
        "{rounds} rounds for {n} nodes"
    );
    // News only ever spreads: the informed count never falls.
    assert!(
        report
            .rounds
            .windows(2)
            .all(|w| w[0].informed <= w[1].informed)
    );
}

#[test]
fn reference_piggyback_spreads_the_join_too() {
    let report = run(100, PiggybackPolicy::MostRecentlySeen, 10);
    assert!(
        report.rounds.last().unwrap().informed > 10,
        "{:?}",
        report.rounds
    );
}
