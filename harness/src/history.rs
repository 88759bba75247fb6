//! The history: append-only JSON lines, one [`Run`] per line (default
//! `reports/history.jsonl`).
//!
//! Each append takes an exclusive lock on the file (std `File::lock`),
//! writes the whole line with one `write` on a file opened for appending
//! and syncs it; the file is never rewritten. A crash can still leave a
//! torn last line: the reader skips it with a warning and keeps
//! everything before it, and the next append starts on a fresh line.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::model::{Run, RunError, read_run};

/// Default location, relative to the workspace root.
pub const DEFAULT_PATH: &str = "reports/history.jsonl";

/// Why the history could not be read or appended to.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// File-system failure.
    #[error("{path}: {message}")]
    Io {
        /// The history file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A complete line that is JSON but not a valid run: stored data is
    /// damaged, so judging stops rather than guess.
    #[error("{path}:{line}: {source}")]
    BadRecord {
        /// The history file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        source: RunError,
    },
}

/// The runs read from a history file, with warnings about skipped lines.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Runs in file (time) order.
    pub runs: Vec<Run>,
    /// One message per skipped torn line.
    pub warnings: Vec<String>,
}

fn io(path: &Path, what: &str, e: std::io::Error) -> HistoryError {
    HistoryError::Io {
        path: path.to_path_buf(),
        message: format!("{what}: {e}"),
    }
}

/// Appends one run as one line.
pub fn append(path: &Path, run: &Run) -> Result<(), HistoryError> {
    let mut line = serde_json::to_string(run).map_err(|e| HistoryError::Io {
        path: path.to_path_buf(),
        message: format!("cannot encode run: {e}"),
    })?;
    line.push('\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, "cannot create folder", e))?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| io(path, "cannot open", e))?;
    file.lock().map_err(|e| io(path, "cannot lock", e))?;
    // A torn last line (crash mid-append) must not swallow this record.
    if ends_without_newline(&mut file).map_err(|e| io(path, "cannot read", e))? {
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes())
        .map_err(|e| io(path, "cannot append", e))?;
    file.sync_all().map_err(|e| io(path, "cannot sync", e))?;
    file.unlock().map_err(|e| io(path, "cannot unlock", e))
}

fn ends_without_newline(file: &mut File) -> std::io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// Reads every run. A missing file is an empty history. Lines that are not
/// complete JSON (torn by a crash) are skipped with a warning.
pub fn load(path: &Path) -> Result<Loaded, HistoryError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(e) => return Err(io(path, "cannot read", e)),
    };
    let mut loaded = Loaded::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match read_run(line) {
            Ok(run) => loaded.runs.push(run),
            Err(RunError::Json(e)) if e.is_eof() || e.is_syntax() => loaded.warnings.push(format!(
                "{}:{}: skipped a torn or unreadable line ({e})",
                path.display(),
                i + 1
            )),
            Err(source) => {
                return Err(HistoryError::BadRecord {
                    path: path.to_path_buf(),
                    line: i + 1,
                    source,
                });
            }
        }
    }
    Ok(loaded)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// folder, synced, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), HistoryError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, "cannot create folder", e))?;
    let name = path
        .file_name()
        .map_or("file".into(), |n| n.to_string_lossy().into_owned());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_run(id: &str) -> Run {
        let text = include_str!("../tests/data/model/run.v1.json");
        let mut run = read_run(text).unwrap();
        run.run_id = id.to_owned();
        run
    }

    #[test]
    fn appends_and_reads_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reports/history.jsonl");
        assert!(load(&path).unwrap().runs.is_empty());
        append(&path, &sample_run("a")).unwrap();
        append(&path, &sample_run("b")).unwrap();
        let loaded = load(&path).unwrap();
        let ids: Vec<_> = loaded.runs.iter().map(|r| r.run_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn torn_last_line_is_skipped_and_nothing_before_it_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        append(&path, &sample_run("a")).unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"schema\":1,\"run_id\":\"tor").unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.runs.len(), 1);
        assert!(
            loaded.warnings[0].contains(":2: skipped a torn"),
            "{:?}",
            loaded.warnings
        );
        // The next append starts on its own line and is read.
        append(&path, &sample_run("c")).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(
            loaded
                .runs
                .iter()
                .map(|r| r.run_id.as_str())
                .collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert_eq!(loaded.warnings.len(), 1);
    }

    #[test]
    fn concurrent_appenders_never_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for i in 0..10 {
                        append(&path, &sample_run(&format!("{t}-{i}"))).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let loaded = load(&path).unwrap();
        assert_eq!(loaded.runs.len(), 80);
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn a_damaged_complete_record_is_an_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        std::fs::write(&path, "{\"schema\": 7}\n").unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains("history.jsonl:1"), "{err}");
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b/base.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path().join("b")).unwrap().count(), 1);
    }
}
