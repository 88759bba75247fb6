//! Heap probes: bytes of heap per object of each system, measured with
//! dhat (which replaces the global allocator, hence this separate binary).
//!
//! Each probe builds many objects, reads dhat's live-heap figure before and
//! after, and divides by the count, so the figure includes the object
//! itself (stored inline in a `Vec`) and everything it owns. The results go
//! to stdout and to the file named by `HARNESS_HEAP_OUT` (set by the
//! harness), else `heap/heap.json` in cargo's target folder:
//!
//! ```json
//! {"schema": 1, "measurements": [{"id": "ntu/state/w5", "metric": "heap_bytes", "value": 96.0, "unit": "bytes"}]}
//! ```
//!
//! `--list` prints the probe ids; filter arguments run only the probes
//! whose id contains one of them.

use std::hint::black_box;
use std::path::PathBuf;

mod inputs;

use bizra::ntu::{Ntu, NtuConfig};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// One probe: an id and a function returning (live bytes added, objects).
struct Probe {
    id: &'static str,
    run: fn() -> (u64, u64),
}

fn live_bytes() -> u64 {
    dhat::HeapStats::get().curr_bytes as u64
}

/// Live heap bytes added by `build`, kept alive until measured.
fn measure<T>(count: u64, build: impl FnOnce() -> T) -> (u64, u64) {
    let before = live_bytes();
    let kept = build();
    let after = live_bytes();
    black_box(&kept);
    drop(kept);
    (after.saturating_sub(before), count)
}

fn ntu_units(window: usize) -> (u64, u64) {
    const N: usize = 10_000;
    // Fill one unit first: the shared entropy tables are built lazily, once
    // per process, and are not part of any unit's cost.
    let mut warm = Ntu::new(NtuConfig::with_window(window)).expect("valid config");
    for k in 0..window {
        warm.observe(k as f64 / window as f64).expect("finite");
    }
    measure(N as u64, || {
        let mut units = Vec::with_capacity(N);
        for i in 0..N {
            let mut ntu = Ntu::new(NtuConfig::with_window(window)).expect("valid config");
            // A full window, as in steady use.
            for k in 0..window {
                ntu.observe(((i + k) % 100) as f64 / 100.0).expect("finite");
            }
            units.push(ntu);
        }
        units
    })
}

fn fate_contexts() -> (u64, u64) {
    const N: usize = 10_000;
    measure(N as u64, || {
        (0..N).map(|_| inputs::fate::context()).collect::<Vec<_>>()
    })
}

fn peer_entries() -> (u64, u64) {
    const N: usize = 100_000;
    measure(N as u64, || inputs::gossip::table(N, 1))
}

/// The whole heap of a table of a million peers (one object).
fn million_peer_table() -> (u64, u64) {
    let (bytes, _) = measure(1, || inputs::gossip::table(1_000_000, 1));
    (bytes, 1)
}

/// Heap a leader keeps per vote received (the record, the duplicate and
/// replay sets), with the network's votes built beforehand.
fn vote_records() -> (u64, u64) {
    const N: u32 = 1_000;
    let net = inputs::consensus::network(N);
    let mut leader = inputs::consensus::leader_for(&net);
    let before = live_bytes();
    for vote in &net.votes {
        // A node count no quorum reaches: every vote is recorded.
        leader.receive_vote(vote, 1 << 30).expect("valid vote");
    }
    let after = live_bytes();
    black_box(&leader);
    (after.saturating_sub(before), u64::from(N))
}

const PROBES: &[Probe] = &[
    Probe {
        id: "ntu/state/w5",
        run: || ntu_units(5),
    },
    Probe {
        id: "ntu/state/w64",
        run: || ntu_units(64),
    },
    Probe {
        id: "fate/context/default",
        run: fate_contexts,
    },
    Probe {
        id: "gossip/peer_entry/100000",
        run: peer_entries,
    },
    Probe {
        id: "gossip/peer_table/1000000",
        run: million_peer_table,
    },
    Probe {
        id: "consensus/vote_record/1000",
        run: vote_records,
    },
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        for p in PROBES {
            println!("{}: heap_bytes", p.id);
        }
        return;
    }
    // Arguments cargo passes (`--bench`) are not filters; a probe runs when
    // its id contains any of the others (the harness passes exact ids).
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    // `cargo bench` passes `--bench`; without it (`cargo test --benches`)
    // this is a smoke test: every probe but the million-peer table runs, and
    // the unoptimised figures are not written where the harness reads them.
    let smoke = !args.iter().any(|a| a == "--bench");
    let _profiler = dhat::Profiler::builder().testing().build();
    let mut measurements = Vec::new();
    for p in PROBES {
        if (!filters.is_empty() && !filters.iter().any(|f| p.id.contains(f.as_str())))
            || (smoke && p.id.ends_with("1000000"))
        {
            continue;
        }
        let (bytes, count) = (p.run)();
        let per = bytes as f64 / count as f64;
        println!(
            "{:<32} {per:>10.1} bytes per object ({count} objects)",
            p.id
        );
        measurements.push(serde_json::json!({
            "id": p.id, "metric": "heap_bytes", "value": per, "unit": "bytes",
        }));
    }
    if smoke {
        return;
    }
    let doc = serde_json::json!({"schema": 1, "measurements": measurements});
    let file = output_file();
    let write = || -> std::io::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = file.with_extension("json.partial");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&doc)?)?;
        std::fs::rename(&tmp, &file)
    };
    if let Err(e) = write() {
        eprintln!("cannot write {}: {e}", file.display());
        std::process::exit(1);
    }
}

/// Where the results go: the file the harness names in `HARNESS_HEAP_OUT`,
/// else `heap/heap.json` in cargo's target folder (`CARGO_TARGET_DIR`, or
/// `target` under the workspace root).
fn output_file() -> PathBuf {
    if let Some(out) = std::env::var_os("HARNESS_HEAP_OUT") {
        return PathBuf::from(out);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("heap/heap.json")
}
