//! Temporary git worktrees of two revisions, for `harness compare`.
//!
//! libgit2 adds a worktree only on a branch, so each checkout gets a
//! short-lived branch `harness-compare/<pid>-<name>`; the worktree's HEAD
//! is then detached onto the commit and the branch deleted at once, so
//! the user's refs are left as they were. Dropping a [`Worktree`] prunes
//! it and deletes its folder. A run killed before it could drop them
//! (Ctrl-C, a CI timeout) leaves its worktrees behind; the next
//! [`Worktree::add`] removes those whose process is gone.

use std::path::{Path, PathBuf};

/// Why a revision could not be checked out.
#[derive(Debug, thiserror::Error)]
pub enum WorktreeError {
    /// No repository at or above the directory.
    #[error("{path}: not inside a git repository")]
    NotARepo {
        /// The directory searched from.
        path: PathBuf,
    },
    /// The revision does not name a commit.
    #[error("revision {rev:?} does not name a commit: {message}")]
    BadRevision {
        /// The revision as given.
        rev: String,
        /// git2's message.
        message: String,
    },
    /// `bisect`: the good revision is not an ancestor of the bad one.
    #[error(
        "{good:?} is not an ancestor of {bad:?}: bisect needs a good commit before the bad one on its history"
    )]
    NotAncestor {
        /// The good revision.
        good: String,
        /// The bad revision.
        bad: String,
    },
    /// Walking the history failed.
    #[error("cannot walk the history from {good:?} to {bad:?}: {message}")]
    Walk {
        /// The good revision.
        good: String,
        /// The bad revision.
        bad: String,
        /// git2's message.
        message: String,
    },
    /// libgit2 failed to add the worktree.
    #[error("cannot check out {rev:?} into {path}: {message}")]
    Add {
        /// The revision.
        rev: String,
        /// Where.
        path: PathBuf,
        /// git2's message.
        message: String,
    },
}

/// A revision checked out in its own folder; removed on drop.
#[derive(Debug)]
pub struct Worktree {
    /// The checkout's root folder.
    pub path: PathBuf,
    /// The revision as given (`origin/main`, `HEAD~1`, a hash).
    pub rev: String,
    /// The full commit hash.
    pub commit: String,
    repo: PathBuf,
    name: String,
}

/// The full commit hash `rev` names in the repository holding `dir`.
pub fn resolve(dir: &Path, rev: &str) -> Result<String, WorktreeError> {
    let repo = open(dir)?;
    Ok(peel(&repo, rev)?.id().to_string())
}

/// One commit of a range: its full hash and the first line of its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full hash.
    pub commit: String,
    /// First line of the message (untrusted text).
    pub summary: String,
}

/// The commits after `good` up to and including `bad`, oldest first, along
/// first parents (the commits a merge brings in are judged as the merge).
/// `good` must be an ancestor of `bad`.
pub fn range(dir: &Path, good: &str, bad: &str) -> Result<Vec<CommitInfo>, WorktreeError> {
    let repo = open(dir)?;
    let g = peel(&repo, good)?.id();
    let b = peel(&repo, bad)?.id();
    let walk_err = |e: git2::Error| WorktreeError::Walk {
        good: good.to_owned(),
        bad: bad.to_owned(),
        message: e.message().to_owned(),
    };
    let not_ancestor = || WorktreeError::NotAncestor {
        good: good.to_owned(),
        bad: bad.to_owned(),
    };
    if g == b || !repo.graph_descendant_of(b, g).map_err(walk_err)? {
        return Err(not_ancestor());
    }
    let mut walk = repo.revwalk().map_err(walk_err)?;
    walk.simplify_first_parent().map_err(walk_err)?;
    walk.push(b).map_err(walk_err)?;
    let mut out = Vec::new();
    let mut reached = false;
    for id in walk {
        let id = id.map_err(walk_err)?;
        // Good must lie on bad's first-parent path: a commit reached only
        // through a merge's second parent would let the walk run past it.
        if id == g {
            reached = true;
            break;
        }
        let c = repo.find_commit(id).map_err(walk_err)?;
        out.push(CommitInfo {
            commit: id.to_string(),
            summary: c.summary().ok().flatten().unwrap_or("").to_owned(),
        });
    }
    if !reached {
        return Err(not_ancestor());
    }
    out.reverse();
    Ok(out)
}

fn open(dir: &Path) -> Result<git2::Repository, WorktreeError> {
    git2::Repository::discover(dir).map_err(|_| WorktreeError::NotARepo {
        path: dir.to_path_buf(),
    })
}

fn peel<'r>(repo: &'r git2::Repository, rev: &str) -> Result<git2::Commit<'r>, WorktreeError> {
    repo.revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| WorktreeError::BadRevision {
            rev: rev.to_owned(),
            message: e.message().to_owned(),
        })
}

/// Prefix of the worktrees (and scratch folders) this crate makes,
/// followed by the owning process id.
pub(crate) const PREFIX: &str = "harness-compare-";

/// Prefix of the short-lived branches, followed by the process id.
const BRANCH_PREFIX: &str = "harness-compare/";

