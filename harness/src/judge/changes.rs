//! "Since which commit": the change points of a judged series, found after
//! the fact by [`crate::stats::changepoints`], and located in the history
//! (run id, commit). The one change-point analysis behind `analyze`'s
//! `series[].change_points[]`, the dashboard's markers and the "step at"
//! of `check`'s rows and the PR comment.
//!
//! Noisy series count steps of at least the judge's minimum effect; exact
//! metrics (instruction counts, heap bytes) steps beyond the counts' noise
//! floor ([`crate::stats::noise::FLOOR`], 0.2 %); a metric that may be
//! negative is analysed on a linear scale.

use serde::Serialize;

use super::budget::Settings;
use super::context::{Context, Track};
use super::series::Kind;
use crate::stats::changepoints::{ChangePoint, Options, change_points};

/// One change point of a series, located in the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Position within the series (0-based) of the first run of the new
    /// level.
    pub run_index: usize,
    /// That run's id.
    pub run_id: String,
    /// Its commit, when recorded.
    pub commit: Option<String>,
    /// Its label (`commit (time)` or the run id), for text.
    pub label: String,
    /// Level before.
    pub before: f64,
    /// Level after.
    pub after: f64,
    /// Relative step (0.05 = 5 % more).
    pub relative: f64,
    /// Two-sided p-value, adjusted for the positions tried.
    pub p: f64,
    /// `regressed` (more time, instructions or bytes) or `improved`.
    pub direction: &'static str,
}

/// The options for a series of this kind under these settings.
pub fn options(kind: Kind, s: &Settings) -> Options {
    Options {
        min_magnitude: match kind {
            Kind::Exact => crate::stats::noise::FLOOR,
            _ => s.min_effect,
        },
        signed: kind == Kind::NoisyLinear,
        ..Options::default()
    }
}

/// Every change point of the series, oldest first.
pub fn steps(ctx: &Context, t: &Track) -> Vec<Step> {
    change_points(&t.values, &options(t.kind, &ctx.settings))
        .into_iter()
        .filter_map(|c: ChangePoint| {
            let run = ctx.runs.get(*t.runs.get(c.index)?)?;
            Some(Step {
                run_index: c.index,
                run_id: run.run_id.clone(),
                commit: run.git.as_ref().map(|g| g.commit.clone()),
                label: ctx.label(t.runs[c.index]),
                before: c.before,
                after: c.after,
                relative: c.relative,
                p: c.p,
                direction: if c.relative > 0.0 {
                    "regressed"
                } else {
                    "improved"
                },
            })
        })
        .collect()
}
