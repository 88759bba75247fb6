//! The page's data: what the dashboard shows, built from the history with
//! the judge's own verdicts and statistics, serialised once as JSON.

use std::collections::BTreeMap;

use serde::Serialize;

use super::series::{RawPoint, SeriesData, analyse, round};
use crate::judge::{self, Change, CompareSettings, Verdict, chart_value};
use crate::model::{BenchId, Metric, Run};
use crate::targets::{Statistic, Targets};

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// Fingerprint of the machine whose runs are charted.
    pub machine: Option<String>,
    /// Profile of the charted runs.
    pub profile: Option<String>,
    /// Runs in the history file.
    pub runs_total: usize,
    /// Runs left out because they come from another machine or profile.
    pub left_out: usize,
    /// Link template with `{sha}`, when commits can be opened.
    pub commit_url: Option<String>,
    /// The charted runs, oldest first; points refer to them by index.
    pub runs: Vec<RunInfo>,
    /// The overview: one row per bench and metric.
    pub rows: Vec<OverviewRow>,
    /// The charts, per bench.
    pub benches: Vec<BenchData>,
    /// Problems worth showing on the page.
    pub warnings: Vec<String>,
}

/// One charted run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunInfo {
    /// Run id.
    pub id: String,
    /// When it was measured (RFC 3339).
    pub time: String,
    /// Full commit hash, when recorded in a repository.
    pub commit: Option<String>,
    /// First line of the commit message, when the repository has it.
    pub message: Option<String>,
    /// Commit time, seconds since the Unix epoch.
    pub commit_time: Option<i64>,
    /// Uncommitted changes were present.
    pub dirty: bool,
}

/// One row of the overview table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverviewRow {
    /// Bench id.
    pub bench: String,
    /// The system under test: the id's first segment.
    pub system: String,
    /// Metric name.
    pub metric: String,
    /// Unit symbol.
    pub unit: String,
    /// Latest value; `None` when the latest run did not measure it.
    pub latest: Option<f64>,
    /// Baseline value.
    pub baseline: Option<f64>,
    /// Change against the baseline.
    pub change: Option<Change>,
    /// Gates applied, as text.
    pub gate: String,
    /// Control-chart status.
    pub control: String,
    /// Verdict; `None` when not measured in the latest run.
    pub verdict: Option<Verdict>,
    /// Why, in words.
    pub why: Vec<String>,
    /// Points in its chart.
    pub points: usize,
}

/// The charts of one bench.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchData {
    /// Bench id.
    pub id: String,
    /// The system under test.
    pub system: String,
    /// File-system-safe name, used for anchors and artefact folders.
    pub stem: String,
    /// Site-relative path of the latest flamegraph, when present.
    pub flamegraph: Option<String>,
    /// Site-relative path of the Criterion report, when present.
    pub criterion: Option<String>,
    /// One chart per metric (wall time first).
    pub charts: Vec<ChartData>,
}

/// One chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartData {
    /// Metric name.
    pub metric: String,
    /// Unit symbol.
    pub unit: String,
    /// Gate and goal lines from `targets.toml`.
    pub gates: Vec<GateLine>,
    /// Points, band, flags and change points.
    #[serde(flatten)]
    pub series: SeriesData,
}

/// A gate drawn on a chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateLine {
    /// The statistic the gate limits (`p99`, `median`, …).
    pub statistic: String,
    /// The limit.
    pub max: f64,
    /// The tighter goal, when set.
    pub goal: Option<f64>,
}

/// What the page is built from besides the history.
pub struct Inputs<'a> {
    /// Gates.
    pub targets: Option<&'a Targets>,
    /// Judging settings.
    pub settings: &'a CompareSettings,
    /// Link template with `{sha}`.
    pub commit_url: Option<String>,
    /// Looks up a commit's message summary.
    pub message: &'a dyn Fn(&str) -> Option<String>,
}

fn statistic_name(s: Statistic) -> &'static str {
    match s {
        Statistic::Mean => "mean",
        Statistic::Median => "median",
        Statistic::P99 => "p99",
        Statistic::Max => "max",
        Statistic::Value => "value",
    }
}

fn system(bench: &str) -> String {
    bench.split('/').next().unwrap_or(bench).to_owned()
}

