//! `harness check`: judge one run against its gates, baseline and history.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::CheckConfig;
use super::baseline::{baseline_path, load_baseline};
use super::common::{Outcome, history_runs, load_history_with, read_run_file};
use crate::accepted::Accepted;
use crate::judge::{self, Context, Report, pct, show};
use crate::model::Run;
use crate::render::{Document, Table};
use crate::targets::{Targets, TargetsError};

/// Default gates file, read only when present.
const DEFAULT_TARGETS: &str = "targets.toml";

/// Runs the check.
pub fn check(c: &CheckConfig) -> anyhow::Result<Outcome> {
    let report = report(c)?;
    let doc = document(&report);
    Ok(Outcome {
        stdout: c.format.renderer().render(&doc),
        code: u8::from(report.failed()),
    })
}

/// Judges the chosen run (what `check` prints, and `publish --run` posts).
pub fn report(c: &CheckConfig) -> anyhow::Result<Report> {
    // With --run the history is only the series' past and may be empty;
    // without it the history must hold the run to judge.
    let (all, run) = match &c.run {
        Some(p) => (
            load_history_with(&c.history, c.load)?,
            Some(read_run_file(p)?),
        ),
        None => (history_runs(&c.history, c.load)?, None),
    };
    let ctx = context(c, all, run)?
        .with_context(|| format!("{}: no runs recorded", c.history.display()))?;
    let tracks = judge::tracks(&ctx);
    if let Some(path) = &c.suspects {
        let found = super::suspects::suspects(&ctx, &tracks);
        let mut text = serde_json::to_string_pretty(&found)?;
        text.push('\n');
        crate::history::write_atomic(path, text.as_bytes())?;
    }
    Ok(judge::judge_tracks(&ctx, &tracks))
}

/// The judging context of `check` (and of every view that must agree
/// with it): the comparable runs of `all`, the gates, the saved baseline
/// and the accepted changes. `None` when there is no run to judge.
pub fn context(
    c: &CheckConfig,
    all: Vec<Run>,
    run: Option<Run>,
) -> anyhow::Result<Option<Context>> {
    let Some(mut ctx) = Context::select(all, run, c.settings) else {
        return Ok(None);
    };
    let targets = match &c.targets {
        Some(p) => Some(Targets::load(p)?),
        None if Path::new(DEFAULT_TARGETS).exists() => {
            Some(Targets::load(Path::new(DEFAULT_TARGETS))?)
        }
        None => None,
    };
    let judged = ctx.judged().clone();
    let fingerprint = judged.machine.fingerprint();
    if let Some(t) = &targets {
        // A gate must name a bench this machine has measured (a typo is an
        // error); one measured before but not in this run, as after
        // `run --filter`, is only noted.
        let in_run: Vec<_> = judged
            .measurements
            .iter()
            .map(|m| (m.bench.clone(), m.metric.clone()))
            .collect();
        let known: Vec<_> = ctx
            .runs
            .iter()
            .flat_map(|r| {
                r.measurements
                    .iter()
                    .map(|m| (m.bench.clone(), m.metric.clone()))
            })
            .collect();
        match t.check_known(&known) {
            Err(TargetsError::UnknownBench { path, line, bench }) => bail!(
                "{}:{line}: gate names bench {bench:?}, which no judged run measured (runs of this machine and profile): a typo, or runs that left it out (--filter, --suite, --bench); to check such runs, name a gates file without it (--targets FILE)",
                path.display()
            ),
            other => other?,
        }
        if let Err(e) = t.check_known(&in_run) {
            ctx.warnings.push(format!("{e} in this run; skipped"));
        }
    }
    ctx.targets = targets;
    // A named baseline must exist; without a name, `main` is used when
    // this machine has one, so that a saved baseline is never ignored.
    let name = c.baseline.clone().unwrap_or_else(|| "main".into());
    let path: PathBuf = baseline_path(&c.baselines, &fingerprint, &name);
    if !c.no_baseline && (c.baseline.is_some() || path.exists()) {
        if !path.exists() {
            bail!(
                "{}: no baseline {name:?} for this machine ({fingerprint}); save one with `harness baseline save --name {name}`",
                path.display()
            );
        }
        let b = load_baseline(&path)?;
        if b.machine.fingerprint() != fingerprint {
            bail!(
                "{}: baseline is from another machine ({}, {}), this run is from {fingerprint}",
                path.display(),
                b.machine.fingerprint(),
                b.machine.cpu_model
            );
        }
        if b.profile != judged.profile {
            ctx.warnings.push(format!(
                "baseline {name:?} was measured with profile {:?}, this run with {:?}: not used",
                b.profile, judged.profile
            ));
        } else {
            let missing: Vec<String> = b
                .measurements
                .iter()
                .filter(|m| judged.find(&m.bench, &m.metric).is_none())
                .map(|m| format!("{} ({})", m.bench, m.metric))
                .collect();
            if !missing.is_empty() {
                ctx.warnings.push(format!(
                    "in the baseline but not in this run: {}",
                    missing.join(", ")
                ));
            }
            ctx.baseline = Some(b);
        }
    }
    ctx.accepted = Accepted::load(&c.accepted)?;
    if let Some(g) = &judged.git {
        if g.shallow {
            ctx.warnings
                .push("shallow clone: commit history is partial".into());
        }
    } else {
        ctx.warnings
            .push("the run has no git commit (recorded outside a repository)".into());
    }
    Ok(Some(ctx))
}

