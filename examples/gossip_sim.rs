//! Runs the gossip join simulation and prints how many nodes know the new
//! node after each round.
//!
//! `cargo run --release --example gossip_sim -- [nodes] [initial_view] [reference|swim] [max_rounds]`
//!
//! `reference` piggybacks the five most recently seen peers, as the
//! reference does; `swim` uses SWIM's dissemination buffer (λ = 3).

use bizra::gossip::{GossipConfig, PiggybackPolicy, SimConfig, simulate_join};

fn main() {
    let mut args = std::env::args().skip(1);
    let nodes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let initial_view: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(8);
    let piggyback = match args.next().as_deref() {
        Some("reference") => PiggybackPolicy::MostRecentlySeen,
        _ => PiggybackPolicy::Dissemination { factor: 3 },
    };
    let max_rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let start = std::time::Instant::now();
    let report = simulate_join(SimConfig {
        nodes,
        initial_view,
        max_rounds,
        seed: 1,
        gossip: GossipConfig {
            piggyback,
            ..GossipConfig::default()
        },
    });
    println!("round  informed  messages");
    for r in &report.rounds {
        println!("{:5}  {:8}  {:8}", r.round, r.informed, r.messages);
    }
    println!(
        "nodes {nodes}, initial view {initial_view}, {piggyback:?}: converged at round {:?} (log2 n = {:.1}), {:.1} s",
        report.converged_at,
        (nodes as f64).log2(),
        start.elapsed().as_secs_f64()
    );
}
