//! Inputs the harness must refuse or report alike: a history with no
//! readable run, invalid run records, unsafe bench ids and links, and
//! folders that would lead the importers astray.

mod common;

use std::path::Path;

use common::*;
use predicates::prelude::*;

/// Every command that needs runs from the history, with its history
/// argument pointing at `hist`.
fn commands_reading(hist: &str) -> Vec<Vec<String>> {
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    vec![
        s(&["check", "--history", hist]),
        s(&["analyze", hist]),
        s(&["report", "--history", hist, "--out", "site"]),
        s(&["baseline", "save", "--history", hist]),
        s(&["export", "--format", "bmf", "--history", hist]),
    ]
}

/// Runs every command of [`commands_reading`] and asserts that each
/// exits 2 with exactly `expected` as its last line on stderr.
fn all_refuse(dir: &Path, expected: &str) {
    for args in commands_reading("h.jsonl") {
        let out = harness(dir).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim_end().lines().last(),
            Some(expected),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert!(!dir.join("site").exists(), "no site is written");
    assert!(!dir.join("baselines").exists(), "no baseline is written");
}

#[test]
fn check_on_missing_history_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    harness(dir.path())
        .args(["check", "--history", "h.jsonl"])
        .assert()
        .code(2)
        .stderr("error: h.jsonl: no runs recorded (file is missing)\n");
    all_refuse(
        dir.path(),
        "error: h.jsonl: no runs recorded (file is missing)",
    );
}

#[test]
fn analyze_on_empty_history_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("h.jsonl"), "").unwrap();
    harness(dir.path())
        .args(["analyze", "h.jsonl"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: h.jsonl: no runs recorded (file is empty)\n");
    all_refuse(
        dir.path(),
        "error: h.jsonl: no runs recorded (file is empty)",
    );
    // Blank lines and a byte-order mark are no runs either.
    std::fs::write(dir.path().join("h.jsonl"), "\u{feff}\n  \n").unwrap();
    all_refuse(
        dir.path(),
        "error: h.jsonl: no runs recorded (file is empty)",
    );
}

#[test]
fn analyze_on_a_history_whose_only_line_is_torn_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let line = run("a", "cpu-a", vec![wall("a/b/c", 10.0, 1)]).to_string();
    std::fs::write(dir.path().join("h.jsonl"), &line[..line.len() / 2]).unwrap();
    harness(dir.path())
        .args(["analyze", "h.jsonl"])
        .assert()
        .code(2)
        .stderr("error: h.jsonl: no runs recorded (only 1 torn or damaged line(s), skipped)\n");
    all_refuse(
        dir.path(),
        "error: h.jsonl: no runs recorded (only 1 torn or damaged line(s), skipped)",
    );
}

#[test]
fn report_on_missing_history_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    harness(dir.path())
        .args(["report", "--history", "h.jsonl", "--out", "site"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: h.jsonl: no runs recorded (file is missing)\n");
    assert!(!dir.path().join("site").exists());
}

#[test]
fn check_with_a_run_file_still_works_without_a_history() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_run(
        dir.path(),
        "run.json",
        &run("a", "cpu-a", vec![wall("a/b/c", 10.0, 1)]),
    );
    harness(dir.path())
        .args(["check", "--history", "h.jsonl", "--run"])
        .arg(&file)
        .assert()
        .code(0);
}

/// Asserts that `record` is refused with `expected` (the field and value)
/// both as a run file (`check --run`, naming the file) and as line 2 of a
/// history (naming the file and line).
fn refused(record: &serde_json::Value, expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = write_run(dir.path(), "run.json", record);
    harness(dir.path())
        .args(["check", "--history", "h.jsonl", "--run"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("run.json: {expected}")));
    let good = run("good", "cpu-a", vec![wall("a/b/c", 10.0, 1)]);
    std::fs::write(dir.path().join("h.jsonl"), format!("{good}\n{record}\n")).unwrap();
    for args in commands_reading("h.jsonl") {
        harness(dir.path())
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("h.jsonl:2: {expected}")));
    }
}

/// A heap probe file with these `(id, value)` measurements.
fn heap_file(dir: &Path, items: &[(&str, f64)]) -> std::path::PathBuf {
    let items: Vec<_> = items
        .iter()
        .map(|(id, v)| serde_json::json!({"id": id, "metric": "heap_bytes", "value": v}))
        .collect();
    let path = dir.join("heap.json");
    std::fs::write(
        &path,
        serde_json::json!({"schema": 1, "measurements": items}).to_string(),
    )
    .unwrap();
    path
}

