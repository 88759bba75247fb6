//! The history: append-only JSON lines, one [`Run`] per line (default
//! `reports/history.jsonl`).
//!
//! Each append takes an exclusive lock on the file (std `File::lock`),
//! writes the whole line with one `write` on a file opened for appending
//! and syncs it; the file is never rewritten. A crash can still leave a
//! torn last line, and the next append starts on a fresh line after it.
//!
//! Reading is byte-wise, one line at a time, so a record cut inside a
//! multi-byte character damages only its own line. A UTF-8 byte-order mark
//! at the start is ignored. A torn last line (the final line, without a
//! newline, that is not valid UTF-8 or not complete JSON) is skipped with a
//! warning. Any other unreadable line is [`HistoryError::Damaged`] unless
//! [`LoadOptions::skip_damaged`] is set: a line followed by more lines was
//! not cut by a crash during the last append, so dropping it silently
//! could hide lost data.

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
    /// A line, not the torn last one, that is not UTF-8 or not complete
    /// JSON: stored data is damaged, so reading stops unless
    /// [`LoadOptions::skip_damaged`] is set.
    #[error("{path}:{line}: damaged line: {reason}")]
    Damaged {
        /// The history file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Why the line cannot be read.
        reason: Damage,
    },
}

/// Why one line of the history cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum Damage {
    /// The bytes are not UTF-8 (e.g. a record cut inside a character).
    #[error("not UTF-8 ({0})")]
    NotUtf8(std::str::Utf8Error),
    /// Not complete JSON (cut short, or garbage).
    #[error("not JSON ({0})")]
    NotJson(serde_json::Error),
}

/// How [`load_with`] treats damaged lines.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Skip damaged lines anywhere in the file, each with a warning,
    /// instead of failing with [`HistoryError::Damaged`].
    pub skip_damaged: bool,
}

/// The runs read from a history file, with warnings about skipped lines.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Runs in file (time) order.
    pub runs: Vec<Run>,
    /// One message per skipped line, naming the file and line.
    pub warnings: Vec<String>,
    /// How many lines were skipped: the torn last line and, with
    /// [`LoadOptions::skip_damaged`], damaged lines before it.
    pub skipped: usize,
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

/// Reads every run with the default [`LoadOptions`]: a missing file is an
/// empty history, a torn last line is skipped with a warning, and any other
/// damaged line is an error.
pub fn load(path: &Path) -> Result<Loaded, HistoryError> {
    load_with(path, LoadOptions::default())
}

/// Reads every run. A missing file is an empty history; a leading UTF-8
/// byte-order mark and blank lines are ignored. A torn last line (no
/// newline after it, not UTF-8 or not complete JSON) is skipped with a
/// warning. Any other such line is [`HistoryError::Damaged`], or skipped
/// with a warning when `options.skip_damaged` is set. A line that is
/// JSON but not a valid run (a newer schema, a negative time) is always
/// [`HistoryError::BadRecord`].
pub fn load_with(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::default()),
        Err(e) => return Err(io(path, "cannot read", e)),
    };
    let bytes = bytes.strip_prefix(BOM).unwrap_or(&bytes);
    // `split` yields one piece after the last newline: empty when the file
    // ends with a newline, else the torn tail of an interrupted append.
    let pieces: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let last = pieces.len() - 1;
    let mut loaded = Loaded::default();
    for (i, piece) in pieces.into_iter().enumerate() {
        let line = i + 1;
        match read_line(piece) {
            Ok(None) => {}
            Ok(Some(run)) => loaded.runs.push(run),
            Err(LineFault::Damaged(reason)) if i == last => {
                loaded.skipped += 1;
                loaded.warnings.push(format!(
                    "{}:{line}: skipped a torn last line ({reason})",
                    path.display()
                ));
            }
            Err(LineFault::Damaged(reason)) if options.skip_damaged => {
                loaded.skipped += 1;
                loaded.warnings.push(format!(
                    "{}:{line}: skipped a damaged line ({reason})",
                    path.display()
                ));
            }
            Err(LineFault::Damaged(reason)) => {
                return Err(HistoryError::Damaged {
                    path: path.to_path_buf(),
                    line,
                    reason,
                });
            }
            Err(LineFault::BadRecord(source)) => {
                return Err(HistoryError::BadRecord {
                    path: path.to_path_buf(),
                    line,
                    source,
                });
            }
        }
    }
    Ok(loaded)
}

