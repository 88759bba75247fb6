//! The page's data: what the dashboard shows, built from the history with
//! the judge's own verdicts and statistics, serialised once as JSON.

use serde::Serialize;

use super::series::{SeriesData, from_track, round};
use crate::judge::{self, Change, Context, Verdict};

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
    /// Commits `harness bisect` found to have made benches slower.
    pub culprits: Vec<super::culprits::Culprit>,
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
    /// The statistic charted and judged (`median` or `value`).
    pub statistic: String,
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

/// What the page is built from besides the judging context.
pub struct Inputs<'a> {
    /// Link template with `{sha}`.
    pub commit_url: Option<String>,
    /// Looks up a commit's message summary.
    pub message: &'a dyn Fn(&str) -> Option<String>,
    /// Bisect results to list.
    pub culprits: Vec<super::culprits::Culprit>,
}

fn system(bench: &str) -> String {
    bench.split('/').next().unwrap_or(bench).to_owned()
}

/// Builds the page from the judging context of the history's latest run
/// (`None` for an empty history); `total` is the number of runs in the
/// history. Only the latest run's machine and profile are charted:
/// another CPU or a longer measurement changes the numbers without any
/// change in the code. The verdicts are `check`'s own.
pub fn build(total: usize, ctx: Option<&Context>, inputs: &Inputs) -> Page {
    let Some(ctx) = ctx else {
        return Page {
            machine: None,
            profile: None,
            runs_total: total,
            left_out: 0,
            commit_url: inputs.commit_url.clone(),
            runs: Vec::new(),
            rows: Vec::new(),
            benches: Vec::new(),
            warnings: Vec::new(),
            culprits: inputs.culprits.clone(),
        };
    };
    let latest = ctx.judged();
    let tracks = judge::tracks(ctx);
    let report = judge::judge_tracks(ctx, &tracks);
    let rows_by_series = report.by_series();
    let mut rows = Vec::new();
    let mut benches: Vec<BenchData> = Vec::new();
    for t in &tracks {
        let id = t.bench.to_string();
        let unit = t.unit.symbol().to_owned();
        let judged = rows_by_series
            .get(&(id.as_str(), &t.metric))
            .filter(|_| t.in_judged(ctx));
        rows.push(match judged {
            Some(r) => OverviewRow {
                bench: id.clone(),
                system: system(&id),
                metric: t.metric.name().to_owned(),
                unit: unit.clone(),
                statistic: t.statistic.to_owned(),
                latest: Some(round(r.value)),
                baseline: r.baseline.map(round),
                change: r.change,
                gate: r.gate.clone(),
                control: r.control.clone(),
                verdict: Some(r.verdict),
                why: r.why.clone(),
                points: t.values.len(),
            },
            None => OverviewRow {
                bench: id.clone(),
                system: system(&id),
                metric: t.metric.name().to_owned(),
                unit: unit.clone(),
                statistic: t.statistic.to_owned(),
                latest: None,
                baseline: None,
                change: None,
                gate: String::new(),
                control: "not measured in the latest run".into(),
                verdict: None,
                why: Vec::new(),
                points: t.values.len(),
            },
        });
        let gates = ctx
            .targets
            .as_ref()
            .map(|tg| {
                tg.gates
                    .iter()
                    .filter(|g| g.metric == t.metric && g.bench.matches(&id))
                    .map(|g| GateLine {
                        statistic: g.statistic.name().to_owned(),
                        max: g.max,
                        goal: g.goal,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let chart = ChartData {
            metric: t.metric.name().to_owned(),
            unit,
            gates,
            series: from_track(t, &|r| r, &judge::steps(ctx, t)),
        };
        match benches.last_mut() {
            Some(b) if b.id == id => b.charts.push(chart),
            _ => benches.push(BenchData {
                system: system(&id),
                stem: t.bench.file_stem(),
                id,
                flamegraph: None,
                criterion: None,
                charts: vec![chart],
            }),
        }
    }
    let runs = ctx
        .runs
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
    Page {
        machine: Some(latest.machine.fingerprint()),
        profile: Some(latest.profile.clone()),
        runs_total: total,
        left_out: ctx.left_out,
        commit_url: inputs.commit_url.clone(),
        runs,
        rows,
        benches,
        warnings: report.warnings,
        culprits: inputs.culprits.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::synthetic::{Spec, bench_id, commits, runs, step_run};
    use crate::judge::series::State;
    use crate::model::Run;

    fn spec() -> Spec {
        Spec {
            runs: 36,
            benches: 3,
            seed: 42,
            step: 0.15,
        }
    }

    fn page(all: &[Run]) -> Page {
        let message = |sha: &str| Some(format!("message of {}", &sha[..4]));
        let ctx = Context::select(all.to_vec(), None, judge::Settings::default());
        build(
            all.len(),
            ctx.as_ref(),
            &Inputs {
                commit_url: Some("https://example.com/c/{sha}".into()),
                message: &message,
                culprits: Vec::new(),
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
        assert!(
            matches!(
                wall.series.flags[0].state,
                State::Suspect | State::Regressed
            ),
            "{:?}",
            wall.series.flags
        );
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
}
