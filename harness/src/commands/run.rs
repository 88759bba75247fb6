//! `harness run`: build and run the suites through cargo, collect their
//! files and append one run to the history.
//!
//! - Criterion: every `benches/*.rs` except `instructions.rs` and
//!   `heap.rs`, one `cargo bench --bench NAME` each.
//! - gungraun: `benches/instructions.rs`, needs `valgrind` and
//!   `gungraun-runner` on PATH; run with `--save-summary=json`.
//! - heap: `benches/heap.rs`, writes `target/heap/heap.json`.
//!
//! A suite whose bench file or tool is missing is reported and skipped,
//! unless `--require` names it. Only files written during this run are
//! collected, since the tools never delete old output.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use anyhow::{Context, bail};

use super::common::Outcome;
use super::import::new_run;
use super::{RunConfig, Suite};
use crate::collect;
use crate::history;
use crate::model::Measurement;

/// Runs every suite and records the run.
pub fn run(c: &RunConfig) -> anyhow::Result<Outcome> {
    let ws = &c.workspace;
    if !ws.join("Cargo.toml").is_file() {
        bail!("{}: no Cargo.toml; pass --workspace DIR", ws.display());
    }
    let started = SystemTime::now();
    let clock = Instant::now();
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| ws.join("target"), PathBuf::from);
    let mut measurements: Vec<Measurement> = Vec::new();
    let mut skipped = Vec::new();

    let criterion_suites = criterion_suites(&ws.join("benches"))?;
    if criterion_suites.is_empty() {
        skip(
            c,
            Suite::Criterion,
            "no Criterion bench files in benches/",
            &mut skipped,
        )?;
    }
    for name in &criterion_suites {
        let mut args = vec!["bench", "--bench", name.as_str(), "--"];
        if let Some(f) = &c.filter {
            args.push(f.as_str());
        }
        cargo(ws, &args, &c.profile, &format!("criterion {name}"), clock)?;
    }
    if !criterion_suites.is_empty() {
        let dir = target.join("criterion");
        if dir.exists() {
            let benches = collect::criterion::collect_since(&dir, Some(started))?;
            measurements.extend(benches.into_iter().map(|b| b.measurement));
        }
    }

    if !ws.join("benches/instructions.rs").is_file() {
        skip(
            c,
            Suite::Gungraun,
            "benches/instructions.rs is not present",
            &mut skipped,
        )?;
    } else if let Some(tool) = ["valgrind", "gungraun-runner"]
        .into_iter()
        .find(|t| !on_path(t))
    {
        skip(
            c,
            Suite::Gungraun,
            &format!("{tool} is not on PATH"),
            &mut skipped,
        )?;
    } else {
        cargo(
            ws,
            &[
                "bench",
                "--bench",
                "instructions",
                "--",
                "--save-summary=json",
            ],
            &c.profile,
            "gungraun",
            clock,
        )?;
        let dir = target.join("gungraun");
        measurements.extend(collect::gungraun::collect_since(&dir, Some(started))?);
    }

    if !ws.join("benches/heap.rs").is_file() {
        skip(
            c,
            Suite::Heap,
            "benches/heap.rs is not present",
            &mut skipped,
        )?;
    } else {
        cargo(ws, &["bench", "--bench", "heap"], &c.profile, "heap", clock)?;
        let file = target.join("heap/heap.json");
        if !collect::modified_since(&file, Some(started)) || !file.exists() {
            bail!("{}: the heap probe did not write it", file.display());
        }
        measurements.extend(collect::heap::collect(&file)?);
    }

    if let Some(f) = &c.filter {
        measurements.retain(|m| f.is_match(m.bench.as_str()));
    }
    if measurements.is_empty() {
        bail!(
            "no measurements collected (suites skipped: {})",
            skipped.join("; ")
        );
    }
    let run = new_run(ws, &c.profile, measurements);
    history::append(&c.history, &run)?;
    eprintln!("[harness] done in {:.1}s", clock.elapsed().as_secs_f64());
    Ok(Outcome::ok(format!(
        "appended run {} ({} measurements) to {}\n",
        run.run_id,
        run.measurements.len(),
        c.history.display()
    )))
}

/// Reports a skipped suite, or fails when `--require` names it.
fn skip(c: &RunConfig, suite: Suite, why: &str, skipped: &mut Vec<String>) -> anyhow::Result<()> {
    let name = format!("{suite:?}").to_lowercase();
    if c.require.contains(&suite) {
        bail!("suite {name} is required but cannot run: {why}");
    }
    eprintln!("[{name}] skipped: {why}");
    skipped.push(format!("{name}: {why}"));
    Ok(())
}

/// Criterion bench files: `benches/*.rs` other than the gungraun and heap ones.
fn criterion_suites(dir: &Path) -> anyhow::Result<Vec<String>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list", dir.display()))?
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "rs")
                .then(|| p.file_stem()?.to_str().map(str::to_owned))
                .flatten()
        })
        .filter(|n| n != "instructions" && n != "heap")
        .collect();
    names.sort();
    Ok(names)
}

/// Whether an executable named `tool` is on PATH.
fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// Runs cargo in the workspace, showing which bench is running on stderr.
fn cargo(
    ws: &Path,
    args: &[&str],
    profile: &str,
    label: &str,
    clock: Instant,
) -> anyhow::Result<()> {
    eprintln!(
        "[{label}] cargo {} ({:.1}s)",
        args.join(" "),
        clock.elapsed().as_secs_f64()
    );
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(ws)
        .env("BIZRA_BENCH_PROFILE", profile)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("[{label}] cannot start cargo"))?;
    // Criterion reports each finished bench on stdout as `<id>  time: [...]`
    // (a long id stands on its own line with `time:` on the next); its
    // live "Benchmarking ..." status goes to stderr, which passes through.
    if let Some(out) = child.stdout.take() {
        let mut last_id = String::new();
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let head = line.split("time:").next().unwrap_or("").trim();
            if !line.starts_with(char::is_whitespace) && !head.is_empty() {
                last_id = head.to_owned();
            }
            if line.contains("time:") && !last_id.is_empty() {
                eprintln!(
                    "[{label}] {last_id} done ({:.1}s)",
                    clock.elapsed().as_secs_f64()
                );
            }
        }
    }
    let status = child
        .wait()
        .with_context(|| format!("[{label}] cargo did not finish"))?;
    if !status.success() {
        bail!("[{label}] `cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}
