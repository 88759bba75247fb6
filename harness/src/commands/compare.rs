//! `harness compare --base REV [--head REV]`: both revisions checked out
//! in temporary worktrees, their benches built once each, then run in
//! interleaved rounds (A B, B A, A B, …) so that whatever the machine does
//! meanwhile hits both sides alike, and judged pair by pair
//! ([`crate::judge::judge_comparison`]).
//!
//! Instruction counts and heap bytes barely move between runs of the same
//! binary, so their suites run in the first two rounds only (one in each
//! order), which keeps valgrind's cost off the later rounds.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, bail};

use super::CompareConfig;
use super::common::{Outcome, load_history};
use super::suites::{Plan, cargo_exe, measure};
use crate::history;
use crate::judge::{Comparison, Side, judge_comparison, show};
use crate::model::Measurement;
use crate::render::{Document, Table};
use crate::worktree::Worktree;

/// Removes the scratch folder on every exit path.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
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
    let targets = c.target_dir.clone().unwrap_or_else(|| scratch.0.clone());
    let base = Worktree::add(&c.repo, &c.base, &scratch.0.join("base"), "base")?;
    let head = Worktree::add(&c.repo, &c.head, &scratch.0.join("head"), "head")?;
    let sides = [
        ("base", &base, targets.join("target-base")),
        ("head", &head, targets.join("target-head")),
    ];
    for (name, wt, target) in &sides {
        build(name, wt, target, clock)?;
    }
    let mut rounds: Vec<(Vec<Measurement>, Vec<Measurement>)> = Vec::new();
    for round in 0..c.rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        let mut got: [Vec<Measurement>; 2] = [Vec::new(), Vec::new()];
        for i in order {
            let (name, wt, target) = &sides[i];
            let label = format!("{name} round {}/{}", round + 1, c.rounds);
            let plan = Plan {
                workspace: &wt.path,
                target,
                profile: &c.profile,
                filter: c.filter.as_ref(),
                require: &[],
                shard: None,
                label: &label,
            };
            got[i] = measure(&plan, round < 2, clock)
                .with_context(|| format!("{name} ({}) at round {}", wt.rev, round + 1))?;
        }
        let [b, h] = got;
        rounds.push((b, h));
    }
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
    let side = |w: &Worktree| Side {
        rev: w.rev.clone(),
        commit: w.commit.clone(),
    };
    let mut report = judge_comparison(side(&base), side(&head), &rounds, &series, &c.settings);
    if base.commit == head.commit {
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

/// Builds one side's benches; a side that does not build stops the
/// comparison with a message naming it (exit 2).
fn build(name: &str, wt: &Worktree, target: &Path, clock: Instant) -> anyhow::Result<()> {
    eprintln!(
        "[{name}] building {} ({}) ({:.1}s)",
        wt.rev,
        &wt.commit[..10],
        clock.elapsed().as_secs_f64()
    );
    let status = Command::new(cargo_exe())
        .args(["bench", "--no-run"])
        .current_dir(&wt.path)
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .with_context(|| format!("[{name}] cannot start cargo"))?;
    if !status.success() {
        bail!(
            "the {name} revision {} ({}) does not build: `cargo bench --no-run` failed ({status}); see the compiler output above",
            wt.rev,
            &wt.commit[..10]
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
    notes.push(if failed == 0 {
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
