//! The history: append-only JSON lines, one [`Run`] per line (default
//! `reports/history.jsonl`).
//!
//! Each append checks the run ([`Run::validate`]), takes an exclusive
//! lock on the file (std `File::lock`), writes the whole line with one
//! `write` on a file opened for appending and syncs it. A crash can still
//! leave a torn last line; the next append moves it to `<history>.torn`
//! and cuts it (the only bytes ever removed), so that a torn record never
//! ends up in the middle of the file.
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
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use crate::model::{InvalidRun, Run, RunError, read_run};

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
    /// A run that breaks a rule of [`Run::validate`] is never appended.
    #[error("{path}: refusing to append run {run_id:?}: {source}")]
    Invalid {
        /// The history file.
        path: PathBuf,
        /// The run's id.
        run_id: String,
        /// The rule it breaks.
        source: InvalidRun,
    },
    /// There is no run to read: the file is missing or empty, or every
    /// line in it was skipped. Every command that judges or shows the
    /// history's runs stops with this one message.
    #[error("{path}: no runs recorded ({why})")]
    NoRuns {
        /// The history file.
        path: PathBuf,
        /// Why nothing could be read.
        why: NoRuns,
    },
}

/// Why a history holds no run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NoRuns {
    /// The file does not exist.
    #[error("file is missing")]
    Missing,
    /// Zero bytes, or only blank lines.
    #[error("file is empty")]
    Empty,
    /// Every line was skipped as torn or damaged.
    #[error("only {0} torn or damaged line(s), skipped")]
    AllSkipped(usize),
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
    /// The 1-based numbers of the skipped lines, in file order.
    pub skipped_lines: Vec<usize>,
}

fn io(path: &Path, what: &str, e: std::io::Error) -> HistoryError {
    HistoryError::Io {
        path: path.to_path_buf(),
        message: format!("{what}: {e}"),
    }
}

/// What [`append`] did besides appending.
#[derive(Debug, Default)]
pub struct Appended {
    /// A note when a torn last line, left by an interrupted append, was
    /// moved out of the way (see [`append`]).
    pub warning: Option<String>,
}

/// Appends one run as one line, after checking it ([`Run::validate`]).
///
/// Under the lock, a last line without its newline is either a complete
/// record (kept, and the new one starts on a fresh line) or the torn tail
/// of an append that was killed: every writer holds the lock for the
/// whole of its write, so nobody is still writing it. A torn tail is
/// copied to `<history>.torn` (synced) and cut from the history, so that
/// it never ends up in the middle of the file, where it would be damage.
pub fn append(path: &Path, run: &Run) -> Result<Appended, HistoryError> {
    run.validate().map_err(|source| HistoryError::Invalid {
        path: path.to_path_buf(),
        run_id: run.run_id.clone(),
        source,
    })?;
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
    let mut appended = Appended::default();
    match last_line(&mut file).map_err(|e| io(path, "cannot read", e))? {
        None => {}
        Some((start, tail)) if matches!(read_line(&tail), Err(LineFault::Damaged(_))) => {
            appended.warning = Some(set_aside(path, &file, start, &tail)?);
        }
        // A complete record (or a bad one, which reading reports with its
        // line) is kept; the new record starts on a fresh line.
        Some(_) => line.insert(0, '\n'),
    }
    file.write_all(line.as_bytes())
        .map_err(|e| io(path, "cannot append", e))?;
    file.sync_all().map_err(|e| io(path, "cannot sync", e))?;
    file.unlock().map_err(|e| io(path, "cannot unlock", e))?;
    Ok(appended)
}

/// Where [`append`] keeps the torn tails it cuts from `path`.
pub fn torn_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    name.push(".torn");
    path.with_file_name(name)
}

