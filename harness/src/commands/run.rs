//! `harness run`: run the selected bench targets (see [`crate::runner`])
//! and append one run to the history. A target that fails is reported and
//! recorded in the run (`failures`) with the others' results; the exit
//! code is then 2.

use std::time::Instant;

use super::RunConfig;
use super::common::Outcome;
use super::import::new_run;
use crate::history;
use crate::model::FailedTarget;
use crate::runner::{Plan, measure};

/// Runs every selected target (or this shard's slice) and records the run.
pub fn run(c: &RunConfig) -> anyhow::Result<Outcome> {
    let clock = Instant::now();
    let plan = Plan {
        workspace: &c.workspace,
        target: None,
        profile: &c.profile,
        select: &c.select,
        require: &c.require,
        shard: c.shard,
        label: "",
        verbose: c.verbose,
    };
    if let Some(s) = c.shard {
        crate::say!("[harness] shard {s}");
    }
    let measured = measure(&plan, true, clock)?;
    let mut text = String::new();
    let measured_any = !measured.measurements.is_empty();
    let nothing = !measured_any && measured.failures.is_empty();
    if !measured.measurements.is_empty() {
        let mut run = new_run(&c.workspace, &c.profile.name, measured.measurements);
        run.failures = measured
            .failures
            .iter()
            .map(|f| FailedTarget {
                target: f.job.clone(),
                message: f.message.clone(),
            })
            .collect();
        let path = super::common::resolved(&c.history);
        history::append(&path, &run)?;
        text.push_str(&format!(
            "appended run {} ({} measurements) to {}\n",
            run.run_id,
            run.measurements.len(),
            path.display()
        ));
    }
    crate::say!("[harness] done in {:.1}s", clock.elapsed().as_secs_f64());
    if nothing {
        text.push_str("nothing measured: no run appended\n");
    }
    if measured.failures.is_empty() {
        return Ok(Outcome::ok(text));
    }
    for f in &measured.failures {
        text.push_str(&format!("FAILED {}: {}\n", f.job, f.message));
    }
    text.push_str(&if !measured_any {
        format!(
            "{} bench target(s) failed and none measured anything: no run appended\n",
            measured.failures.len()
        )
    } else {
        format!(
            "{} bench target(s) failed; the others' results are recorded\n",
            measured.failures.len()
        )
    });
    Ok(Outcome {
        stdout: text,
        code: 2,
    })
}
