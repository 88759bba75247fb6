use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::model::{GitInfo, read_run};

const HASH_A: &str = "3e0cafb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7";
const HASH_B: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// The example of the module documentation.
const DOCUMENTED: &str = r#"# Reviewed performance changes: from `since` on, the matching series are
# judged from their new level.
[[accepted]]
bench = "ntu/observe/*"          # bench id or glob (as in targets.toml: * within a segment, ** across)
metric = "wall_time_ns"          # optional; absent = every metric
since = "3e0cafb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7"   # full commit hash
since_time = 1763779000          # that commit's time, seconds since the epoch
reason = "window sums now exact; +4 % accepted"
accepted_at = "2026-12-04T21:00:00Z"   # RFC 3339 UTC, when the entry was written
"#;

fn parse(text: &str) -> Result<Accepted, AcceptedError> {
    Accepted::parse(text, Path::new("baselines/accepted.toml"))
}

fn entry(bench: &str, metric: Option<Metric>, since: &str, reason: &str) -> Acceptance {
    Acceptance {
        bench: Pattern::new(bench),
        metric,
        since: since.to_owned(),
        since_time: 1_763_779_000,
        reason: reason.to_owned(),
        accepted_at: "2026-12-04T21:00:00Z".to_owned(),
    }
}

fn run_at(commit: Option<(&str, i64)>) -> Run {
    let mut run = read_run(include_str!("../../tests/data/model/run.v1.json")).unwrap();
    run.git = commit.map(|(c, t)| GitInfo {
        commit: c.to_owned(),
        branch: None,
        dirty: false,
        commit_time: t,
        shallow: false,
    });
    run
}

#[test]
fn documented_example_loads() {
    let a = parse(DOCUMENTED).unwrap();
    let e = &a.entries[0];
    assert_eq!(a.entries.len(), 1);
    assert_eq!(e.bench.as_str(), "ntu/observe/*");
    assert_eq!(e.metric, Some(Metric::WallTime));
    assert_eq!((e.since.as_str(), e.since_time), (HASH_A, 1_763_779_000));
    assert_eq!(e.reason, "window sums now exact; +4 % accepted");
}

#[test]
fn a_missing_file_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let a = Accepted::load(&dir.path().join("baselines/accepted.toml")).unwrap();
    assert!(a.entries.is_empty());
    assert!(
        parse("# nothing accepted yet\n")
            .unwrap()
            .entries
            .is_empty()
    );
}

const HOSTILE: [&str; 8] = [
    "quotes \" and ' and \"\"\" and '''",
    "two\nlines\r\nand a lone \r here",
    "]]\n[[accepted]]\nbench = \"x\"",
    "back\\slash \\n not a newline, \\u0041",
    "tab\tcontrol \u{1} \u{7f} nul \u{0}",
    "# not a comment = true",
    "unicode: naïve — 速度 🚀",
    "  surrounding spaces kept  ",
];

#[test]
fn entries_round_trip_including_hostile_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("baselines/accepted.toml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, DOCUMENTED).unwrap();
    for (i, reason) in HOSTILE.iter().enumerate() {
        let metric = (i % 2 == 0).then(|| Metric::Other("cache misses".into()));
        Accepted::append(&path, &entry("ntu/**", metric, HASH_B, reason)).unwrap();
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with(DOCUMENTED),
        "existing text and comments kept"
    );
    let a = Accepted::load(&path).unwrap();
    assert_eq!(a.entries.len(), 1 + HOSTILE.len());
    for (i, (e, reason)) in a.entries[1..].iter().zip(HOSTILE).enumerate() {
        assert_eq!(e.reason, reason);
        assert_eq!(e.bench.as_str(), "ntu/**");
        assert_eq!(e.metric.is_some(), i % 2 == 0);
        assert_eq!((e.since.as_str(), e.since_time), (HASH_B, 1_763_779_000));
        assert_eq!(e.accepted_at, "2026-12-04T21:00:00Z");
    }
}

#[test]
fn appending_to_a_new_file_writes_the_header_comment() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accepted.toml");
    Accepted::append(&path, &entry("ntu/observe/w5", None, HASH_A, "ok")).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# Reviewed performance changes"), "{text}");
    assert!(
        !text.contains("metric"),
        "an absent metric is not written: {text}"
    );
    assert_eq!(Accepted::load(&path).unwrap().entries.len(), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_reason_round_trips(reason in "\\PC*[^ \t\r\n]\\PC*|(.|\n|\r|\u{0})*x") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accepted.toml");
        Accepted::append(&path, &entry("a/b", None, HASH_A, &reason)).unwrap();
        let a = Accepted::load(&path).unwrap();
        prop_assert_eq!(&a.entries[0].reason, &reason);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn damaged_files_are_errors_never_panics(at in 0..DOCUMENTED.len(), junk in "\\PC{0,12}|[\\[\\]\"'=#\n]{1,6}") {
        let mut text = DOCUMENTED.to_owned();
        let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text.insert_str(at, &junk);
        let _ = parse(&text);
    }
}

