//! End to end: `harness run` on a temporary virtual workspace shaped the
//! way other people's repositories are: two member crates, a bench target
//! whose name differs from its file, a bench under `tests/`, a Criterion
//! bench called `heap.rs`, a declared heap probe, a gungraun-style bench,
//! and a bench that panics. The benches write the tools' own output
//! formats without depending on the tools, so the test builds in seconds;
//! `valgrind` and `gungraun-runner` are stand-ins on PATH.

mod common;

use std::path::{Path, PathBuf};

use common::harness;
use predicates::prelude::*;

/// Shared by the fake Criterion benches: writes Criterion's `new/` files
/// for `id` with 10 samples around `ns` under `CRITERION_HOME` (as the
/// harness sets it) or the target folder.
const RECORD: &str = r#"
fn record(id: &str, ns: f64) {
    let home = std::env::var("CRITERION_HOME").unwrap_or_else(|_| {
        format!("{}/criterion", std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into()))
    });
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--") && a.parse::<f64>().is_err()).collect();
    if let Some(f) = filter.last() {
        let re = f.trim_start_matches("^(?:").trim_end_matches(")$").replace('\\', "");
        if !re.split('|').any(|x| id.contains(x)) { return; }
    }
    let dir = std::path::Path::new(&home).join(id).join("new");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("benchmark.json"), format!("{{\"full_id\":\"{id}\"}}")).unwrap();
    std::fs::write(dir.join("estimates.json"), format!(
        "{{\"mean\":{{\"point_estimate\":{ns},\"confidence_interval\":{{\"lower_bound\":{ns},\"upper_bound\":{ns},\"confidence_level\":0.95}}}}}}")).unwrap();
    let times: Vec<f64> = (0..10).map(|i| ns * 100.0 * (1.0 + 0.001 * i as f64)).collect();
    std::fs::write(dir.join("sample.json"), format!("{{\"iters\":{:?},\"times\":{times:?}}}", vec![100.0; 10])).unwrap();
    println!("{id}  time: [{ns:.1} ns]");
}
"#;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn criterion_bench(ids: &[(&str, f64)]) -> String {
    let calls: String = ids
        .iter()
        .map(|(id, ns)| format!("    record({id:?}, {ns:?});\n"))
        .collect();
    format!("{RECORD}\nfn main() {{\n{calls}}}\n")
}

