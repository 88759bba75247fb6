//! `harness accept`: checks the request, resolves the revision, writes the
//! entry and says which series of the history it covers.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::{Acceptance, Accepted};
use crate::commands::Outcome;
use crate::history;
use crate::model::{BenchId, Metric};
use crate::probe;
use crate::targets::Pattern;
use crate::worktree::WorktreeError;

/// `harness accept`.
#[derive(Debug, Clone)]
pub struct AcceptConfig {
    /// Bench id or glob (`*` within a segment, `**` across).
    pub pattern: String,
    /// Metric name; `None` accepts the change for every metric.
    pub metric: Option<String>,
    /// Any revision naming the first commit of the new level.
    pub since: String,
    /// Why the change is accepted.
    pub reason: String,
    /// The accepted-changes file.
    pub file: PathBuf,
    /// A folder inside the repository `since` is resolved in.
    pub repo: PathBuf,
    /// The history whose matching series are listed.
    pub history: PathBuf,
}

/// Records the entry; prints what was accepted and which series of the
/// history it matches.
pub fn accept(c: &AcceptConfig) -> anyhow::Result<Outcome> {
    if c.pattern.trim().is_empty() {
        bail!("the bench pattern is empty");
    }
    BenchId::parse(&c.pattern).with_context(|| format!("bench pattern {:?}", c.pattern))?;
    if c.reason.trim().is_empty() {
        bail!("the reason is empty: say why the change is accepted");
    }
    let metric = match &c.metric {
        Some(m) if m.trim().is_empty() => bail!("the metric name is empty"),
        Some(m) => Some(Metric::from(m.trim().to_owned())),
        None => None,
    };
    let (since, since_time) = resolve(&c.repo, &c.since)?;
    let entry = Acceptance {
        bench: Pattern::new(&c.pattern),
        metric,
        since,
        since_time,
        reason: c.reason.clone(),
        accepted_at: probe::rfc3339(probe::now_unix()),
    };
    let matched = matched_series(&c.history, &entry);
    Accepted::append(&c.file, &entry)?;
    Ok(Outcome::ok(summary(c, &entry, &matched)))
}

/// The full hash and commit time of `rev` in the repository holding `dir`.
pub(super) fn resolve(dir: &Path, rev: &str) -> Result<(String, i64), WorktreeError> {
    let repo = git2::Repository::discover(dir).map_err(|_| WorktreeError::NotARepo {
        path: dir.to_path_buf(),
    })?;
    let commit = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| WorktreeError::BadRevision {
            rev: rev.to_owned(),
            message: e.message().to_owned(),
        })?;
    Ok((commit.id().to_string(), commit.time().seconds()))
}

/// Per matching series: runs in the history, and how many of them are at
/// the new level. `Err` holds a warning when the history is unreadable.
type Matched = Result<BTreeMap<(String, Metric), (usize, usize)>, String>;

fn matched_series(history_path: &Path, entry: &Acceptance) -> Matched {
    // The runs judging reads: counts need no samples, and a long store's
    // older runs are outside every verdict anyway.
    let loaded = history::load_recent(history_path, history::LoadOptions::default())
        .map_err(|e| e.to_string())?;
    let mut series = BTreeMap::new();
    for run in &loaded.runs {
        for m in &run.measurements {
            if entry.matches(m.bench.as_str(), &m.metric) {
                let counts = series
                    .entry((m.bench.to_string(), m.metric.clone()))
                    .or_insert((0, 0));
                counts.0 += 1;
                counts.1 += usize::from(entry.covers(run));
            }
        }
    }
    Ok(series)
}

