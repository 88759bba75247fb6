//! The store: appends and loads, the index's torn lines, a run file
//! without its index line, damaged run files, the lock, and the summary
//! judging reads in place of samples.

use std::fs::OpenOptions;
use std::io::Write;

use super::*;
use crate::model::{Run, read_run};

fn sample_run(id: &str) -> Run {
    let mut run = read_run(include_str!("../../tests/data/model/run.v1.json")).unwrap();
    run.run_id = id.to_owned();
    run
}

fn ids(loaded: &Loaded) -> Vec<&str> {
    loaded.runs.iter().map(|r| r.run_id.as_str()).collect()
}

fn only_segment(dir: &Path) -> PathBuf {
    let mut segs: Vec<_> = std::fs::read_dir(dir.join("index"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    assert_eq!(segs.len(), 1, "{segs:?}");
    segs.pop().unwrap()
}

#[test]
fn a_store_appends_and_reads_back_whole_runs_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("reports/history");
    assert!(load(&store).unwrap().runs.is_empty());
    assert!(matches!(
        load_recent_runs(&store, LoadOptions::default()),
        Err(HistoryError::NoRuns {
            why: NoRuns::Missing,
            ..
        })
    ));
    let runs = [sample_run("a"), sample_run("b/../c é")];
    for r in &runs {
        assert!(append(&store, r).unwrap().warning.is_none());
    }
    let loaded = load(&store).unwrap();
    assert_eq!(loaded.runs, runs);
    assert!(loaded.warnings.is_empty());
    // Odd ids stay inside runs/<month>/, one file each.
    let month = store.join("runs").join(&runs[0].time[..7]);
    let mut names: Vec<_> = std::fs::read_dir(&month)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["a.run", "b%2F..%2Fc%20%C3%A9.run"]);
}

#[test]
fn judging_reads_summaries_that_chart_and_gate_like_the_samples() {
    use crate::judge::{chart_statistic, chart_value, statistic};
    use crate::targets::Statistic;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    append(&store, &sample_run("a")).unwrap();
    append(&store, &sample_run("b")).unwrap();
    let recent = load_recent_runs(&store, LoadOptions::default()).unwrap();
    let (old, newest) = (&recent.runs[0], &recent.runs[1]);
    // The newest run is whole; older ones have summaries only.
    assert_eq!(newest, &sample_run("b"));
    let full = sample_run("a");
    for (s, f) in old.measurements.iter().zip(&full.measurements) {
        assert!(s.samples.is_none());
        assert_eq!(s.summary.is_some(), f.samples.is_some());
        assert_eq!(chart_value(s).to_bits(), chart_value(f).to_bits());
        assert_eq!(chart_statistic(s), chart_statistic(f));
        for stat in [
            Statistic::Mean,
            Statistic::Median,
            Statistic::P99,
            Statistic::Max,
            Statistic::Value,
        ] {
            assert_eq!(
                statistic(s, stat).map(f64::to_bits),
                statistic(f, stat).map(f64::to_bits),
                "{stat:?}"
            );
        }
    }
}

#[test]
fn a_torn_index_line_is_skipped_then_set_aside_by_the_next_append() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    append(&store, &sample_run("a")).unwrap();
    let seg = only_segment(&store);
    let mut f = OpenOptions::new().append(true).open(&seg).unwrap();
    f.write_all(b"{\"schema\":1,\"run_id\":\"tor").unwrap();
    let loaded = load_recent(&store, LoadOptions::default()).unwrap();
    assert_eq!(ids(&loaded), ["a"]);
    assert_eq!(loaded.skipped, 1);
    assert!(loaded.warnings[0].contains("skipped a torn last line"));
    let w = append(&store, &sample_run("b")).unwrap().warning.unwrap();
    assert!(w.contains("moved a torn last line"), "{w}");
    assert_eq!(ids(&load(&store).unwrap()), ["a", "b"]);
}

#[test]
fn a_run_file_left_unindexed_by_a_crash_is_indexed_by_the_next_append() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    append(&store, &sample_run("a")).unwrap();
    // What an append killed after writing the run file leaves behind.
    let orphan = sample_run("orphan");
    let rel = store::run_file_path(&orphan);
    std::fs::write(store.join("pending"), rel.to_string_lossy().as_bytes()).unwrap();
    std::fs::write(store.join(&rel), pack::encode(&orphan).unwrap()).unwrap();
    let loaded = load(&store).unwrap();
    assert_eq!(ids(&loaded), ["a"]);
    assert!(
        loaded.warnings[0].contains("possibly unindexed; the next append indexes it"),
        "{:?}",
        loaded.warnings
    );
    let w = append(&store, &sample_run("b")).unwrap().warning.unwrap();
    assert!(w.contains("indexed run \"orphan\""), "{w}");
    let loaded = load(&store).unwrap();
    assert_eq!(ids(&loaded), ["a", "orphan", "b"]);
    assert!(loaded.warnings.is_empty());
    assert!(!store.join("pending").exists());
}