#[test]
fn last_entry_wins_in_find() {
    let a = Accepted {
        entries: vec![
            entry("ntu/observe/*", None, HASH_A, "first"),
            entry("ntu/observe/w5", Some(Metric::WallTime), HASH_B, "second"),
            entry("gossip/**", None, HASH_B, "other"),
        ],
    };
    let found = |b, m| a.find(b, &m).map(|e| e.reason.as_str());
    assert_eq!(found("ntu/observe/w5", Metric::WallTime), Some("second"));
    assert_eq!(found("ntu/observe/w5", Metric::Instructions), Some("first"));
}

#[test]
fn globs_and_metrics_select_the_series() {
    let a = Accepted {
        entries: vec![
            entry("ntu/observe/*", Some(Metric::Instructions), HASH_A, "ir"),
            entry("gossip/**", None, HASH_B, "all"),
        ],
    };
    let found = |b, m| a.find(b, &m).map(|e| e.reason.as_str());
    assert_eq!(found("ntu/observe/w5", Metric::Instructions), Some("ir"));
    assert_eq!(found("ntu/observe/w5", Metric::WallTime), None);
    assert_eq!(found("ntu/observe/w5/deep", Metric::Instructions), None);
    assert_eq!(found("gossip/merge/w16", Metric::HeapBytes), Some("all"));
    assert_eq!(found("ntu/detect/w5", Metric::Instructions), None);
}

#[test]
fn start_is_the_first_run_at_the_accepted_commit_or_later() {
    let a = Accepted {
        entries: vec![entry("ntu/**", None, HASH_A, "r")],
    };
    let t = 1_763_779_000;
    let runs = [
        run_at(Some((HASH_B, t - 100))),
        run_at(None),
        // Committed earlier than `since_time` (clock skew) but is the commit.
        run_at(Some((HASH_A, t - 50))),
        run_at(Some((HASH_B, t + 10))),
    ];
    let refs: Vec<&Run> = runs.iter().collect();
    assert_eq!(a.start("ntu/observe/w5", &Metric::WallTime, &refs), Some(2));
    // Without the commit itself, the commit time decides.
    let by_time: Vec<&Run> = [&runs[0], &runs[1], &runs[3]].into();
    assert_eq!(
        a.start("ntu/observe/w5", &Metric::WallTime, &by_time),
        Some(2)
    );
    let exact_time = [run_at(Some((HASH_B, t)))];
    assert_eq!(
        a.start("ntu/x", &Metric::WallTime, &[&exact_time[0]]),
        Some(0)
    );
}

#[test]
fn start_is_none_without_an_entry_or_a_qualifying_run() {
    let a = Accepted {
        entries: vec![entry("ntu/**", None, HASH_A, "r")],
    };
    let t = 1_763_779_000;
    let old = [run_at(Some((HASH_B, t - 1))), run_at(None)];
    let refs: Vec<&Run> = old.iter().collect();
    assert_eq!(a.start("ntu/observe/w5", &Metric::WallTime, &refs), None);
    let new = [run_at(Some((HASH_A, t)))];
    assert_eq!(a.start("gossip/merge", &Metric::WallTime, &[&new[0]]), None);
    assert_eq!(a.start("ntu/observe/w5", &Metric::WallTime, &[]), None);
}

fn second_entry_with(field: &str, line: &str) -> String {
    let mut second: Vec<String> = DOCUMENTED
        .lines()
        .skip(2)
        .map(|l| l.split('#').next().unwrap().trim_end().to_owned())
        .collect();
    second.retain(|l| !l.starts_with(&format!("{field} =")));
    if !line.is_empty() {
        second.push(line.to_owned());
    }
    format!("{DOCUMENTED}\n{}\n", second.join("\n"))
}