/// Whether process `pid` has ended. Only Linux's `/proc` can tell here;
/// elsewhere every process counts as running and nothing is removed.
pub(crate) fn process_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    pid != std::process::id() && proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// The process id in `<prefix><pid>-<rest>`.
pub(crate) fn owner(name: &str, prefix: &str) -> Option<u32> {
    name.strip_prefix(prefix)?.split('-').next()?.parse().ok()
}

/// Removes what killed runs left: their worktrees (folder and entry) and
/// their short-lived branches, when the process that made them is gone.
fn prune_stale(repo: &git2::Repository) {
    if let Ok(names) = repo.worktrees() {
        for name in names.iter().flatten().flatten() {
            if !owner(name, PREFIX).is_some_and(process_gone) {
                continue;
            }
            if let Ok(wt) = repo.find_worktree(name) {
                let _ = std::fs::remove_dir_all(wt.path());
                let mut opts = git2::WorktreePruneOptions::new();
                opts.valid(true).working_tree(true);
                let _ = wt.prune(Some(&mut opts));
            }
        }
    }
    if let Ok(branches) = repo.branches(Some(git2::BranchType::Local)) {
        for (mut branch, _) in branches.flatten() {
            let stale = branch
                .name()
                .ok()
                .flatten()
                .and_then(|n| owner(n, BRANCH_PREFIX))
                .is_some_and(process_gone);
            if stale {
                let _ = branch.delete();
            }
        }
    }
}

impl Worktree {
    /// Checks `rev` of the repository holding `dir` out into `dest`
    /// (which must not exist yet), under the worktree name `name`.
    pub fn add(dir: &Path, rev: &str, dest: &Path, name: &str) -> Result<Worktree, WorktreeError> {
        let repo = open(dir)?;
        prune_stale(&repo);
        let commit = peel(&repo, rev)?;
        let add_err = |e: git2::Error| WorktreeError::Add {
            rev: rev.to_owned(),
            path: dest.to_path_buf(),
            message: e.message().to_owned(),
        };
        let wt_name = format!("{PREFIX}{}-{name}", std::process::id());
        let branch_name = format!("{BRANCH_PREFIX}{}-{name}", std::process::id());
        let mut branch = repo.branch(&branch_name, &commit, true).map_err(add_err)?;
        let added = {
            let reference = branch.get();
            let mut opts = git2::WorktreeAddOptions::new();
            opts.reference(Some(reference));
            repo.worktree(&wt_name, dest, Some(&opts))
        };
        let detached = added.and_then(|_| {
            let wt_repo = git2::Repository::open(dest)?;
            wt_repo.set_head_detached(commit.id())
        });
        // The branch only existed to satisfy libgit2; drop it either way.
        let _ = branch.delete();
        detached.map_err(add_err)?;
        Ok(Worktree {
            path: dest.to_path_buf(),
            rev: rev.to_owned(),
            commit: commit.id().to_string(),
            repo: repo.path().to_path_buf(),
            name: wt_name,
        })
    }
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
        if let Ok(repo) = git2::Repository::open(&self.repo)
            && let Ok(wt) = repo.find_worktree(&self.name)
        {
            let mut opts = git2::WorktreePruneOptions::new();
            opts.valid(true).working_tree(true);
            let _ = wt.prune(Some(&mut opts));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository with one commit.
    fn repo(dir: &Path) -> git2::Repository {
        let repo = git2::Repository::init(dir).unwrap();
        std::fs::write(dir.join("a.txt"), "a").unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("a.txt")).unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::now("t", "t@invalid").unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "one", &tree, &[])
            .unwrap();
        drop(tree);
        repo
    }

    #[test]
    fn owners_are_read_from_names() {
        assert_eq!(owner("harness-compare-123-base", PREFIX), Some(123));
        assert_eq!(owner("harness-compare/77-head", BRANCH_PREFIX), Some(77));
        assert_eq!(owner("harness-compare-x-base", PREFIX), None);
        assert_eq!(owner("mine", PREFIX), None);
        assert!(!process_gone(std::process::id()));
    }

    #[test]
    fn what_a_killed_run_left_is_removed_and_a_live_one_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let main = tmp.path().join("repo");
        std::fs::create_dir(&main).unwrap();
        let repo = repo(&main);
        // A run that was killed: a process id no system hands out. Its
        // worktree and branch are left as a kill leaves them.
        let dead = 4_000_000_000u32;
        let head = repo.head().unwrap().peel_to_commit().unwrap();
        let branch = repo
            .branch(&format!("{BRANCH_PREFIX}{dead}-base"), &head, false)
            .unwrap();
        let mut opts = git2::WorktreeAddOptions::new();
        opts.reference(Some(branch.get()));
        let left = tmp.path().join("left");
        repo.worktree(&format!("{PREFIX}{dead}-base"), &left, Some(&opts))
            .unwrap();
        assert!(left.exists());
        // Another run of this process, still alive.
        let live = Worktree::add(&main, "HEAD", &tmp.path().join("live"), "head").unwrap();
        let names = repo.worktrees().unwrap();
        let names: Vec<&str> = names.iter().flatten().flatten().collect();
        assert_eq!(names, [format!("{PREFIX}{}-head", std::process::id())]);
        assert!(!left.exists(), "the killed run's folder is removed");
        assert!(
            repo.find_branch(
                &format!("{BRANCH_PREFIX}{dead}-base"),
                git2::BranchType::Local
            )
            .is_err()
        );
        assert!(live.path.exists());
    }
}
