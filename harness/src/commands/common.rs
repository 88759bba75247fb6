//! Helpers shared by the commands: reading run records, the history, and
//! the value a command returns.

use std::path::Path;

use anyhow::{Context, bail};

use crate::history::{self, LoadOptions, Loaded};
use crate::judge::{chart_value, show};
use crate::model::{Run, RunError, read_run};
use crate::render::Table;

/// What a command prints and how it exits.
#[derive(Debug)]
pub struct Outcome {
    /// Text for standard output.
    pub stdout: String,
    /// 0 all well, 1 regression or broken gate.
    pub code: u8,
}

impl Outcome {
    /// Success with `stdout`.
    pub fn ok(stdout: String) -> Outcome {
        Outcome { stdout, code: 0 }
    }
}

/// Reads a run record file with a one-line error naming it.
pub fn read_run_file(path: &Path) -> anyhow::Result<Run> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => anyhow::anyhow!("{shown}: file is missing"),
        _ => anyhow::anyhow!("{shown}: cannot read: {e}"),
    })?;
    if text.trim().is_empty() {
        bail!("{shown}: file is empty");
    }
    read_run(&text).map_err(|e| match e {
        RunError::Json(j) if j.is_eof() => {
            anyhow::anyhow!("{shown}: truncated JSON (ends early at line {})", j.line())
        }
        RunError::Json(j) if j.is_syntax() => anyhow::anyhow!("{shown}: not JSON ({j})"),
        RunError::Json(j) => anyhow::anyhow!("{shown}: not a valid run record: {j}"),
        other => anyhow::anyhow!("{shown}: {other}"),
    })
}

/// Loads the history, printing skipped-line warnings to standard error.
/// A missing or empty history is no runs, as for `check --run FILE`.
pub fn load_history(path: &Path) -> anyhow::Result<Vec<Run>> {
    load_history_with(path, LoadOptions::default())
}

/// [`load_history`] with `--skip-damaged` or not: the newest
/// [`history::JUDGE_WINDOW`] runs, as every judging view reads them.
pub fn load_history_with(path: &Path, options: LoadOptions) -> anyhow::Result<Vec<Run>> {
    let path = &resolved(path);
    let loaded = history::load_recent(path, options)?;
    warn_skipped(path, &loaded, options);
    Ok(loaded.runs)
}

/// The history `path` names, or the `.jsonl` file of a repository from
/// before the store, with a one-line hint ([`history::resolve`]).
pub fn resolved(path: &Path) -> std::path::PathBuf {
    let (path, hint) = history::resolve(path);
    if let Some(h) = hint {
        crate::say!("hint: {h}");
    }
    path
}

/// Loads the history for a command that needs its runs: a history with
/// no readable run (missing, empty, only torn or damaged lines) is the
/// one error [`history::HistoryError::NoRuns`] naming the file, the same
/// in every command.
pub fn history_runs(path: &Path, options: LoadOptions) -> anyhow::Result<Vec<Run>> {
    let path = &resolved(path);
    let loaded = history::load_recent_runs(path, options)?;
    warn_skipped(path, &loaded, options);
    Ok(loaded.runs)
}

/// One warning per skipped line, then, with `--skip-damaged`, how many
/// lines were skipped and which.
fn warn_skipped(path: &Path, loaded: &Loaded, options: LoadOptions) {
    for w in &loaded.warnings {
        crate::say!("warning: {w}");
    }
    if options.skip_damaged && loaded.skipped > 0 {
        let lines: Vec<String> = loaded
            .skipped_lines
            .iter()
            .map(ToString::to_string)
            .collect();
        crate::say!(
            "warning: {}: --skip-damaged skipped {} line(s): {}",
            path.display(),
            loaded.skipped,
            lines.join(", ")
        );
    }
}

/// The run named by `--run FILE`, else the history's latest.
pub fn chosen_run(
    run: Option<&Path>,
    history_path: &Path,
    options: LoadOptions,
) -> anyhow::Result<Run> {
    match run {
        Some(p) => read_run_file(p),
        None => history_runs(history_path, options)?
            .pop()
            .with_context(|| format!("{}: no runs recorded", history_path.display())),
    }
}

/// A table of every measurement of `run` (bench, metric, value, samples,
/// source), as `baseline show` and `import` print it.
pub fn measurement_table(title: &str, run: &Run) -> Table {
    let mut t = Table::new(title, &["bench", "metric", "value", "samples", "source"]);
    for m in &run.measurements {
        t.rows.push(vec![
            m.bench.to_string(),
            m.metric.to_string(),
            show(chart_value(m), m.unit),
            m.samples
                .as_ref()
                .map(|s| s.len())
                .or(m.summary.map(|s| s.n))
                .unwrap_or(0)
                .to_string(),
            m.source.clone(),
        ]);
    }
    t
}