#[test]
fn each_bad_field_is_an_error_naming_the_file_entry_and_field() {
    let cases = [
        ("since", "since = \"3e0cafb\"", "40 hex digits"),
        (
            "since",
            "since = \"zzzcafb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7\"",
            "40 hex",
        ),
        ("reason", "reason = \" \\n \"", "must not be empty"),
        ("reason", "", "missing"),
        ("since_time", "since_time = \"yesterday\"", "expected i64"),
        ("bench", "bench = \"ntu//w5\"", "empty segment"),
        ("metric", "metric = \"\"", "metric must be a name"),
        ("accepted_at", "accepted_at = \"04/12/2026\"", "RFC 3339"),
        (
            "accepted_at",
            "accepted_at = 2026-12-04T21:00:00Z",
            "string",
        ),
        ("colour", "colour = \"red\"", "unknown field"),
    ];
    for (field, line, why) in cases {
        let text = if field == "colour" {
            second_entry_with("none", line)
        } else {
            second_entry_with(field, line)
        };
        let err = parse(&text).unwrap_err();
        let shown = err.to_string();
        assert!(
            matches!(&err, AcceptedError::Field { entry: 2, field: f, .. } if f == field),
            "{field}: {shown}"
        );
        assert!(shown.starts_with("baselines/accepted.toml:"), "{shown}");
        assert!(
            shown.contains(&format!("entry 2, field `{field}`")),
            "{shown}"
        );
        assert!(shown.contains(why), "{field}: {shown}");
    }
}

#[test]
fn bad_values_are_shown_as_written_with_their_line() {
    // The changed field goes last: line 17 of the second entry.
    let err = parse(&second_entry_with("since", "since = \"3e0cafb\"")).unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("= \"3e0cafb\":"), "{shown}");
    assert!(
        matches!(err, AcceptedError::Field { line: 17, .. }),
        "{shown}"
    );
}

#[test]
fn not_toml_names_line_and_column() {
    let err = parse("[[accepted]]\nbench = \"a\nreason = 1\n").unwrap_err();
    assert!(matches!(err, AcceptedError::Toml { line: 2, .. }), "{err}");
    assert!(
        err.to_string().starts_with("baselines/accepted.toml:2:"),
        "{err}"
    );
    let err = parse("gates = 1\n").unwrap_err().to_string();
    assert!(
        err.starts_with("baselines/accepted.toml:1:1: unknown key `gates`"),
        "{err}"
    );
    let err = parse("accepted = 1\n").unwrap_err().to_string();
    assert!(err.contains("array of tables"), "{err}");
    let err = parse("accepted = [1]\n").unwrap_err().to_string();
    assert!(err.contains("entry 1"), "{err}");
}

#[test]
fn appending_to_a_damaged_file_is_refused_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accepted.toml");
    let damaged = "[[accepted]]\nbench = \"ntu/*\"\n";
    std::fs::write(&path, damaged).unwrap();
    let err = Accepted::append(&path, &entry("a/b", None, HASH_A, "r")).unwrap_err();
    assert!(matches!(err, AcceptedError::Field { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), damaged);
}

#[cfg(unix)]
#[test]
fn append_into_a_read_only_folder_fails_and_keeps_the_old_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("baselines");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("accepted.toml");
    std::fs::write(&path, DOCUMENTED).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores folder permissions: then occupy the temporary file's
    // name with a folder so that the write fails all the same.
    // A temporary file of this process older than its first atomic write
    // counts as a killed run's leftover and is removed: write once first,
    // as a process that ran other tests before this one has.
    crate::history::write_atomic(&dir.path().join("first"), b"").unwrap();
    let probe = folder.join("probe");
    if std::fs::write(&probe, "").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        let tmp = folder.join(format!(".accepted.toml.{}.tmp", std::process::id()));
        std::fs::create_dir(&tmp).unwrap();
    }
    let err = Accepted::append(&path, &entry("a/b", None, HASH_A, "r")).unwrap_err();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(matches!(err, AcceptedError::Write { .. }), "{err}");
    assert!(
        err.to_string().contains("accepted.toml: cannot write"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), DOCUMENTED);
    assert_eq!(Accepted::load(&path).unwrap().entries.len(), 1);
}

#[test]
fn an_invalid_entry_is_refused_with_its_field_and_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accepted.toml");
    let err = Accepted::append(&path, &entry("a/b", None, "HEAD", "r")).unwrap_err();
    assert!(
        matches!(&err, AcceptedError::Field { entry: 1, field, .. } if field == "since"),
        "{err}"
    );
    assert!(!path.exists());
    let upper = HASH_A.to_ascii_uppercase();
    Accepted::append(&path, &entry("a/b", None, &upper, "r")).unwrap();
    assert_eq!(Accepted::load(&path).unwrap().entries[0].since, HASH_A);
}