/// Builds the page from the history (oldest first). Only the latest run's
/// machine and profile are charted: another CPU or a longer measurement
/// changes the numbers without any change in the code.
pub fn build(all: &[Run], inputs: &Inputs) -> Page {
    let Some(latest) = all.last() else {
        return Page {
            machine: None,
            profile: None,
            runs_total: 0,
            left_out: 0,
            commit_url: inputs.commit_url.clone(),
            runs: Vec::new(),
            rows: Vec::new(),
            benches: Vec::new(),
            warnings: Vec::new(),
        };
    };
    let fingerprint = latest.machine.fingerprint();
    let runs: Vec<&Run> = all
        .iter()
        .filter(|r| r.machine.fingerprint() == fingerprint && r.profile == latest.profile)
        .collect();
    let mut warnings = Vec::new();
    let left_out = all.len() - runs.len();
    if left_out > 0 {
        warnings.push(format!(
            "{left_out} runs from other machines or profiles are not charted"
        ));
    }
    let mut points: BTreeMap<(BenchId, Metric), (String, Vec<RawPoint>)> = BTreeMap::new();
    for (i, run) in runs.iter().enumerate() {
        for m in &run.measurements {
            let entry = points
                .entry((m.bench.clone(), m.metric.clone()))
                .or_insert_with(|| (m.unit.symbol().to_owned(), Vec::new()));
            entry.1.push(RawPoint {
                run: i,
                value: chart_value(m),
                interval: m.interval.map(|iv| (iv.lower, iv.upper)),
            });
        }
    }
    let earlier: Vec<Run> = runs[..runs.len() - 1]
        .iter()
        .map(|r| (*r).clone())
        .collect();
    let report = judge::check(
        latest,
        &earlier,
        earlier.last(),
        inputs.targets,
        inputs.settings,
    );
    let mut rows = Vec::new();
    let mut benches: Vec<BenchData> = Vec::new();
    for ((bench, metric), (unit, raw)) in &points {
        let id = bench.to_string();
        let judged = report
            .rows
            .iter()
            .find(|r| r.bench == id && &r.metric == metric);
        rows.push(match judged {
            Some(r) => OverviewRow {
                bench: id.clone(),
                system: system(&id),
                metric: metric.name().to_owned(),
                unit: unit.clone(),
                latest: Some(round(r.value)),
                baseline: r.baseline.map(round),
                change: r.change,
                gate: r.gate.clone(),
                control: r.control.clone(),
                verdict: Some(r.verdict),
                why: r.why.clone(),
                points: raw.len(),
            },
            None => OverviewRow {
                bench: id.clone(),
                system: system(&id),
                metric: metric.name().to_owned(),
                unit: unit.clone(),
                latest: None,
                baseline: None,
                change: None,
                gate: String::new(),
                control: "not measured in the latest run".into(),
                verdict: None,
                why: Vec::new(),
                points: raw.len(),
            },
        });
        let gates = inputs
            .targets
            .map(|t| {
                t.gates
                    .iter()
                    .filter(|g| &g.metric == metric && g.bench.matches(&id))
                    .map(|g| GateLine {
                        statistic: statistic_name(g.statistic).to_owned(),
                        max: g.max,
                        goal: g.goal,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let chart = ChartData {
            metric: metric.name().to_owned(),
            unit: unit.clone(),
            gates,
            series: analyse(raw),
        };
        match benches.last_mut() {
            Some(b) if b.id == id => b.charts.push(chart),
            _ => benches.push(BenchData {
                system: system(&id),
                stem: bench.file_stem(),
                id,
                flamegraph: None,
                criterion: None,
                charts: vec![chart],
            }),
        }
    }
    let runs = runs
        .iter()
        .map(|r| RunInfo {
            id: r.run_id.clone(),
            time: r.time.clone(),
            commit: r.git.as_ref().map(|g| g.commit.clone()),
            message: r.git.as_ref().and_then(|g| (inputs.message)(&g.commit)),
            commit_time: r.git.as_ref().map(|g| g.commit_time),
            dirty: r.git.as_ref().is_some_and(|g| g.dirty),
        })
        .collect();
    warnings.extend(report.warnings);
    Page {
        machine: Some(fingerprint),
        profile: Some(latest.profile.clone()),
        runs_total: all.len(),
        left_out,
        commit_url: inputs.commit_url.clone(),
        runs,
        rows,
        benches,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::synthetic::{Spec, bench_id, commits, runs, step_run};

    fn spec() -> Spec {
        Spec {
            runs: 36,
            benches: 3,
            seed: 42,
            step: 0.15,
        }
    }

    fn page(all: &[Run]) -> Page {
        let settings = CompareSettings::default();
        let message = |sha: &str| Some(format!("message of {}", &sha[..4]));
        build(
            all,
            &Inputs {
                targets: None,
                settings: &settings,
                commit_url: Some("https://example.com/c/{sha}".into()),
                message: &message,
            },
        )
    }

    #[test]
    fn the_injected_step_is_flagged_with_a_change_point_where_it_began() {
        let s = spec();
        let p = page(&runs(&s, &commits(&s)));
        let stepped = &p
            .benches
            .iter()
            .find(|b| b.id == bench_id(0).as_str())
            .unwrap();
        let wall = &stepped.charts[0];
        assert_eq!(wall.metric, "wall_time_ns");
        assert_eq!(wall.series.value.len(), 36);
        assert_eq!(wall.series.change_points, [step_run(&s)]);
        assert_eq!(wall.series.flags[0].at, step_run(&s));
        assert_eq!(wall.series.flags[0].rule, 1);
        let row = p
            .rows
            .iter()
            .find(|r| r.bench == bench_id(0).as_str() && r.metric == "wall_time_ns")
            .unwrap();
        assert!(row.verdict.is_some_and(Verdict::fails), "{row:?}");
        let quiet = &p
            .benches
            .iter()
            .find(|b| b.id != bench_id(0).as_str())
            .unwrap()
            .charts[0];
        assert!(quiet.series.change_points.is_empty(), "{quiet:?}");
    }

    #[test]
    fn a_metric_missing_from_early_runs_charts_only_the_runs_that_have_it() {
        let s = spec();
        let p = page(&runs(&s, &commits(&s)));
        let ntu = p
            .benches
            .iter()
            .find(|b| b.id == bench_id(0).as_str())
            .unwrap();
        let ir = &ntu.charts[1];
        assert_eq!(ir.metric, "instructions");
        assert_eq!(ir.series.value.len(), 36 - 36 / 5);
        assert_eq!(ir.series.run[0], 36 / 5);
        assert_eq!(p.runs[0].message.as_deref(), Some("message of 0000"));
    }

    #[test]
    fn no_history_is_an_empty_page_and_one_run_a_single_point() {
        let empty = page(&[]);
        assert!(empty.runs.is_empty() && empty.rows.is_empty() && empty.machine.is_none());
        let s = Spec { runs: 1, ..spec() };
        let p = page(&runs(&s, &commits(&s)));
        assert_eq!(p.benches[0].charts[0].series.value.len(), 1);
        assert_eq!(p.benches[0].charts[0].series.center, [None]);
        assert_eq!(p.rows[0].baseline, None);
    }

    #[test]
    fn runs_of_another_machine_are_left_out() {
        let s = spec();
        let mut all = runs(&s, &commits(&s));
        all[3].machine.cpu_model = "Other CPU".into();
        let p = page(&all);
        assert_eq!((p.runs_total, p.left_out, p.runs.len()), (36, 1, 35));
        assert!(p.warnings[0].contains("1 runs from other machines"));
    }

    /// A snapshot of the JSON of a short chart: the shape the page's script reads.
    #[test]
    fn chart_json_snapshot() {
        let points: Vec<RawPoint> = [10.0, 10.5, 9.5]
            .iter()
            .enumerate()
            .map(|(run, &value)| RawPoint {
                run,
                value,
                interval: (run == 0).then_some((9.0, 11.0)),
            })
            .collect();
        let chart = ChartData {
            metric: "wall_time_ns".into(),
            unit: "ns".into(),
            gates: vec![GateLine {
                statistic: "p99".into(),
                max: 12.0,
                goal: None,
            }],
            series: analyse(&points),
        };
        assert_eq!(
            serde_json::to_string(&chart).unwrap(),
            r#"{"metric":"wall_time_ns","unit":"ns","gates":[{"statistic":"p99","max":12.0,"goal":null}],"run":[0,1,2],"value":[10.0,10.5,9.5],"lo":[9.0,null,null],"hi":[11.0,null,null],"center":[null,null,null],"sigma":[null,null,null],"flags":[],"change_points":[]}"#
        );
    }
}
