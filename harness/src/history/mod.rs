//! The history: every run recorded, in one of two layouts.
//!
//! - A path ending in `.jsonl` (or naming an existing file) is the
//!   JSON-lines history ([`jsonl`]): one run per line, read whole.
//! - Any other path is a store directory ([`store`]): one compact file
//!   per run and an append-only index of run summaries, so appending
//!   costs one run and judging reads only the index of the newest
//!   [`JUDGE_WINDOW`] runs.
//!
//! Both take the same [`LoadOptions`], give the same [`Loaded`], and fail
//! with the same [`HistoryError`]; callers need not know which they read.

mod atomic;
mod jsonl;
mod pack;
mod store;

use std::path::{Path, PathBuf};

use crate::model::{InvalidRun, Run, RunError};

pub use atomic::write_atomic;
pub(crate) use atomic::{leftover_pid, remove_stale, unique_tag};
pub use jsonl::torn_path;

/// Default location, relative to the workspace root: a store directory.
/// When it does not exist but `reports/history.jsonl` does, that file is
/// used instead ([`resolve`]).
pub const DEFAULT_PATH: &str = "reports/history";

/// How many of the newest runs the judging views (`check`, `report`,
/// `compare`, `analyze`, `baseline`, `export --format bmf|gab`) read
/// ([`load_recent`]), from either kind of history: it bounds their time
/// and memory however long the history grows. Older runs stay stored and
/// are read by `export --format jsonl` and `merge`.
pub const JUDGE_WINDOW: usize = 1000;

/// Why the history could not be read or appended to.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// File-system failure.
    #[error("{path}: {message}")]
    Io {
        /// The history file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A complete line that is JSON but not a valid run: stored data is
    /// damaged, so judging stops rather than guess.
    #[error("{path}:{line}: {source}")]
    BadRecord {
        /// The history file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        source: RunError,
    },
    /// A line, not the torn last one, that is not UTF-8 or not complete
    /// JSON: stored data is damaged, so reading stops unless
    /// [`LoadOptions::skip_damaged`] is set.
    #[error("{path}:{line}: damaged line: {reason}")]
    Damaged {
        /// The history file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Why the line cannot be read.
        reason: Damage,
    },
    /// A run that breaks a rule of [`Run::validate`] is never appended.
    #[error("{path}: refusing to append run {run_id:?}: {source}")]
    Invalid {
        /// The history file.
        path: PathBuf,
        /// The run's id.
        run_id: String,
        /// The rule it breaks.
        source: InvalidRun,
    },
    /// A run file of the store that cannot be read back.
    #[error("{path}: damaged run file: {reason}")]
    RunFile {
        /// The run file.
        path: PathBuf,
        /// Why it cannot be read.
        reason: String,
    },
    /// The store already holds a run with this id.
    #[error("{path}: run {run_id:?} is already stored")]
    Duplicate {
        /// The existing run file.
        path: PathBuf,
        /// The run's id.
        run_id: String,
    },
    /// There is no run to read: the file is missing or empty, or every
    /// line in it was skipped. Every command that judges or shows the
    /// history's runs stops with this one message.
    #[error("{path}: no runs recorded ({why})")]
    NoRuns {
        /// The history file.
        path: PathBuf,
        /// Why nothing could be read.
        why: NoRuns,
    },
}

/// Why a history holds no run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoRuns {
    /// The file does not exist.
    #[error("file is missing")]
    Missing,
    /// Zero bytes, or only blank lines.
    #[error("file is empty")]
    Empty,
    /// Every line was skipped as torn or damaged.
    #[error("only {0} torn or damaged line(s), skipped")]
    AllSkipped(usize),
}

/// Why one line of the history cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum Damage {
    /// The bytes are not UTF-8 (e.g. a record cut inside a character).
    #[error("not UTF-8 ({0})")]
    NotUtf8(std::str::Utf8Error),
    /// Not complete JSON (cut short, or garbage).
    #[error("not JSON ({0})")]
    NotJson(serde_json::Error),
}

/// How [`load_with`] treats damaged lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Skip damaged lines anywhere in the file, each with a warning,
    /// instead of failing with [`HistoryError::Damaged`]; in a store, also
    /// the judging window's older runs whose files are damaged
    /// ([`HistoryError::RunFile`]).
    pub skip_damaged: bool,
}

/// The runs read from a history file, with warnings about skipped lines.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Runs in file (time) order.
    pub runs: Vec<Run>,
    /// One message per skipped line, naming the file and line.
    pub warnings: Vec<String>,
    /// How many lines were skipped: the torn last line and, with
    /// [`LoadOptions::skip_damaged`], damaged lines before it.
    pub skipped: usize,
    /// The 1-based numbers of the skipped lines, in file order.
    pub skipped_lines: Vec<usize>,
}

/// An I/O failure on `path` while doing `what`.
pub(crate) fn io(path: &Path, what: &str, e: std::io::Error) -> HistoryError {
    HistoryError::Io {
        path: path.to_path_buf(),
        message: format!("{what}: {e}"),
    }
}

/// What [`append`] did besides appending.
#[derive(Debug, Default)]
pub struct Appended {
    /// A note when a torn last line, left by an interrupted append, was
    /// moved out of the way (see [`append`]).
    pub warning: Option<String>,
}

