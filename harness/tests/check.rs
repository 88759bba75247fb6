//! `harness check` end to end: pass, a two-run regression, an open one, gate failure.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn an_unchanged_run_passes() {
    let dir = tempfile::tempdir().unwrap();
    let hist = write_history(dir.path(), &stable_history(12));
    let new = run(
        "new",
        "cpu-a",
        vec![
            wall("ntu/observe/w5", 100.0, 99),
            instructions("ntu/observe/w5", 1000.0),
        ],
    );
    let file = write_run(dir.path(), "run.json", &new);
    harness(dir.path())
        .args(["check", "--run"])
        .arg(&file)
        .arg("--history")
        .arg(&hist)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("verdict: pass ("))
        .stdout(predicate::str::contains("in control"));
}

#[test]
fn a_ten_percent_slowdown_warns_at_one_run_and_regresses_at_two() {
    let dir = tempfile::tempdir().unwrap();
    let slow = |id: &str, seed| {
        run(
            id,
            "cpu-a",
            vec![
                wall("ntu/observe/w5", 110.0, seed),
                instructions("ntu/observe/w5", 1000.0),
            ],
        )
    };
    let hist = write_history(dir.path(), &stable_history(12));
    let file = write_run(dir.path(), "run.json", &slow("s1", 98));
    harness(dir.path())
        .args(["check", "--run"])
        .arg(&file)
        .arg("--history")
        .arg(&hist)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("| warn"))
        .stdout(predicate::str::contains("at this run only"));
    let mut runs = stable_history(12);
    runs.push(slow("s1", 98));
    let hist = write_history(dir.path(), &runs);
    let file = write_run(dir.path(), "run.json", &slow("s2", 99));
    harness(dir.path())
        .args(["check", "--run"])
        .arg(&file)
        .arg("--history")
        .arg(&hist)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("REGRESSED"))
        .stdout(predicate::str::contains(format!(
            "since {}",
            &commit_of("s1")[..10]
        )));
}

#[test]
fn a_one_percent_instruction_increase_beats_the_noise_floor() {
    let dir = tempfile::tempdir().unwrap();
    let hist = write_history(dir.path(), &stable_history(12));
    let new = run(
        "new",
        "cpu-a",
        vec![
            wall("ntu/observe/w5", 100.0, 99),
            instructions("ntu/observe/w5", 1010.0),
        ],
    );
    let file = write_run(dir.path(), "run.json", &new);
    harness(dir.path())
        .args(["check", "--format", "json", "--run"])
        .arg(&file)
        .arg("--history")
        .arg(&hist)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("noise threshold 0.20%"));
}

#[test]
fn a_broken_gate_fails_and_a_missed_goal_warns() {
    let dir = tempfile::tempdir().unwrap();
    let new = run("new", "cpu-a", vec![wall("ntu/observe/w5", 100.0, 99)]);
    let file = write_run(dir.path(), "run.json", &new);
    let targets = dir.path().join("targets.toml");
    std::fs::write(&targets, "[[gate]]\nbench = \"ntu/observe/*\"\nmetric = \"wall_time\"\nstatistic = \"p99\"\nmax = \"90 ns\"\nsource = \"seed\"\n").unwrap();
    harness(dir.path())
        .args(["check", "--run"])
        .arg(&file)
        .arg("--targets")
        .arg(&targets)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("GATE FAILED"))
        .stdout(predicate::str::contains("exceeds the gate 90.0 ns (seed)"));
    std::fs::write(&targets, "[[gate]]\nbench = \"ntu/observe/w5\"\nmetric = \"wall_time\"\nmax = \"1 us\"\ngoal = \"90 ns\"\n").unwrap();
    harness(dir.path())
        .args(["check", "--format", "markdown", "--run"])
        .arg(&file)
        .arg("--targets")
        .arg(&targets)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("| warn |"))
        // Markdown output escapes every cell (`.` breaks autolinks).
        .stdout(predicate::str::contains(r"above the goal 90\.0 ns"));
}

#[test]
fn a_step_nobody_accepted_stays_open_in_later_checks() {
    let dir = tempfile::tempdir().unwrap();
    let mut runs = stable_history(12);
    for i in 0..25 {
        runs.push(run(
            &format!("c{i}"),
            "cpu-a",
            vec![wall("ntu/observe/w5", 110.0, 50 + i as u64)],
        ));
    }
    let hist = write_history(dir.path(), &runs);
    harness(dir.path())
        .args(["check", "--history"])
        .arg(&hist)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(format!(
            "open since {}",
            &commit_of("c0")[..10]
        )));
    harness(dir.path())
        .args(["check", "--open-warns", "--history"])
        .arg(&hist)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("regression open since"));
}

/// Five stable runs and a torn sixth line, as a crash mid-append leaves.
fn torn_history(dir: &std::path::Path) -> std::path::PathBuf {
    let hist = write_history(dir, &stable_history(5));
    let mut text = std::fs::read_to_string(&hist).unwrap();
    text.push_str("{\"schema\":1,\"run_id\":\"tor");
    std::fs::write(&hist, text).unwrap();
    hist
}

