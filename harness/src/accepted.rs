//! Placeholder until the accepted-changes module lands.
use crate::model::{Metric, Run};
use crate::targets::Pattern;

/// One reviewed change.
#[derive(Debug, Clone)]
pub struct Acceptance {
    /// Bench pattern.
    pub bench: Pattern,
    /// Metric, or every metric.
    pub metric: Option<Metric>,
    /// Full commit hash.
    pub since: String,
    /// Its commit time.
    pub since_time: i64,
    /// Why.
    pub reason: String,
    /// When.
    pub accepted_at: String,
}

/// Every entry.
#[derive(Debug, Clone, Default)]
pub struct Accepted {
    /// Entries in file order.
    pub entries: Vec<Acceptance>,
}

impl Accepted {
    /// Reads the file; a missing file is empty.
    pub fn load(_path: &std::path::Path) -> anyhow::Result<Accepted> {
        Ok(Accepted::default())
    }

    /// The latest entry matching.
    pub fn find(&self, bench: &str, metric: &Metric) -> Option<&Acceptance> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.bench.matches(bench) && e.metric.as_ref().is_none_or(|m| m == metric))
    }

    /// First run of the accepted level.
    pub fn start(&self, bench: &str, metric: &Metric, runs: &[&Run]) -> Option<usize> {
        let e = self.find(bench, metric)?;
        runs.iter().position(|r| {
            r.git
                .as_ref()
                .is_some_and(|g| g.commit == e.since || g.commit_time >= e.since_time)
        })
    }
}