/// `import heap FILE --history h.jsonl --out out.json` is refused with
/// `expected`, and neither file is written.
fn import_refused(dir: &Path, heap: &Path, expected: &str) {
    harness(dir)
        .args(["import", "heap"])
        .arg(heap)
        .args(["--history", "h.jsonl", "--out", "out.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(expected));
    assert!(!dir.join("h.jsonl").exists());
    assert!(!dir.join("out.json").exists());
}

#[test]
fn empty_measurement_list_is_refused() {
    let record = run("x", "cpu-a", vec![]);
    refused(&record, "field `measurements`: the run has no measurements");
    let dir = tempfile::tempdir().unwrap();
    let heap = heap_file(dir.path(), &[]);
    import_refused(
        dir.path(),
        &heap,
        "the imported run is not valid: field `measurements`: the run has no measurements",
    );
}

#[test]
fn interval_lower_above_upper_is_refused() {
    let mut m = wall("a/b/c", 10.0, 1);
    m["interval"] = serde_json::json!({"lower": 12.5, "upper": 9.5, "level": 0.95});
    let record = run("x", "cpu-a", vec![instructions("a/b/c", 5.0), m]);
    refused(
        &record,
        "field `measurements[1].interval`: lower bound 12.5 exceeds upper bound 9.5 (bench \"a/b/c\", wall_time_ns)",
    );
}

#[test]
fn duplicate_bench_ids_in_one_run_are_refused() {
    let record = run(
        "x",
        "cpu-a",
        vec![
            wall("a/b/c", 10.0, 1),
            instructions("a/b/c", 5.0),
            wall("a/b/c", 11.0, 2),
        ],
    );
    refused(
        &record,
        "field `measurements[2]`: bench \"a/b/c\" with metric wall_time_ns appears twice (also measurements[0])",
    );
    // The same bench with another metric is not a duplicate.
    let dir = tempfile::tempdir().unwrap();
    let ok = run(
        "x",
        "cpu-a",
        vec![wall("a/b/c", 10.0, 1), instructions("a/b/c", 5.0)],
    );
    let file = write_run(dir.path(), "run.json", &ok);
    harness(dir.path())
        .args(["check", "--history", "h.jsonl", "--run"])
        .arg(&file)
        .assert()
        .code(0);
    let heap = heap_file(dir.path(), &[("ntu/state/w5", 1.0), ("ntu/state/w5", 2.0)]);
    import_refused(
        dir.path(),
        &heap,
        "bench \"ntu/state/w5\" with metric heap_bytes appears twice",
    );
}

#[test]
fn run_time_not_a_date_is_refused() {
    for (time, shown) in [
        (serde_json::json!("yesterday"), "\"yesterday\""),
        (
            serde_json::json!("2026-02-30T00:00:00Z"),
            "\"2026-02-30T00:00:00Z\"",
        ),
        (serde_json::json!(""), "\"\""),
    ] {
        let mut record = run("x", "cpu-a", vec![wall("a/b/c", 10.0, 1)]);
        record["time"] = time;
        refused(
            &record,
            &format!("field `time`: {shown} is not an RFC 3339 date and time"),
        );
    }
}

#[test]
fn commit_time_out_of_range_is_refused() {
    let mut record = run("x", "cpu-a", vec![wall("a/b/c", 10.0, 1)]);
    record["git"]["commit_time"] = serde_json::json!(1_000_000_000_000_000_i64);
    refused(
        &record,
        "field `git.commit_time`: 1000000000000000 is out of range",
    );
    record["git"]["commit_time"] = serde_json::json!(-70_000_000_000_i64);
    refused(
        &record,
        "field `git.commit_time`: -70000000000 is out of range",
    );
}

#[test]
fn commit_not_a_hash_is_refused() {
    for commit in ["abc123x", "abc", "javascript:alert(1)", "<img src=x>"] {
        let mut record = run("x", "cpu-a", vec![wall("a/b/c", 10.0, 1)]);
        record["git"]["commit"] = serde_json::json!(commit);
        refused(
            &record,
            &format!(
                "field `git.commit`: {commit:?} is not a commit hash (4 to 64 hexadecimal digits)"
            ),
        );
    }
}

#[test]
fn commit_url_with_javascript_scheme_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path(), &stable_history(3));
    for url in ["javascript:alert(1)//{sha}", "data:text/html,{sha}"] {
        harness(dir.path())
            .args(["report", "--history", "history.jsonl", "--out", "site"])
            .args(["--commit-url", url])
            .assert()
            .code(2)
            .stderr(format!(
                "error: --commit-url {url:?}: only http:// and https:// links are allowed\n"
            ));
    }
    assert!(!dir.path().join("site").exists());
    harness(dir.path())
        .args(["report", "--history", "history.jsonl", "--out", "site"])
        .args(["--commit-url", "https://example.com/c/{sha}"])
        .assert()
        .code(0);
}

