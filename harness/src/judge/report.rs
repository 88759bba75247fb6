//! The judged run's report: one row per bench and metric, from the last
//! point of each series' walk, with the gates applied.

use std::collections::BTreeMap;

use serde::Serialize;

use super::context::{Context, Track, tracks};
use super::gates::{apply_gates, judge_complexity};
use super::series::{Kind, State};
use super::verdict::{ComplexityRow, Row, Verdict, pct};
use crate::model::{BenchId, Measurement, Metric};

/// The result of judging one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The judged run's id.
    pub run_id: String,
    /// The saved baseline's run id, when one was used.
    pub baseline: Option<String>,
    /// Noisy series judged together, sharing the whole-run budget.
    pub series: usize,
    /// Whole-run false-fail budget.
    pub alpha: f64,
    /// Each noisy series' share of it.
    pub alpha_per_series: f64,
    /// The judged run was a machine outlier: the median z of its series.
    pub machine_outlier: Option<f64>,
    /// One row per bench and metric.
    pub rows: Vec<Row>,
    /// One row per complexity gate.
    pub complexity: Vec<ComplexityRow>,
    /// Problems that did not stop judging.
    pub warnings: Vec<String>,
    /// Bench targets that failed in the judged run: their benches went
    /// unmeasured, so the run fails the check.
    pub failed_targets: Vec<crate::model::FailedTarget>,
}

impl Report {
    /// The rows by bench id and metric, for views that walk the tracks.
    pub fn by_series(&self) -> BTreeMap<(&str, &Metric), &Row> {
        self.rows
            .iter()
            .map(|r| ((r.bench.as_str(), &r.metric), r))
            .collect()
    }

    /// True when anything regressed or broke a gate, or a bench target
    /// failed in the run.
    pub fn failed(&self) -> bool {
        !self.failed_targets.is_empty()
            || self.rows.iter().any(|r| r.verdict.fails())
            || self.complexity.iter().any(|c| c.verdict.fails())
    }
}

/// Judges the context's run.
pub fn judge(ctx: &Context) -> Report {
    judge_tracks(ctx, &tracks(ctx))
}

/// The row of one series at the judged run.
fn row(ctx: &Context, t: &Track, m: &Measurement, alpha: f64) -> Row {
    let s = &ctx.settings;
    let i = t.points.len() - 1;
    let pt = t.points[i];
    let since = pt.since.map(|k| ctx.label(t.runs[k]));
    let mut row = Row {
        bench: m.bench.to_string(),
        metric: m.metric.clone(),
        unit: m.unit,
        statistic: t.statistic,
        value: t.values[i],
        baseline: pt.center,
        change: pt.change,
        state: pt.state,
        since: since.clone(),
        p: pt.p,
        runs: pt.runs,
        gate: String::new(),
        control: String::new(),
        verdict: Verdict::Pass,
        why: Vec::new(),
    };
    let against = if t.against_baseline {
        "the saved baseline"
    } else {
        "its level"
    };
    let change = pt.change.map(|c| match (c.lower, c.upper) {
        (Some(lo), Some(hi)) => format!("{} (95% CI {}..{})", pct(c.ratio), pct(lo), pct(hi)),
        _ => pct(c.ratio),
    });
    let change = change.unwrap_or_default();
    let since = since.unwrap_or_default();
    let evidence = match (t.kind, pt.p, pt.threshold) {
        (Kind::Exact, _, Some(th)) => format!("noise threshold {:.2}%", th * 100.0),
        (_, Some(p), _) => match pt.alpha {
            Some(shared) => format!(
                "p={p:.2e}, α={shared:.1e} shared with the series slowing at this run, {} reference runs",
                pt.runs
            ),
            None => format!("p={p:.2e}, α={alpha:.1e}, {} reference runs", pt.runs),
        },
        _ => String::new(),
    };
    match pt.state {
        State::Insufficient => {
            row.control = format!("insufficient history: {} runs", pt.runs);
            row.why.push(format!(
                "insufficient history: {} earlier runs of this level (needs {}); use `harness compare` for a paired verdict",
                pt.runs, s.min_history
            ));
        }
        State::Skipped => {
            row.control = "machine outlier run: not judged".into();
            row.raise(
                Verdict::Warn,
                "the whole run moved together (a machine outlier): not judged; rerun".into(),
            );
        }
        State::InControl => {
            row.control = match pt.z {
                Some(z) => format!("in control (z={z:+.1})"),
                None => "in control".into(),
            };
        }
        State::Suspect => {
            row.control = "one run beyond the band".into();
            row.raise(
                Verdict::Warn,
                format!("{change} against {against} at this run only ({evidence}); the next run confirms or clears it"),
            );
        }
        State::Regressed if pt.first => {
            row.control = format!("step at {since}");
            row.raise(
                Verdict::Regressed,
                format!("{change} against {against} since {since} ({evidence})"),
            );
        }
        State::Regressed => {
            row.control = format!("open since {since}");
            let v = if s.open_fails {
                Verdict::Regressed
            } else {
                Verdict::Warn
            };
            row.raise(v, format!("regression open since {since}: {change} against {against} ({evidence}); fix it or `harness accept` it"));
        }
        State::Improved => {
            row.control = format!("new level since {since}");
            row.verdict = Verdict::Improved;
            row.why.push(format!(
                "{change} against {against} since {since} ({evidence})"
            ));
        }
    }
    if let Some((a, start)) = &t.accepted
        && *start <= i
    {
        row.why.push(format!(
            "judged from the level accepted since {} ({})",
            &a.since[..a.since.len().min(10)],
            a.reason
        ));
    }
    row
}

