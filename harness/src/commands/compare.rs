//! `harness compare --base REV [--head REV]`: both revisions checked out
//! in temporary worktrees and built once each, then measured on this
//! machine and judged pair by pair ([`crate::judge::judge_comparison`]).
//!
//! - Instruction counts and heap bytes barely move between runs of the
//!   same binary: each gungraun and heap target runs once per side.
//! - Wall time runs in rounds. Within a round each Criterion bench target
//!   runs on both sides back to back, the order alternating (A B, then
//!   B A) from target to target and round to round, so the two halves of
//!   a pair are seconds apart and machine drift cancels within the pair.
//! - From `--min-rounds` on the rounds are judged after each one
//!   ([`crate::judge::Design`]); a bench that is settled (a change shown or
//!   ruled out) is not measured again, and the comparison stops when all
//!   are settled, at `--rounds`, or before a round that would overrun
//!   `--budget`. What is still open then is UNKNOWN.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use super::CompareConfig;
use super::common::{Outcome, load_history};
use crate::history;
use crate::judge::{Comparison, Design, Next, Side, after_round, show};
use crate::model::Measurement;
use crate::render::{Document, Table};
use crate::runner::{Plan, Suite, Target, cargo_exe, discover, measure_target, on_path, select};
use crate::worktree::Worktree;

/// Removes the scratch folder on every exit path.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One side: its checkout, target folder and bench targets.
struct SideRun {
    name: &'static str,
    tree: Worktree,
    target: PathBuf,
    root: PathBuf,
    targets: Vec<Target>,
}

