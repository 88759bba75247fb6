//! Entry points for the fuzz targets in `fuzz/`: each file parser of the
//! harness fed with arbitrary bytes. The parsers read paths, so the bytes
//! are written to a scratch folder of this process first and the parser is
//! called on that path, exactly as the commands call it.
//!
//! Each function returns the scratch folder's I/O error outside and the
//! parser's own typed result inside.

use std::io;
use std::path::PathBuf;

use crate::collect::{CollectError, criterion, gungraun, heap};
use crate::history::{self, HistoryError, LoadOptions, Loaded};
use crate::model::Measurement;
use crate::targets::{Targets, TargetsError};

/// Separates the three files of a Criterion bench folder in one input:
/// 0xFF never occurs in UTF-8, so JSON seeds never hold it.
pub const SPLIT: u8 = 0xFF;

/// A scratch folder for this process and thread, created on first use.
/// The files in it are the parser's input, rewritten on each call; no
/// reader but the parser sees them, so they are written in place.
fn scratch() -> io::Result<PathBuf> {
    let dir = std::env::temp_dir()
        .join(format!(
            "harness-fuzz-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ))
        .join("");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn file(name: &str, data: &[u8]) -> io::Result<PathBuf> {
    let path = scratch()?.join(name);
    std::fs::write(&path, data)?;
    Ok(path)
}

/// The history reader on `data` as a history file, with damaged lines
/// failing the load or skipped.
pub fn history(data: &[u8], skip_damaged: bool) -> io::Result<Result<Loaded, HistoryError>> {
    let path = file("history.jsonl", data)?;
    Ok(history::load_with(&path, LoadOptions { skip_damaged }))
}

/// The Criterion reader on one bench folder whose `new/benchmark.json`,
/// `new/estimates.json` and `new/sample.json` are `data`'s parts split at
/// [`SPLIT`] (missing parts are missing files).
pub fn criterion(data: &[u8]) -> io::Result<Result<criterion::CriterionBench, CollectError>> {
    let bench = scratch()?.join("criterion");
    let new = bench.join("new");
    std::fs::create_dir_all(&new)?;
    let mut parts = data.splitn(3, |&b| b == SPLIT);
    for name in ["benchmark.json", "estimates.json", "sample.json"] {
        let path = new.join(name);
        match parts.next() {
            Some(part) => std::fs::write(&path, part)?,
            None => match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            },
        }
    }
    Ok(criterion::read_bench(&bench))
}

/// The gungraun reader on `data` as one `summary.json`.
pub fn gungraun(data: &[u8]) -> io::Result<Result<Measurement, CollectError>> {
    let path = file("summary.json", data)?;
    Ok(gungraun::read_summary(&path))
}

/// The heap reader on `data` as `heap.json`.
pub fn heap(data: &[u8]) -> io::Result<Result<Vec<Measurement>, CollectError>> {
    let path = file("heap.json", data)?;
    Ok(heap::collect(&path))
}

/// `targets.toml` loaded from `data`.
pub fn targets(data: &[u8]) -> io::Result<Result<Targets, TargetsError>> {
    let path = file("targets.toml", data)?;
    Ok(Targets::load(&path))
}
