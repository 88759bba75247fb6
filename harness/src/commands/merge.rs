//! `harness merge FILES...`: the records of `harness run --shard K/N`
//! jobs combined into runs, one per machine.
//!
//! Each file is a run record or a history (its latest run is taken).
//! The shards must measure the same commit and profile, and no bench and
//! metric may appear twice: either means the files do not belong
//! together. Shards usually run on different runners, often different
//! CPUs: shards of one machine (by fingerprint) become one run, and each
//! other machine its own run of the same commit, so no run pretends one
//! machine measured what another did, and each is judged against its own
//! machine's history. A shard that failed is simply not given: the
//! others are recorded.

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

/// Combines `(file name, run)` pairs into one run per machine, in the
/// order the machines first appear; the warning says when there are
/// several.
pub fn merge_runs(runs: &[(String, Run)]) -> Result<(Vec<Run>, Vec<String>), MergeError> {
    let ((_, first), rest) = runs.split_first().ok_or(MergeError::Empty)?;
    let commit = |r: &Run| {
        r.git
            .as_ref()
            .map_or("none".to_owned(), |g| g.commit.clone())
    };
    let mut merged: Vec<(Run, usize)> = vec![(first.clone(), 1)];
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
        for m in &run.measurements {
            if merged
                .iter()
                .any(|(r, _)| r.find(&m.bench, &m.metric).is_some())
            {
                return Err(MergeError::Duplicate {
                    file: file.clone(),
                    key: format!("{} ({})", m.bench, m.metric),
                });
            }
        }
        let fp = run.machine.fingerprint();
        match merged
            .iter_mut()
            .find(|(r, _)| r.machine.fingerprint() == fp)
        {
            Some((r, n)) => {
                r.measurements.extend(run.measurements.iter().cloned());
                *n += 1;
            }
            None => merged.push((run.clone(), 1)),
        }
    }
    let mut warnings = Vec::new();
    if merged.len() > 1 {
        warnings.push(format!(
            "the shards ran on {} machines ({}): recorded as {} runs of this commit, each judged with its own machine's history",
            merged.len(),
            merged
                .iter()
                .map(|(r, _)| r.machine.cpu_model.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            merged.len()
        ));
    }
    let several = merged.len() > 1;
    let out = merged
        .into_iter()
        .enumerate()
        .map(|(k, (mut r, n))| {
            r.run_id = if several {
                format!("{}-merged{n}-m{}", r.run_id, k + 1)
            } else {
                format!("{}-merged{n}", r.run_id)
            };
            r
        })
        .collect();
    Ok((out, warnings))
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
    let (merged, warnings) = merge_runs(&runs)?;
    for w in &warnings {
        crate::say!("warning: {w}");
    }
    if let Some(out) = &c.out {
        let [run] = merged.as_slice() else {
            bail!(
                "the shards ran on {} machines, so they make {} runs: use --history FILE to append them all",
                merged.len(),
                merged.len()
            );
        };
        let mut text = serde_json::to_string_pretty(run)?;
        text.push('\n');
        history::write_atomic(out, text.as_bytes())?;
    }
    if let Some(h) = &c.history {
        for run in &merged {
            history::append(h, run)?;
        }
    }
    let mut text = String::new();
    for run in &merged {
        text.push_str(&format!(
            "merged {} files into run {} ({} measurements, {})\n",
            runs.len(),
            run.run_id,
            run.measurements.len(),
            run.machine.cpu_model
        ));
    }
    Ok(Outcome::ok(text))
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
        let (runs, warnings) =
            merge_runs(&[("a".into(), shard(0)), ("b".into(), shard(1))]).unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].measurements.len(), 2);
        assert!(warnings.is_empty());
    }

    #[test]
    fn shards_from_other_machines_stay_their_own_runs() {
        let mut other = shard(1);
        other.machine.cpu_model = "another CPU".into();
        let mut third = shard(2);
        third.machine.cpu_model = "another CPU".into();
        let (runs, warnings) = merge_runs(&[
            ("a".into(), shard(0)),
            ("b".into(), other),
            ("c".into(), third),
        ])
        .unwrap();
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(runs[0].measurements.len(), 1);
        assert_eq!(runs[1].measurements.len(), 2);
        assert_eq!(runs[1].machine.cpu_model, "another CPU");
        assert_ne!(runs[0].run_id, runs[1].run_id);
        assert!(warnings[0].contains("2 machines"), "{warnings:?}");
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