/// The workspace; returns its root.
fn workspace(root: &Path) -> PathBuf {
    let ws = root.join("ws");
    write(
        &ws,
        "Cargo.toml",
        "[workspace]\nmembers = [\"alpha\", \"beta\"]\nresolver = \"2\"\n",
    );
    write(
        &ws,
        "alpha/Cargo.toml",
        r#"[package]
name = "alpha"
version = "0.1.0"
edition = "2021"

[[bench]]
name = "speed_renamed"
path = "benches/speed.rs"
harness = false

[[bench]]
name = "heap"
harness = false

[[bench]]
name = "boom"
harness = false
"#,
    );
    write(&ws, "alpha/src/lib.rs", "");
    write(
        &ws,
        "alpha/benches/speed.rs",
        &criterion_bench(&[("alpha/work/10", 120.0), ("alpha/work/20", 240.0)]),
    );
    // A Criterion bench that happens to be called heap.rs.
    write(
        &ws,
        "alpha/benches/heap.rs",
        &criterion_bench(&[("alpha/alloc/1", 55.0)]),
    );
    write(
        &ws,
        "alpha/benches/boom.rs",
        "fn main() {\n    panic!(\"the disk is on fire\");\n}\n",
    );
    write(
        &ws,
        "beta/Cargo.toml",
        r#"[package]
name = "beta"
version = "0.1.0"
edition = "2021"

[package.metadata.harness]
heap = ["probe"]
gungraun = ["counts"]

[[bench]]
name = "in_tests"
path = "tests/bench.rs"
harness = false

[[bench]]
name = "probe"
harness = false

[[bench]]
name = "counts"
harness = false
"#,
    );
    write(&ws, "beta/src/lib.rs", "");
    write(
        &ws,
        "beta/tests/bench.rs",
        &criterion_bench(&[("beta/parse/100", 900.0)]),
    );
    // A heap probe by the harness's protocol: `--list`, ids as filters,
    // results to HARNESS_HEAP_OUT.
    write(
        &ws,
        "beta/benches/probe.rs",
        r#"fn main() {
    let probes = [("beta/state/small", 48.0), ("beta/state/large", 4096.0)];
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        for (id, _) in probes { println!("{id}: heap_bytes"); }
        return;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let items: Vec<String> = probes.iter()
        .filter(|(id, _)| filters.is_empty() || filters.iter().any(|f| id.contains(f.as_str())))
        .map(|(id, v)| format!("{{\"id\":\"{id}\",\"metric\":\"heap_bytes\",\"value\":{v},\"unit\":\"bytes\"}}"))
        .collect();
    let out = std::env::var("HARNESS_HEAP_OUT").expect("HARNESS_HEAP_OUT");
    std::fs::create_dir_all(std::path::Path::new(&out).parent().unwrap()).unwrap();
    std::fs::write(&out, format!("{{\"schema\":1,\"measurements\":[{}]}}", items.join(","))).unwrap();
}
"#,
    );
    // gungraun's side of the protocol: `--list` in its format, a module
    // path as the filter, a v7 summary per bench.
    write(
        &ws,
        "beta/benches/counts.rs",
        r#"fn main() {
    let benches = [("counts::parse::line", "_100", 5000u64), ("counts::parse::line", "_1000", 50000u64)];
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        for (path, id, _) in benches { println!("{path}::{id}: benchmark"); }
        return;
    }
    let filter = args.iter().find(|a| !a.starts_with("--"));
    let target = std::env::var("CARGO_TARGET_DIR").unwrap();
    for (path, id, ir) in benches {
        if filter.is_some_and(|f| f != &format!("{path}::{id}")) { continue; }
        let dir = format!("{target}/gungraun/beta/counts/parse/line.{id}");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/summary.json"), format!(
            "{{\"version\":\"7\",\"module_path\":\"{path}\",\"group\":\"parse\",\"function_name\":\"line\",\"id\":\"{id}\",\
              \"profiles\":[{{\"tool\":\"Callgrind\",\"data\":{{\"total\":{{\"metrics\":{{\"Ir\":{{\"values\":{{\"new\":{ir}}}}}}}}}}}}}]}}")).unwrap();
    }
}
"#,
    );
    ws
}

