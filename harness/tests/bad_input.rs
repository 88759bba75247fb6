//! Each bad input of issue 5 gets exit code 2 and a one-line message
//! naming the file and what is wrong (or a warning where the run can
//! still be judged), and stored data is left alone.

mod common;

use std::path::Path;

use common::*;
use predicates::prelude::*;

fn check_run_file(dir: &Path, contents: &str, expected: &str) {
    let file = dir.join("run.json");
    std::fs::write(&file, contents).unwrap();
    harness(dir)
        .args(["check", "--history", "h.jsonl", "--run"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run.json:").and(predicate::str::contains(expected)))
        .stderr(predicate::function(|s: &str| {
            s.trim_end().lines().count() == 1
        }));
}

#[test]
fn missing_empty_truncated_and_non_json_run_files() {
    let dir = tempfile::tempdir().unwrap();
    harness(dir.path())
        .args(["check", "--run", "absent.json"])
        .assert()
        .code(2)
        .stderr("error: absent.json: file is missing\n");
    check_run_file(dir.path(), "", "file is empty");
    let good = serde_json::to_string(&run("x", "cpu-a", vec![wall("a/b/c", 10.0, 1)])).unwrap();
    check_run_file(dir.path(), &good[..good.len() / 2], "truncated JSON");
    check_run_file(dir.path(), "<html>oops</html>", "not JSON");
}

#[test]
fn negative_and_nan_times_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = run("x", "cpu-a", vec![wall("a/b/c", 10.0, 1)]);
    r["measurements"][0]["samples"][3] = serde_json::json!(-4.0);
    check_run_file(dir.path(), &r.to_string(), "value -4 is negative");
    let mut r = run("x", "cpu-a", vec![wall("a/b/c", 10.0, 1)]);
    r["measurements"][0]["samples"][3] = serde_json::json!("NaN");
    check_run_file(dir.path(), &r.to_string(), "not a valid run record");

    // Criterion output with NaN and negative per-iteration times.
    let crit = dir.path().join("criterion/bench/new");
    std::fs::create_dir_all(&crit).unwrap();
    std::fs::write(crit.join("benchmark.json"), r#"{"full_id": "a/b/c"}"#).unwrap();
    std::fs::write(
        crit.join("estimates.json"),
        r#"{"mean":{"point_estimate":1.0,"confidence_interval":{"lower_bound":0.9,"upper_bound":1.1,"confidence_level":0.95}}}"#,
    )
    .unwrap();
    std::fs::write(
        crit.join("sample.json"),
        r#"{"iters":[1,2],"times":[1.0,"NaN"]}"#,
    )
    .unwrap();
    harness(dir.path())
        .args(["import", "criterion", "criterion"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "sample.json: field `times[1]`: value NaN is not finite",
        ));
    std::fs::write(
        crit.join("sample.json"),
        r#"{"iters":[1,2],"times":[1.0,-2.0]}"#,
    )
    .unwrap();
    harness(dir.path())
        .args(["import", "criterion", "criterion"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "sample.json: field `times[1]`: value -2 is negative",
        ));
    std::fs::write(crit.join("sample.json"), "").unwrap();
    harness(dir.path())
        .args(["import", "criterion", "criterion"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sample.json: file is empty"));
}

#[test]
fn a_baseline_from_another_machine_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mine = run("mine", "cpu-a", vec![wall("a/b/c", 10.0, 1)]);
    let mine_file = write_run(dir.path(), "mine.json", &mine);
    harness(dir.path())
        .args(["baseline", "save", "--name", "main", "--run"])
        .arg(&mine_file)
        .assert()
        .code(0);
    let saved: Vec<_> = walk(&dir.path().join("baselines"));
    assert_eq!(saved.len(), 1);
    // Plant another machine's run in this machine's baseline slot.
    let theirs = run("theirs", "cpu-b", vec![wall("a/b/c", 10.0, 1)]);
    std::fs::write(&saved[0], theirs.to_string()).unwrap();
    harness(dir.path())
        .args([
            "check",
            "--history",
            "h.jsonl",
            "--baseline",
            "main",
            "--run",
        ])
        .arg(&mine_file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "main.json: baseline is from another machine",
        ));
    // A name never saved for this machine.
    harness(dir.path())
        .args([
            "check",
            "--history",
            "h.jsonl",
            "--baseline",
            "release",
            "--run",
        ])
        .arg(&mine_file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "release.json: no baseline \"release\" for this machine",
        ));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn an_unknown_bench_in_a_gate_and_a_typo_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_run(
        dir.path(),
        "run.json",
        &run("x", "cpu-a", vec![wall("ntu/observe/w5", 10.0, 1)]),
    );
    let targets = dir.path().join("targets.toml");
    std::fs::write(
        &targets,
        "# gates\n[[gate]]\nbench = \"ntu/observe/w6\"\nmetric = \"wall_time\"\nmax = \"1 us\"\n",
    )
    .unwrap();
    harness(dir.path())
        .args(["check", "--history", "h.jsonl", "--run"])
        .arg(&file)
        .arg("--targets")
        .arg(&targets)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "targets.toml:2: gate names bench \"ntu/observe/w6\", which no judged run measured",
        ))
        .stderr(predicate::str::contains("(--targets FILE)"));
    std::fs::write(
        &targets,
        "[[gate]]\nbench = \"ntu/observe/w5\"\nmetrc = \"wall_time\"\nmax = \"1 us\"\n",
    )
    .unwrap();
    harness(dir.path())
        .args(["check", "--history", "h.jsonl", "--run"])
        .arg(&file)
        .arg("--targets")
        .arg(&targets)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("targets.toml:3:").and(predicate::str::contains("metrc")));
    harness(dir.path())
        .args([
            "check",
            "--history",
            "h.jsonl",
            "--targets",
            "nowhere.toml",
            "--run",
        ])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere.toml: cannot read"));
}

