//! What a run is judged against, chosen once for every view: the
//! comparable runs (same machine fingerprint and profile, before the
//! judged run), the saved baseline, the accepted changes, the gates and
//! the settings. [`tracks`] then judges every run of every series.

use std::collections::BTreeMap;

use super::budget::Settings;
use super::chart_value;
use super::outliers::machine_outliers;
use super::series::{Kind, Params, Point, Walker, against_baseline, walk};
use crate::accepted::{Acceptance, Accepted};
use crate::model::{BenchId, Metric, Run, Unit};
use crate::stats::fdr::bh_threshold_after;
use crate::targets::Targets;

/// Everything a judgement depends on.
#[derive(Debug, Clone)]
pub struct Context {
    /// Comparable runs, oldest first; the judged run is the last.
    pub runs: Vec<Run>,
    /// Runs of the history left out (another machine or profile, or
    /// recorded after the judged run).
    pub left_out: usize,
    /// A saved baseline for this machine, when one is in use.
    pub baseline: Option<Run>,
    /// Reviewed, accepted changes.
    pub accepted: Accepted,
    /// Gates.
    pub targets: Option<Targets>,
    /// Settings.
    pub settings: Settings,
    /// Problems worth reporting with the verdict.
    pub warnings: Vec<String>,
}

impl Context {
    /// Chooses the runs comparable with `judged` (else the latest of
    /// `all`) from `all` (oldest first): same machine fingerprint and
    /// profile, recorded before it. `None` when there is nothing to judge.
    pub fn select(all: Vec<Run>, judged: Option<Run>, settings: Settings) -> Option<Context> {
        let total = all.len();
        let (mut earlier, judged) = match judged {
            Some(j) => {
                // A run that is in the history is judged by the runs before it.
                let end = all
                    .iter()
                    .position(|r| r.run_id == j.run_id)
                    .unwrap_or(total);
                let mut all = all;
                all.truncate(end);
                (all, j)
            }
            None => {
                let mut all = all;
                let j = all.pop()?;
                (all, j)
            }
        };
        let fingerprint = judged.machine.fingerprint();
        earlier.retain(|r| r.machine.fingerprint() == fingerprint && r.profile == judged.profile);
        let mut runs = earlier;
        runs.push(judged);
        let left_out = total.saturating_sub(runs.len());
        let mut warnings = Vec::new();
        if left_out > 0 {
            warnings.push(format!(
                "{left_out} runs from other machines or profiles (or after the judged run) were left out"
            ));
        }
        Some(Context {
            runs,
            left_out,
            baseline: None,
            accepted: Accepted::default(),
            targets: None,
            settings,
            warnings,
        })
    }

    /// The judged run.
    pub fn judged(&self) -> &Run {
        // `select` always pushes the judged run last.
        &self.runs[self.runs.len() - 1]
    }

    /// The noisy series of the judged run (every metric but the exact
    /// ones, each bench and metric once): they share the whole-run budget.
    pub fn noisy_series(&self) -> usize {
        let mut keys: Vec<(&str, &Metric)> = self
            .judged()
            .measurements
            .iter()
            .filter(|m| !m.metric.is_exact())
            .map(|m| (m.bench.as_str(), &m.metric))
            .collect();
        keys.sort();
        keys.dedup();
        keys.len()
    }

    /// A run's label (short commit, else run id).
    pub fn label(&self, run: usize) -> String {
        self.runs.get(run).map_or_else(String::new, Run::label)
    }
}

/// Every run of one bench and metric, judged.
#[derive(Debug, Clone)]
pub struct Track {
    /// Bench id.
    pub bench: BenchId,
    /// Metric.
    pub metric: Metric,
    /// Unit of the values.
    pub unit: Unit,
    /// How it is judged.
    pub kind: Kind,
    /// The statistic charted and judged (`median` of samples, or `value`).
    pub statistic: &'static str,
    /// Index into [`Context::runs`] of each point.
    pub runs: Vec<usize>,
    /// Each point's value.
    pub values: Vec<f64>,
    /// Each point's recorded confidence interval.
    pub intervals: Vec<Option<(f64, f64)>>,
    /// Each point's judgement; the last is replaced by the judgement
    /// against the saved baseline when one is in use.
    pub points: Vec<Point>,
    /// Median z of the run, for each point whose run was a machine outlier.
    pub outlier: Vec<Option<f64>>,
    /// The accepted change this series is judged from, and its first point.
    pub accepted: Option<(Acceptance, usize)>,
    /// Whether the last point was judged against the saved baseline.
    pub against_baseline: bool,
}

impl Track {
    /// Whether the judged run measured this series.
    pub fn in_judged(&self, ctx: &Context) -> bool {
        self.runs.last() == Some(&(ctx.runs.len() - 1))
    }
}

fn kind_of(metric: &Metric, values: &[f64]) -> Kind {
    match metric {
        m if m.is_exact() => Kind::Exact,
        // A metric that can be zero or negative has no ratios.
        _ if values.iter().any(|v| *v <= 0.0) => Kind::NoisyLinear,
        _ => Kind::Noisy,
    }
}