/// A folder with stand-in `valgrind` and `gungraun-runner`, prepended to PATH.
fn tool_path(root: &Path) -> String {
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["valgrind", "gungraun-runner"] {
        let p = bin.join(tool);
        std::fs::write(&p, "#!/bin/sh\nexit 0\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn history_ids(history: &Path) -> Vec<String> {
    let loaded = harness::history::load(history).unwrap();
    let last = serde_json::to_value(loaded.runs.last().unwrap()).unwrap();
    let mut ids: Vec<String> = last["measurements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{} {}",
                m["bench"].as_str().unwrap(),
                m["metric"].as_str().unwrap()
            )
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn run_records_every_working_bench_of_a_workspace_and_names_the_one_that_panicked() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let path = tool_path(dir.path());
    let history = ws.join("reports/history");

    // Run from elsewhere: paths follow --workspace, not the current folder.
    harness(dir.path())
        .env("PATH", &path)
        .args(["run", "--workspace"])
        .arg(&ws)
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "FAILED alpha/boom: exit status: 101: thread 'main'",
        ))
        .stdout(predicate::str::contains("the disk is on fire"))
        .stdout(predicate::str::contains("1 bench target(s) failed"));
    assert_eq!(
        history_ids(&history),
        [
            "alpha/alloc/1 wall_time_ns",
            "alpha/work/10 wall_time_ns",
            "alpha/work/20 wall_time_ns",
            "beta/parse/100 wall_time_ns",
            "beta/state/large heap_bytes",
            "beta/state/small heap_bytes",
            "parse/line/100 instructions",
            "parse/line/1000 instructions",
        ]
    );

    // The failure is part of the record, with its message.
    let loaded = harness::history::load(&history).unwrap();
    let last = serde_json::to_value(loaded.runs.last().unwrap()).unwrap();
    assert_eq!(last["failures"][0]["target"], "alpha/boom");
    assert!(
        last["failures"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the disk is on fire")
    );

    // The recorded run is judged and drawn like any other; the failed
    // target fails the check, by name and message.
    harness(&ws)
        .args(["check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "Bench targets that failed in this run",
        ))
        .stdout(predicate::str::contains("alpha/boom"))
        .stdout(predicate::str::contains("the disk is on fire"));
    harness(&ws)
        .args(["report", "--out", "site"])
        .assert()
        .code(0);
    assert!(ws.join("site/index.html").is_file());
}

#[test]
fn package_bench_suite_and_filter_select_across_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let path = tool_path(dir.path());
    let history = ws.join("reports/history");

    // The filter reaches the heap probe and the gungraun bench: only the
    // selected benches run (the probe and the counts bench write nothing else).
    harness(&ws)
        .env("PATH", &path)
        .args(["run", "-p", "beta", "--filter", "small|/1000$"])
        .assert()
        .code(0);
    assert_eq!(
        history_ids(&history),
        [
            "beta/state/small heap_bytes",
            "parse/line/1000 instructions"
        ]
    );
    let summaries: Vec<_> = walk(&ws.join("target/gungraun"));
    assert_eq!(summaries.len(), 1, "{summaries:?}");

    harness(&ws)
        .env("PATH", &path)
        .args(["run", "--bench", "speed_renamed", "--bench", "heap"])
        .assert()
        .code(0);
    // Once Criterion's folder exists, a filter that selects none of a
    // target's benches is an empty result for it, not a failure.
    harness(&ws)
        .env("PATH", &path)
        .args([
            "run",
            "--bench",
            "speed_renamed",
            "--bench",
            "heap",
            "--filter",
            "alloc",
        ])
        .assert()
        .code(0);
    assert_eq!(history_ids(&history), ["alpha/alloc/1 wall_time_ns"]);
    harness(&ws)
        .env("PATH", &path)
        .args(["run", "--bench", "speed_renamed", "--bench", "heap"])
        .assert()
        .code(0);
    assert_eq!(
        history_ids(&history),
        [
            "alpha/alloc/1 wall_time_ns",
            "alpha/work/10 wall_time_ns",
            "alpha/work/20 wall_time_ns",
        ]
    );

    harness(&ws)
        .env("PATH", &path)
        .args(["run", "--suite", "heap"])
        .assert()
        .code(0);
    assert_eq!(
        history_ids(&history),
        ["beta/state/large heap_bytes", "beta/state/small heap_bytes"]
    );

    harness(&ws)
        .args(["run", "--bench", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--bench \"nope\": no bench target of that name (bench targets: boom, counts, heap, in_tests, probe, speed_renamed)",
        ));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn calibrate_saves_each_benchs_noise_for_this_machine_and_prints_what_it_can_detect() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    harness(dir.path())
        .args([
            "calibrate",
            "--rounds",
            "3",
            "--bench",
            "speed_renamed",
            "--workspace",
        ])
        .arg(&ws)
        .args(["--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"sigma_pair\""));
    let saved: Vec<PathBuf> = walk(&ws.join("baselines"));
    assert_eq!(saved.len(), 1, "{saved:?}");
    // Calibration is of rounds, as compare measures them: profile `round`.
    assert!(saved[0].ends_with("calibration-round.json"), "{saved:?}");
    let cal: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&saved[0]).unwrap()).unwrap();
    let benches: Vec<&str> = cal["benches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bench"].as_str().unwrap())
        .collect();
    assert_eq!(benches, ["alpha/work/10", "alpha/work/20"]);
    assert_eq!(cal["rounds"], 3);

    harness(dir.path())
        .args(["calibrate", "--rounds", "2", "--workspace"])
        .arg(&ws)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 3 rounds"));
}