#[test]
fn outside_a_git_repository_import_warns_and_records_no_commit() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/heap/probe/heap.json");
    harness(dir.path())
        .args(["import", "heap"])
        .arg(&fixture)
        .args(["--out", "run.json", "--history", "h.jsonl"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "not inside a git repository; the run is recorded without a commit",
        ));
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run.json")).unwrap())
            .unwrap();
    assert!(run["git"].is_null());
    harness(dir.path())
        .args(["check", "--history", "h.jsonl"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "warning: the run has no git commit",
        ));
}

#[test]
fn a_damaged_history_record_stops_and_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let hist = dir.path().join("h.jsonl");
    let text = format!(
        "{}\n{{\"schema\": 1, \"run_id\": 5}}\n",
        run("a", "cpu-a", vec![wall("a/b/c", 10.0, 1)])
    );
    std::fs::write(&hist, &text).unwrap();
    harness(dir.path())
        .args(["check", "--history", "h.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("h.jsonl:2:"));
    assert_eq!(std::fs::read_to_string(&hist).unwrap(), text);
}

#[test]
fn a_torn_history_line_left_in_the_middle_stops_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let hist = dir.path().join("h.jsonl");
    // A crash cut line 2 short; a later append started line 3 after it.
    let text = format!(
        "{}\n{{\"schema\":1,\"run_id\":\"tor\n{}\n",
        run("a", "cpu-a", vec![wall("a/b/c", 10.0, 1)]),
        run("b", "cpu-a", vec![wall("a/b/c", 10.0, 2)])
    );
    std::fs::write(&hist, &text).unwrap();
    harness(dir.path())
        .args(["check", "--history", "h.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("h.jsonl:2: damaged line"));
    assert_eq!(std::fs::read_to_string(&hist).unwrap(), text);
}

#[test]
fn a_history_with_a_bom_and_a_last_line_cut_inside_a_character_only_warns() {
    let dir = tempfile::tempdir().unwrap();
    let hist = write_history(dir.path(), &stable_history(5));
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&std::fs::read(&hist).unwrap());
    // The start of a record cut after the first byte of "é" (0xC3 0xA9).
    bytes.extend_from_slice(b"{\"schema\":1,\"run_id\":\"r\xC3");
    std::fs::write(&hist, &bytes).unwrap();
    harness(dir.path())
        .args(["check", "--history"])
        .arg(&hist)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "history.jsonl:6: skipped a torn last line (not UTF-8",
        ))
        // The first run, behind the byte-order mark, is read, not skipped.
        .stderr(predicate::str::contains("history.jsonl:1:").not())
        .stdout(predicate::str::contains("Check of run r04"));
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    harness(dir.path())
        .args(["check", "--format", "yaml"])
        .assert()
        .code(2);
    harness(dir.path())
        .args(["check", "--alpha", "7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--alpha"));
    harness(dir.path()).arg("frobnicate").assert().code(2);
    harness(dir.path())
        .args(["check", "--history", "h.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("h.jsonl: no runs recorded"));
}
