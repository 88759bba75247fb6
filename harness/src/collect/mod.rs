//! One parser per foreign format, each turning the tool's own files into
//! [`crate::model::Measurement`]s with units normalised inside.

pub mod criterion;
pub mod gungraun;
pub mod heap;
mod json;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use json::{CollectError, read_json};

#[cfg(test)]
mod tests;

/// Every file named `name` at or below `root`, sorted, skipping folders
/// named in `skip`. A `root` that is itself a file named `name` is
/// returned alone.
///
/// Symlinks to folders are followed (a `target` folder is often a link),
/// but each real folder is read once: a link back to a folder already
/// read, such as a cycle, is skipped, so the walk always ends.
pub fn find_files(root: &Path, name: &str, skip: &[&str]) -> Result<Vec<PathBuf>, CollectError> {
    if !root.exists() {
        return Err(CollectError::Missing {
            path: root.display().to_string(),
        });
    }
    let io = |path: &Path, e: std::io::Error| CollectError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut found = Vec::new();
    let mut visited: HashSet<PathBuf> = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if dir.is_file() {
            if dir.file_name().is_some_and(|n| n == name) {
                found.push(dir);
            }
            continue;
        }
        let real = dir.canonicalize().map_err(|e| io(&dir, e))?;
        if !visited.insert(real) {
            continue;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| io(&dir, e))?
            .flatten()
            .map(|e| e.path())
            .collect();
        // Reverse order on the stack, so that folders are read in name
        // order and a folder reached twice keeps its first name.
        entries.sort_by(|a, b| b.cmp(a));
        for path in entries {
            let skipped = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| skip.contains(&n));
            if path.is_dir() && !skipped {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n == name) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Whether `path` was modified at or after `since` (always true without a
/// time, or when the file system keeps no modification times).
pub fn modified_since(path: &Path, since: Option<SystemTime>) -> bool {
    let Some(since) = since else { return true };
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_or(true, |t| t >= since)
}
