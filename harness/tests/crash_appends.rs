//! Killing the harness (SIGKILL) at random moments while it appends to
//! the history, writes the site or saves a baseline never loses or damages
//! what was there before: every earlier run reads back whole, `check`,
//! `analyze` and `report` still work, the site is always the old or the
//! new one, and the baseline file is always one whole baseline.
//!
//! The moments are drawn from a seeded generator, so a failure can be
//! replayed; how many kills cut a record is printed, not asserted, since
//! it depends on the machine's speed.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::history;
use harness::model::Run;

/// A linear congruential generator (Knuth's MMIX constants): replayable
/// pseudo-random moments without a dependency.
struct Lcg(u64);

impl Lcg {
    /// Uniform in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn harness(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_harness"));
    cmd.current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Runs to completion; returns the exit code and standard error.
fn finish(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Starts `cmd`, kills it with SIGKILL after `delay`, and reaps it.
fn kill_after(cmd: &mut Command, delay: Duration) {
    let mut child = cmd.stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(delay);
    // `Child::kill` sends SIGKILL on Unix; it fails only when the process
    // has already exited, which is one of the moments we want too.
    let _ = child.kill();
    child.wait().unwrap();
}

/// How long one uninterrupted run of `cmd` takes.
fn timed(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let (code, stderr) = finish(cmd);
    assert_eq!(code, 0, "{stderr}");
    start.elapsed()
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=Tester", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

/// A repository on a branch with non-ASCII text, whose commit message has
/// emoji, so that every record and the site carry multi-byte UTF-8.
fn repository(dir: &Path) {
    git(dir, &["init", "-q"]);
    git(dir, &["checkout", "-q", "-b", "feature/🚀-ünïcödé"]);
    git(
        dir,
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "⚡ faster ünïcödé path 🎉",
        ],
    );
}

/// A heap probe file of `n` measurements with non-ASCII bench ids, large
/// enough that writing one record takes many pages.
fn heap_file(dir: &Path, n: usize) -> PathBuf {
    let items: Vec<_> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("ünïcödé/🚀 façade — ∑ naïve/n{i}"),
                "metric": "heap_bytes",
                "value": 1000 + i,
            })
        })
        .collect();
    let path = dir.join("heap.json");
    std::fs::write(
        &path,
        serde_json::json!({"schema": 1, "measurements": items}).to_string(),
    )
    .unwrap();
    path
}

fn load(path: &Path) -> history::Loaded {
    history::load(path).unwrap_or_else(|e| panic!("history unreadable after a kill: {e}"))
}

const KILLS: usize = 40;

#[test]
fn killed_appends_never_lose_or_damage_earlier_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repository(d);
    let heap = heap_file(d, 300);
    let hist = d.join("h.jsonl");
    let import = || {
        let mut c = harness(d);
        c.args(["import", "heap"])
            .arg(&heap)
            .args(["--history", "h.jsonl"]);
        c
    };
    let full = timed(&mut import());
    let expected = load(&hist).runs[0].measurements.clone();
    assert!(expected[0].bench.as_str().starts_with("ünïcödé/🚀"));
    let mut rng = Lcg(20_261_204);
    let (mut torn, mut completed) = (0, 0);
    let mut before = load(&hist).runs;
    for k in 0..KILLS {
        // Anywhere from the start to a little after a full run takes.
        kill_after(&mut import(), full.mul_f64(1.3 * rng.next()));
        let after = load(&hist);
        let n = before.len();
        assert!(
            after.runs.len() == n || after.runs.len() == n + 1,
            "kill {k}: {} runs before, {} after",
            n,
            after.runs.len()
        );
        assert_eq!(
            after.runs[..n],
            before[..],
            "kill {k}: earlier runs changed"
        );
        if let Some(new) = after.runs.get(n) {
            assert_eq!(new.measurements, expected, "kill {k}: new run differs");
            completed += 1;
        }
        for w in &after.warnings {
            assert!(w.contains("skipped a torn last line"), "kill {k}: {w}");
            torn += 1;
        }
        // Every fourth kill, an append that finishes: it sets any torn
        // tail aside and the file reads back with no warning.
        if k % 4 == 3 {
            let (code, stderr) = finish(&mut import());
            assert_eq!(code, 0, "{stderr}");
            let loaded = load(&hist);
            assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
            assert_eq!(loaded.runs.len(), after.runs.len() + 1);
            assert_eq!(loaded.runs[..after.runs.len()], after.runs[..]);
            before = loaded.runs;
        } else {
            before = after.runs;
        }
    }
    eprintln!("{KILLS} kills: {completed} appends had finished, {torn} left a torn last line");
    // Whatever the last kill left, every command still reads the history.
    for args in [
        vec!["check", "--history", "h.jsonl"],
        vec!["analyze", "h.jsonl"],
        vec!["report", "--history", "h.jsonl", "--out", "site"],
        vec!["export", "--format", "bmf", "--history", "h.jsonl"],
    ] {
        let (code, stderr) = finish(harness(d).args(&args));
        assert!(code == 0 || code == 1, "{args:?} exited {code}: {stderr}");
    }
    assert!(d.join("site/index.html").is_file());
    let runs: Vec<Run> = load(&hist).runs;
    assert!(runs.iter().all(|r| r
        .git
        .as_ref()
        .and_then(|g| g.branch.as_deref())
        == Some("feature/🚀-ünïcödé")));
}