#[test]
fn a_damaged_run_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    let run = sample_run("a");
    append(&store, &run).unwrap();
    append(&store, &sample_run("b")).unwrap();
    let file = store.join(store::run_file_path(&run));
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&file, bytes).unwrap();
    let err = load(&store).unwrap_err();
    assert!(matches!(&err, HistoryError::RunFile { path, .. } if path == &file));
    assert!(
        err.to_string()
            .contains(&format!("{}: damaged run file", file.display())),
        "{err}"
    );
    // Judging reads that run's file too: an error naming it, or with
    // --skip-damaged the run skipped with a warning naming it.
    assert!(matches!(
        load_recent(&store, LoadOptions::default()),
        Err(HistoryError::RunFile { path, .. }) if path == file
    ));
    let skipping = load_recent(&store, LoadOptions { skip_damaged: true }).unwrap();
    assert_eq!(ids(&skipping), ["b"]);
    assert_eq!(skipping.skipped, 0, "counts lines only");
    assert!(
        skipping.warnings[0].contains(&file.display().to_string()),
        "{:?}",
        skipping.warnings
    );
    std::fs::remove_file(&file).unwrap();
    assert!(matches!(
        load(&store),
        Err(HistoryError::RunFile { path, .. }) if path == file
    ));
}

#[test]
fn a_run_id_already_stored_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    append(&store, &sample_run("a")).unwrap();
    let err = append(&store, &sample_run("a")).unwrap_err();
    assert!(matches!(err, HistoryError::Duplicate { ref run_id, .. } if run_id == "a"));
    assert_eq!(ids(&load(&store).unwrap()), ["a"]);
    assert!(!store.join("pending").exists());
}

#[test]
fn concurrent_store_appenders_never_lose_or_mix_runs() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    append(&store, &sample_run(&format!("{t}-{i}"))).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let loaded = load(&store).unwrap();
    assert_eq!(loaded.runs.len(), 80);
    assert!(loaded.warnings.is_empty());
}

#[test]
fn judging_reads_only_the_newest_window_of_runs() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    let jsonl = dir.path().join("h.jsonl");
    for i in 0..5 {
        append(&store, &sample_run(&format!("r{i}"))).unwrap();
        append(&jsonl, &sample_run(&format!("r{i}"))).unwrap();
    }
    for path in [&store, &jsonl] {
        let loaded = read(path, LoadOptions::default(), Some(2))
            .unwrap()
            .unwrap();
        assert_eq!(ids(&loaded), ["r3", "r4"], "{}", path.display());
    }
}

#[test]
fn a_missing_store_beside_a_jsonl_history_resolves_to_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("history");
    assert_eq!(resolve(&store), (store.clone(), None));
    append(&dir.path().join("history.jsonl"), &sample_run("a")).unwrap();
    let (path, hint) = resolve(&store);
    assert_eq!(path, dir.path().join("history.jsonl"));
    assert!(hint.unwrap().contains("harness import history"));
    // Every reader and `append` go to the file; `import` writes the store.
    append(&store, &sample_run("b")).unwrap();
    assert_eq!(ids(&load(&store).unwrap()), ["a", "b"]);
    assert!(!store.exists());
    append_exact(&store, &sample_run("c")).unwrap();
    assert_eq!(resolve(&store), (store.clone(), None));
    assert_eq!(ids(&load(&store).unwrap()), ["c"]);
}

#[test]
fn an_index_line_lists_the_run_and_a_store_with_summaries_in_its_index_still_reads() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    append(&store, &sample_run("a")).unwrap();
    let seg = only_segment(&store);
    let line = std::fs::read_to_string(&seg).unwrap();
    assert!(line.contains("\"measurements\":[]"), "{line}");
    assert!(!line.contains("\"bench\""), "{line}");
    // Run b as a store written before held it: summaries in its index line.
    let b = sample_run("b");
    let file = store.join(store::run_file_path(&b));
    std::fs::write(&file, pack::encode(&b).unwrap()).unwrap();
    jsonl::append(&seg, &store::summarised(b.clone())).unwrap();
    append(&store, &sample_run("c")).unwrap();
    let recent = load_recent(&store, LoadOptions::default()).unwrap();
    assert_eq!(ids(&recent), ["a", "b", "c"]);
    assert_eq!(recent.runs[1], store::summarised(b.clone()));
    assert_eq!(recent.runs[0], store::summarised(sample_run("a")));
    assert_eq!(load(&store).unwrap().runs[1], b);
}

#[test]
fn a_run_file_holding_another_run_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("h");
    for id in ["a", "b", "c"] {
        append(&store, &sample_run(id)).unwrap();
    }
    let a = store.join(store::run_file_path(&sample_run("a")));
    let b = store.join(store::run_file_path(&sample_run("b")));
    std::fs::copy(&b, &a).unwrap();
    let err = load_recent(&store, LoadOptions::default()).unwrap_err();
    assert!(
        matches!(&err, HistoryError::RunFile { path, .. } if path == &a),
        "{err}"
    );
    assert!(err.to_string().contains("holds run \"b\""), "{err}");
}
