//! End to end: `harness compare` on a temporary git repository holding
//! the toy crate (`tests/data/toy`), whose second commit slows `beta`
//! down, renames a bench and changes Cargo.lock.

mod common;

use std::path::Path;

use common::fake_github::FakeGithub;
use common::harness;
use common::repo::{edit, git, toy};
use predicates::prelude::*;

/// A repository with the toy crate committed as is (base), then with
/// `beta` doing `extra_percent` more work (head). With `rename`, head also
/// renames `gamma` to `delta` and bumps the version (so Cargo.lock
/// differs). Returns the repository folder.
pub fn toy_repo(root: &Path, extra_percent: u64, rename: bool) -> std::path::PathBuf {
    let repo = toy(root);
    edit(
        &repo.join("src/lib.rs"),
        "EXTRA_PERCENT: u64 = 0;",
        &format!("EXTRA_PERCENT: u64 = {extra_percent};"),
    );
    if rename {
        edit(&repo.join("benches/speed.rs"), "toy/gamma/", "toy/delta/");
        edit(&repo.join("Cargo.toml"), "0.1.0", "0.1.1");
        edit(&repo.join("Cargo.lock"), "0.1.0", "0.1.1");
    }
    git(&repo, &["commit", "-qam", "head", "--allow-empty"]);
    repo
}

#[test]
fn compare_flags_exactly_the_slowed_bench_and_lists_the_renamed_one() {
    let dir = tempfile::tempdir().unwrap();
    let repo = toy_repo(dir.path(), 100, true);
    let out = dir.path().join("compare.json");
    harness(&repo)
        .args([
            "compare",
            "--base",
            "HEAD~1",
            "--rounds",
            "6",
            "--min-effect",
            "0.1",
        ])
        .args(["--history", "none.jsonl", "--out"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("REGRESSED"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let regressed: Vec<&str> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verdict"] == "regressed")
        .map(|r| r["bench"].as_str().unwrap())
        .collect();
    assert_eq!(regressed, ["toy/beta/2000"], "{report:#}");
    assert_eq!(report["added"][0], "toy/delta/2000 (wall_time_ns)");
    assert_eq!(report["removed"][0], "toy/gamma/2000 (wall_time_ns)");
    // The worktrees and their temporary branches are gone.
    let branches = std::process::Command::new("git")
        .args(["branch", "--list", "harness-compare/*"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(branches.stdout.is_empty());
    assert!(
        !repo
            .join(".git/worktrees")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some())
    );

    // Publishing it: one POST with the regression first; exit 1 stands.
    let gh = FakeGithub::start(|r, _| match r.method.as_str() {
        "GET" => Some((200, "[]".into())),
        _ => Some((201, r#"{"id": 3}"#.into())),
    });
    let step_summary = dir.path().join("summary.md");
    harness(&repo)
        .args(["publish", "--compare"])
        .arg(&out)
        .args(["--repo", "acme/toy", "--api", &gh.url])
        .args(["--dashboard", "https://acme.example/bench/"])
        .env("GITHUB_TOKEN", "sekrit")
        .env("GITHUB_REF", "refs/pull/12/merge")
        .env("GITHUB_STEP_SUMMARY", &step_summary)
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("::error title=toy/beta/2000 REGRESSED::")
                .and(predicate::str::contains("created comment 3 on acme/toy#12")),
        );
    let seen = gh.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].method, "POST");
    assert_eq!(seen[1].path, "/repos/acme/toy/issues/12/comments");
    assert_eq!(seen[1].headers["authorization"], "Bearer sekrit");
    let sent: serde_json::Value = serde_json::from_str(&seen[1].body).unwrap();
    let body = sent["body"].as_str().unwrap();
    assert!(body.starts_with("<!-- bizra-harness -->\n## Benchmarks: REGRESSION"));
    let regressions = body.find("### Regressions (1)").unwrap();
    let unchanged = body.find("<details><summary>Unchanged (1)").expect(body);
    let beta = body.find("`toy/beta/2000`").unwrap();
    assert!(regressions < beta && beta < unchanged);
    assert!(body.find("`toy/alpha/2000`").unwrap() > unchanged);
    assert!(body.contains("Added: toy/delta/2000") && body.contains("Removed: toy/gamma/2000"));
    assert!(body.contains("[Dashboard](https://acme.example/bench/)"));
    assert_eq!(
        std::fs::read_to_string(&step_summary).unwrap(),
        format!("{body}\n")
    );

    // A fork's read-only token: a warning, and the verdict's exit code.
    let denied = FakeGithub::start(|_, _| Some((403, r#"{"message": "nope"}"#.into())));
    harness(&repo)
        .args(["publish", "--compare"])
        .arg(&out)
        .args(["--repo", "acme/toy", "--pr", "12", "--api", &denied.url])
        .env("GITHUB_TOKEN", "read-only")
        .env_remove("GITHUB_STEP_SUMMARY")
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("::warning title=PR comment not posted::")
                .and(predicate::str::contains("403")),
        );
}

#[test]
fn publish_without_a_token_warns_and_keeps_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.json");
    std::fs::write(
        &file,
        r#"{"base": {"rev": "main", "commit": "aaaaaaaaaaaa"},
            "head": {"rev": "HEAD", "commit": "bbbbbbbbbbbb"},
            "rounds": 6, "rows": [], "added": [], "removed": []}"#,
    )
    .unwrap();
    harness(dir.path())
        .args(["publish", "--compare"])
        .arg(&file)
        .args(["--repo", "acme/toy", "--pr", "1"])
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_STEP_SUMMARY")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no GITHUB_TOKEN"));
}

#[test]
fn a_base_that_does_not_build_is_a_clear_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let repo = toy_repo(dir.path(), 0, false);
    edit(&repo.join("src/lib.rs"), "pub fn alpha", "pub fn alpha(");
    git(&repo, &["commit", "-qam", "broken"]);
    harness(&repo)
        .args([
            "compare",
            "--base",
            "HEAD",
            "--head",
            "HEAD~1",
            "--rounds",
            "2",
            "--min-rounds",
            "2",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("the base revision HEAD")
                .and(predicate::str::contains("does not build")),
        );
}

#[test]
fn an_unknown_revision_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let repo = toy_repo(dir.path(), 0, false);
    harness(&repo)
        .args(["compare", "--base", "no-such-branch"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"no-such-branch\" does not name a commit",
        ));
}
