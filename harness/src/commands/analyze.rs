//! `harness analyze HISTORY`: control charts and change points for every
//! bench and metric of a history, per machine.

use std::collections::BTreeMap;

use super::AnalyzeConfig;
use super::common::{Outcome, load_history};
use crate::judge::{chart_value, drift, show};
use crate::model::{Metric, Unit};
use crate::render::{Document, Table};

/// Analyses the history; exit 1 when a series drifts at its latest run.
pub fn analyze(c: &AnalyzeConfig) -> anyhow::Result<Outcome> {
    if !c.history.exists() {
        anyhow::bail!("{}: file is missing", c.history.display());
    }
    let runs = load_history(&c.history)?;
    type Key = (String, String, String);
    let mut series: BTreeMap<Key, (Unit, Vec<String>, Vec<f64>)> = BTreeMap::new();
    for run in &runs {
        for m in &run.measurements {
            let key = (
                run.machine.fingerprint(),
                m.bench.to_string(),
                m.metric.name().to_owned(),
            );
            let entry = series
                .entry(key)
                .or_insert_with(|| (m.unit, Vec::new(), Vec::new()));
            entry.1.push(run.label());
            entry.2.push(chart_value(m));
        }
    }
    let mut t = Table::new(
        &format!("Analysis of {} ({} runs)", c.history.display(), runs.len()),
        &[
            "machine",
            "bench",
            "metric",
            "runs",
            "latest",
            "median",
            "control",
            "change point",
        ],
    );
    let mut drifting = 0;
    let mut rows_json = Vec::new();
    for ((machine, bench, metric), (unit, labels, values)) in &series {
        let d = drift(
            values,
            labels,
            crate::judge::CompareSettings::default().min_drift,
        );
        if !d.drift.is_empty() {
            drifting += 1;
        }
        let latest = *values.last().unwrap_or(&0.0);
        let median = crate::stats::describe::median(values).unwrap_or(latest);
        t.rows.push(vec![
            machine.clone(),
            bench.clone(),
            Metric::from(metric.clone()).to_string(),
            values.len().to_string(),
            show(latest, *unit),
            show(median, *unit),
            d.status.clone(),
            d.change_point.clone().unwrap_or_else(|| "-".into()),
        ]);
        rows_json.push(serde_json::json!({
            "machine": machine, "bench": bench, "metric": metric, "runs": values.len(),
            "latest": latest, "median": median, "control": d.status, "drift": d.drift,
            "change_point": d.change_point,
        }));
    }
    let note = if drifting == 0 {
        "verdict: in control".to_owned()
    } else {
        format!("verdict: DRIFT in {drifting} series")
    };
    let doc = Document {
        tables: vec![t],
        notes: vec![note],
        json: serde_json::json!({ "series": rows_json, "drifting": drifting }),
    };
    Ok(Outcome {
        stdout: c.format.renderer().render(&doc),
        code: u8::from(drifting > 0),
    })
}