/// Every file below `dir` (symlinks not followed), as relative paths.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// A history of three runs measuring `ids`.
fn history_of(dir: &Path, ids: &[&str]) {
    let runs: Vec<_> = (0..3)
        .map(|i| {
            run(
                &format!("r{i}"),
                "cpu-a",
                ids.iter().map(|id| wall(id, 10.0, i)).collect(),
            )
        })
        .collect();
    write_history(dir, &runs);
}

#[test]
fn bench_id_with_dotdot_is_not_copied_from_outside_criterion_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A secret beside the Criterion folder, laid out like a bench's
    // artefacts, and one real bench inside it.
    let secret = d.join("secret");
    std::fs::create_dir_all(secret.join("profile")).unwrap();
    std::fs::write(secret.join("profile/flamegraph.svg"), "SECRET").unwrap();
    std::fs::create_dir_all(secret.join("report")).unwrap();
    std::fs::write(secret.join("report/index.html"), "SECRET").unwrap();
    let real = d.join("criterion/ntu/observe/w5");
    std::fs::create_dir_all(real.join("profile")).unwrap();
    std::fs::write(real.join("profile/flamegraph.svg"), "<svg/>").unwrap();
    history_of(d, &["ntu/observe/w5", "../secret", "x/../../secret", ".."]);
    harness(d)
        .args(["report", "--history", "history.jsonl", "--out", "site"])
        .args(["--criterion", "criterion"])
        .assert()
        .code(0);
    let files = tree(&d.join("site"));
    assert!(
        files.contains(&"benches/ntu__observe__w5/flamegraph.svg".to_owned()),
        "{files:?}"
    );
    for f in &files {
        let text = std::fs::read(d.join("site").join(f)).unwrap();
        assert!(
            !String::from_utf8_lossy(&text).contains("SECRET"),
            "{f} holds the secret"
        );
    }
    // Only the one real bench has artefacts; nothing was written outside
    // the site's own folder.
    assert_eq!(
        files.iter().filter(|f| f.starts_with("benches/")).count(),
        1,
        "{files:?}"
    );
    let data = std::fs::read_to_string(d.join("site/data.js")).unwrap();
    assert!(
        data.contains("its id leaves the Criterion folder"),
        "{data}"
    );
    assert!(!data.contains(&d.display().to_string()), "local paths leak");
}

