//! End to end: the reusable action's steps (`action/run.sh`, what
//! `action.yml` runs) on a temporary git repository of the toy crate, in
//! both modes, with the harness built here standing in for the installed
//! one. The action's YAML is validated against GitHub's schema by the
//! test command (`scripts/test.d/20-workflows.sh`).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::repo::{edit, git, toy};

const RUN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../action/run.sh");

/// The toy crate on `main`, then a commit making `beta` twice as slow.
fn repo(root: &Path) -> PathBuf {
    let repo = toy(root);
    edit(
        &repo.join("src/lib.rs"),
        "EXTRA_PERCENT: u64 = 0;",
        "EXTRA_PERCENT: u64 = 100;",
    );
    git(&repo, &["commit", "-qam", "slower beta"]);
    repo
}

fn action(repo: &Path, mode: &str, out: &Path) -> Command {
    let mut cmd = Command::new("bash");
    cmd.arg(RUN)
        .current_dir(repo)
        .env("HARNESS_BIN", env!("CARGO_BIN_EXE_harness"))
        .env("HARNESS_MODE", mode)
        .env("GITHUB_OUTPUT", out)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_STEP_SUMMARY");
    cmd
}

#[test]
fn the_action_gates_a_pull_request_and_records_the_main_branch() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repo(dir.path());
    let output = dir.path().join("github_output");

    // Pull request: base `main~1`, head HEAD; beta is twice as slow.
    let pr = action(&repo, "pr", &output)
        .env("HARNESS_BASE", "main~1")
        .env("HARNESS_BUDGET", "5m")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&pr.stderr);
    assert_eq!(pr.status.code(), Some(1), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("compare.json")).unwrap()).unwrap();
    let regressed: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verdict"] == "regressed")
        .map(|r| r["bench"].as_str().unwrap())
        .collect();
    assert_eq!(regressed, ["toy/beta/2000"], "{report:#}");
    let stdout = String::from_utf8_lossy(&pr.stdout);
    assert!(
        stdout.contains("::warning title=PR comment not posted::"),
        "publish warns without a token: {stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "verdict=regressed\n"
    );

    // Main branch: run, check, report.
    std::fs::remove_file(&output).unwrap();
    let main = action(&repo, "main", &output).output().unwrap();
    let stderr = String::from_utf8_lossy(&main.stderr);
    assert_eq!(main.status.code(), Some(0), "{stderr}");
    assert!(repo.join("reports/history/index").is_dir());
    assert!(repo.join("reports/site/index.html").is_file());
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "verdict=pass\n");

    // Main branch with the history on a data branch of origin: each run
    // is appended to the branch and pushed; the checkout keeps nothing.
    let origin = dir.path().join("origin.git");
    git(
        dir.path(),
        &["init", "-q", "--bare", origin.to_str().unwrap()],
    );
    git(
        &repo,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&repo, &["push", "-q", "origin", "main"]);
    for n in 1..=2 {
        std::fs::remove_file(&output).unwrap();
        let main = action(&repo, "main", &output)
            .env("HARNESS_DATA_BRANCH", "bench-data")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&main.stderr);
        assert_eq!(main.status.code(), Some(0), "{stderr}");
        let stored = git(&origin, &["ls-tree", "-r", "--name-only", "bench-data"]);
        let runs = stored.lines().filter(|f| f.ends_with(".run")).count();
        assert_eq!(runs, n, "{stored}");
    }
    assert!(repo.join("reports/site/index.html").is_file());

    // A wrong mode is an error, not a silent pass.
    let bad = action(&repo, "nightly", &output).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
