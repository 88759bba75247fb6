//! Scale benchmark of the history: today's JSON-lines file against the
//! store, at 200 benches and the given numbers of runs.
//!
//! ```sh
//! cargo build --release -p harness
//! cargo run --release -p harness --example history_scale -- 1000 10000 [--jsonl-max 3000] [--dir DIR]
//! ```
//!
//! For each size it writes synthetic runs (200 wall-time benches, 30
//! samples each, lognormal noise around a per-bench level, one run an
//! hour) as a `.jsonl` history and as a store, then runs the built
//! `harness` binary (beside this example in the target folder, or
//! `$HARNESS_BIN`) under GNU time for: reading what judging reads
//! (`export --format bmf`, which loads the judging window and prints the
//! newest run), `check`, `report`, and appending one more run (`import
//! history ONE.jsonl`). It prints wall time and peak resident memory of
//! each, bytes per bench per run on disk, and the bytes one append added.
//! JSON-lines histories above `--jsonl-max` runs are not built (at 10,000
//! runs the file is about 4 GB).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use harness::model::{BenchId, GitInfo, Interval, Machine, Measurement, Metric, Run, Sample};
use harness::stats::rng::Rng;

const BENCHES: usize = 200;
const SAMPLES: usize = 30;
/// 2026-01-01T00:00:00Z; one run an hour after it.
const START: i64 = 1_767_225_600;

fn main() -> anyhow::Result<()> {
    let mut sizes = Vec::new();
    let mut jsonl_max = 3000;
    let mut dir = std::env::temp_dir().join("history-scale");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--jsonl-max" => jsonl_max = args.next().context("--jsonl-max N")?.parse()?,
            "--dir" => dir = args.next().context("--dir DIR")?.into(),
            n => sizes.push(
                n.parse::<usize>()
                    .with_context(|| format!("{n}: not a size"))?,
            ),
        }
    }
    if sizes.is_empty() {
        sizes = vec![1000, 10_000];
    }
    let bin = harness_bin()?;
    println!("load average before: {}", loadavg());
    println!(
        "| history | runs | disk bytes/bench/run | load s | load MB | check s | check MB | report s | report MB | append s | append MB | append adds bytes |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for &n in &sizes {
        let case = dir.join(format!("n{n}"));
        let _ = std::fs::remove_dir_all(&case);
        std::fs::create_dir_all(&case)?;
        let one = case.join("one.jsonl");
        write_jsonl(&one, std::iter::once(run(n, 1)))?;
        let store = case.join("history");
        eprintln!("[scale] building the store of {n} runs");
        for r in 0..n {
            harness::history::append(&store, &run(r, 1))?;
        }
        let mut targets = vec![("store", store)];
        if n <= jsonl_max {
            let file = case.join("history.jsonl");
            eprintln!("[scale] building the JSON-lines history of {n} runs");
            write_jsonl(&file, (0..n).map(|r| run(r, 1)))?;
            targets.insert(0, ("jsonl", file));
        }
        for (kind, path) in targets {
            let bytes = disk_bytes(&path)?;
            let per = bytes as f64 / (n * BENCHES) as f64;
            // Read-only commands first, so each sees exactly n runs.
            let load = timed(&bin, &case, &["export", "--format", "bmf"], &path)?;
            let check = timed(
                &bin,
                &case,
                &["check", "--no-baseline", "--format", "json"],
                &path,
            )?;
            let site = case.join(format!("site-{kind}"));
            let report = timed(
                &bin,
                &case,
                &["report", "--out", site.to_str().unwrap_or("site")],
                &path,
            )?;
            let append = timed(
                &bin,
                &case,
                &["import", "history", one.to_str().unwrap_or("one.jsonl")],
                &path,
            )?;
            let added = disk_bytes(&path)? - bytes;
            println!(
                "| {kind} | {n} | {per:.0} | {:.2} | {:.0} | {:.2} | {:.0} | {:.2} | {:.0} | {:.2} | {:.0} | {added} |",
                load.0, load.1, check.0, check.1, report.0, report.1, append.0, append.1
            );
        }
    }
    println!("load average after: {}", loadavg());
    Ok(())
}