fn summary(c: &AcceptConfig, entry: &Acceptance, matched: &Matched) -> String {
    let metric = entry.metric.as_ref().map_or("every metric", Metric::name);
    let short: String = entry.since.chars().take(10).collect();
    let mut out = format!(
        "accepted {} ({metric}) from {short} (committed {})\nreason: {}\nwritten to {}\n",
        entry.bench.as_str(),
        probe::rfc3339(entry.since_time),
        entry.reason,
        c.file.display()
    );
    let history = c.history.display();
    match matched {
        Err(e) => {
            let _ = writeln!(out, "warning: cannot list the matching series: {e}");
        }
        Ok(series) if series.is_empty() => {
            let _ = writeln!(
                out,
                "warning: {} ({metric}) matches no series in {history}",
                entry.bench.as_str()
            );
        }
        Ok(series) => {
            let _ = writeln!(out, "matches {} series in {history}:", series.len());
            for ((bench, metric), (runs, new)) in series {
                let _ = writeln!(
                    out,
                    "  {bench} {metric}: {new} of {runs} runs at the new level"
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{GitInfo, read_run};

    /// A repository with three commits at times 1000, 2000 and 3000, HEAD
    /// on the last, a tag `v1` on the first; returns the hashes.
    fn repo(dir: &Path) -> Vec<String> {
        let repo = git2::Repository::init(dir).unwrap();
        let tree = repo
            .find_tree(repo.treebuilder(None).unwrap().write().unwrap())
            .unwrap();
        let mut hashes: Vec<String> = Vec::new();
        for (i, time) in [1000, 2000, 3000].into_iter().enumerate() {
            let sig =
                git2::Signature::new("A", "a@example.com", &git2::Time::new(time, 0)).unwrap();
            let parent = hashes
                .last()
                .map(|h| repo.find_commit(git2::Oid::from_str(h).unwrap()).unwrap());
            let parents: Vec<&git2::Commit> = parent.iter().collect();
            let oid = repo
                .commit(Some("HEAD"), &sig, &sig, &format!("c{i}"), &tree, &parents)
                .unwrap();
            hashes.push(oid.to_string());
        }
        let first = repo
            .find_object(git2::Oid::from_str(&hashes[0]).unwrap(), None)
            .unwrap();
        repo.tag_lightweight("v1", &first, false).unwrap();
        hashes
    }

    fn config(dir: &Path, pattern: &str, since: &str, reason: &str) -> AcceptConfig {
        AcceptConfig {
            pattern: pattern.to_owned(),
            metric: None,
            since: since.to_owned(),
            reason: reason.to_owned(),
            file: dir.join("baselines/accepted.toml"),
            repo: dir.to_path_buf(),
            history: dir.join("reports/history.jsonl"),
        }
    }

    #[test]
    fn a_short_hash_a_tag_and_head_1_resolve_to_full_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let hashes = repo(dir.path());
        let r = |rev: &str| resolve(dir.path(), rev).unwrap();
        assert_eq!(r(&hashes[1][..7]), (hashes[1].clone(), 2000));
        assert_eq!(r("HEAD~1"), (hashes[1].clone(), 2000));
        assert_eq!(r("v1"), (hashes[0].clone(), 1000));
        assert_eq!(r(&hashes[2]), (hashes[2].clone(), 3000));
    }

    #[test]
    fn an_unknown_revision_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        repo(dir.path());
        let c = config(dir.path(), "ntu/**", "no-such-branch", "why");
        let err = format!("{:#}", accept(&c).unwrap_err());
        assert!(err.contains("\"no-such-branch\""), "{err}");
        assert!(!c.file.exists());
        let outside = tempfile::tempdir().unwrap();
        let err = resolve(outside.path(), "HEAD").unwrap_err().to_string();
        assert!(err.contains("not inside a git repository"), "{err}");
    }

    #[test]
    fn an_empty_reason_pattern_or_metric_is_refused_before_anything_is_written() {
        let dir = tempfile::tempdir().unwrap();
        repo(dir.path());
        for (pattern, reason, metric) in [
            ("", "why", None),
            ("ntu/**", " \n", None),
            ("ntu/**", "why", Some(" ")),
            ("ntu//x", "why", None),
        ] {
            let mut c = config(dir.path(), pattern, "HEAD", reason);
            c.metric = metric.map(str::to_owned);
            assert!(accept(&c).is_err(), "{pattern:?} {reason:?} {metric:?}");
            assert!(!c.file.exists());
        }
    }

    #[test]
    fn accept_writes_the_entry_and_lists_the_matched_series() {
        let dir = tempfile::tempdir().unwrap();
        let hashes = repo(dir.path());
        let mut run = read_run(include_str!("../../tests/data/model/run.v1.json")).unwrap();
        for (commit, time) in [(&hashes[0], 1000), (&hashes[2], 3000)] {
            run.git = Some(GitInfo {
                commit: commit.clone(),
                branch: None,
                dirty: false,
                commit_time: time,
                shallow: false,
            });
            history::append(&dir.path().join("reports/history.jsonl"), &run).unwrap();
        }
        let reason = "window sums \"exact\"\n]]\n+4 % accepted";
        let mut c = config(dir.path(), "ntu/observe/*", "HEAD~1", reason);
        c.metric = Some("wall_time".to_owned());
        let out = accept(&c).unwrap();
        assert_eq!(out.code, 0);
        assert!(out.stdout.contains("matches 1 series"), "{}", out.stdout);
        assert!(
            out.stdout
                .contains("ntu/observe/w5 wall_time_ns: 1 of 2 runs at the new level"),
            "{}",
            out.stdout
        );
        let a = Accepted::load(&c.file).unwrap();
        let e = &a.entries[0];
        assert_eq!((e.since.as_str(), e.since_time), (hashes[1].as_str(), 2000));
        assert_eq!(
            (e.reason.as_str(), e.metric.clone()),
            (reason, Some(Metric::WallTime))
        );
        assert_eq!(e.accepted_at.len(), "2026-12-04T21:00:00Z".len());
    }

    #[test]
    fn a_pattern_matching_no_bench_is_a_warning_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        repo(dir.path());
        let out = accept(&config(dir.path(), "nothing/*", "HEAD", "why")).unwrap();
        assert_eq!(out.code, 0);
        assert!(
            out.stdout
                .contains("warning: nothing/* (every metric) matches no series"),
            "{}",
            out.stdout
        );
        let a = Accepted::load(&dir.path().join("baselines/accepted.toml")).unwrap();
        assert_eq!(a.entries.len(), 1);
    }
}
