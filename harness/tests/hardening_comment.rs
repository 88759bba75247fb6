//! The PR comment, the job summary and the annotations against hostile and
//! huge input: bench ids and revisions that try to inject Markdown or
//! workflow commands, and comparisons too big for GitHub's limits.

mod common;

use common::harness;
use harness::judge::{Comparison, PairedRow, Side, Verdict};
use harness::model::{Metric, Unit};
use harness::publish::{
    COMMENT_LIMIT, Entry, Links, MARKER, STEP_SUMMARY_LIMIT, Summary, annotations, render,
    render_within, warning,
};

/// GitHub's limit on a comment body, in characters.
const GITHUB_COMMENT_MAX: usize = 65_536;
/// GitHub's limit on one step's job summary, in bytes.
const GITHUB_SUMMARY_MAX: usize = 1024 * 1024;

/// Splits Markdown into the text outside code spans and the code spans'
/// contents, as CommonMark does: a backslash outside a span escapes the
/// next character; a run of n backticks opens a span closed by the next
/// run of exactly n.
fn code_spans(md: &str) -> (String, Vec<String>) {
    let b: Vec<char> = md.chars().collect();
    let run = |i: usize| b[i..].iter().take_while(|&&c| c == '`').count();
    let (mut outside, mut spans, mut i) = (String::new(), Vec::new(), 0);
    while i < b.len() {
        if b[i] == '\\' && i + 1 < b.len() {
            outside.push(b[i]);
            outside.push(b[i + 1]);
            i += 2;
        } else if b[i] == '`' {
            let n = run(i);
            let mut j = i + n;
            let close = loop {
                if j >= b.len() {
                    break None;
                }
                if b[j] == '`' {
                    let m = run(j);
                    if m == n {
                        break Some(j);
                    }
                    j += m;
                } else {
                    j += 1;
                }
            };
            match close {
                Some(j) => {
                    let inner: String = b[i + n..j].iter().collect();
                    let stripped = match inner.strip_prefix(' ').and_then(|s| s.strip_suffix(' ')) {
                        Some(s) if !s.trim().is_empty() => s.to_owned(),
                        _ => inner,
                    };
                    spans.push(stripped);
                    i = j + n;
                }
                None => {
                    outside.extend(&b[i..i + n]);
                    i += n;
                }
            }
        } else {
            outside.push(b[i]);
            i += 1;
        }
    }
    (outside, spans)
}

/// Unescaped `|` in a line: GFM's cell separators.
fn cell_separators(line: &str) -> usize {
    let b = line.as_bytes();
    (0..b.len())
        .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
        .count()
}

const EVIL: &str = "x`y` @mallory <img src=https://evil.test/p.png> ![i](https://evil.test/i.png) \
                    )](https://evil.test/phish) | #1\r\n> ::error::";

/// Without `//`, so that it gets a flamegraph link.
const PATH_EVIL: &str = "g/x`y` @m <img src=x>/)](javascript:alert(1))";

fn entry(bench: &str, verdict: Verdict, ratio: f64) -> Entry {
    Entry {
        bench: bench.into(),
        metric: "wall_time_ns".into(),
        base: "100 ns".into(),
        head: format!("{:.0} ns", 100.0 * ratio),
        change: format!("{:+.1}%", (ratio - 1.0) * 100.0),
        verdict,
        why: "interval above the threshold; p 0.001".into(),
        ratio: Some(ratio),
    }
}

fn evil_summary() -> Summary {
    let cmp: Comparison = serde_json::from_value(serde_json::json!({
        "base": {"rev": EVIL, "commit": "@mallory![x](https://evil.test/c)"},
        "head": {"rev": "HEAD", "commit": "ééééééééééééé"},
        "rounds": 6, "rows": [],
        "added": [EVIL], "removed": [EVIL], "warnings": [EVIL]
    }))
    .unwrap();
    let mut s = Summary::from(&cmp);
    s.entries = vec![
        entry(EVIL, Verdict::Regressed, 1.2),
        entry(PATH_EVIL, Verdict::Regressed, 1.1),
        entry(EVIL, Verdict::Improved, 0.8),
        entry(EVIL, Verdict::Pass, 1.0),
    ];
    s.entries[3].why = EVIL.into();
    s
}

