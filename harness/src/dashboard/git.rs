//! Commit messages for the tooltips. The run record keeps only the hash,
//! so the summary is looked up in the repository the report runs in; a
//! shallow clone or another repository simply leaves it out.

use std::path::Path;

/// A lookup from full commit hash to its message summary; finds nothing
/// when `dir` is not inside a repository.
pub fn commit_messages(dir: &Path) -> impl Fn(&str) -> Option<String> {
    let repo = git2::Repository::discover(dir).ok();
    move |sha: &str| {
        let repo = repo.as_ref()?;
        let oid = git2::Oid::from_str(sha).ok()?;
        let commit = repo.find_commit(oid).ok()?;
        commit.summary().ok().flatten().map(str::to_owned)
    }
}
