//! `harness merge FILES...`: the records of `harness run --shard K/N`
//! jobs combined into one run, as if one machine had run every shard.
//!
//! Each file is a run record or a history (its latest run is taken).
//! The shards must measure the same commit and profile, and no bench and
//! metric may appear twice: either means the files do not belong
//! together. Shards usually ran on different runners, so a difference in
//! machine is only a warning; the first file's machine is recorded.

use anyhow::bail;

use super::MergeConfig;
use super::common::{Outcome, read_run_file};
use crate::history;
use crate::model::Run;

/// Why shard records cannot be merged.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Nothing to merge.
    #[error("no run records given")]
    Empty,
    /// Two shards measured different commits.
    #[error("{file}: commit {found} differs from {expected} of the first file")]
    Commit {
        /// The offending file.
        file: String,
        /// Its commit.
        found: String,
        /// The first file's commit.
        expected: String,
    },
    /// Two shards used different profiles.
    #[error("{file}: profile {found:?} differs from {expected:?} of the first file")]
    Profile {
        /// The offending file.
        file: String,
        /// Its profile.
        found: String,
        /// The first file's profile.
        expected: String,
    },
    /// A bench and metric was measured by two shards.
    #[error("{file}: {key} is also in an earlier file")]
    Duplicate {
        /// The offending file.
        file: String,
        /// `bench (metric)`.
        key: String,
    },
}

/// Combines `(file name, run)` pairs into one run; warnings name machine
/// differences.
pub fn merge_runs(runs: &[(String, Run)]) -> Result<(Run, Vec<String>), MergeError> {
    let ((_, first), rest) = runs.split_first().ok_or(MergeError::Empty)?;
    let commit = |r: &Run| {
        r.git
            .as_ref()
            .map_or("none".to_owned(), |g| g.commit.clone())
    };
    let mut merged = first.clone();
    let mut warnings = Vec::new();
    for (file, run) in rest {
        if commit(run) != commit(first) {
            return Err(MergeError::Commit {
                file: file.clone(),
                found: commit(run),
                expected: commit(first),
            });
        }
        if run.profile != first.profile {
            return Err(MergeError::Profile {
                file: file.clone(),
                found: run.profile.clone(),
                expected: first.profile.clone(),
            });
        }
        if run.machine != first.machine {
            warnings.push(format!(
                "{file}: measured on another machine ({}); timings across shards are not comparable with each other",
                run.machine.cpu_model
            ));
        }
        for m in &run.measurements {
            if merged.find(&m.bench, &m.metric).is_some() {
                return Err(MergeError::Duplicate {
                    file: file.clone(),
                    key: format!("{} ({})", m.bench, m.metric),
                });
            }
            merged.measurements.push(m.clone());
        }
    }
    merged.run_id = format!("{}-merged{}", first.run_id, runs.len());
    Ok((merged, warnings))
}

/// Reads the files, merges, and writes or appends the result.
pub fn merge(c: &MergeConfig) -> anyhow::Result<Outcome> {
    let mut runs = Vec::new();
    for f in &c.files {
        let name = f.display().to_string();
        let run = match read_run_file(f) {
            Ok(r) => r,
            Err(single) => match history::load(f).ok().and_then(|l| l.runs.last().cloned()) {
                Some(r) => r,
                None => bail!("{single:#}"),
            },
        };
        runs.push((name, run));
    }
    let (run, warnings) = merge_runs(&runs)?;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    if let Some(out) = &c.out {
        let mut text = serde_json::to_string_pretty(&run)?;
        text.push('\n');
        history::write_atomic(out, text.as_bytes())?;
    }
    if let Some(h) = &c.history {
        history::append(h, &run)?;
    }
    Ok(Outcome::ok(format!(
        "merged {} files into run {} ({} measurements)\n",
        runs.len(),
        run.run_id,
        run.measurements.len()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::read_run;

    const V1: &str = include_str!("../../tests/data/model/run.v1.json");

    fn shard(keep: usize) -> Run {
        let mut r = read_run(V1).unwrap();
        let m = r.measurements.remove(keep);
        r.measurements = vec![m];
        r
    }

    #[test]
    fn disjoint_shards_of_one_commit_merge() {
        let (run, warnings) =
            merge_runs(&[("a".into(), shard(0)), ("b".into(), shard(1))]).unwrap();
        assert_eq!(run.measurements.len(), 2);
        assert!(warnings.is_empty());
    }

    #[test]
    fn overlapping_or_foreign_shards_are_refused() {
        let dup = merge_runs(&[("a".into(), shard(0)), ("b".into(), shard(0))]);
        assert!(matches!(dup, Err(MergeError::Duplicate { .. })));
        let mut other = shard(1);
        other.git.as_mut().unwrap().commit = "f".repeat(40);
        let foreign = merge_runs(&[("a".into(), shard(0)), ("b".into(), other)]);
        assert!(matches!(foreign, Err(MergeError::Commit { .. })));
        assert_eq!(merge_runs(&[]).unwrap_err(), MergeError::Empty);
    }
}
