//! The history store: a directory that grows by one file per run.
//!
//! ```text
//! <store>/runs/<YYYY-MM>/<run id>.run   the whole run, packed (see pack.rs)
//! <store>/index/<YYYY-MM-DD>.jsonl      one line per run: the run without
//!                                       its measurements
//! <store>/lock, <store>/pending          local only (listed in .gitignore)
//! <store>/.gitattributes                 index segments merge by union
//! ```
//!
//! Month and day are the run's own (`time`), so run files and index
//! segments of different runners never touch the same bytes except by
//! appending lines to the same day's index, which a union merge joins.
//! A segment per day keeps what git stores for each append (a new version
//! of one segment) to one day's lines.
//!
//! An append, under an exclusive lock on `<store>/lock`: records the run
//! file's name in `pending`, writes the run file (temporary name, then
//! rename), appends its index line through the JSON-lines code (one
//! write, synced; a torn index line is set aside as there), then removes
//! `pending`. A crash between leaves `pending` behind: the next append
//! first indexes that run if its file is whole and its line missing
//! (loads only warn, since they take no lock).
//!
//! Judging reads index segments from the newest day back until it has
//! the window's runs, then each of those runs' files: the newest whole,
//! the others with each sample replaced by its summary (what judging
//! reads of an older run), computed from the samples as it is read. The
//! measurements are stored once, packed in the run file; an index line
//! that still holds them (as stores written before did, with summaries)
//! is read as it is.
//!
//! Why not summaries in the index: as JSON text they weighed more than
//! the packed run file itself (325 bytes per bench per run against 270
//! at 200 benches of 30 samples), and reading the run files of the
//! window is no slower than reading those lines (`history_scale`).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use super::{Appended, HistoryError, LoadOptions, Loaded, io, jsonl, pack, write_atomic};
use crate::model::{Run, summarise};

