//! Judging a run: gates, the baseline comparison, and drift over the
//! history. [`check`] turns a run plus context into a [`Report`]; the exit
//! code follows from [`Report::failed`].

mod compare;
mod comparison;
mod drift;
mod gates;
mod paired;
mod verdict;

use serde::Serialize;

pub use compare::{CompareSettings, compare};
pub use comparison::{Comparison, Side, judge_comparison};
pub use drift::{DriftReport, MIN_REFERENCE, REFERENCE_WINDOW, drift};
pub use gates::{apply_gates, judge_complexity, statistic};
pub use paired::{PairedRow, PairedSettings, Pairs, judge_pairs, pair_rounds};
pub use verdict::{Change, ComplexityRow, Row, Verdict, show};

use crate::model::{Measurement, Run};
use crate::targets::Targets;

/// The result of judging one run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The judged run's id.
    pub run_id: String,
    /// What it was compared with.
    pub baseline: Option<String>,
    /// One row per bench and metric.
    pub rows: Vec<Row>,
    /// One row per complexity gate.
    pub complexity: Vec<ComplexityRow>,
    /// Problems that did not stop judging.
    pub warnings: Vec<String>,
}

impl Report {
    /// True when anything regressed, broke a gate or drifted.
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| r.verdict.fails())
            || self.complexity.iter().any(|c| c.verdict.fails())
    }
}

/// The value a run is charted by: the median of its samples (robust to a
/// noisy sample), else its estimate.
pub fn chart_value(m: &Measurement) -> f64 {
    m.samples
        .as_ref()
        .and_then(|s| crate::stats::describe::median(s.values()))
        .unwrap_or(m.estimate)
}

/// Judges `run`. `history` holds earlier runs on the same machine, oldest
/// first, without `run`; `baseline` is the run to compare with (a saved
/// baseline or the latest earlier run).
pub fn check(
    run: &Run,
    history: &[Run],
    baseline: Option<&Run>,
    targets: Option<&Targets>,
    settings: &CompareSettings,
) -> Report {
    let mut rows = Vec::new();
    for m in &run.measurements {
        let mut row = Row {
            bench: m.bench.to_string(),
            metric: m.metric.clone(),
            unit: m.unit,
            value: chart_value(m),
            baseline: None,
            change: None,
            gate: String::new(),
            control: String::new(),
            verdict: Verdict::Pass,
            why: Vec::new(),
        };
        let series: Vec<(String, f64)> = history
            .iter()
            .filter_map(|r| {
                r.find(&m.bench, &m.metric)
                    .map(|h| (r.label(), chart_value(h)))
            })
            .collect();
        let past: Vec<f64> = series.iter().map(|(_, v)| *v).collect();
        if let Some(base) = baseline.and_then(|b| b.find(&m.bench, &m.metric)) {
            let estimates: Vec<f64> = history
                .iter()
                .filter_map(|r| r.find(&m.bench, &m.metric))
                .map(|h| h.estimate)
                .collect();
            compare(&mut row, m, base, &estimates, settings);
        }
        if let Some(t) = targets {
            apply_gates(&mut row, m, &t.gates);
        }
        let mut values = past;
        values.push(row.value);
        let mut labels: Vec<String> = series.into_iter().map(|(l, _)| l).collect();
        labels.push(run.label());
        let d = drift(&values, &labels, settings.min_drift);
        for reason in &d.drift {
            row.raise(Verdict::Drift, reason.clone());
        }
        row.control = d.status;
        rows.push(row);
    }
    let complexity = targets
        .map(|t| {
            t.complexity
                .iter()
                .map(|g| judge_complexity(run, g))
                .collect()
        })
        .unwrap_or_default();
    Report {
        run_id: run.run_id.clone(),
        baseline: baseline.map(|b| b.run_id.clone()),
        rows,
        complexity,
        warnings: Vec::new(),
    }
}