/// The UTF-8 byte-order mark some editors put at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why one line did not yield a run.
#[derive(Debug)]
enum LineFault {
    /// Unreadable: not UTF-8 or not complete JSON.
    Damaged(Damage),
    /// JSON, but not a valid run record.
    BadRecord(RunError),
}

/// Reads one line (without its newline): `None` for a blank line.
fn read_line(bytes: &[u8]) -> Result<Option<Run>, LineFault> {
    let text = std::str::from_utf8(bytes).map_err(|e| LineFault::Damaged(Damage::NotUtf8(e)))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    match read_run(text) {
        Ok(run) => Ok(Some(run)),
        Err(RunError::Json(e)) if e.is_eof() || e.is_syntax() => {
            Err(LineFault::Damaged(Damage::NotJson(e)))
        }
        Err(other) => Err(LineFault::BadRecord(other)),
    }
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

    fn ids(loaded: &Loaded) -> Vec<&str> {
        loaded.runs.iter().map(|r| r.run_id.as_str()).collect()
    }

    fn line_of(run: &Run) -> Vec<u8> {
        let mut line = serde_json::to_vec(run).unwrap();
        line.push(b'\n');
        line
    }

    fn skipping() -> LoadOptions {
        LoadOptions { skip_damaged: true }
    }

    #[test]
    fn torn_last_line_is_skipped_and_nothing_before_it_lost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        append(&path, &sample_run("a")).unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"schema\":1,\"run_id\":\"tor").unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(ids(&loaded), ["a"]);
        assert_eq!(loaded.skipped, 1);
        assert!(
            loaded.warnings[0].contains("history.jsonl:2: skipped a torn last line"),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn a_torn_line_followed_by_a_later_append_is_damaged_unless_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        append(&path, &sample_run("a")).unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"schema\":1,\"run_id\":\"tor").unwrap();
        // The next append starts on its own line, so the torn one is now
        // in the middle.
        append(&path, &sample_run("c")).unwrap();
        let err = load(&path).unwrap_err();
        assert!(
            matches!(
                &err,
                HistoryError::Damaged {
                    line: 2,
                    reason: Damage::NotJson(_),
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("history.jsonl:2: damaged line"),
            "{err}"
        );
        let loaded = load_with(&path, skipping()).unwrap();
        assert_eq!(ids(&loaded), ["a", "c"]);
        assert_eq!(loaded.skipped, 1);
        assert!(loaded.warnings[0].contains("history.jsonl:2: skipped a damaged line"));
    }

    #[test]
    fn a_last_line_cut_inside_a_multibyte_character_is_torn_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = line_of(&sample_run("a"));
        let accented = line_of(&sample_run("r\u{e9}sum\u{e9}"));
        // Cut after the first byte of the two-byte "é".
        let cut = accented.iter().position(|&b| b == 0xC3).unwrap() + 1;
        bytes.extend_from_slice(&accented[..cut]);
        std::fs::write(&path, &bytes).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(ids(&loaded), ["a"]);
        assert_eq!(loaded.skipped, 1);
        assert!(
            loaded.warnings[0].contains(":2: skipped a torn last line (not UTF-8"),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn a_middle_line_that_is_not_utf8_is_an_error_naming_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = line_of(&sample_run("a"));
        bytes.extend_from_slice(b"{\"run_id\": \"\xC3\"}\n");
        bytes.extend_from_slice(&line_of(&sample_run("b")));
        std::fs::write(&path, &bytes).unwrap();
        let err = load(&path).unwrap_err();
        assert!(
            matches!(
                &err,
                HistoryError::Damaged {
                    line: 2,
                    reason: Damage::NotUtf8(_),
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("history.jsonl:2: damaged line: not UTF-8"),
            "{err}"
        );
    }

    #[test]
    fn a_middle_line_that_is_not_json_is_an_error_naming_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = line_of(&sample_run("a"));
        bytes.extend_from_slice(b"\n<<<<<<< HEAD\n");
        bytes.extend_from_slice(&line_of(&sample_run("b")));
        std::fs::write(&path, &bytes).unwrap();
        let err = load(&path).unwrap_err();
        assert!(
            matches!(
                &err,
                HistoryError::Damaged {
                    line: 3,
                    reason: Damage::NotJson(_),
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn an_unreadable_last_line_ending_in_a_newline_is_damaged_not_torn() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = line_of(&sample_run("a"));
        bytes.extend_from_slice(b"{\"schema\":1,\"run_id\":\"tor\n");
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            load(&path),
            Err(HistoryError::Damaged { line: 2, .. })
        ));
    }

    #[test]
    fn skip_damaged_skips_every_damaged_line_with_a_warning_and_counts_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = line_of(&sample_run("a"));
        bytes.extend_from_slice(b"\xFF\xFE\n");
        bytes.extend_from_slice(&line_of(&sample_run("b")));
        bytes.extend_from_slice(b"{\"schema\"\n");
        bytes.extend_from_slice(&line_of(&sample_run("c")));
        bytes.extend_from_slice(b"{\"sch");
        std::fs::write(&path, &bytes).unwrap();
        let loaded = load_with(&path, skipping()).unwrap();
        assert_eq!(ids(&loaded), ["a", "b", "c"]);
        assert_eq!(loaded.skipped, 3);
        let lines: Vec<_> = loaded
            .warnings
            .iter()
            .map(|w| {
                w.split(": skipped")
                    .next()
                    .unwrap()
                    .rsplit(':')
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(lines, ["2", "4", "6"], "{:?}", loaded.warnings);
        assert!(loaded.warnings.iter().all(|w| w.contains("history.jsonl:")));
    }

    #[test]
    fn skip_damaged_does_not_skip_a_bad_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = line_of(&sample_run("a"));
        bytes.extend_from_slice(b"{\"schema\": 7}\n");
        bytes.extend_from_slice(&line_of(&sample_run("b")));
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            load_with(&path, skipping()),
            Err(HistoryError::BadRecord { line: 2, .. })
        ));
    }

    #[test]
    fn a_leading_byte_order_mark_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = BOM.to_vec();
        bytes.extend_from_slice(&line_of(&sample_run("a")));
        bytes.extend_from_slice(&line_of(&sample_run("b")));
        std::fs::write(&path, &bytes).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(ids(&loaded), ["a", "b"]);
        assert!(loaded.warnings.is_empty());
        assert_eq!(loaded.skipped, 0);
    }

    #[test]
    fn blank_lines_are_ignored_and_not_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = b"\n  \r\n".to_vec();
        bytes.extend_from_slice(&line_of(&sample_run("a")));
        bytes.extend_from_slice(b"\t\n\n \r");
        std::fs::write(&path, &bytes).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(ids(&loaded), ["a"]);
        assert!(loaded.warnings.is_empty());
        assert_eq!(loaded.skipped, 0);
    }

    #[test]
    fn a_complete_last_record_without_its_newline_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = line_of(&sample_run("a"));
        bytes.extend_from_slice(serde_json::to_string(&sample_run("b")).unwrap().as_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let loaded = load(&path).unwrap();
        assert_eq!(ids(&loaded), ["a", "b"]);
        assert!(loaded.warnings.is_empty());
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
