//! Temporary git worktrees of two revisions, for `harness compare`.
//!
//! libgit2 adds a worktree only on a branch, so each checkout gets a
//! short-lived branch `harness-compare/<pid>-<name>`; the worktree's HEAD
//! is then detached onto the commit and the branch deleted at once, so
//! the user's refs are left as they were. Dropping a [`Worktree`] prunes
//! it and deletes its folder.

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

impl Worktree {
    /// Checks `rev` of the repository holding `dir` out into `dest`
    /// (which must not exist yet), under the worktree name `name`.
    pub fn add(dir: &Path, rev: &str, dest: &Path, name: &str) -> Result<Worktree, WorktreeError> {
        let repo = open(dir)?;
        let commit = peel(&repo, rev)?;
        let add_err = |e: git2::Error| WorktreeError::Add {
            rev: rev.to_owned(),
            path: dest.to_path_buf(),
            message: e.message().to_owned(),
        };
        let wt_name = format!("harness-compare-{}-{name}", std::process::id());
        let branch_name = format!("harness-compare/{}-{name}", std::process::id());
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