/// Copies the torn tail `tail` (which starts at byte `start` of the
/// locked `file`) to [`torn_path`], then cuts it from the history.
fn set_aside(path: &Path, file: &File, start: u64, tail: &[u8]) -> Result<String, HistoryError> {
    let torn = torn_path(path);
    let mut copy = OpenOptions::new()
        .append(true)
        .create(true)
        .open(&torn)
        .map_err(|e| io(&torn, "cannot open", e))?;
    copy.write_all(tail)
        .and_then(|()| copy.write_all(b"\n"))
        .and_then(|()| copy.sync_all())
        .map_err(|e| io(&torn, "cannot write", e))?;
    file.set_len(start)
        .and_then(|()| file.sync_all())
        .map_err(|e| io(path, "cannot cut the torn last line", e))?;
    Ok(format!(
        "{}: moved a torn last line ({} bytes, left by an interrupted append) to {}",
        path.display(),
        tail.len(),
        torn.display()
    ))
}

/// The last line of `file` when the file does not end with a newline: its
/// start offset and bytes. `None` for an empty file or one ending in a
/// newline. Reads backwards in blocks, so only the tail is read.
fn last_line(file: &mut File) -> std::io::Result<Option<(u64, Vec<u8>)>> {
    const BLOCK: u64 = 64 * 1024;
    let len = file.metadata()?.len();
    let mut tail: Vec<u8> = Vec::new();
    let mut end = len;
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let mut block = vec![0; (end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut block)?;
        if end == len && block.last() == Some(&b'\n') {
            return Ok(None);
        }
        if let Some(nl) = block.iter().rposition(|&b| b == b'\n') {
            block.drain(..=nl);
            block.extend_from_slice(&tail);
            return Ok(Some((start + nl as u64 + 1, block)));
        }
        block.extend_from_slice(&tail);
        tail = block;
        end = start;
    }
    Ok((len > 0).then_some((0, tail)))
}

/// Reads every run with the default [`LoadOptions`]: a missing file is an
/// empty history, a torn last line is skipped with a warning, and any other
/// damaged line is an error.
pub fn load(path: &Path) -> Result<Loaded, HistoryError> {
    load_with(path, LoadOptions::default())
}

/// Reads every run like [`load_with`], but a history with no run in it
/// (missing, empty, or only torn or damaged lines) is
/// [`HistoryError::NoRuns`]: the one check every command that needs runs
/// from the history makes, so that they all fail alike.
pub fn load_runs(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    let no_runs = |why| HistoryError::NoRuns {
        path: path.to_path_buf(),
        why,
    };
    let Some(loaded) = read_history(path, options)? else {
        return Err(no_runs(NoRuns::Missing));
    };
    match (loaded.runs.is_empty(), loaded.skipped) {
        (false, _) => Ok(loaded),
        (true, 0) => Err(no_runs(NoRuns::Empty)),
        (true, n) => Err(no_runs(NoRuns::AllSkipped(n))),
    }
}

/// Reads every run. A missing file is an empty history; a leading UTF-8
/// byte-order mark and blank lines are ignored. A torn last line (no
/// newline after it, not UTF-8 or not complete JSON) is skipped with a
/// warning. Any other such line is [`HistoryError::Damaged`], or skipped
/// with a warning when `options.skip_damaged` is set. A line that is
/// JSON but not a valid run (a newer schema, a negative time) is always
/// [`HistoryError::BadRecord`].
pub fn load_with(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    Ok(read_history(path, options)?.unwrap_or_default())
}

