//! `harness analyze HISTORY`: every series of a history judged run by
//! run, per machine and profile, with the judge `check` uses: its state
//! at the latest run, and every change point of the series (the one
//! change-point analysis, [`crate::judge::steps`]) with the run and commit
//! where it began.

use std::collections::BTreeMap;

use super::AnalyzeConfig;
use super::common::{Outcome, history_runs};
use crate::accepted::Accepted;
use crate::judge::{Context, Verdict, judge_tracks, show, steps, tracks};
use crate::model::Run;
use crate::render::{Document, Table};

/// Analyses the history; exit 1 when a series fails at its latest run.
pub fn analyze(c: &AnalyzeConfig) -> anyhow::Result<Outcome> {
    let runs = history_runs(&c.history, c.load)?;
    let accepted = Accepted::load(&c.accepted)?;
    // One judging context per machine and profile, at its latest run.
    let mut groups: BTreeMap<(String, String), Vec<Run>> = BTreeMap::new();
    for run in &runs {
        groups
            .entry((run.machine.fingerprint(), run.profile.clone()))
            .or_default()
            .push(run.clone());
    }
    let mut t = Table::new(
        &format!("Analysis of {} ({} runs)", c.history.display(), runs.len()),
        &[
            "machine",
            "profile",
            "bench",
            "metric",
            "runs",
            "latest",
            "reference",
            "state",
            "changes",
        ],
    );
    let mut failing = 0;
    let mut series_json = Vec::new();
    for ((machine, profile), group) in groups {
        let Some(mut ctx) = Context::select(group, None, c.settings) else {
            continue;
        };
        ctx.accepted = accepted.clone();
        let all = tracks(&ctx);
        let report = judge_tracks(&ctx, &all);
        let rows = report.by_series();
        for tr in &all {
            let row = rows.get(&(tr.bench.as_str(), &tr.metric)).copied();
            if row.is_some_and(|r| r.verdict.fails()) {
                failing += 1;
            }
            let changes = steps(&ctx, tr);
            let latest = *tr.values.last().unwrap_or(&f64::NAN);
            let state =
                row.map_or_else(|| "not in the latest run".to_owned(), |r| r.control.clone());
            let labels: Vec<String> = changes
                .iter()
                .map(|ch| format!("{:+.1}% at {}", ch.relative * 100.0, ch.label))
                .collect();
            t.rows.push(vec![
                machine.clone(),
                profile.clone(),
                tr.bench.to_string(),
                tr.metric.to_string(),
                tr.values.len().to_string(),
                show(latest, tr.unit),
                tr.points
                    .last()
                    .and_then(|p| p.center)
                    .map_or("-".into(), |c| show(c, tr.unit)),
                state.clone(),
                if labels.is_empty() {
                    "-".into()
                } else {
                    labels.join(", ")
                },
            ]);
            series_json.push(serde_json::json!({
                "machine": machine, "profile": profile, "bench": tr.bench.as_str(),
                "metric": tr.metric.name(), "statistic": tr.statistic, "runs": tr.values.len(),
                "latest": latest, "state": state,
                "verdict": row.map(|r| r.verdict).unwrap_or(Verdict::Pass),
                "change_points": changes,
            }));
        }
    }
    let note = if failing == 0 {
        "verdict: no open regression".to_owned()
    } else {
        format!("verdict: FAIL ({failing} series regressed)")
    };
    let doc = Document {
        tables: vec![t],
        notes: vec![note],
        json: serde_json::json!({ "series": series_json, "failing": failing }),
    };
    Ok(Outcome {
        stdout: c.format.renderer().render(&doc),
        code: u8::from(failing > 0),
    })
}