#[test]
fn bench_id_with_backtick_mention_image_and_link_is_inert() {
    let links = Links {
        dashboard: Some("https://dash.test/bench/".into()),
        flamegraphs: Some("https://flame.test/f".into()),
    };
    let md = render(&evil_summary(), &links);
    let (outside, spans) = code_spans(&md);

    // No mention, image, HTML or link made of the id outside code spans.
    assert!(!outside.contains("@mallory"), "{outside}");
    assert!(!outside.contains("!["), "{outside}");
    assert!(!outside.replace("\\<img", "").contains("<img"), "{outside}");
    assert!(!outside.contains("](https://evil"), "{outside}");
    for (at, _) in outside.match_indices("](") {
        let target = &outside[at + 2..];
        assert!(
            target.starts_with("https://flame.test/f/")
                || target.starts_with("https://dash.test/bench/)"),
            "a link built from untrusted text: {}",
            &target[..target.len().min(80)]
        );
    }
    // Every `<` outside code spans is escaped or one of the comment's own
    // tags.
    let own = outside
        .replace(MARKER, "")
        .replace("<details>", "")
        .replace("</details>", "")
        .replace("<summary>", "")
        .replace("</summary>", "");
    let b = own.as_bytes();
    for i in (0..b.len()).filter(|&i| b[i] == b'<') {
        assert!(i > 0 && b[i - 1] == b'\\', "raw < at {i}: {own}");
    }
    // The flamegraph URL percent-encodes each segment of the id; an id
    // with an empty segment (`//`) gets no link.
    assert!(
        md.contains(
            "(https://flame.test/f/g/x%60y%60%20%40m%20%3Cimg%20src%3Dx%3E/\
             %29%5D%28javascript%3Aalert%281%29%29/profile/flamegraph.svg)"
        ),
        "{md}"
    );
    assert_eq!(md.matches("[flamegraph](").count(), 1);
    // No line break from the id: the header, the rows and the blank
    // lines are all there is; every table row keeps its 7 cells.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        assert_eq!(cell_separators(line), 8, "{line}");
    }
    assert!(!md.contains('\r'));
    assert!(md.lines().all(|l| !l.starts_with("> ::")), "{md}");
    // Code spans still hold the id's visible text (in tables, `\|` is
    // how a `|` is written; CR and LF show as U+FFFD).
    let visible = EVIL.replace(['\r', '\n'], "\u{FFFD}");
    let in_table = visible.replace('|', "\\|");
    assert!(
        spans.iter().filter(|s| **s == in_table).count() >= 3,
        "{spans:?}"
    );
    assert!(spans.contains(&visible), "the title's span: {spans:?}");
}

#[test]
fn commit_ids_and_revisions_are_escaped_in_the_title() {
    let s = evil_summary();
    let (outside, _) = code_spans(&s.title);
    assert!(
        !outside.contains("@mallory") && !outside.contains("!["),
        "{outside}"
    );
    // A commit id is cut at 10 characters, not 10 bytes.
    assert!(s.title.contains("(éééééééééé)"), "{}", s.title);
}

#[test]
fn annotation_cannot_inject_workflow_command() {
    let bench = "b/1\n::error::owned\r\n::add-mask::x%0A::stop-commands::t,title=y";
    let mut e = entry(bench, Verdict::Regressed, 1.5);
    e.why = "50%\n::warning file=x::boo".into();
    e.metric = "m::e,t".into();
    let s = Summary {
        entries: vec![e.clone()],
        ..Summary::default()
    };
    let lines = annotations(&s);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert!(!line.contains(['\n', '\r']), "{line}");
    // Parse it as the runner does: `::name props::data`, properties split
    // on `,` and `=`, then unescaped.
    let rest = line.strip_prefix("::error ").unwrap();
    let end = rest.find("::").unwrap();
    let (props, data) = (&rest[..end], &rest[end + 2..]);
    let props: Vec<(&str, &str)> = props
        .split(',')
        .map(|p| p.split_once('=').unwrap())
        .collect();
    assert_eq!(props.len(), 1, "{props:?}");
    let unprop = |v: &str| {
        v.replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    let undata = |v: &str| {
        v.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    assert_eq!(props[0].0, "title");
    assert_eq!(unprop(props[0].1), format!("{bench} REGRESSED"));
    assert_eq!(
        undata(data),
        format!("{bench} (m::e,t) {}: 50%\n::warning file=x::boo", e.change)
    );

    let w = warning("a::b,c", "x\n::error::y %");
    assert_eq!(w, "::warning title=a%3A%3Ab%2Cc::x%0A::error::y %25");
}

fn many(n: usize, regressions: usize, improvements: usize) -> Summary {
    let entries = (0..n)
        .map(|i| {
            let bench = format!("session_dag/lineage_walk_with_parents/w{i:05}");
            match i {
                i if i < regressions => {
                    entry(&bench, Verdict::Regressed, 1.05 + (i % 97) as f64 / 100.0)
                }
                i if i < regressions + improvements => entry(&bench, Verdict::Improved, 0.9),
                _ => entry(&bench, Verdict::Pass, 1.0),
            }
        })
        .collect();
    Summary {
        title: "`main` (aaaaaaaaaa) → `HEAD` (bbbbbbbbbb), 6 interleaved rounds".into(),
        entries,
        added: (0..n / 10)
            .map(|i| format!("new/bench/{i} (wall_time_ns)"))
            .collect(),
        removed: (0..n / 10)
            .map(|i| format!("old/bench/{i} (wall_time_ns)"))
            .collect(),
        warnings: vec!["machine outlier run".into()],
    }
}

fn links() -> Links {
    Links {
        dashboard: Some("https://dash.test/bench/".into()),
        flamegraphs: Some("https://flame.test/f".into()),
    }
}

#[test]
fn comment_stays_under_github_limit_with_1000_benches() {
    let s = many(1000, 150, 100);
    let md = render(&s, &links());
    assert!(md.chars().count() <= GITHUB_COMMENT_MAX && md.len() <= COMMENT_LIMIT);
    assert!(md.starts_with(MARKER));
    assert!(md.contains("## Benchmarks: REGRESSION") && md.contains(&s.title));
    for e in s.entries.iter().filter(|e| e.verdict.fails()) {
        assert!(
            md.contains(&format!("`{}`", e.bench)),
            "{} missing",
            e.bench
        );
    }
    // The counts stay, and what did not fit is counted.
    assert!(md.contains("### Regressions (150)"));
    assert!(md.contains("### Improvements (100)"));
    assert!(md.contains("<details><summary>Unchanged (750)</summary>"));
    assert!(md.contains("rows left out to stay within GitHub's size limit"));
    assert!(md.contains("[Dashboard](https://dash.test/bench/)"));
    // The same input without a limit is far over it: folding did the work.
    assert!(render_within(&s, &links(), usize::MAX).len() > GITHUB_COMMENT_MAX);
}

#[test]
fn regressions_beyond_the_limit_keep_the_most_severe_and_count_the_rest() {
    let s = many(3000, 3000, 0);
    let md = render(&s, &links());
    assert!(md.len() <= COMMENT_LIMIT);
    let shown: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| md.contains(&format!("`{}`", e.bench)))
        .collect();
    assert!(!shown.is_empty() && shown.len() < 3000);
    // Every one shown is at least as severe as every one left out.
    let least_shown = shown
        .iter()
        .filter_map(|e| e.ratio)
        .fold(f64::MAX, f64::min);
    let left: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| !md.contains(&format!("`{}`", e.bench)))
        .collect();
    assert!(left.iter().all(|e| e.ratio.unwrap() <= least_shown));
    assert!(
        md.contains(&format!("_… and {} more not shown._", left.len())),
        "{}",
        &md[md.len() - 500..]
    );
    assert!(md.contains("### Regressions (3000)"));
}