/// Every file of the site at `dir`, as (relative path, bytes), sorted.
fn site_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// Leftovers of our own naming beside `dir`'s site and baselines.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for folder in [dir.to_path_buf()] {
        for e in std::fs::read_dir(folder).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with(".site.") && !name.starts_with(".site.v-") {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn a_killed_report_leaves_the_old_or_the_new_site() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repository(d);
    let heap = heap_file(d, 200);
    for _ in 0..3 {
        let (code, stderr) = finish(
            harness(d)
                .args(["import", "heap"])
                .arg(&heap)
                .args(["--history", "h.jsonl"]),
        );
        assert_eq!(code, 0, "{stderr}");
    }
    let report = |url: &str, out: &str| {
        let mut c = harness(d);
        c.args(["report", "--history", "h.jsonl", "--out", out])
            .args(["--commit-url", url]);
        c
    };
    let urls = ["https://a.example/{sha}", "https://b.example/{sha}"];
    let full = timed(&mut report(urls[0], "ref-a"));
    timed(&mut report(urls[1], "ref-b"));
    let refs = [site_files(&d.join("ref-a")), site_files(&d.join("ref-b"))];
    assert_ne!(refs[0], refs[1]);
    timed(&mut report(urls[0], "site"));
    let mut rng = Lcg(7);
    for k in 0..KILLS / 2 {
        kill_after(
            &mut report(urls[k % 2], "site"),
            full.mul_f64(1.3 * rng.next()),
        );
        let now = site_files(&d.join("site"));
        assert!(
            now == refs[0] || now == refs[1],
            "kill {k}: the site is neither the old nor the new one"
        );
    }
    // The next full report cleans what the killed ones left.
    timed(&mut report(urls[0], "site"));
    assert_eq!(site_files(&d.join("site")), refs[0]);
    assert_eq!(leftovers(d), Vec::<String>::new());
}

#[test]
fn a_killed_baseline_save_leaves_one_whole_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repository(d);
    let heap = heap_file(d, 2000);
    let mut runs = Vec::new();
    for name in ["a.json", "b.json"] {
        let (code, stderr) = finish(
            harness(d)
                .args(["import", "heap"])
                .arg(&heap)
                .args(["--out", name]),
        );
        assert_eq!(code, 0, "{stderr}");
        runs.push(name);
    }
    let save = |run: &str| {
        let mut c = harness(d);
        c.args(["baseline", "save", "--name", "main", "--run", run]);
        c
    };
    let full = timed(&mut save("a.json"));
    let folder = std::fs::read_dir(d.join("baselines"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let file = folder.join("main.json");
    let a = std::fs::read(&file).unwrap();
    timed(&mut save("b.json"));
    let b = std::fs::read(&file).unwrap();
    assert_ne!(a, b);
    let mut rng = Lcg(11);
    for k in 0..KILLS / 2 {
        kill_after(&mut save(runs[k % 2]), full.mul_f64(1.3 * rng.next()));
        let now = std::fs::read(&file).unwrap();
        assert!(now == a || now == b, "kill {k}: the baseline is not whole");
    }
    timed(&mut save("a.json"));
    let names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["main.json"], "temporary files left behind");
}