/// Runs the comparison.
pub fn compare(c: &CompareConfig) -> anyhow::Result<Outcome> {
    let clock = Instant::now();
    let scratch = Scratch(std::env::temp_dir().join(format!(
        "harness-compare-{}-{}",
        std::process::id(),
        crate::probe::now_unix()
    )));
    std::fs::create_dir_all(&scratch.0)
        .with_context(|| format!("{}: cannot create", scratch.0.display()))?;
    let targets = crate::runner::absolute(c.target_dir.as_deref().unwrap_or(&scratch.0));
    let mut sides = Vec::new();
    for (name, rev) in [("base", &c.base), ("head", &c.head)] {
        let tree = Worktree::add(&c.repo, rev, &scratch.0.join(name), name)?;
        let target = targets.join(format!("target-{name}"));
        build(name, &tree, &target, c, clock)?;
        let ws = discover(&tree.path).with_context(|| format!("{name} ({rev})"))?;
        let chosen = select(&ws, &c.select, None).with_context(|| format!("{name} ({rev})"))?;
        sides.push(SideRun {
            name,
            tree,
            target,
            root: ws.root,
            targets: chosen,
        });
    }
    let mut warnings = Vec::new();
    let jobs = jobs(&sides);
    if jobs.is_empty() {
        bail!("no bench target on either side matches the selection");
    }
    let valgrind = ["valgrind", "gungraun-runner"]
        .into_iter()
        .find(|t| !on_path(t));

    // Counts: once per side.
    let mut counts: [Vec<Measurement>; 2] = [Vec::new(), Vec::new()];
    for job in jobs.iter().filter(|j| j.suite.exact()) {
        if let (Suite::Gungraun, Some(tool)) = (job.suite, valgrind) {
            warnings.push(format!("{}: skipped, {tool} is not on PATH", job.name));
            continue;
        }
        for (i, side) in sides.iter().enumerate() {
            let got = run_job(c, side, &job.name, None, "counts", clock, &mut warnings);
            counts[i].extend(got);
        }
    }

    // Earlier values of each series, for the noise threshold of counts.
    let past = if c.history.exists() {
        load_history(&c.history)?
    } else {
        Vec::new()
    };
    let series = |bench: &str, metric: &str| -> Vec<f64> {
        past.iter()
            .flat_map(|r| &r.measurements)
            .filter(|m| m.bench.as_str() == bench && m.metric.to_string() == metric)
            .map(|m| m.estimate)
            .collect()
    };

    // Wall time: paired rounds.
    let design = Design {
        min_rounds: c.min_rounds,
        max_rounds: c.rounds,
    };
    let wall: Vec<&Job> = jobs.iter().filter(|j| !j.suite.exact()).collect();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut open: Option<BTreeSet<String>> = None;
    let mut rounds: Vec<(Vec<Measurement>, Vec<Measurement>)> = Vec::new();
    let mut report = None;
    for round in 0..c.rounds {
        let started = Instant::now();
        let mut got: [Vec<Measurement>; 2] = [Vec::new(), Vec::new()];
        if round == 0 {
            got = std::mem::take(&mut counts);
        }
        for (j, job) in wall.iter().enumerate() {
            let only: Option<Vec<String>> = open.as_ref().map(|o| {
                ids.get(&job.name)
                    .map(|all| all.intersection(o).cloned().collect())
                    .unwrap_or_default()
            });
            if only.as_ref().is_some_and(Vec::is_empty) {
                continue;
            }
            let order = if (round + j) % 2 == 0 { [0, 1] } else { [1, 0] };
            for i in order {
                let label = format!("round {}/{}", round + 1, c.rounds);
                let ms = run_job(
                    c,
                    &sides[i],
                    &job.name,
                    only.as_deref(),
                    &label,
                    clock,
                    &mut warnings,
                );
                if round == 0 {
                    ids.entry(job.name.clone())
                        .or_default()
                        .extend(ms.iter().map(|m| m.bench.to_string()));
                }
                got[i].extend(ms);
            }
        }
        let [b, h] = got;
        rounds.push((b, h));
        let out_of_time = c
            .budget
            .is_some_and(|budget| clock.elapsed() + started.elapsed() > budget);
        let next = after_round(
            &sides[0].side(),
            &sides[1].side(),
            &rounds,
            &series,
            &c.settings,
            design,
            out_of_time,
        );
        match next {
            Next::Continue(still) => {
                if let Some(still) = &still {
                    eprintln!(
                        "[harness] after round {}: {} benches still open ({:.1}s)",
                        round + 1,
                        still.len(),
                        clock.elapsed().as_secs_f64()
                    );
                }
                open = still;
            }
            Next::Stop(r) => {
                if out_of_time && round + 1 < c.rounds {
                    warnings.push(format!(
                        "stopped after {} of {} rounds: the next round would overrun the --budget",
                        round + 1,
                        c.rounds
                    ));
                }
                report = Some(r);
                break;
            }
        }
    }
    let mut report = report.context("no rounds were run")?;
    report.warnings.extend(warnings);
    if sides[0].tree.commit == sides[1].tree.commit {
        report
            .warnings
            .push("base and head are the same commit".into());
    }
    eprintln!(
        "[harness] compare done in {:.1}s",
        clock.elapsed().as_secs_f64()
    );
    if let Some(out) = &c.out {
        let mut text = serde_json::to_string_pretty(&report)?;
        text.push('\n');
        history::write_atomic(out, text.as_bytes())?;
    }
    Ok(Outcome {
        stdout: c.format.renderer().render(&document(&report)),
        code: u8::from(report.failed()),
    })
}

/// A bench target by `package/name`, and its suite.
struct Job {
    name: String,
    suite: Suite,
}

/// The bench targets of either side, by job name.
fn jobs(sides: &[SideRun]) -> Vec<Job> {
    let mut map: BTreeMap<String, Suite> = BTreeMap::new();
    for t in sides.iter().flat_map(|s| &s.targets) {
        map.entry(t.job()).or_insert(t.suite);
    }
    map.into_iter()
        .map(|(name, suite)| Job { name, suite })
        .collect()
}

/// Runs one bench target on one side; a failure is a warning (its benches
/// then count as added or removed) and an empty result.
fn run_job(
    c: &CompareConfig,
    side: &SideRun,
    job: &str,
    only: Option<&[String]>,
    label: &str,
    clock: Instant,
    warnings: &mut Vec<String>,
) -> Vec<Measurement> {
    let Some(t) = side.targets.iter().find(|t| t.job() == job) else {
        return Vec::new();
    };
    let label = format!("{} {label}", side.name);
    let plan = Plan {
        workspace: &side.tree.path,
        target: Some(&side.target),
        profile: &c.profile,
        select: &c.select,
        require: &[],
        shard: None,
        label: &label,
        verbose: c.verbose,
    };
    match measure_target(&plan, &side.root, &side.target, t, only, clock) {
        Ok(mut ms) => {
            if let Some(f) = &c.select.filter {
                ms.retain(|m| f.is_match(m.bench.as_str()));
            }
            ms
        }
        Err(f) => {
            let w = format!(
                "{} ({}): {} failed: {}",
                side.name, side.tree.rev, f.job, f.message
            );
            eprintln!("[harness] {w}");
            warnings.push(w);
            Vec::new()
        }
    }
}

