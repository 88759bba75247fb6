//! The JSON-lines history: append-only, one [`Run`] per line (a history
//! path ending in `.jsonl`; the store's index segments are read and
//! appended by the same code).
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

use super::{Appended, Damage, HistoryError, LoadOptions, Loaded, io};
use crate::model::{Run, RunError, read_run, read_run_header};

/// Appends one run as one line, after checking it ([`Run::validate`]).
///
/// Under the lock, a last line without its newline is either a complete
/// record (kept, and the new one starts on a fresh line) or the torn tail
/// of an append that was killed: every writer holds the lock for the
/// whole of its write, so nobody is still writing it. A torn tail is
/// copied to `<history>.torn` (synced) and cut from the history, so that
/// it never ends up in the middle of the file, where it would be damage.
pub(super) fn append(path: &Path, run: &Run) -> Result<Appended, HistoryError> {
    run.validate().map_err(|source| HistoryError::Invalid {
        path: path.to_path_buf(),
        run_id: run.run_id.clone(),
        source,
    })?;
    append_line(path, run, read_run)
}

/// Appends a store's index line: `run` listed without its measurements
/// (see [`append`]).
pub(super) fn append_listed(path: &Path, run: &Run) -> Result<Appended, HistoryError> {
    run.validate_header()
        .map_err(|source| HistoryError::Invalid {
            path: path.to_path_buf(),
            run_id: run.run_id.clone(),
            source,
        })?;
    append_line(path, run, read_run_header)
}

/// How a line's text becomes a run: [`read_run`], or
/// [`read_run_header`] for a store's index lines.
type Parse = fn(&str) -> Result<Run, RunError>;

fn append_line(path: &Path, run: &Run, parse: Parse) -> Result<Appended, HistoryError> {
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
        Some((start, tail)) if matches!(read_line(&tail, parse), Err(LineFault::Damaged(_))) => {
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

/// Reads every run. A missing file is an empty history; a leading UTF-8
/// byte-order mark and blank lines are ignored. A torn last line (no
/// newline after it, not UTF-8 or not complete JSON) is skipped with a
/// warning. Any other such line is [`HistoryError::Damaged`], or skipped
/// with a warning when `options.skip_damaged` is set. A line that is
/// JSON but not a valid run (a newer schema, a negative time) is always
/// [`HistoryError::BadRecord`].
pub(super) fn load_with(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    Ok(read_lines(path, options, read_run)?.unwrap_or_default())
}

/// Reads a store's index segment as [`load_with`] reads a history; its
/// runs are listed without their measurements.
pub(super) fn load_listed(path: &Path, options: LoadOptions) -> Result<Loaded, HistoryError> {
    Ok(read_lines(path, options, read_run_header)?.unwrap_or_default())
}

/// Reads every run as [`load_with`] describes; `None` when the file is
/// missing.
pub(super) fn read_history(
    path: &Path,
    options: LoadOptions,
) -> Result<Option<Loaded>, HistoryError> {
    read_lines(path, options, read_run)
}

fn read_lines(
    path: &Path,
    options: LoadOptions,
    parse: Parse,
) -> Result<Option<Loaded>, HistoryError> {
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
        match read_line(piece, parse) {
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
pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why one line did not yield a run.
#[derive(Debug)]
enum LineFault {
    /// Unreadable: not UTF-8 or not complete JSON.
    Damaged(Damage),
    /// JSON, but not a valid run record.
    BadRecord(RunError),
}

/// Reads one line (without its newline): `None` for a blank line.
fn read_line(bytes: &[u8], parse: Parse) -> Result<Option<Run>, LineFault> {
    let text = std::str::from_utf8(bytes).map_err(|e| LineFault::Damaged(Damage::NotUtf8(e)))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    match parse(text) {
        Ok(run) => Ok(Some(run)),
        Err(RunError::Json(e)) if e.is_eof() || e.is_syntax() => {
            Err(LineFault::Damaged(Damage::NotJson(e)))
        }
        Err(other) => Err(LineFault::BadRecord(other)),
    }
}