#[cfg(unix)]
#[test]
fn symlinks_leading_outside_the_criterion_folder_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("secret.svg"), "SECRET").unwrap();
    std::fs::create_dir_all(d.join("outside")).unwrap();
    std::fs::write(d.join("outside/index.html"), "SECRET").unwrap();
    let bench = d.join("criterion/ntu/observe/w5");
    std::fs::create_dir_all(bench.join("profile")).unwrap();
    symlink(d.join("secret.svg"), bench.join("profile/flamegraph.svg")).unwrap();
    // A report whose folder is real but holds a link outside, a link to a
    // file inside, and a folder link back to its parent (a cycle).
    let report = bench.join("report");
    std::fs::create_dir_all(&report).unwrap();
    std::fs::write(report.join("index.html"), "<html>report</html>").unwrap();
    symlink(d.join("secret.svg"), report.join("leak.svg")).unwrap();
    symlink(report.join("index.html"), report.join("again.html")).unwrap();
    symlink(&report, report.join("loop")).unwrap();
    // A second bench whose whole folder is a link outside.
    std::fs::create_dir_all(d.join("criterion/ntu/observe")).unwrap();
    symlink(d.join("outside"), d.join("criterion/ntu/observe/w6")).unwrap();
    std::fs::create_dir_all(d.join("outside/report")).unwrap();
    std::fs::write(d.join("outside/report/index.html"), "SECRET").unwrap();
    history_of(d, &["ntu/observe/w5", "ntu/observe/w6"]);
    harness(d)
        .args(["report", "--history", "history.jsonl", "--out", "site"])
        .args(["--criterion", "criterion"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0);
    let files = tree(&d.join("site"));
    assert!(
        files.contains(&"benches/ntu__observe__w5/criterion/index.html".to_owned())
            && files.contains(&"benches/ntu__observe__w5/criterion/again.html".to_owned()),
        "{files:?}"
    );
    for f in &files {
        let text = std::fs::read_to_string(d.join("site").join(f)).unwrap();
        assert!(!text.contains("SECRET"), "{f} holds the secret");
        assert!(!f.contains("loop"), "{f}: a folder link was followed");
    }
    assert!(!files.iter().any(|f| f.contains("flamegraph")), "{files:?}");
    assert!(!files.iter().any(|f| f.contains("w6")), "{files:?}");
    let data = std::fs::read_to_string(d.join("site/data.js")).unwrap();
    assert!(
        data.contains("profile/flamegraph.svg leads outside the Criterion folder"),
        "{data}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_criterion_folder_terminates() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "tests/data/criterion/dougch_criterion_gettingstarted/target/criterion/fib 20 - fast",
    );
    let bench = d.join("criterion/fib 20 - fast");
    for sub in ["new", "base", "change"] {
        std::fs::create_dir_all(bench.join(sub)).unwrap();
        for f in std::fs::read_dir(fixture.join(sub)).unwrap() {
            let f = f.unwrap();
            std::fs::copy(f.path(), bench.join(sub).join(f.file_name())).unwrap();
        }
    }
    // A link back to the root inside the bench, and two links pointing at
    // each other.
    symlink(d.join("criterion"), bench.join("new/again")).unwrap();
    symlink(d.join("criterion/q"), d.join("criterion/p")).unwrap();
    symlink(d.join("criterion/p"), d.join("criterion/q")).unwrap();
    harness(d)
        .args(["import", "criterion", "criterion", "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\"bench\": \"fib 20 - fast\"").count(1));

    let gungraun = d.join("gungraun");
    std::fs::create_dir_all(gungraun.join("g")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/gungraun/v6/gungraun_fixture_summary.v6.json"),
        gungraun.join("g/summary.json"),
    )
    .unwrap();
    symlink(&gungraun, gungraun.join("g/loop")).unwrap();
    harness(d)
        .args(["import", "gungraun", "gungraun", "--format", "json"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("measure_just_nested_setup_0").count(1));
}

#[test]
fn skip_damaged_skips_lines_in_the_middle_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let line = |id: &str, seed| run(id, "cpu-a", vec![wall("a/b/c", 10.0, seed)]).to_string();
    std::fs::write(
        d.join("h.jsonl"),
        format!(
            "{}\n{{\"schema\":1,\"run_\n{}\n\u{fffd}<<<<<<< HEAD\n{}\n",
            line("a", 1),
            line("b", 2),
            line("c", 3)
        ),
    )
    .unwrap();
    for args in commands_reading("h.jsonl") {
        harness(d)
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "h.jsonl:2: damaged line: not JSON",
            ));
        let out = harness(d)
            .args(&args)
            .arg("--skip-damaged")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("warning: h.jsonl:2: skipped a damaged line")
                && stderr.contains("warning: h.jsonl:4: skipped a damaged line")
                && stderr.contains("warning: h.jsonl: --skip-damaged skipped 2 line(s): 2, 4"),
            "{args:?}: {stderr}"
        );
    }
    // The latest run is the last readable one.
    harness(d)
        .args([
            "export",
            "--format",
            "gab",
            "--skip-damaged",
            "--history",
            "h.jsonl",
        ])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("run c ("));
    // With --run, the damaged history is still only read with the flag.
    let file = write_run(
        d,
        "run.json",
        &run("x", "cpu-a", vec![wall("a/b/c", 10.0, 4)]),
    );
    harness(d)
        .args(["check", "--history", "h.jsonl", "--run"])
        .arg(&file)
        .assert()
        .code(2);
    harness(d)
        .args(["check", "--skip-damaged", "--history", "h.jsonl", "--run"])
        .arg(&file)
        .assert()
        .code(0);
}