#[test]
fn init_sets_a_workspace_up_and_its_harness_toml_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    harness(dir.path())
        .args(["init", "--action", "me/harness@0123abc", "--workspace"])
        .arg(ws.join("alpha"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("wrote"))
        .stdout(predicate::str::contains("alpha/speed_renamed (criterion)"))
        .stdout(predicate::str::contains("beta/probe (heap)"));
    for f in [
        "harness.toml",
        "targets.toml",
        ".github/workflows/bench.yml",
    ] {
        assert!(ws.join(f).is_file(), "{f}");
    }
    let workflow = std::fs::read_to_string(ws.join(".github/workflows/bench.yml")).unwrap();
    assert!(workflow.contains("uses: me/harness@0123abc"), "{workflow}");
    // Again: nothing is overwritten.
    harness(&ws)
        .args(["init"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already set up"));

    // The configuration is read from the workspace and its options apply.
    let config = std::fs::read_to_string(ws.join("harness.toml")).unwrap();
    std::fs::write(
        ws.join("harness.toml"),
        config.replace(
            "# history = \"reports/history\"",
            "history = \"data/runs.jsonl\"",
        ),
    )
    .unwrap();
    harness(&ws.join("alpha"))
        .args(["run", "--bench", "speed_renamed"])
        .assert()
        .code(0);
    assert!(ws.join("data/runs.jsonl").is_file());
    // A bad value is an error naming the file and line.
    std::fs::write(ws.join("harness.toml"), "[judging]\nalpha = 7\n").unwrap();
    harness(&ws)
        .args(["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "harness.toml:2: judging.alpha = 7 is out of range",
        ));
}

#[test]
fn compare_measures_all_three_suites_of_a_workspace_and_flags_each_change() {
    use common::repo::git;
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let path = tool_path(dir.path());
    std::fs::write(ws.join(".gitignore"), "/target\n").unwrap();
    git(&ws, &["init", "-q", "-b", "main"]);
    git(&ws, &["add", "."]);
    git(&ws, &["commit", "-qm", "base"]);
    // Head: wall time +50 %, heap +10 %, instructions +5 %, each in one bench.
    let edit = |file: &str, from: &str, to: &str| {
        let p = ws.join(file);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{file} lacks {from}");
        std::fs::write(&p, text.replace(from, to)).unwrap();
    };
    edit(
        "alpha/benches/speed.rs",
        "(\"alpha/work/20\", 240.0)",
        "(\"alpha/work/20\", 360.0)",
    );
    edit(
        "beta/benches/probe.rs",
        "(\"beta/state/small\", 48.0)",
        "(\"beta/state/small\", 52.8)",
    );
    edit(
        "beta/benches/counts.rs",
        "\"_1000\", 50000u64",
        "\"_1000\", 52500u64",
    );
    // A target the change breaks fails the comparison; the bench that
    // panics on both sides is only a warning.
    std::fs::write(
        ws.join("beta/tests/bench.rs"),
        "fn main() {\n    panic!(\"broken by the head\");\n}\n",
    )
    .unwrap();
    git(&ws, &["commit", "-qam", "head"]);
    let out = dir.path().join("compare.json");
    harness(&ws)
        .env("PATH", &path)
        .args([
            "compare",
            "--base",
            "HEAD~1",
            "--rounds",
            "4",
            "--history",
            "none.jsonl",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let mut regressed: Vec<String> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verdict"] == "regressed")
        .map(|r| {
            format!(
                "{} {}",
                r["bench"].as_str().unwrap(),
                r["metric"].as_str().unwrap()
            )
        })
        .collect();
    regressed.sort();
    assert_eq!(
        regressed,
        [
            "alpha/work/20 wall_time_ns",
            "beta/state/small heap_bytes",
            "parse/line/1000 instructions",
        ],
        "{report:#}"
    );
    assert_eq!(
        report["broken"],
        serde_json::json!(["beta/in_tests"]),
        "{report:#}"
    );
    // Counts were measured once per side; every row has a verdict.
    let rows = report["rows"].as_array().unwrap();
    let counts = rows.iter().find(|r| r["metric"] == "instructions").unwrap();
    assert_eq!(counts["rounds"], 1, "{counts:#}");
    assert!(rows.iter().all(|r| r["verdict"] != "unknown"), "{report:#}");
    assert!(
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("alpha/boom failed")),
        "{report:#}"
    );
}

/// A fixed CI matrix with more shards than the selection has targets: the
/// empty shard succeeds with nothing to run and appends nothing.
#[test]
fn a_shard_with_no_target_succeeds_and_appends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let path = tool_path(dir.path());
    harness(&ws)
        .env("PATH", &path)
        .args(["run", "-p", "beta", "--suite", "heap", "--shard", "2/2"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "shard 2/2 has no bench target (1 in all for 2 shards)",
        ))
        .stdout(predicate::str::contains(
            "nothing measured: no run appended",
        ));
    assert!(!ws.join("reports/history.jsonl").exists());
}
