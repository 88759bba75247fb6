//! import, export, baseline, analyze, run and help, end to end.

mod common;

use std::path::{Path, PathBuf};

use common::repo::git;
use common::*;
use predicates::prelude::*;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

#[test]
fn imports_the_shared_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    harness(dir.path())
        .args(["import", "criterion"])
        .arg(data("criterion/dougch_criterion_gettingstarted"))
        .args(["--format", "json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"bench\": \"fib 20 - fast\""))
        .stdout(predicate::str::contains("\"estimate\": 4.8576958822770795"));
    harness(dir.path())
        .args(["import", "gungraun"])
        .arg(data("gungraun/v6/gungraun_fixture_summary.v6.json"))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "my_group/bench_allocation/measure_just_nested_setup_0",
        ));
    harness(dir.path())
        .args(["import", "gungraun"])
        .arg(data("gungraun/v7"))
        .args(["--format", "markdown"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "| ntu/observe/w5 | instructions | 1015 |",
        ));
}

#[test]
fn exports_bencher_and_github_action_benchmark_json() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_run(
        dir.path(),
        "run.json",
        &run(
            "x",
            "cpu-a",
            vec![wall("a/b/c", 10.0, 1), instructions("a/b/c", 5.0)],
        ),
    );
    let out = harness(dir.path())
        .args(["export", "--format", "bmf", "--run"])
        .arg(&file)
        .output()
        .unwrap();
    let bmf: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        bmf["a/b/c"]["instructions"]["value"],
        serde_json::json!(5.0)
    );
    assert!(bmf["a/b/c"]["latency"]["lower_value"].is_number());
    let out = harness(dir.path())
        .args(["export", "--format", "gab", "--run"])
        .arg(&file)
        .output()
        .unwrap();
    let gab: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(gab[1]["name"], serde_json::json!("a/b/c (instructions)"));
}

#[test]
fn a_saved_baseline_is_used_without_being_named() {
    let dir = tempfile::tempdir().unwrap();
    let hist = write_history(dir.path(), &stable_history(12));
    let base = write_run(
        dir.path(),
        "base.json",
        &run("base", "cpu-a", vec![wall("ntu/observe/w5", 85.0, 1)]),
    );
    harness(dir.path())
        .args(["baseline", "save", "--run"])
        .arg(&base)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("as baseline \"main\""));
    // The history sits at 100 ns: 18 % above the saved baseline.
    harness(dir.path())
        .args(["check", "--history"])
        .arg(&hist)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("REGRESSED"))
        .stdout(predicate::str::contains("against the saved baseline"))
        .stdout(predicate::str::contains("saved baseline base"));
    harness(dir.path())
        .args(["check", "--no-baseline", "--history"])
        .arg(&hist)
        .assert()
        .code(0);
    harness(dir.path())
        .args(["check", "--baseline", "v9", "--history"])
        .arg(&hist)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no baseline \"v9\""));
}

#[test]
fn analyze_names_the_run_where_a_step_began() {
    let dir = tempfile::tempdir().unwrap();
    let mut runs = stable_history(12);
    for i in 0..6 {
        runs.push(run(
            &format!("s{i}"),
            "cpu-a",
            vec![wall("ntu/observe/w5", 108.0, 70 + i as u64)],
        ));
    }
    let hist = write_history(dir.path(), &runs);
    harness(dir.path())
        .arg("analyze")
        .arg(&hist)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(&commit_of("s0")[..10]))
        .stdout(predicate::str::contains(
            "verdict: FAIL (1 series regressed)",
        ));
    let calm = write_history(dir.path(), &stable_history(12));
    harness(dir.path())
        .arg("analyze")
        .arg(&calm)
        .assert()
        .code(0);
    harness(dir.path())
        .args(["analyze", "absent.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "absent.jsonl: no runs recorded (file is missing)",
        ));
}

