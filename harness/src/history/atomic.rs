//! Whole-file writes that a reader or a crash sees entirely or not at
//! all, and the clean-up of leftovers from writers that were killed.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use super::{HistoryError, io};

/// Writes `bytes` to `path` atomically: a temporary file
/// `.<name>.<pid>.tmp` in the same folder, synced, then renamed over
/// the target, so a reader (or a crash) sees the old file or the new one.
/// Stale temporary files of the same target left by killed writers are
/// removed first ([`is_stale`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), HistoryError> {
    LazyLock::force(&STARTED);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, "cannot create folder", e))?;
    let name = path
        .file_name()
        .map_or("file".into(), |n| n.to_string_lossy().into_owned());
    remove_stale(dir, |file| {
        file.strip_prefix(&format!(".{name}."))?
            .strip_suffix(".tmp")
            .and_then(leftover_pid)
    });
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(path, "cannot write", e)
    })
}

/// When this process first wrote through the store (forced before any
/// temporary file of its own is made): a leftover modified earlier was
/// not made by this run.
static STARTED: LazyLock<SystemTime> = LazyLock::new(SystemTime::now);

/// `<pid>-<n>`: unique among the temporary names of all processes and
/// threads, with the process id first so that [`is_stale`] can tell
/// whether its writer is still alive.
pub(crate) fn unique_tag() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The writer's process id in a tag `<pid>` or `<pid>-<n>`.
pub(crate) fn leftover_pid(tag: &str) -> Option<u32> {
    let (pid, n) = tag.split_once('-').unwrap_or((tag, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    (digits(pid) && digits(n))
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether a leftover of ours at `path`, made by process `pid`, is stale:
/// modified before this process started writing, and its writer is this
/// process or no longer running (where `/proc` can tell; elsewhere the
/// age alone decides).
pub(crate) fn is_stale(path: &Path, pid: u32) -> bool {
    let older = path
        .symlink_metadata()
        .and_then(|m| m.modified())
        .is_ok_and(|t| t < *STARTED);
    older && (pid == std::process::id() || process_alive(pid) != Some(true))
}

/// Whether process `pid` runs, where `/proc` can tell.
fn process_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    proc.join("self")
        .exists()
        .then(|| proc.join(pid.to_string()).exists())
}

/// Removes each entry of `dir` whose name `pid_of` recognises as one of
/// ours (returning its writer's process id) and that [`is_stale`].
/// Removal is best effort: a leftover that cannot be removed now is tried
/// again next time.
pub(crate) fn remove_stale(dir: &Path, pid_of: impl Fn(&str) -> Option<u32>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(&pid_of) else {
            continue;
        };
        let path = entry.path();
        if !is_stale(&path, pid) {
            continue;
        }
        let _ = match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
    }
}