/// Whether `path` names a JSON-lines history rather than a store.
fn is_jsonl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl") || path.is_file()
}

/// The history to use for `path`: `path` itself, unless it names a
/// store that does not exist while `<path>.jsonl` does (a repository
/// from before the store), then that file, with a one-line hint.
pub fn resolve(path: &Path) -> (PathBuf, Option<String>) {
    if is_jsonl(path) || path.exists() {
        return (path.to_path_buf(), None);
    }
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".jsonl");
    let old = path.with_file_name(name);
    if old.is_file() {
        let hint = format!(
            "using {} (no store at {}); `harness import history {} --history {}` moves it to the store",
            old.display(),
            path.display(),
            old.display(),
            path.display()
        );
        return (old, Some(hint));
    }
    (path.to_path_buf(), None)
}

/// Appends one run, after checking it ([`Run::validate`]): a line of a
/// `.jsonl` history, or a run file and an index line of a store. Like
/// every reader here, it goes to the history [`resolve`] picks.
pub fn append(path: &Path, run: &Run) -> Result<Appended, HistoryError> {
    append_exact(&resolve(path).0, run)
}

/// [`append`] to exactly `path`, never to the `.jsonl` file beside a
/// missing store (what `import history` needs to create the store).
pub fn append_exact(path: &Path, run: &Run) -> Result<Appended, HistoryError> {
    if is_jsonl(path) {
        jsonl::append(path, run)
    } else {
        store::append(path, run)
    }
}

/// Reads every run with the default [`LoadOptions`]: a missing history
/// is empty, a torn last line is skipped with a warning, and any other
/// damaged line is an error.
pub fn load(path: &Path) -> Result<Loaded, HistoryError> {
    load_with(path, LoadOptions::default())
}

/// Reads every run, samples included. A missing history is empty; a
/// leading UTF-8 byte-order mark and blank lines are ignored. A torn
/// last line (no newline after it, not UTF-8 or not complete JSON) is
/// skipped with a warning. Any other such line is
/// [`HistoryError::Damaged`], or skipped with a warning when
/// `options.skip_damaged` is set. A line that is JSON but not a valid
/// run (a newer schema, a negative time) is always
/// [`HistoryError::BadRecord`].
pub fn load_with(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    Ok(read(path, options, None)?.unwrap_or_default())
}

/// Reads every run like [`load_with`], but a history with no run in it
/// (missing, empty, or only torn or damaged lines) is
/// [`HistoryError::NoRuns`]: the one check every command that needs runs
/// from the history makes, so that they all fail alike.
pub fn load_runs(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    some_runs(path, read(path, options, None)?)
}

/// The newest [`JUDGE_WINDOW`] runs, for judging; a missing history is
/// empty. From a store, every run but the newest comes from the index:
/// samples left out, their statistics in
/// [`crate::model::Measurement::summary`], so charts and gates judge
/// exactly as with the samples.
pub fn load_recent(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    Ok(read(path, options, Some(JUDGE_WINDOW))?.unwrap_or_default())
}

/// [`load_recent`], failing like [`load_runs`] when there is no run.
pub fn load_recent_runs(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    some_runs(path, read(path, options, Some(JUDGE_WINDOW))?)
}

/// Calls `each` on every run in order, samples included, holding one
/// run (or, for a `.jsonl` history, one file) in memory at a time; the
/// warnings about skipped lines come back at the end.
pub fn for_each_run(
    path: &Path,
    options: LoadOptions,
    each: &mut dyn FnMut(Run) -> Result<(), HistoryError>,
) -> Result<Loaded, HistoryError> {
    let path = &resolve(path).0;
    if is_jsonl(path) {
        let mut loaded = jsonl::load_with(path, options)?;
        for run in std::mem::take(&mut loaded.runs) {
            each(run)?;
        }
        Ok(loaded)
    } else {
        store::for_each_run(path, options, each)
    }
}

/// Reads the history (the newest `window` runs when given); `None` when
/// it does not exist.
fn read(
    path: &Path,
    options: LoadOptions,
    window: Option<usize>,
) -> Result<Option<Loaded>, HistoryError> {
    let path = &resolve(path).0;
    if is_jsonl(path) {
        let mut loaded = jsonl::read_history(path, options)?;
        if let (Some(l), Some(w)) = (&mut loaded, window) {
            l.runs.drain(..l.runs.len().saturating_sub(w));
        }
        Ok(loaded)
    } else {
        store::read(path, options, window)
    }
}

fn some_runs(path: &Path, loaded: Option<Loaded>) -> Result<Loaded, HistoryError> {
    let no_runs = |why| HistoryError::NoRuns {
        path: path.to_path_buf(),
        why,
    };
    let Some(loaded) = loaded else {
        return Err(no_runs(NoRuns::Missing));
    };
    match (loaded.runs.is_empty(), loaded.skipped) {
        (false, _) => Ok(loaded),
        (true, 0) => Err(no_runs(NoRuns::Empty)),
        (true, n) => Err(no_runs(NoRuns::AllSkipped(n))),
    }
}

#[cfg(test)]
mod jsonl_tests;
#[cfg(test)]
mod store_tests;
