//! `harness import criterion DIR | gungraun DIR|FILE | heap FILE`: another
//! tool's output as a run record, optionally saved or appended.
//! `harness import history FILE.jsonl`: every run of a JSON-lines history
//! appended to another history (the store, by default).

use anyhow::Context as _;

use super::common::{Outcome, measurement_table};
use super::{ImportConfig, ImportTool};
use crate::collect;
use crate::history::{self, HistoryError, LoadOptions};
use crate::model::{Measurement, Run, SCHEMA_VERSION};
use crate::probe;
use crate::render::Document;

/// Imports, prints what was read, and stores it where asked.
pub fn import(c: &ImportConfig) -> anyhow::Result<Outcome> {
    let measurements: Vec<Measurement> = match c.tool {
        ImportTool::History => return import_history(c),
        ImportTool::Criterion => collect::criterion::collect(&c.path)?
            .into_iter()
            .map(|b| b.measurement)
            .collect(),
        ImportTool::Gungraun => collect::gungraun::collect(&c.path)?,
        ImportTool::Heap => collect::heap::collect(&c.path)?,
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let run = new_run(&cwd, "import", measurements);
    run.validate()
        .with_context(|| format!("{}: the imported run is not valid", c.path.display()))?;
    if let Some(out) = &c.out {
        let mut text = serde_json::to_string_pretty(&run)?;
        text.push('\n');
        history::write_atomic(out, text.as_bytes())?;
    }
    if let Some(h) = &c.history
        && let Some(w) = history::append(h, &run)?.warning
    {
        crate::say!("warning: {w}");
    }
    let t = measurement_table(
        &format!("Imported from {} (run {})", c.path.display(), run.run_id),
        &run,
    );
    let doc = Document {
        tables: vec![t],
        notes: Vec::new(),
        json: serde_json::to_value(&run)?,
    };
    Ok(Outcome::ok(c.format.renderer().render(&doc)))
}

/// Appends every run of the JSON-lines history `c.path` to `c.history`,
/// in order. A store refuses a run id it already holds, which is skipped
/// and counted, so an interrupted import can simply be run again; a
/// `.jsonl` target takes every run (it is never read, so importing one
/// run costs one run).
fn import_history(c: &ImportConfig) -> anyhow::Result<Outcome> {
    let target = c
        .history
        .as_deref()
        .unwrap_or(std::path::Path::new(history::DEFAULT_PATH));
    let (mut added, mut present) = (0usize, 0usize);
    let loaded = history::for_each_run(&c.path, LoadOptions::default(), &mut |run| {
        match history::append_exact(target, &run) {
            Ok(appended) => {
                if let Some(w) = appended.warning {
                    crate::say!("warning: {w}");
                }
                added += 1;
            }
            Err(HistoryError::Duplicate { .. }) => present += 1,
            Err(e) => return Err(e),
        }
        Ok(())
    })?;
    for w in &loaded.warnings {
        crate::say!("warning: {w}");
    }
    Ok(Outcome::ok(format!(
        "imported {added} run(s) from {} into {} ({present} already there)\n",
        c.path.display(),
        target.display()
    )))
}

/// A run record for measurements taken now in the repository holding
/// `dir`; outside a repository (or in a shallow clone) it warns and
/// goes on, since the run can still be judged.
pub fn new_run(dir: &std::path::Path, profile: &str, measurements: Vec<Measurement>) -> Run {
    let git = match probe::git_info(dir) {
        Ok(g) => {
            if g.shallow {
                crate::say!(
                    "warning: {}: shallow clone; history-based judging sees only part of the commits",
                    dir.display()
                );
            }
            Some(g)
        }
        Err(e) => {
            crate::say!("warning: {e}; the run is recorded without a commit");
            None
        }
    };
    let now = probe::now_unix();
    let short = git
        .as_ref()
        .map_or("nogit".to_owned(), |g| g.commit.chars().take(7).collect());
    Run {
        schema: SCHEMA_VERSION,
        run_id: format!("{now}-{short}-{}", std::process::id()),
        time: probe::rfc3339(now),
        git,
        machine: probe::machine(),
        profile: profile.to_owned(),
        measurements,
        failures: Vec::new(),
    }
}
