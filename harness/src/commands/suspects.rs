//! The commit ranges to bisect: for each slowdown `check` confirms at the
//! judged run, the last run of the old level (good) and the first run of
//! the new one (bad). When a push carries several commits, or runs were
//! skipped, the step lies somewhere in between; `harness bisect --good
//! GOOD --bad BAD --filter FILTER` finds which commit. `check --suspects
//! FILE` writes them, and the main-branch workflow bisects each range.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::judge::series::State;
use crate::judge::{Context, Track};

/// One range to bisect and the benches that stepped in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suspect {
    /// Commit of the last run before the step.
    pub good: String,
    /// Commit of the first run of the new level.
    pub bad: String,
    /// The benches (with their metric) that stepped between them.
    pub benches: Vec<String>,
    /// A `--filter` matching exactly those benches.
    pub filter: String,
}

/// The ranges of the slowdowns confirmed at the judged run (a slowdown
/// confirmed earlier and still open was bisected when it was confirmed).
/// Series without a commit on either side are left out: there is nothing
/// to bisect.
pub fn suspects(ctx: &Context, tracks: &[Track]) -> Vec<Suspect> {
    let judged = ctx.runs.len().saturating_sub(1);
    let mut ranges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for t in tracks {
        let (Some(&last), Some(pt)) = (t.runs.last(), t.points.last()) else {
            continue;
        };
        if last != judged || pt.state != State::Regressed || !pt.first {
            continue;
        }
        let Some(since) = pt.since.filter(|&s| s >= 1 && s < t.runs.len()) else {
            continue;
        };
        let commit = |k: usize| ctx.runs[t.runs[k]].git.as_ref().map(|g| g.commit.clone());
        let (Some(good), Some(bad)) = (commit(since - 1), commit(since)) else {
            continue;
        };
        if good == bad {
            continue;
        }
        ranges
            .entry((good, bad))
            .or_default()
            .push(t.bench.to_string());
    }
    ranges
        .into_iter()
        .map(|((good, bad), mut benches)| {
            benches.sort();
            benches.dedup();
            let alt: Vec<String> = benches.iter().map(|b| regex::escape(b)).collect();
            Suspect {
                good,
                bad,
                filter: format!("^(?:{})$", alt.join("|")),
                benches,
            }
        })
        .collect()
}