/// The report as tables.
pub fn document(report: &Report) -> Document {
    let mut t = Table::new(
        &format!("Check of run {}", report.run_id),
        &[
            "bench",
            "metric",
            "statistic",
            "value",
            "reference",
            "change (95% CI)",
            "gate",
            "control",
            "verdict",
            "why",
        ],
    );
    for r in &report.rows {
        let change = r
            .change
            .map_or("-".to_owned(), |c| match (c.lower, c.upper) {
                (Some(lo), Some(hi)) => format!("{} ({}..{})", pct(c.ratio), pct(lo), pct(hi)),
                _ => pct(c.ratio),
            });
        t.rows.push(vec![
            r.bench.clone(),
            r.metric.to_string(),
            r.statistic.to_owned(),
            show(r.value, r.unit),
            r.baseline.map_or("-".into(), |b| show(b, r.unit)),
            change,
            if r.gate.is_empty() {
                "-".into()
            } else {
                r.gate.clone()
            },
            r.control.clone(),
            r.verdict.name().into(),
            r.why.join("; "),
        ]);
    }
    let mut tables = vec![t];
    if !report.complexity.is_empty() {
        let mut c = Table::new(
            "Complexity",
            &["bench", "metric", "class", "exponent", "verdict", "why"],
        );
        for r in &report.complexity {
            c.rows.push(vec![
                r.bench.clone(),
                r.metric.to_string(),
                r.class.clone(),
                r.exponent.map_or("-".into(), |b| {
                    format!("{b:.3} ± {:.3}", r.std_error.unwrap_or(0.0))
                }),
                r.verdict.name().into(),
                r.why.clone(),
            ]);
        }
        tables.push(c);
    }
    if !report.failed_targets.is_empty() {
        let mut f = Table::new(
            "Bench targets that failed in this run (their benches were not measured)",
            &["target", "message"],
        );
        for t in &report.failed_targets {
            f.rows.push(vec![t.target.clone(), t.message.clone()]);
        }
        tables.push(f);
    }
    let failed = report.failed_targets.len()
        + report.rows.iter().filter(|r| r.verdict.fails()).count()
        + report
            .complexity
            .iter()
            .filter(|r| r.verdict.fails())
            .count();
    let mut notes: Vec<String> = report
        .warnings
        .iter()
        .map(|w| format!("warning: {w}"))
        .collect();
    notes.push(format!(
        "judged: {} noisy series against the run-to-run variation of their history, each at α = {:.1e} alone, more when several slow down at once (whole-run budget {:.1}%){}",
        report.series,
        report.alpha_per_series,
        report.alpha * 100.0,
        report
            .baseline
            .as_ref()
            .map_or(String::new(), |b| format!("; saved baseline {b}"))
    ));
    let improved = report
        .rows
        .iter()
        .filter(|r| r.verdict == crate::judge::Verdict::Improved)
        .count();
    let warned = report
        .rows
        .iter()
        .filter(|r| r.verdict == crate::judge::Verdict::Warn)
        .count();
    notes.push(match failed {
        0 => format!("verdict: pass ({improved} improved, {warned} warnings)"),
        n => format!("verdict: FAIL ({n} failing, {improved} improved, {warned} warnings)"),
    });
    Document {
        tables,
        notes,
        json: serde_json::to_value(report).unwrap_or_default(),
    }
}