/// Walks the noisy tracks run by run together: at each run, the series
/// proposing a slowdown share the whole-run budget by the
/// Benjamini–Hochberg step-up ([`bh_threshold_after`]), with the series
/// whose slowdown is still open counted as already rejected when an open
/// slowdown fails the check ([`Settings::open_fails`]). Several series slowing down
/// at once are each held to a looser threshold than one alone, while a
/// run of identical code still fails with probability at most α (the
/// derivation is in the `budget` module). `None` for exact tracks.
fn walk_together(
    tracks: &[Track],
    skips: &[Vec<bool>],
    resets: &[Option<usize>],
    runs: usize,
    settings: &Settings,
    m: usize,
    params: &Params,
) -> Vec<Option<Vec<Point>>> {
    let mut walkers: Vec<Option<(Walker, usize)>> = tracks
        .iter()
        .zip(skips.iter().zip(resets))
        .map(|(t, (skip, reset))| {
            (t.kind != Kind::Exact).then(|| {
                (
                    Walker::new(&t.values, t.kind == Kind::Noisy, skip, *reset, params),
                    0,
                )
            })
        })
        .collect();
    for r in 0..runs {
        let mut here = Vec::new();
        let mut scores = Vec::new();
        let mut open = 0;
        for (j, slot) in walkers.iter_mut().enumerate() {
            let Some((w, next)) = slot else { continue };
            if tracks[j].runs.get(*next) != Some(&r) {
                continue;
            }
            if let Some(score) = w.propose(*next) {
                scores.push(score);
            }
            open += usize::from(settings.open_fails && w.open_slowdown(*next));
            here.push(j);
        }
        let threshold = bh_threshold_after(&scores, settings.alpha, m, open);
        for j in here {
            if let Some((w, next)) = walkers[j].as_mut() {
                w.commit(*next, threshold);
                *next += 1;
            }
        }
    }
    walkers
        .into_iter()
        .map(|slot| slot.map(|(w, _)| w.finish()))
        .collect()
}

/// Judges every run of every series of the context.
pub fn tracks(ctx: &Context) -> Vec<Track> {
    let mut map: BTreeMap<(BenchId, Metric), Track> = BTreeMap::new();
    for (r, run) in ctx.runs.iter().enumerate() {
        for m in &run.measurements {
            let t = map
                .entry((m.bench.clone(), m.metric.clone()))
                .or_insert_with(|| Track {
                    bench: m.bench.clone(),
                    metric: m.metric.clone(),
                    unit: m.unit,
                    kind: Kind::Noisy,
                    statistic: "value",
                    runs: Vec::new(),
                    values: Vec::new(),
                    intervals: Vec::new(),
                    points: Vec::new(),
                    outlier: Vec::new(),
                    accepted: None,
                    against_baseline: false,
                });
            // One value per run: a repeated id in a run keeps the first.
            if t.runs.last() == Some(&r) {
                continue;
            }
            t.runs.push(r);
            t.values.push(chart_value(m));
            t.intervals.push(m.interval.map(|i| (i.lower, i.upper)));
            // A series charted by the median of samples in any run says so.
            if m.samples.is_some() || m.summary.is_some() {
                t.statistic = super::chart_statistic(m);
            }
        }
    }
    let mut tracks: Vec<Track> = map.into_values().collect();
    for t in &mut tracks {
        t.kind = kind_of(&t.metric, &t.values);
    }
    // Machine-outlier runs, from the noisy log-scale series.
    let logs: Vec<Vec<(usize, f64)>> = tracks
        .iter()
        .filter(|t| t.kind == Kind::Noisy)
        .map(|t| {
            t.runs
                .iter()
                .zip(&t.values)
                .map(|(&r, v)| (r, v.ln()))
                .collect()
        })
        .collect();
    let outliers = machine_outliers(&logs, ctx.runs.len());
    let last = ctx.runs.len() - 1;
    let m = ctx.noisy_series();
    let params = ctx.settings.params(m);
    let mut skips = Vec::with_capacity(tracks.len());
    let mut resets = Vec::with_capacity(tracks.len());
    for t in &mut tracks {
        t.outlier = if t.kind == Kind::Exact {
            vec![None; t.runs.len()]
        } else {
            t.runs.iter().map(|&r| outliers[r]).collect()
        };
        skips.push(t.outlier.iter().map(Option::is_some).collect::<Vec<bool>>());
        let series_runs: Vec<&Run> = t.runs.iter().map(|&r| &ctx.runs[r]).collect();
        let name = t.bench.as_str().to_owned();
        let reset = ctx.accepted.start(&name, &t.metric, &series_runs);
        if let (Some(i), Some(a)) = (reset, ctx.accepted.find(&name, &t.metric)) {
            t.accepted = Some((a.clone(), i));
        }
        resets.push(reset);
    }
    let noisy = walk_together(
        &tracks,
        &skips,
        &resets,
        ctx.runs.len(),
        &ctx.settings,
        m,
        &params,
    );
    for (j, (t, walked)) in tracks.iter_mut().zip(noisy).enumerate() {
        t.points = match walked {
            Some(points) => points,
            None => walk(&t.values, t.kind, &skips[j], resets[j], &params),
        };
        let base = ctx
            .baseline
            .as_ref()
            .and_then(|b| b.find(&t.bench, &t.metric))
            .map(chart_value);
        if let Some(b) = base.filter(|_| t.runs.last() == Some(&last))
            && let Some(p) = against_baseline(&t.values, t.kind, &t.points, b, &params)
        {
            *t.points.last_mut().expect("a series has a point") = p;
            t.against_baseline = true;
        }
    }
    tracks
}

#[cfg(test)]
mod tests;
