//! End to end: `harness bisect` on a temporary git repository of the toy
//! crate with 12 commits, where commit 7 makes `beta` do 30 % more work
//! and commit 4 does not build (commit 5 repairs it).

mod common;

use std::path::{Path, PathBuf};

use common::harness;
use common::repo::{git, toy};
use predicates::prelude::*;

/// The repository and its commits' hashes, oldest first; commit `broken`
/// does not build (the next one repairs it).
fn history(root: &Path, broken: usize) -> (PathBuf, Vec<String>) {
    let repo = toy(root);
    let lib = repo.join("src/lib.rs");
    let mut hashes = vec![git(&repo, &["rev-parse", "HEAD"])];
    for n in 2..=12 {
        let text = std::fs::read_to_string(&lib).unwrap();
        let mut text = format!("{text}// note {n}\n");
        if n == broken {
            text.push_str("fn broken( {\n");
        }
        if n == broken + 1 {
            text = text.replace("fn broken( {\n", "");
        }
        if n == 7 {
            text = text.replace("EXTRA_PERCENT: u64 = 0;", "EXTRA_PERCENT: u64 = 30;");
        }
        std::fs::write(&lib, text).unwrap();
        git(&repo, &["add", "."]);
        git(&repo, &["commit", "-qm", &format!("commit {n}")]);
        hashes.push(git(&repo, &["rev-parse", "HEAD"]));
    }
    (repo, hashes)
}

/// Bisects the 12-commit history with commit `broken` unbuildable and checks
/// it names commit 7; returns the probes.
fn bisect_names_commit_7(broken: usize) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let (repo, hashes) = history(dir.path(), broken);
    let out = dir.path().join("bisect.json");
    harness(&repo)
        .args(["bisect", "--good", &hashes[0], "--bad", &hashes[11]])
        .args([
            "--min-effect",
            "0.1",
            "--rounds",
            "12",
            "--history",
            "none.jsonl",
            "--out",
        ])
        .arg(&out)
        .timeout(std::time::Duration::from_secs(600))
        .assert()
        .code(0)
        .stdout(predicate::str::contains(format!(
            "first bad commit: {} commit 7",
            hashes[6]
        )));
    let found: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        found["first_bad"]["commit"],
        hashes[6].as_str(),
        "{found:#}"
    );
    let changed: Vec<&str> = found["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["bench"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["toy/beta/2000"], "{found:#}");
    let evidence = &found["first_bad"]["evidence"][0];
    assert!(evidence["ratio"].as_f64().unwrap() > 1.15, "{found:#}");
    // At most ⌈log2 11⌉ + 1 probes, and no worktree left behind.
    let tested = found["tested"].as_array().unwrap();
    assert!(tested.len() <= 5, "{found:#}");
    for skip in tested.iter().filter(|p| p["state"] == "skipped") {
        assert_eq!(skip["commit"], hashes[broken - 1].as_str(), "{found:#}");
    }
    assert!(
        !repo
            .join(".git/worktrees")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some())
    );
    tested.clone()
}

/// Both cases in one test, one after the other: two bisections timing the
/// toy at once on two cores would only measure each other.
#[test]
fn bisect_names_the_commit_that_slowed_the_bench_and_skips_one_that_does_not_build() {
    // Commit 4 does not build (never probed on the way to 7).
    bisect_names_commit_7(4);
    // Commit 6 is the first midpoint of the search and does not build: a
    // neighbour is probed instead.
    let tested = bisect_names_commit_7(6);
    assert_eq!(
        tested.iter().filter(|p| p["state"] == "skipped").count(),
        1,
        "{tested:#?}"
    );
}

#[test]
fn bisect_refuses_unknown_revisions_and_a_good_that_is_not_an_ancestor() {
    let dir = tempfile::tempdir().unwrap();
    let (repo, hashes) = history(dir.path(), 4);
    harness(&repo)
        .args(["bisect", "--good", "no-such-rev", "--bad", "HEAD"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"no-such-rev\" does not name a commit",
        ));
    harness(&repo)
        .args(["bisect", "--good", &hashes[5], "--bad", &hashes[2]])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an ancestor of"));
    harness(&repo)
        .args([
            "bisect",
            "--good",
            &hashes[0],
            "--filter",
            "nothing-matches",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no bench"));
}
