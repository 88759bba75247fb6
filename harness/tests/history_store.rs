//! The history store end to end: a JSON-lines history imported into a
//! store and exported again is the same file, and judging the store (runs
//! read from its index, without samples) gives the verdicts judging the
//! JSON-lines file gives.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use harness::dashboard::synthetic::{Spec, bench_id, commits, runs};

/// A synthetic history over 40 days with a step in bench 0, as
/// `.jsonl`, and a store imported from it.
fn histories(dir: &Path) -> (PathBuf, PathBuf) {
    let spec = Spec {
        runs: 160,
        benches: 6,
        seed: 7,
        step: 0.15,
    };
    let jsonl = dir.join("history.jsonl");
    let mut text = String::new();
    for run in runs(&spec, &commits(&spec)) {
        text.push_str(&serde_json::to_string(&run).unwrap());
        text.push('\n');
    }
    std::fs::write(&jsonl, text).unwrap();
    let store = dir.join("store");
    import(dir, &jsonl, &store).stdout(predicates::str::contains("imported 160 run(s)"));
    (jsonl, store)
}

/// `harness import history JSONL --history STORE`, which must succeed.
fn import(dir: &Path, jsonl: &Path, store: &Path) -> assert_cmd::assert::Assert {
    harness(dir)
        .args(["import", "history"])
        .arg(jsonl)
        .arg("--history")
        .arg(store)
        .assert()
        .code(0)
}

#[test]
fn a_jsonl_history_imported_into_a_store_exports_back_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, store) = histories(dir.path());
    // The runs span 40 days, so as many index segments are read back.
    assert!(std::fs::read_dir(store.join("index")).unwrap().count() >= 40);
    let back = dir.path().join("back.jsonl");
    harness(dir.path())
        .args(["export", "--format", "jsonl", "--history"])
        .arg(&store)
        .arg("--out")
        .arg(&back)
        .assert()
        .code(0);
    let (original, exported) = (
        std::fs::read_to_string(&jsonl).unwrap(),
        std::fs::read_to_string(&back).unwrap(),
    );
    assert_eq!(original.lines().count(), exported.lines().count());
    for (i, (a, b)) in original.lines().zip(exported.lines()).enumerate() {
        assert_eq!(a, b, "run {} differs", i + 1);
    }
    assert_eq!(original, exported);
    // Importing again adds nothing.
    import(dir.path(), &jsonl, &store)
        .stdout(predicates::str::contains("imported 0 run(s) from"))
        .stdout(predicates::str::contains("(160 already there)"));
}

/// Gates on every statistic of the samples, so that a summary that
/// differed from the samples would change a verdict.
fn targets(dir: &Path) -> PathBuf {
    let b0 = bench_id(0);
    let b1 = bench_id(1);
    let text = format!(
        r#"[[gate]]
bench = "{b0}"
metric = "wall_time"
statistic = "p99"
max = "45 ns"

[[gate]]
bench = "{b0}"
metric = "wall_time"
statistic = "max"
max = "47 ns"

[[gate]]
bench = "{b1}"
metric = "wall_time"
statistic = "mean"
max = "80.5 ns"

[[gate]]
bench = "{b1}"
metric = "wall_time"
statistic = "median"
max = "90 ns"
"#
    );
    let path = dir.join("targets.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `harness ARGS` with `{h}` replaced by the history's path.
fn output(dir: &Path, args: &[&str], history: &Path) -> (Option<i32>, String) {
    let args = args
        .iter()
        .map(|a| a.replace("{h}", history.to_str().unwrap()));
    let out = harness(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn check_judges_a_store_exactly_as_the_same_history_in_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, store) = histories(dir.path());
    let targets = targets(dir.path());
    let t = targets.to_str().unwrap();
    for args in [
        &[
            "check",
            "--no-baseline",
            "--format",
            "json",
            "--targets",
            t,
            "--history",
            "{h}",
        ][..],
        &["check", "--no-baseline", "--targets", t, "--history", "{h}"][..],
        &["analyze", "--format", "json", "{h}"][..],
    ] {
        let from_file = output(dir.path(), args, &jsonl);
        let from_store = output(dir.path(), args, &store);
        assert_eq!(from_file, from_store, "{args:?}");
    }
    // The verdict is not trivial: the gates see the stepped bench fail.
    let (code, text) = output(
        dir.path(),
        &["check", "--no-baseline", "--targets", t, "--history", "{h}"],
        &store,
    );
    assert_eq!(code, Some(1), "{text}");
}
