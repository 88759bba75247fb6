//! Building and running the suites through cargo, and collecting what
//! they wrote. Shared by `harness run` (one pass) and `harness compare`
//! (many passes over two worktrees).
//!
//! - Criterion: every `benches/*.rs` except `instructions.rs` and
//!   `heap.rs`, one `cargo bench --bench NAME` each.
//! - gungraun: `benches/instructions.rs`, needs `valgrind` and
//!   `gungraun-runner` on PATH; run with `--save-summary=json`.
//! - heap: `benches/heap.rs`, writes `target/heap/heap.json`.
//!
//! A suite whose bench file or tool is missing is reported and skipped,
//! unless `require` names it. Only files written during this pass are
//! collected, since the tools never delete old output.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};

use anyhow::{Context, bail};
use regex::Regex;

use super::Suite;
use super::shard::Shard;
use crate::collect;
use crate::model::Measurement;

/// What to measure where.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// Workspace root holding Cargo.toml and benches/.
    pub workspace: &'a Path,
    /// Cargo target folder for the build and the tools' output.
    pub target: &'a Path,
    /// `quick` or `full`, passed as BIZRA_BENCH_PROFILE.
    pub profile: &'a str,
    /// Only benches whose id matches.
    pub filter: Option<&'a Regex>,
    /// Suites that must run.
    pub require: &'a [Suite],
    /// Only this slice of the jobs.
    pub shard: Option<Shard>,
    /// Prefix of progress lines on stderr (e.g. `base round 2`).
    pub label: &'a str,
}

/// The default target folder of a workspace: `$CARGO_TARGET_DIR`, else
/// `<workspace>/target`.
pub fn default_target(ws: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| ws.join("target"), PathBuf::from)
}

/// The jobs a workspace offers: its Criterion bench files by name, plus
/// `instructions` and `heap` when present.
pub fn jobs(ws: &Path) -> anyhow::Result<Vec<String>> {
    let dir = ws.join("benches");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("{}: cannot list", dir.display()))?
        .flatten()
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "rs")
                .then(|| p.file_stem()?.to_str().map(str::to_owned))
                .flatten()
        })
        .collect();
    names.sort();
    Ok(names)
}

/// Runs the planned suites and returns what they measured.
///
/// With `counts` false the instruction-count and heap suites are left out
/// (they are deterministic, so `compare` runs them in two rounds only).
pub fn measure(p: &Plan, counts: bool, clock: Instant) -> anyhow::Result<Vec<Measurement>> {
    let ws = p.workspace;
    if !ws.join("Cargo.toml").is_file() {
        bail!("{}: no Cargo.toml; pass --workspace DIR", ws.display());
    }
    let started = SystemTime::now();
    let all = jobs(ws)?;
    let chosen: Vec<String> = match p.shard {
        Some(s) => s.select(&all).into_iter().cloned().collect(),
        None => all.clone(),
    };
    let mut measurements: Vec<Measurement> = Vec::new();
    let mut skipped = Vec::new();

    let criterion: Vec<&String> = chosen
        .iter()
        .filter(|n| *n != "instructions" && *n != "heap")
        .collect();
    if criterion.is_empty() && p.shard.is_none() {
        skip(
            p,
            Suite::Criterion,
            "no Criterion bench files in benches/",
            &mut skipped,
        )?;
    }
    for name in &criterion {
        let mut args = vec!["bench", "--bench", name.as_str(), "--"];
        if let Some(f) = p.filter {
            args.push(f.as_str());
        }
        cargo(p, &args, &format!("criterion {name}"), clock)?;
    }
    if !criterion.is_empty() {
        let dir = p.target.join("criterion");
        if dir.exists() {
            let benches = collect::criterion::collect_since(&dir, Some(started))?;
            measurements.extend(benches.into_iter().map(|b| b.measurement));
        }
    }

    let wants = |job: &str| chosen.iter().any(|n| n == job);
    if !all.iter().any(|n| n == "instructions") {
        skip(
            p,
            Suite::Gungraun,
            "benches/instructions.rs is not present",
            &mut skipped,
        )?;
    } else if !counts || !wants("instructions") {
    } else if let Some(tool) = ["valgrind", "gungraun-runner"]
        .into_iter()
        .find(|t| !on_path(t))
    {
        skip(
            p,
            Suite::Gungraun,
            &format!("{tool} is not on PATH"),
            &mut skipped,
        )?;
    } else {
        let args = [
            "bench",
            "--bench",
            "instructions",
            "--",
            "--save-summary=json",
        ];
        cargo(p, &args, "gungraun", clock)?;
        let dir = p.target.join("gungraun");
        measurements.extend(collect::gungraun::collect_since(&dir, Some(started))?);
    }

    if !all.iter().any(|n| n == "heap") {
        skip(
            p,
            Suite::Heap,
            "benches/heap.rs is not present",
            &mut skipped,
        )?;
    } else if counts && wants("heap") {
        cargo(p, &["bench", "--bench", "heap"], "heap", clock)?;
        let file = p.target.join("heap/heap.json");
        if !collect::modified_since(&file, Some(started)) || !file.exists() {
            bail!("{}: the heap probe did not write it", file.display());
        }
        measurements.extend(collect::heap::collect(&file)?);
    }

    if let Some(f) = p.filter {
        measurements.retain(|m| f.is_match(m.bench.as_str()));
    }
    if measurements.is_empty() && counts {
        bail!(
            "no measurements collected (suites skipped: {})",
            skipped.join("; ")
        );
    }
    Ok(measurements)
}

/// Reports a skipped suite, or fails when `require` names it.
fn skip(p: &Plan, suite: Suite, why: &str, skipped: &mut Vec<String>) -> anyhow::Result<()> {
    let name = format!("{suite:?}").to_lowercase();
    if p.require.contains(&suite) {
        bail!("suite {name} is required but cannot run: {why}");
    }
    eprintln!("[{name}] skipped: {why}");
    skipped.push(format!("{name}: {why}"));
    Ok(())
}

/// Whether an executable named `tool` is on PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// The cargo executable: `$CARGO` when cargo runs us, else `cargo`.
pub fn cargo_exe() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs cargo in the workspace, showing which bench is running on stderr.
fn cargo(p: &Plan, args: &[&str], what: &str, clock: Instant) -> anyhow::Result<()> {
    let label = if p.label.is_empty() {
        what.to_owned()
    } else {
        format!("{} {what}", p.label)
    };
    eprintln!(
        "[{label}] cargo {} ({:.1}s)",
        args.join(" "),
        clock.elapsed().as_secs_f64()
    );
    let mut child = Command::new(cargo_exe())
        .args(args)
        .current_dir(p.workspace)
        .env("CARGO_TARGET_DIR", p.target)
        .env("BIZRA_BENCH_PROFILE", p.profile)
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
            // With an earlier run to compare with, Criterion prints a second,
            // indented `time:` line (the change); report each bench once.
            if line.contains("time:") && !last_id.is_empty() {
                eprintln!(
                    "[{label}] {last_id} done ({:.1}s)",
                    clock.elapsed().as_secs_f64()
                );
                last_id.clear();
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