fn paired(i: usize) -> PairedRow {
    let ratio = if i.is_multiple_of(10) { 1.3 } else { 1.0 };
    PairedRow {
        bench: format!("gossip/decode_batch_with_signatures/n{i:05}"),
        metric: Metric::WallTime,
        unit: Unit::Nanoseconds,
        base: 1000.0,
        head: 1000.0 * ratio,
        rounds: 6,
        ratio: Some(ratio),
        lower: Some(ratio - 0.01),
        upper: Some(ratio + 0.01),
        p: Some(0.001),
        threshold: None,
        verdict: if i.is_multiple_of(10) {
            Verdict::Regressed
        } else {
            Verdict::Pass
        },
        why: vec!["paired rounds: interval above 1".into()],
        settled: true,
        noisy: None,
    }
}

#[test]
fn job_summary_for_10000_benches_stays_under_one_mebibyte() {
    let dir = tempfile::tempdir().unwrap();
    let cmp = Comparison {
        base: Side {
            rev: "main".into(),
            commit: "a".repeat(40),
        },
        head: Side {
            rev: "HEAD".into(),
            commit: "b".repeat(40),
        },
        rounds: 6,
        rows: (0..10_000).map(paired).collect(),
        added: Vec::new(),
        removed: Vec::new(),
        warnings: Vec::new(),
        broken: Vec::new(),
    };
    let file = dir.path().join("compare.json");
    std::fs::write(&file, serde_json::to_string(&cmp).unwrap()).unwrap();
    let step = dir.path().join("summary.md");
    std::fs::write(&step, "earlier line of this step\n").unwrap();
    let out = harness(dir.path())
        .args(["publish", "--print", "--compare"])
        .arg(&file)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_REPOSITORY")
        .env("GITHUB_STEP_SUMMARY", &step)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let summary = std::fs::read_to_string(&step).unwrap();
    assert!(summary.len() <= GITHUB_SUMMARY_MAX, "{}", summary.len());
    assert!(summary.len() <= STEP_SUMMARY_LIMIT);
    assert!(summary.starts_with("earlier line of this step\n"));
    // Every regression is in the job summary, the unchanged are counted.
    for r in cmp.rows.iter().filter(|r| r.verdict.fails()) {
        assert!(summary.contains(&format!("`{}`", r.bench)), "{}", r.bench);
    }
    assert!(summary.contains("<details><summary>Unchanged (9000)</summary>"));
    assert!(summary.contains("more not shown._"));
    // The comment (printed with --print) is within its own limit.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let body = &stdout[stdout.find(MARKER).unwrap()..];
    assert!(body.len() <= COMMENT_LIMIT, "{}", body.len());
    assert!(body.contains("### Regressions (1000)"));
}