/// The `harness` binary: `$HARNESS_BIN`, else the one built beside this
/// example (`target/<profile>/harness`).
fn harness_bin() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("HARNESS_BIN") {
        return Ok(p.into());
    }
    let exe = std::env::current_exe()?;
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("harness"))
        .context("no folder above the example")?;
    if !bin.is_file() {
        bail!(
            "{}: not built; run `cargo build --release -p harness` first or set HARNESS_BIN",
            bin.display()
        );
    }
    Ok(bin)
}

/// Runs `harness ARGS --history PATH` in `cwd` under GNU time: wall
/// seconds and peak resident megabytes. Exit code 1 (a regression found)
/// is a result, not a failure.
fn timed(bin: &Path, cwd: &Path, args: &[&str], history: &Path) -> anyhow::Result<(f64, f64)> {
    let out = cwd.join("time.txt");
    let status = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(&out)
        .arg(bin)
        .args(args)
        .arg("--history")
        .arg(history)
        .current_dir(cwd)
        .stdout(std::process::Stdio::null())
        .status()
        .context("cannot start /usr/bin/time (GNU time)")?;
    if !matches!(status.code(), Some(0 | 1)) {
        bail!("harness {args:?} --history {}: {status}", history.display());
    }
    let text = std::fs::read_to_string(&out)?;
    let mut it = text.split_whitespace();
    let secs: f64 = it.next().context("no time")?.parse()?;
    let kb: f64 = it.next().context("no memory")?.parse()?;
    Ok((secs, kb / 1024.0))
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn disk_bytes(path: &Path) -> anyhow::Result<u64> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        return Ok(meta.len());
    }
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        total += disk_bytes(&entry?.path())?;
    }
    Ok(total)
}

fn write_jsonl(path: &Path, runs: impl Iterator<Item = Run>) -> anyhow::Result<()> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    for run in runs {
        serde_json::to_writer(&mut w, &run)?;
        w.write_all(b"\n")?;
    }
    Ok(w.into_inner()?.sync_all()?)
}

/// Run `r` of the synthetic history (the same for both layouts): bench
/// `b` around 40·(b+1) ns, each sample lognormal with σ = 2 %.
fn run(r: usize, seed: u64) -> Run {
    let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(r as u64));
    let measurements = (0..BENCHES)
        .map(|b| {
            let level = 40.0 * (b + 1) as f64;
            let samples: Vec<f64> = (0..SAMPLES)
                .map(|_| level * (0.02 * rng.normal()).exp())
                .collect();
            let mean = samples.iter().sum::<f64>() / SAMPLES as f64;
            let mut m = Measurement::point(
                BenchId::parse(&format!("sys{}/op{}/w{}", b % 5, b / 5 % 8, b / 40 + 1))
                    .expect("valid id"),
                Metric::WallTime,
                mean,
                "criterion",
            )
            .expect("positive");
            m.interval = Some(Interval {
                lower: mean * 0.995,
                upper: mean * 1.005,
                level: 0.95,
            });
            m.samples = Some(Sample::new(samples).expect("finite"));
            m
        })
        .collect();
    let t = START + 3600 * r as i64;
    let sha = format!("{:040x}", (r as u128 + 1) * 0x9e37_79b9_7f4a_7c15);
    Run {
        schema: harness::model::SCHEMA_VERSION,
        run_id: format!("{t}-{}-1", &sha[..7]),
        time: harness::dashboard::synthetic::rfc3339(t),
        git: Some(GitInfo {
            commit: sha,
            branch: Some("main".into()),
            dirty: false,
            commit_time: t - 600,
            shallow: false,
        }),
        machine: Machine {
            cpu_model: "Synthetic CPU @ 3.0GHz".into(),
            cores: 2,
            os: "linux x86_64".into(),
            rustc: "rustc 1.95.0".into(),
        },
        profile: "quick".into(),
        measurements,
        failures: Vec::new(),
    }
}
