//! The JSON-lines history: appends, torn and damaged lines, locking.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use super::*;
use crate::model::{Run, read_run};

fn sample_run(id: &str) -> Run {
    let text = include_str!("../../tests/data/model/run.v1.json");
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
    let mut bytes = jsonl::BOM.to_vec();
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
        err.to_string()
            .ends_with("history.jsonl: no runs recorded (only 1 torn or damaged line(s), skipped)"),
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