#[test]
fn the_latest_history_run_is_judged_by_default_and_a_torn_line_only_warns() {
    let dir = tempfile::tempdir().unwrap();
    let hist = torn_history(dir.path());
    harness(dir.path())
        .args(["check", "--history"])
        .arg(&hist)
        .assert()
        .code(0)
        .stderr(predicate::str::contains("history.jsonl:6: skipped a torn"))
        .stdout(predicate::str::contains("Check of run r04"));
}

/// A closed standard error (its reader gone, as in `harness run 2>&1 |
/// head`) must not stop a command at its first warning: before, every
/// progress or warning line panicked there (exit 101), and `run` lost the
/// run it had measured.
#[test]
fn a_closed_stderr_does_not_stop_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let hist = torn_history(dir.path());
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("harness"))
        .current_dir(dir.path())
        .args(["check", "--history"])
        .arg(&hist)
        .stderr(writer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Check of run r04"));
}

#[test]
fn complexity_gates_fit_the_exponent() {
    let dir = tempfile::tempdir().unwrap();
    let ms = [100.0, 1000.0, 10_000.0, 100_000.0]
        .iter()
        .enumerate()
        .map(|(i, n): (usize, &f64)| {
            wall(&format!("session_dag/lineage/{n}"), 20.0 * n.ln(), i as u64)
        })
        .collect();
    let file = write_run(dir.path(), "run.json", &run("new", "cpu-a", ms));
    let targets = dir.path().join("t.toml");
    let gate = |class: &str| {
        format!(
            "[[complexity]]\nbench = \"session_dag/lineage\"\nmetric = \"wall_time\"\nsizes = [100, 1000, 10000, 100000]\nclass = \"{class}\"\n"
        )
    };
    std::fs::write(&targets, gate("O(log n)")).unwrap();
    harness(dir.path())
        .args(["check", "--run"])
        .arg(&file)
        .arg("--targets")
        .arg(&targets)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("O(log n)"));
    std::fs::write(&targets, gate("O(1)")).unwrap();
    harness(dir.path())
        .args(["check", "--run"])
        .arg(&file)
        .arg("--targets")
        .arg(&targets)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("| warn"));
    let ms = [100.0, 1000.0, 10_000.0, 100_000.0]
        .iter()
        .enumerate()
        .map(|(i, n): (usize, &f64)| {
            wall(
                &format!("session_dag/lineage/{n}"),
                5.0 * n.sqrt(),
                i as u64,
            )
        })
        .collect();
    let file = write_run(dir.path(), "sqrt.json", &run("new", "cpu-a", ms));
    std::fs::write(&targets, gate("O(log n)")).unwrap();
    harness(dir.path())
        .args(["check", "--run"])
        .arg(&file)
        .arg("--targets")
        .arg(&targets)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("limit 0.3 for O(log n)"));
}

#[test]
fn a_gate_for_a_bench_measured_before_but_not_now_is_only_noted() {
    let dir = tempfile::tempdir().unwrap();
    let hist = write_history(dir.path(), &stable_history(3));
    let new = run("new", "cpu-a", vec![wall("other/bench/x", 10.0, 1)]);
    let file = write_run(dir.path(), "run.json", &new);
    let targets = dir.path().join("t.toml");
    std::fs::write(
        &targets,
        "[[gate]]\nbench = \"ntu/observe/w5\"\nmetric = \"wall_time\"\nmax = \"1 us\"\n",
    )
    .unwrap();
    harness(dir.path())
        .args(["check", "--run"])
        .arg(&file)
        .arg("--history")
        .arg(&hist)
        .arg("--targets")
        .arg(&targets)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("warning: "))
        .stdout(predicate::str::contains(
            "t.toml:1: gate names unknown bench \"ntu/observe/w5\" in this run; skipped",
        ));
}

/// `--suspects` names the range to bisect for a step confirmed at the
/// judged run (the last run before the new level, the first of it), and
/// nothing for a step that was confirmed earlier and is only still open.
#[test]
fn suspects_name_the_range_of_a_step_confirmed_at_this_run() {
    let dir = tempfile::tempdir().unwrap();
    let slow = |id: &str, seed| run(id, "cpu-a", vec![wall("ntu/observe/w5", 110.0, seed)]);
    let out = dir.path().join("suspects.json");
    // Judges `judged` against `runs` with --suspects; returns the file.
    let suspects = |runs: &[serde_json::Value], judged: &serde_json::Value| {
        let hist = write_history(dir.path(), runs);
        let file = write_run(dir.path(), "run.json", judged);
        harness(dir.path())
            .args(["check", "--run"])
            .arg(&file)
            .arg("--history")
            .arg(&hist)
            .arg("--suspects")
            .arg(&out)
            .assert()
            .code(1);
        serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&out).unwrap()).unwrap()
    };
    let mut runs = stable_history(12);
    runs.push(slow("s1", 98));
    assert_eq!(
        suspects(&runs, &slow("s2", 99)),
        serde_json::json!([{
            "good": commit_of("r11"),
            "bad": commit_of("s1"),
            "benches": ["ntu/observe/w5"],
            "filter": "^(?:ntu/observe/w5)$",
        }])
    );
    // Later runs of the open regression: nothing new to bisect.
    runs.push(slow("s2", 99));
    assert_eq!(suspects(&runs, &slow("s3", 97)), serde_json::json!([]));
}
