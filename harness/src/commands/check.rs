//! `harness check`: judge one run against its gates, baseline and history.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::CheckConfig;
use super::baseline::{baseline_path, load_baseline};
use super::common::{Outcome, chosen_run, load_history};
use crate::judge::{self, Report, show};
use crate::render::{Document, Table};
use crate::targets::Targets;

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
    let all = load_history(&c.history)?;
    let run = chosen_run(c.run.as_deref(), &c.history, &all)?;
    let fingerprint = run.machine.fingerprint();
    let mut warnings = Vec::new();
    // Only runs from the same machine and profile are comparable: another
    // CPU or a longer measurement changes the numbers without any change
    // in the code.
    let (history, other): (Vec<_>, Vec<_>) = all
        .into_iter()
        .filter(|r| r.run_id != run.run_id)
        .partition(|r| r.machine.fingerprint() == fingerprint && r.profile == run.profile);
    if !other.is_empty() {
        warnings.push(format!(
            "{} earlier runs from other machines or profiles were left out",
            other.len()
        ));
    }
    let targets = match &c.targets {
        Some(p) => Some(Targets::load(p)?),
        None if Path::new(DEFAULT_TARGETS).exists() => {
            Some(Targets::load(Path::new(DEFAULT_TARGETS))?)
        }
        None => None,
    };
    if let Some(t) = &targets {
        // A gate must name a bench this machine has measured (a typo is an
        // error); one measured before but not in this run, as after
        // `run --filter`, is only noted.
        let in_run: Vec<_> = run
            .measurements
            .iter()
            .map(|m| (m.bench.clone(), m.metric.clone()))
            .collect();
        let mut known = in_run.clone();
        known.extend(history.iter().flat_map(|r| {
            r.measurements
                .iter()
                .map(|m| (m.bench.clone(), m.metric.clone()))
        }));
        t.check_known(&known)?;
        if let Err(e) = t.check_known(&in_run) {
            warnings.push(format!("{e} in this run; skipped"));
        }
    }
    let baseline = match &c.baseline {
        Some(name) => {
            let path: PathBuf = baseline_path(&c.baselines, &fingerprint, name);
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
            Some(b)
        }
        None => history.last().cloned(),
    };
    if let Some(g) = &run.git {
        if g.shallow {
            warnings.push("shallow clone: commit history is partial".into());
        }
    } else {
        warnings.push("the run has no git commit (recorded outside a repository)".into());
    }
    if let Some(b) = &baseline {
        let missing: Vec<String> = b
            .measurements
            .iter()
            .filter(|m| run.find(&m.bench, &m.metric).is_none())
            .map(|m| format!("{} ({})", m.bench, m.metric))
            .collect();
        if !missing.is_empty() {
            warnings.push(format!(
                "in the baseline but not in this run: {}",
                missing.join(", ")
            ));
        }
    }
    let mut report = judge::check(
        &run,
        &history,
        baseline.as_ref(),
        targets.as_ref(),
        &c.settings,
    );
    report.warnings = warnings;
    Ok(report)
}

fn pct(x: f64) -> String {
    format!("{:+.1}%", (x - 1.0) * 100.0)
}

/// The report as tables.
pub fn document(report: &Report) -> Document {
    let mut t = Table::new(
        &format!("Check of run {}", report.run_id),
        &[
            "bench",
            "metric",
            "value",
            "baseline",
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
    let failed = report.rows.iter().filter(|r| r.verdict.fails()).count()
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
    notes.push(match (&report.baseline, failed) {
        (None, 0) => "verdict: pass (no baseline to compare with)".into(),
        (Some(b), 0) => format!("verdict: pass (baseline {b})"),
        (_, n) => format!("verdict: FAIL ({n} failing)"),
    });
    Document {
        tables,
        notes,
        json: serde_json::to_value(report).unwrap_or_default(),
    }
}