#[test]
fn run_skips_missing_suites_unless_required() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"empty\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    harness(dir.path())
        .args(["run", "--require", "gungraun"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "[criterion] skipped: the workspace has no criterion bench target",
        ))
        .stderr(predicate::str::contains(
            "suite gungraun is required but cannot run: the workspace has no gungraun bench target",
        ));
    harness(dir.path())
        .arg("run")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no measurements collected"));
    assert!(!dir.path().join("reports/history").exists());
    harness(dir.path())
        .args(["run", "--workspace", "nowhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no Cargo.toml"));
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["check", "--help"],
        vec!["baseline", "save", "--help"],
        vec!["baseline", "show", "--help"],
        vec!["export", "--help"],
        vec!["import", "criterion", "--help"],
        vec!["import", "gungraun", "--help"],
        vec!["import", "heap", "--help"],
        vec!["analyze", "--help"],
        vec!["compare", "--help"],
        vec!["bisect", "--help"],
        vec!["merge", "--help"],
        vec!["accept", "--help"],
        vec!["publish", "--help"],
        vec!["report", "--help"],
    ] {
        harness(dir.path())
            .args(&args)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("Usage: harness"));
    }
}

#[test]
fn baseline_show_reads_this_machines_baseline() {
    let dir = tempfile::tempdir().unwrap();
    harness(dir.path())
        .args(["import", "heap"])
        .arg(data("heap/probe"))
        .args(["--out", "run.json"])
        .assert()
        .code(0);
    harness(dir.path())
        .args(["baseline", "save", "--run", "run.json"])
        .assert()
        .code(0);
    harness(dir.path())
        .args(["baseline", "show", "--format", "markdown"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            r"| ntu/state/w64 | heap\_bytes | 512 B | 0 | heap |",
        ));
    harness(dir.path())
        .args(["baseline", "show", "--name", "other"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "other.json: no baseline \"other\" for this machine",
        ));
}

#[test]
fn runs_record_the_commit_and_a_shallow_clone_warns() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("a.txt"), "a").unwrap();
    git(&repo, &["add", "a.txt"]);
    git(&repo, &["commit", "-q", "-m", "one"]);
    std::fs::write(repo.join("a.txt"), "b").unwrap();
    git(&repo, &["commit", "-q", "-am", "two"]);
    harness(&repo)
        .args(["import", "heap"])
        .arg(data("heap/probe"))
        .args(["--out", "run.json"])
        .assert()
        .code(0)
        .stderr(predicate::str::is_empty());
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["git"]["branch"], serde_json::json!("main"));
    assert_eq!(run["git"]["dirty"], serde_json::json!(false));
    assert_eq!(run["git"]["commit"].as_str().unwrap().len(), 40);

    let url = format!("file://{}", repo.display());
    git(
        dir.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    harness(&dir.path().join("shallow"))
        .args(["import", "heap"])
        .arg(data("heap/probe"))
        .args(["--out", "run.json"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("shallow clone"));
}

/// `bisect --suspects` skips a range whose result is already written (a
/// workflow re-runs after every push) and names a file that is not a
/// suspects list.
#[test]
fn bisect_suspects_skips_a_range_already_bisected_and_names_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = ("a".repeat(40), "b".repeat(40));
    let suspects = dir.path().join("suspects.json");
    std::fs::write(
        &suspects,
        serde_json::json!([{"good": good, "bad": bad, "benches": ["x/y"], "filter": "^(?:x/y)$"}])
            .to_string(),
    )
    .unwrap();
    let out = dir.path().join("bisects");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(
        out.join(format!("{}-{}.json", &bad[..12], &good[..12])),
        "{}",
    )
    .unwrap();
    harness(dir.path())
        .args(["bisect", "--suspects"])
        .arg(&suspects)
        .arg("--out-dir")
        .arg(&out)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("already bisected"));

    std::fs::write(&suspects, "{\"good\": 1}").unwrap();
    harness(dir.path())
        .args(["bisect", "--suspects"])
        .arg(&suspects)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "suspects.json: not a `harness check --suspects` file",
        ));
    // Neither --good nor --suspects: a usage error.
    harness(dir.path()).args(["bisect"]).assert().code(2);
}