/// Judges the context's run from tracks already computed (as the
/// dashboard does, to chart the same tracks it judges).
pub fn judge_tracks(ctx: &Context, tracks: &[Track]) -> Report {
    let series = ctx.noisy_series();
    let alpha = ctx.settings.per_series_alpha(series);
    let judged = ctx.judged();
    let last = ctx.runs.len() - 1;
    let mut rows = Vec::new();
    let mut outlier = None;
    // The judged run's series, each once (a repeated id keeps the first).
    let mut in_run: BTreeMap<(&BenchId, &Metric), &Track> = tracks
        .iter()
        .filter(|t| t.runs.last() == Some(&last))
        .map(|t| ((&t.bench, &t.metric), t))
        .collect();
    for m in &judged.measurements {
        let Some(t) = in_run.remove(&(&m.bench, &m.metric)) else {
            continue;
        };
        let mut r = row(ctx, t, m, alpha);
        if matches!(r.verdict, Verdict::Regressed | Verdict::Improved) {
            // Since which commit: the series' latest change point in the
            // row's direction.
            let up = r.verdict == Verdict::Regressed;
            let steps = super::changes::steps(ctx, t);
            if let Some(step) = steps.iter().rev().find(|s| (s.relative > 0.0) == up) {
                r.why.push(format!(
                    "step at {} ({:+.1}%, p={:.1e})",
                    step.label,
                    step.relative * 100.0,
                    step.p
                ));
            }
        }
        outlier = outlier.or(*t.outlier.last().unwrap_or(&None));
        if let Some(targets) = &ctx.targets {
            // The gate's interval covers this level's earlier runs.
            let i = t.points.len() - 1;
            let start = (0..=i).rev().find_map(|j| t.points[j].since).unwrap_or(0);
            let start = start.max(t.accepted.as_ref().map_or(0, |a| a.1));
            let level: Vec<&Measurement> = (start..i)
                .filter(|&j| t.points[j].state != State::Skipped)
                .filter_map(|j| ctx.runs[t.runs[j]].find(&t.bench, &t.metric))
                .collect();
            apply_gates(&mut r, m, &level, &targets.gates);
        }
        rows.push(r);
    }
    let complexity = ctx
        .targets
        .as_ref()
        .map(|t| {
            t.complexity
                .iter()
                .map(|g| judge_complexity(judged, g))
                .collect()
        })
        .unwrap_or_default();
    let mut warnings = ctx.warnings.clone();
    if let Some(z) = outlier {
        warnings.push(format!(
            "this run is a machine outlier: its series moved together (median z {z:+.1}); wall-time rows are not judged, rerun"
        ));
    }
    Report {
        run_id: judged.run_id.clone(),
        baseline: ctx.baseline.as_ref().map(|b| b.run_id.clone()),
        series,
        alpha: ctx.settings.alpha,
        alpha_per_series: alpha,
        machine_outlier: outlier,
        rows,
        complexity,
        warnings,
        failed_targets: judged.failures.clone(),
    }
}
