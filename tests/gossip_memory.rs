//! Heap cost of the peer table, measured with dhat: at most 200 bytes per
//! peer (the budget), counted over 10^5 peers with realistic ids
//! and addresses, health schedule included.

use bizra::gossip::{PeerTable, Timeouts, UnixMicros};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[test]
fn peer_table_costs_at_most_200_bytes_per_peer() {
    const N: usize = 100_000;
    let _profiler = dhat::Profiler::builder().testing().build();
    // Build the strings first so only the table's own heap is counted.
    let ids: Vec<String> = (0..N).map(|i| format!("node-{i:06}")).collect();
    let addrs: Vec<String> = (0..N)
        .map(|i| format!("10.{}.{}.{}:7654", i >> 16 & 255, i >> 8 & 255, i & 255))
        .collect();
    let before = dhat::HeapStats::get().curr_bytes;
    let mut table = PeerTable::with_timeouts(Timeouts::default());
    for i in 0..N {
        table
            .add(&ids[i], &addrs[i], [i as u8; 32], UnixMicros(i as i64))
            .unwrap();
    }
    let per_peer = (dhat::HeapStats::get().curr_bytes - before) as f64 / N as f64;
    eprintln!("peer table: {per_peer:.1} bytes per peer over {N} peers");
    assert!(per_peer <= 200.0, "{per_peer:.1} bytes per peer");
    assert_eq!(table.len(), N);
}
