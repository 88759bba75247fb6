//! Writes a realistic synthetic history for the dashboard's browser test,
//! screenshots and load-time measurement:
//!
//! ```sh
//! cargo run -p harness --example synth_history -- OUT_DIR [RUNS] [BENCHES] [SEED]
//! ```
//!
//! `OUT_DIR` receives `history.jsonl`, `repo/` (a bare git repository
//! holding the commits, so that tooltips show their messages),
//! `targets.toml` (a gate and goal on two benches) and `criterion/` (a
//! flamegraph and a Criterion report for the first bench). Bench 0 gets a
//! 15 % wall-time step two thirds of the way through.

use std::path::PathBuf;

use anyhow::Context;
use harness::dashboard::synthetic::{Spec, bench_id, commits, runs, write_repo};

const TARGETS: &str = r#"[[gate]]
bench = "ntu/observe/w16"
metric = "wall_time"
statistic = "median"
max = "60 ns"
goal = "45 ns"
source = "synthetic"

[[gate]]
bench = "bft/observe/w16"
metric = "instructions"
max = "4000"
goal = "3200"
source = "synthetic"
"#;

const FLAMEGRAPH: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60"><rect width="400" height="20" fill="#e55"/><text x="4" y="14">main</text><rect y="22" width="260" height="20" fill="#e95"/><text x="4" y="36">observe</text></svg>
"##;

const CRITERION: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Criterion report</title></head><body><h1>ntu/observe/w16</h1><p>Synthetic Criterion report.</p></body></html>\n";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(
        args.first()
            .context("usage: OUT_DIR [RUNS] [BENCHES] [SEED]")?,
    );
    let num = |i: usize, default: u64| -> anyhow::Result<u64> {
        args.get(i)
            .map(|s| s.parse().with_context(|| format!("not a number: {s}")))
            .unwrap_or(Ok(default))
    };
    let spec = Spec {
        runs: num(1, 36)? as usize,
        benches: num(2, 6)? as usize,
        seed: num(3, 42)?,
        step: 0.15,
    };
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("{}", out.display()))?;
    }
    std::fs::create_dir_all(&out)?;
    let commits = write_repo(&out.join("repo"), &commits(&spec))?;
    let mut text = String::new();
    for run in runs(&spec, &commits) {
        text.push_str(&serde_json::to_string(&run)?);
        text.push('\n');
    }
    std::fs::write(out.join("history.jsonl"), text)?;
    std::fs::write(out.join("targets.toml"), TARGETS)?;
    let bench = out.join("criterion").join(bench_id(0).as_str());
    std::fs::create_dir_all(bench.join("profile"))?;
    std::fs::create_dir_all(bench.join("report"))?;
    std::fs::write(bench.join("profile/flamegraph.svg"), FLAMEGRAPH)?;
    std::fs::write(bench.join("report/index.html"), CRITERION)?;
    println!(
        "{}: {} runs × {} benches, step in {} from run {}",
        out.display(),
        spec.runs,
        spec.benches,
        bench_id(0),
        harness::dashboard::synthetic::step_run(&spec)
    );
    Ok(())
}