impl SideRun {
    fn side(&self) -> Side {
        Side {
            rev: self.tree.rev.clone(),
            commit: self.tree.commit.clone(),
        }
    }
}

/// Builds one side's benches; a side that does not build stops the
/// comparison with a message naming it (exit 2).
fn build(
    name: &str,
    wt: &Worktree,
    target: &Path,
    c: &CompareConfig,
    clock: Instant,
) -> anyhow::Result<()> {
    eprintln!(
        "[{name}] building {} ({}) ({:.1}s)",
        wt.rev,
        &wt.commit[..10],
        clock.elapsed().as_secs_f64()
    );
    let mut args: Vec<String> = vec!["bench".into(), "--no-run".into()];
    if c.select.packages.is_empty() {
        args.push("--workspace".into());
    }
    for p in &c.select.packages {
        args.extend(["-p".into(), p.clone()]);
    }
    let status = Command::new(cargo_exe())
        .args(&args)
        .current_dir(&wt.path)
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .with_context(|| format!("[{name}] cannot start cargo"))?;
    if !status.success() {
        bail!(
            "the {name} revision {} ({}) does not build: `cargo {}` failed ({status}); see the compiler output above",
            wt.rev,
            &wt.commit[..10],
            args.join(" ")
        );
    }
    Ok(())
}

fn pct(x: f64) -> String {
    format!("{:+.1}%", (x - 1.0) * 100.0)
}

/// The comparison as tables.
pub fn document(r: &Comparison) -> Document {
    let mut t = Table::new(
        &format!(
            "Compare {} ({}) → {} ({})",
            r.base.rev,
            short(&r.base.commit),
            r.head.rev,
            short(&r.head.commit)
        ),
        &[
            "bench",
            "metric",
            "base",
            "head",
            "change (95% CI)",
            "p",
            "rounds",
            "verdict",
            "why",
        ],
    );
    let mut rows: Vec<_> = r.rows.iter().collect();
    rows.sort_by_key(|x| std::cmp::Reverse(x.verdict));
    for row in rows {
        let change = match (row.ratio, row.lower, row.upper) {
            (Some(x), Some(lo), Some(hi)) => format!("{} ({}..{})", pct(x), pct(lo), pct(hi)),
            (Some(x), _, _) => pct(x),
            _ => "-".into(),
        };
        t.rows.push(vec![
            row.bench.clone(),
            row.metric.to_string(),
            show(row.base, row.unit),
            show(row.head, row.unit),
            change,
            row.p.map_or("-".into(), |p| format!("{p:.3}")),
            row.rounds.to_string(),
            row.verdict.name().into(),
            row.why.join("; "),
        ]);
    }
    let mut notes: Vec<String> = r.warnings.iter().map(|w| format!("warning: {w}")).collect();
    if !r.added.is_empty() {
        notes.push(format!("added (head only): {}", r.added.join(", ")));
    }
    if !r.removed.is_empty() {
        notes.push(format!("removed (base only): {}", r.removed.join(", ")));
    }
    let failed = r.rows.iter().filter(|x| x.verdict.fails()).count();
    let unknown = r
        .rows
        .iter()
        .filter(|x| x.verdict == crate::judge::Verdict::Unknown)
        .count();
    notes.push(if failed == 0 && unknown > 0 {
        format!(
            "verdict: no regression shown, {unknown} UNKNOWN ({} rounds): those need more rounds",
            r.rounds
        )
    } else if failed == 0 {
        format!("verdict: pass ({} rounds)", r.rounds)
    } else {
        format!(
            "verdict: FAIL ({failed} regressed over {} rounds)",
            r.rounds
        )
    });
    Document {
        tables: vec![t],
        notes,
        json: serde_json::to_value(r).unwrap_or_default(),
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}
