//! The workspace's own `targets.toml` loads, and every gate names a bench
//! that exists and a metric that bench produces. The bench ids come from
//! the suites themselves: each bench binary is asked for `--list`.

use std::path::{Path, PathBuf};
use std::process::Command;

use harness::model::{BenchId, Metric};
use harness::targets::Targets;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("harness/ sits in the workspace")
        .to_path_buf()
}

/// Builds the workspace's benches in the test profile and returns each
/// bench target's name and executable. `--workspace` keeps the feature set
/// the test command's `cargo test --workspace --all-targets` used, so this
/// finds those binaries already built instead of building them again.
fn bench_executables() -> Vec<(String, PathBuf)> {
    let out = Command::new(env!("CARGO"))
        .current_dir(workspace())
        .args(["test", "--workspace", "--benches", "--no-run"])
        .args(["--message-format=json", "--quiet"])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "building the benches failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut found = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let is_bench = msg["target"]["kind"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "bench"));
        if let (true, Some(exe)) = (is_bench, msg["executable"].as_str()) {
            let name = msg["target"]["name"].as_str().expect("target name");
            found.push((name.to_owned(), PathBuf::from(exe)));
        }
    }
    found
}

/// The suite's ids and their metric, from `<exe> --list`.
fn listed(name: &str, exe: &Path) -> Vec<(BenchId, Metric)> {
    let out = Command::new(exe)
        .arg("--list")
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
    assert!(out.status.success(), "{name} --list failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut ids = Vec::new();
    for line in text.lines() {
        let Some((id, _kind)) = line.rsplit_once(": ") else {
            continue;
        };
        let (id, metric) = match name {
            // gungraun: `instructions::<group>::<function>::<id>`, a numeric
            // parameter written `_100`.
            "instructions" => {
                let parts: Vec<&str> = id.split("::").collect();
                let [_, group, function, param] = parts[..] else {
                    panic!("unexpected gungraun id {id:?}");
                };
                let param = match param.strip_prefix('_') {
                    Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
                    _ => param,
                };
                (format!("{group}/{function}/{param}"), Metric::Instructions)
            }
            "heap" => (id.to_owned(), Metric::HeapBytes),
            _ => (id.to_owned(), Metric::WallTime),
        };
        ids.push((BenchId::parse(&id).expect("valid id"), metric));
    }
    assert!(!ids.is_empty(), "{name} --list printed no bench");
    ids
}

#[test]
fn every_gate_names_an_existing_bench_and_metric() {
    let targets =
        Targets::load(&workspace().join("targets.toml")).unwrap_or_else(|e| panic!("{e}"));
    assert!(!targets.gates.is_empty() && !targets.complexity.is_empty());
    let suites = bench_executables();
    for expected in [
        "instructions",
        "heap",
        "ntu",
        "fate",
        "snr",
        "session_dag",
        "gossip",
        "consensus",
    ] {
        assert!(
            suites.iter().any(|(n, _)| n == expected),
            "no bench target {expected:?} among {:?}",
            suites.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
    }
    let known: Vec<(BenchId, Metric)> = suites.iter().flat_map(|(n, exe)| listed(n, exe)).collect();
    if let Err(e) = targets.check_known(&known) {
        panic!("{e}");
    }
}