/// The run-id bytes kept as they are in a file name; any other byte is
/// written `%XX`, so every id has its own name and none is hidden.
fn file_name(run_id: &str) -> String {
    let mut name = String::with_capacity(run_id.len() + 4);
    for (i, b) in run_id.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric() || b"-_".contains(&b) || (b == b'.' && i > 0);
        if plain {
            name.push(char::from(b));
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    name.push_str(".run");
    name
}

/// The run's month, `YYYY-MM` (its time is checked RFC 3339).
fn month(run: &Run) -> &str {
    run.time.get(..7).unwrap_or("0000-00")
}

/// Where `run`'s file lives, relative to the store.
pub(super) fn run_file_path(run: &Run) -> PathBuf {
    Path::new("runs")
        .join(month(run))
        .join(file_name(&run.run_id))
}

/// The index segment `run` is listed in: its day's.
fn segment(dir: &Path, run: &Run) -> PathBuf {
    let day = run.time.get(..10).unwrap_or("0000-00-00");
    dir.join("index").join(format!("{day}.jsonl"))
}

/// `run` as its index line holds it: without its measurements.
fn index_line(run: &Run) -> Run {
    Run {
        measurements: Vec::new(),
        ..run.clone()
    }
}

/// `run` as judging reads an older run: each sample replaced by its
/// summary.
pub(super) fn summarised(mut run: Run) -> Run {
    for m in &mut run.measurements {
        if let Some(s) = m.samples.take() {
            m.summary = Some(summarise(&s));
        }
    }
    run
}

/// Appends `run`: its file, then its index line (see the module doc).
pub(super) fn append(dir: &Path, run: &Run) -> Result<Appended, HistoryError> {
    run.validate().map_err(|source| HistoryError::Invalid {
        path: dir.to_path_buf(),
        run_id: run.run_id.clone(),
        source,
    })?;
    std::fs::create_dir_all(dir).map_err(|e| io(dir, "cannot create folder", e))?;
    let lock_path = dir.join("lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| io(&lock_path, "cannot open", e))?;
    lock.lock().map_err(|e| io(&lock_path, "cannot lock", e))?;
    // The lock and the journal are this machine's; git never needs them.
    // Index segments only gain lines, so git's union merge joins two
    // runners' appends to the same day without a conflict.
    for (name, text) in [
        (".gitignore", &b"lock\npending\n.*.tmp\n"[..]),
        (".gitattributes", b"index/*.jsonl merge=union\n"),
    ] {
        let path = dir.join(name);
        if !path.exists() {
            write_atomic(&path, text)?;
        }
    }
    let mut warnings: Vec<String> = repair(dir)?.into_iter().collect();
    let rel = run_file_path(run);
    let file = dir.join(&rel);
    if file.exists() {
        return Err(HistoryError::Duplicate {
            path: file,
            run_id: run.run_id.clone(),
        });
    }
    let bytes = pack::encode(run).map_err(|e| HistoryError::Io {
        path: file.clone(),
        message: format!("cannot encode run: {e}"),
    })?;
    let pending = dir.join("pending");
    write_atomic(&pending, rel.to_string_lossy().as_bytes())?;
    write_atomic(&file, &bytes)?;
    warnings.extend(jsonl::append_listed(&segment(dir, run), &index_line(run))?.warning);
    std::fs::remove_file(&pending).map_err(|e| io(&pending, "cannot remove", e))?;
    lock.unlock()
        .map_err(|e| io(&lock_path, "cannot unlock", e))?;
    Ok(Appended {
        warning: (!warnings.is_empty()).then(|| warnings.join("\n")),
    })
}

/// The run an interrupted append left in `pending`, if any: its path.
fn pending(dir: &Path) -> Result<Option<PathBuf>, HistoryError> {
    let path = dir.join("pending");
    match std::fs::read_to_string(&path) {
        Ok(rel) => Ok(Some(dir.join(rel.trim()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(&path, "cannot read", e)),
    }
}

/// Under the lock: indexes the run an interrupted append wrote but did
/// not index, and clears `pending`. A run file that was never finished
/// was never renamed into place, so there is nothing to index.
fn repair(dir: &Path) -> Result<Option<String>, HistoryError> {
    let Some(file) = pending(dir)? else {
        return Ok(None);
    };
    let mut note = None;
    if file.exists() {
        let run = read_run_file(&file)?;
        let seg = segment(dir, &run);
        let listed = jsonl::load_listed(&seg, LoadOptions::default())?
            .runs
            .iter()
            .any(|r| r.run_id == run.run_id);
        if !listed {
            jsonl::append_listed(&seg, &index_line(&run))?;
            note = Some(format!(
                "{}: indexed run {:?}, written by an interrupted append",
                dir.display(),
                run.run_id
            ));
        }
    }
    let path = dir.join("pending");
    std::fs::remove_file(&path).map_err(|e| io(&path, "cannot remove", e))?;
    Ok(note)
}

/// Reads one run file.
pub(super) fn read_run_file(path: &Path) -> Result<Run, HistoryError> {
    let bytes = std::fs::read(path).map_err(|e| HistoryError::RunFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    pack::decode(&bytes).map_err(|e| HistoryError::RunFile {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// The full run behind an index line.
fn full(dir: &Path, listed: &Run) -> Result<Run, HistoryError> {
    let path = dir.join(run_file_path(listed));
    same_run(&path, listed, read_run_file(&path)?)
}

/// `run`, read from `path`, when it is the run `listed` names; a file
/// holding another run (copied or renamed by hand) is an error naming it.
fn same_run(path: &Path, listed: &Run, run: Run) -> Result<Run, HistoryError> {
    if run.run_id == listed.run_id {
        Ok(run)
    } else {
        Err(HistoryError::RunFile {
            path: path.to_path_buf(),
            reason: format!(
                "holds run {:?}, but the index lists {:?} there",
                run.run_id, listed.run_id
            ),
        })
    }
}

/// The run behind an index line as judging reads an older run: each
/// sample replaced by its summary.
fn summary_of(dir: &Path, listed: &Run) -> Result<Run, HistoryError> {
    let path = dir.join(run_file_path(listed));
    let bytes = std::fs::read(&path).map_err(|e| HistoryError::RunFile {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    let run = pack::decode_summarised(&bytes).map_err(|e| HistoryError::RunFile {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    same_run(&path, listed, summarised(run))
}

/// The index segments, oldest day first.
fn segments(dir: &Path) -> Result<Vec<PathBuf>, HistoryError> {
    let index = dir.join("index");
    let entries = match std::fs::read_dir(&index) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(&index, "cannot list", e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "jsonl")
                && !p
                    .file_name()
                    .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
        })
        .collect();
    paths.sort();
    Ok(paths)
}

fn absorb(into: &mut Loaded, from: &mut Loaded) {
    into.warnings.append(&mut from.warnings);
    into.skipped += from.skipped;
    into.skipped_lines.append(&mut from.skipped_lines);
}

fn warn_pending(dir: &Path, loaded: &mut Loaded) -> Result<(), HistoryError> {
    if let Some(file) = pending(dir)? {
        loaded.warnings.push(format!(
            "{}: an interrupted append left {} possibly unindexed; the next append indexes it",
            dir.display(),
            file.display()
        ));
    }
    Ok(())
}

/// Reads the store: the newest `window` runs from the index (the last
/// one in full), or with no window every run in full. `None` when the
/// store does not exist.
pub(super) fn read(
    dir: &Path,
    options: LoadOptions,
    window: Option<usize>,
) -> Result<Option<Loaded>, HistoryError> {
    if !dir.exists() {
        return Ok(None);
    }
    let Some(window) = window else {
        let mut runs = Vec::new();
        let mut loaded = for_each_run(dir, options, &mut |run| {
            runs.push(run);
            Ok(())
        })?;
        loaded.runs = runs;
        return Ok(Some(loaded));
    };
    let mut loaded = Loaded::default();
    let mut parts = Vec::new();
    let mut count = 0;
    for seg in segments(dir)?.iter().rev() {
        if count >= window {
            break;
        }
        let mut part = jsonl::load_listed(seg, options)?;
        absorb(&mut loaded, &mut part);
        count += part.runs.len();
        parts.push(part.runs);
    }
    let mut listed: Vec<Run> = parts.into_iter().rev().flatten().collect();
    listed.drain(..listed.len().saturating_sub(window));
    let newest = listed.pop();
    // Runs whose files are damaged: an error naming the file, or with
    // `--skip-damaged` skipped with a warning naming it.
    for (r, read) in listed.iter().zip(summaries(dir, &listed)) {
        match read {
            Ok(run) => loaded.runs.push(run),
            // Not counted in `skipped`, which counts lines.
            Err(e @ HistoryError::RunFile { .. }) if options.skip_damaged => loaded
                .warnings
                .push(format!("skipped run {:?}: {e}", r.run_id)),
            Err(e) => return Err(e),
        }
    }
    if let Some(last) = newest {
        loaded.runs.push(full(dir, &last)?);
    }
    warn_pending(dir, &mut loaded)?;
    Ok(Some(loaded))
}

/// The older runs of the window, `listed` by the index, as judging reads
/// them: from their run files, decoded on every core (each file on its
/// own, in order), or as the index line holds them when it already has
/// their summaries (a store written before index lines were headers).
fn summaries(dir: &Path, listed: &[Run]) -> Vec<Result<Run, HistoryError>> {
    let read = |chunk: &[Run]| -> Vec<Result<Run, HistoryError>> {
        chunk
            .iter()
            .map(|r| {
                if r.measurements.is_empty() {
                    summary_of(dir, r)
                } else {
                    Ok(r.clone())
                }
            })
            .collect()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    if threads == 1 || listed.len() < 64 {
        return read(listed);
    }
    let size = listed.len().div_ceil(threads);
    std::thread::scope(|scope| {
        // A chunk whose thread cannot be started is read on this one.
        let parts: Vec<_> = listed
            .chunks(size)
            .map(|chunk| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || read(chunk))
                    .map_err(|_| chunk)
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|part| match part {
                Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                Err(chunk) => read(chunk),
            })
            .collect()
    })
}

/// Calls `each` on every run, in full, oldest day first and in append
/// order within a day; one segment's index lines in memory at a time.
pub(super) fn for_each_run(
    dir: &Path,
    options: LoadOptions,
    each: &mut dyn FnMut(Run) -> Result<(), HistoryError>,
) -> Result<Loaded, HistoryError> {
    let mut loaded = Loaded::default();
    for seg in segments(dir)? {
        let mut part = jsonl::load_listed(&seg, options)?;
        absorb(&mut loaded, &mut part);
        for listed in &part.runs {
            each(full(dir, listed)?)?;
        }
    }
    warn_pending(dir, &mut loaded)?;
    Ok(loaded)
}