/// Reads every run as [`load_with`] describes; `None` when the file is
/// missing.
fn read_history(path: &Path, options: LoadOptions) -> Result<Option<Loaded>, HistoryError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
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
                loaded.skipped_lines.push(line);
                loaded.warnings.push(format!(
                    "{}:{line}: skipped a torn last line ({reason})",
                    path.display()
                ));
            }
            Err(LineFault::Damaged(reason)) if options.skip_damaged => {
                loaded.skipped += 1;
                loaded.skipped_lines.push(line);
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
    Ok(Some(loaded))
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
    fn the_next_append_moves_a_torn_last_line_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        append(&path, &sample_run("a")).unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"schema\":1,\"run_id\":\"tor").unwrap();
        let appended = append(&path, &sample_run("c")).unwrap();
        let warning = appended.warning.unwrap();
        assert!(
            warning.contains("moved a torn last line (25 bytes"),
            "{warning}"
        );
        let loaded = load(&path).unwrap();
        assert_eq!(ids(&loaded), ["a", "c"]);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert_eq!(
            std::fs::read(torn_path(&path)).unwrap(),
            b"{\"schema\":1,\"run_id\":\"tor\n"
        );
        // A complete last record without its newline is kept.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(serde_json::to_string(&sample_run("d")).unwrap().as_bytes())
            .unwrap();
        assert!(append(&path, &sample_run("e")).unwrap().warning.is_none());
        assert_eq!(ids(&load(&path).unwrap()), ["a", "c", "d", "e"]);
    }

    #[test]
    fn a_torn_line_in_the_middle_is_damaged_unless_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut bytes = line_of(&sample_run("a"));
        bytes.extend_from_slice(b"{\"schema\":1,\"run_id\":\"tor\n");
        bytes.extend_from_slice(&line_of(&sample_run("c")));
        std::fs::write(&path, &bytes).unwrap();
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
    fn a_record_cut_at_any_byte_loses_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut earlier = line_of(&sample_run("a"));
        earlier.extend_from_slice(&line_of(&sample_run("b")));
        let mut last = sample_run("ünïcödé 🚀");
        last.measurements[0].bench = crate::model::BenchId::parse("ünïcödé/🚀/w5").unwrap();
        let record = line_of(&last);
        // Every cut inside the last record, newline excluded: the earlier
        // runs read back whole, with one warning about the torn line.
        for cut in 1..record.len() - 1 {
            let mut bytes = earlier.clone();
            bytes.extend_from_slice(&record[..cut]);
            std::fs::write(&path, &bytes).unwrap();
            let loaded = load(&path).unwrap();
            assert_eq!(ids(&loaded), ["a", "b"], "cut at {cut}");
            assert_eq!(loaded.warnings.len(), 1, "cut at {cut}");
            assert!(loaded.warnings[0].contains(":3: skipped a torn last line"));
            // And the next append sets it aside and reads back whole.
            append(&path, &sample_run("c")).unwrap();
            let loaded = load(&path).unwrap();
            assert_eq!(ids(&loaded), ["a", "b", "c"], "cut at {cut}");
            assert!(loaded.warnings.is_empty(), "cut at {cut}");
        }
        // Only the newline missing: the record is whole and kept.
        let mut bytes = earlier.clone();
        bytes.extend_from_slice(&record[..record.len() - 1]);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(ids(&load(&path).unwrap()), ["a", "b", "ünïcödé 🚀"]);
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
    fn load_runs_names_why_a_history_has_no_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let why = |path: &Path| match load_runs(path, LoadOptions::default()) {
            Err(HistoryError::NoRuns { why, .. }) => Some(why),
            Ok(_) => None,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(why(&path), Some(NoRuns::Missing));
        std::fs::write(&path, "").unwrap();
        assert_eq!(why(&path), Some(NoRuns::Empty));
        std::fs::write(&path, b"\xEF\xBB\xBF\n \n").unwrap();
        assert_eq!(why(&path), Some(NoRuns::Empty));
        std::fs::write(&path, b"{\"schema\":1,\"ru").unwrap();
        assert_eq!(why(&path), Some(NoRuns::AllSkipped(1)));
        let err = load_runs(&path, LoadOptions::default()).unwrap_err();
        assert!(
            err.to_string().ends_with(
                "history.jsonl: no runs recorded (only 1 torn or damaged line(s), skipped)"
            ),
            "{err}"
        );
        std::fs::remove_file(&path).unwrap();
        append(&path, &sample_run("a")).unwrap();
        assert_eq!(why(&path), None);
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
