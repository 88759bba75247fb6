//! Reviewed performance changes (default `baselines/accepted.toml`): "this
//! slowdown is expected; from commit X on, judge this series from its new
//! level". `harness accept` appends entries; the judging code asks
//! [`Accepted::start`] where a series' accepted level begins.
//!
//! ```toml
//! # Reviewed performance changes: from `since` on, the matching series are
//! # judged from their new level.
//! [[accepted]]
//! bench = "ntu/observe/*"          # bench id or glob (as in targets.toml: * within a segment, ** across)
//! metric = "wall_time_ns"          # optional; absent = every metric
//! since = "3e0cafb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7"   # full commit hash
//! since_time = 1763779000          # that commit's time, seconds since the epoch
//! reason = "window sums now exact; +4 % accepted"
//! accepted_at = "2026-12-04T21:00:00Z"   # RFC 3339 UTC, when the entry was written
//! ```
//!
//! Entries are kept in file order and the last one matching a series wins.
//! A missing file is an empty list. Every field is checked on load and an
//! error names the file, the line, the entry (1-based), the field and its
//! value. Appending adds text after the existing entries (comments stay as
//! they are) and replaces the file atomically.

mod command;
mod file;
mod text;

use std::path::PathBuf;

pub use command::{AcceptConfig, accept};

use crate::model::{Metric, Run};
use crate::targets::Pattern;

/// Default location, relative to the workspace root.
pub const DEFAULT_PATH: &str = "baselines/accepted.toml";

/// Why the accepted-changes file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum AcceptedError {
    /// The file exists but could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not TOML, or not a list of `[[accepted]]` entries.
    #[error("{path}:{line}:{column}: {message}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// One field of one entry is missing, unknown, of the wrong type or
    /// holds a bad value.
    #[error("{path}:{line}: entry {entry}, field `{field}` = {value}: {message}")]
    Field {
        /// The file.
        path: PathBuf,
        /// 1-based line of the field (of the entry when it is missing).
        line: usize,
        /// 1-based index of the entry in the file.
        entry: usize,
        /// The field's name.
        field: String,
        /// The value as written, or `(missing)`.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// The file could not be written.
    #[error("{path}: cannot write: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

/// One reviewed change.
#[derive(Debug, Clone)]
pub struct Acceptance {
    /// The bench id or glob it covers.
    pub bench: Pattern,
    /// The metric it covers; `None` covers every metric.
    pub metric: Option<Metric>,
    /// Full hash of the first commit of the new level.
    pub since: String,
    /// That commit's time, seconds since the Unix epoch.
    pub since_time: i64,
    /// Why the change is accepted (free text).
    pub reason: String,
    /// When the entry was written, RFC 3339 UTC.
    pub accepted_at: String,
}

impl Acceptance {
    /// Whether the entry covers the series of `bench` and `metric`.
    pub fn matches(&self, bench: &str, metric: &Metric) -> bool {
        self.bench.matches(bench) && self.metric.as_ref().is_none_or(|m| m == metric)
    }

    /// Whether `run` was measured at or after the accepted commit: its
    /// commit is `since`, or its commit time is not earlier.
    pub fn covers(&self, run: &Run) -> bool {
        run.git
            .as_ref()
            .is_some_and(|g| g.commit == self.since || g.commit_time >= self.since_time)
    }
}

/// Every entry of the file, in file order.
#[derive(Debug, Clone, Default)]
pub struct Accepted {
    /// The entries; later ones win over earlier ones.
    pub entries: Vec<Acceptance>,
}

impl Accepted {
    /// The latest (in file order: last wins) entry matching this series.
    pub fn find(&self, bench: &str, metric: &Metric) -> Option<&Acceptance> {
        self.entries.iter().rev().find(|e| e.matches(bench, metric))
    }

    /// Index of the first run of `runs` (oldest first) that belongs to the
    /// accepted level of this series: the first whose commit is `since` or
    /// whose commit time is at or after `since_time`. `None` when no entry
    /// matches or no run qualifies; runs without git info never qualify.
    pub fn start(&self, bench: &str, metric: &Metric, runs: &[&Run]) -> Option<usize> {
        let entry = self.find(bench, metric)?;
        runs.iter().position(|r| entry.covers(r))
    }
}

#[cfg(test)]
mod tests;
