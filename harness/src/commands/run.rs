//! `harness run`: build and run the suites (see [`super::suites`]),
//! and append one run to the history.

use std::time::Instant;

use super::RunConfig;
use super::common::Outcome;
use super::import::new_run;
use super::suites::{Plan, default_target, measure};
use crate::history;

/// Runs every suite (or this shard's slice) and records the run.
pub fn run(c: &RunConfig) -> anyhow::Result<Outcome> {
    let clock = Instant::now();
    let target = default_target(&c.workspace);
    let plan = Plan {
        workspace: &c.workspace,
        target: &target,
        profile: &c.profile,
        filter: c.filter.as_ref(),
        require: &c.require,
        shard: c.shard,
        label: "",
    };
    if let Some(s) = c.shard {
        eprintln!("[harness] shard {s}");
    }
    let measurements = measure(&plan, true, clock)?;
    let run = new_run(&c.workspace, &c.profile, measurements);
    history::append(&c.history, &run)?;
    eprintln!("[harness] done in {:.1}s", clock.elapsed().as_secs_f64());
    Ok(Outcome::ok(format!(
        "appended run {} ({} measurements) to {}\n",
        run.run_id,
        run.measurements.len(),
        c.history.display()
    )))
}
