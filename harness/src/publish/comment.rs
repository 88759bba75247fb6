//! The PR comment as Markdown: regressions first (most severe first),
//! then improvements, the rest folded in `<details>`, with links to the
//! dashboard and to each regressed bench's flamegraph. A hidden [`MARKER`]
//! lets the next run find and update the same comment instead of adding
//! another.
//!
//! Every text a pull request can choose (bench ids, metric names,
//! revisions, commit ids, warnings) goes through [`super::escape`] for its
//! place, and the whole text fits a size limit ([`super::layout`]).

use super::escape::{clip, code_span, text, url, url_path};
use super::layout::{Section, fit};
use crate::judge::{Comparison, PairedRow, Report, Row, Verdict, pct, show};

/// Hidden first line that identifies the harness's comment.
pub const MARKER: &str = "<!-- bizra-harness -->";

/// Largest comment, in bytes. GitHub refuses a comment body over 65,536
/// characters (a 422); counting bytes, which are never fewer than
/// characters, and keeping 5,536 spare leaves room for any difference in
/// how GitHub counts (line endings, normalisation).
pub const COMMENT_LIMIT: usize = 60_000;

/// Largest job summary, in bytes. GitHub drops a step's summary over
/// 1 MiB (1,048,576 bytes); 1,000,000 leaves room for the lines other
/// tools add to the same step's file.
pub const STEP_SUMMARY_LIMIT: usize = 1_000_000;

/// Smallest limit [`render_within`] honours: the headings, the title and
/// the foot always fit in it.
pub const MIN_LIMIT: usize = 4_096;

/// Characters shown of one field (bench id, metric, value, list item);
/// longer text is cut with `…`.
const FIELD: usize = 200;
/// Characters shown of a `why`.
const WHY: usize = 400;
/// Characters shown of a warning.
const WARNING: usize = 600;
/// Characters shown of a revision or run id in the title.
const NAME: usize = FIELD;

/// One bench and metric as shown in the comment.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Bench id.
    pub bench: String,
    /// Metric name.
    pub metric: String,
    /// Baseline value, formatted.
    pub base: String,
    /// New value, formatted.
    pub head: String,
    /// Change with its interval, formatted.
    pub change: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub why: String,
    /// New over base, when known: orders the regressions by size.
    pub ratio: Option<f64>,
}

/// What a comment reports, from a comparison or a check.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Heading as Markdown, e.g. `` `main` (abc) → `HEAD` (def) ``; the
    /// `From` conversions escape the names in it.
    pub title: String,
    /// Every judged bench and metric.
    pub entries: Vec<Entry>,
    /// Benches only the head has.
    pub added: Vec<String>,
    /// Benches only the base has.
    pub removed: Vec<String>,
    /// Warnings worth showing.
    pub warnings: Vec<String>,
}

/// Where the comment links to; both optional.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Links {
    /// The dashboard's URL.
    pub dashboard: Option<String>,
    /// Base URL of flamegraphs: `<base>/<bench id>/profile/flamegraph.svg`
    /// (Criterion's layout under `target/criterion`).
    pub flamegraphs: Option<String>,
}

impl Summary {
    /// True when anything fails the check.
    pub fn failed(&self) -> bool {
        self.entries.iter().any(|e| e.verdict.fails())
    }
}

/// A commit id cut to 10 characters, as plain text.
fn short(c: &str) -> String {
    text(&c.chars().take(10).collect::<String>())
}

impl From<&PairedRow> for Entry {
    fn from(r: &PairedRow) -> Entry {
        Entry {
            bench: r.bench.clone(),
            metric: r.metric.to_string(),
            base: show(r.base, r.unit),
            head: show(r.head, r.unit),
            change: match (r.ratio, r.lower, r.upper) {
                (Some(x), Some(lo), Some(hi)) => format!("{} ({}..{})", pct(x), pct(lo), pct(hi)),
                (Some(x), _, _) => pct(x),
                _ => "-".into(),
            },
            verdict: r.verdict,
            why: r.why.join("; "),
            ratio: r.ratio,
        }
    }
}

impl From<&Comparison> for Summary {
    fn from(c: &Comparison) -> Summary {
        Summary {
            title: format!(
                "{} ({}) → {} ({}), at most {} paired rounds",
                code_span(&clip(&c.base.rev, NAME), false),
                short(&c.base.commit),
                code_span(&clip(&c.head.rev, NAME), false),
                short(&c.head.commit),
                c.rounds
            ),
            entries: c
                .rows
                .iter()
                .map(Entry::from)
                .chain(c.broken.iter().map(|job| Entry {
                    bench: job.clone(),
                    metric: "bench target".into(),
                    base: "runs".into(),
                    head: "FAILS".into(),
                    change: "-".into(),
                    verdict: Verdict::Regressed,
                    why: "runs on the base and fails on the head (see the warnings)".into(),
                    ratio: None,
                }))
                .collect(),
            added: c.added.clone(),
            removed: c.removed.clone(),
            warnings: c.warnings.clone(),
        }
    }
}

impl From<&Row> for Entry {
    fn from(r: &Row) -> Entry {
        Entry {
            bench: r.bench.clone(),
            metric: r.metric.to_string(),
            base: r.baseline.map_or("-".into(), |b| show(b, r.unit)),
            head: show(r.value, r.unit),
            change: r.change.map_or("-".into(), |c| match (c.lower, c.upper) {
                (Some(lo), Some(hi)) => format!("{} ({}..{})", pct(c.ratio), pct(lo), pct(hi)),
                _ => pct(c.ratio),
            }),
            verdict: r.verdict,
            why: r.why.join("; "),
            ratio: r.change.map(|c| c.ratio),
        }
    }
}

impl From<&Report> for Summary {
    fn from(r: &Report) -> Summary {
        Summary {
            title: format!(
                "run {} against {}",
                code_span(&clip(&r.run_id, NAME), false),
                r.baseline
                    .as_ref()
                    .map_or("its history".to_owned(), |b| format!(
                        "saved baseline {}",
                        code_span(&clip(b, NAME), false)
                    ))
            ),
            entries: r
                .rows
                .iter()
                .map(Entry::from)
                .chain(r.failed_targets.iter().map(|f| Entry {
                    bench: f.target.clone(),
                    metric: "bench target".into(),
                    base: "-".into(),
                    head: "FAILED".into(),
                    change: "-".into(),
                    verdict: Verdict::Regressed,
                    why: f.message.clone(),
                    ratio: None,
                }))
                .collect(),
            added: Vec::new(),
            removed: Vec::new(),
            warnings: r.warnings.clone(),
        }
    }
}

/// Most severe first: a broken gate before a regression, then the larger
/// change (in log ratio, so halving counts as much as doubling), then by
/// bench id for a stable order.
fn most_severe_first(a: &&Entry, b: &&Entry) -> std::cmp::Ordering {
    let size = |e: &Entry| {
        e.ratio
            .filter(|r| r.is_finite() && *r > 0.0)
            .map_or(0.0, |r| r.ln().abs())
    };
    b.verdict
        .cmp(&a.verdict)
        .then(size(b).total_cmp(&size(a)))
        .then(a.bench.cmp(&b.bench))
}

/// One table row, every untrusted field escaped for its place.
fn row(e: &Entry, links: &Links, flame: bool) -> String {
    let mut bench = code_span(&clip(&e.bench, FIELD), true);
    if let (true, Some(base)) = (flame, &links.flamegraphs) {
        // A link only for an id shown whole and safe as a path.
        if let (false, Some(path)) = (e.bench.chars().count() > FIELD, url_path(&e.bench)) {
            bench.push_str(&format!(
                " ([flamegraph]({}/{path}/profile/flamegraph.svg))",
                url(base.trim_end_matches('/'))
            ));
        }
    }
    format!(
        "| {bench} | {} | {} | {} | {} | {} | {} |\n",
        text(&clip(&e.metric, FIELD)),
        text(&clip(&e.base, FIELD)),
        text(&clip(&e.head, FIELD)),
        text(&clip(&e.change, FIELD)),
        e.verdict.name(),
        text(&clip(&e.why, WHY))
    )
}

const TABLE_HEAD: &str = "| bench | metric | base | head | change (95% CI) | verdict | why |\n\
                          | --- | --- | --- | --- | --- | --- | --- |\n";

fn table(open: String, close: &str, entries: &[&Entry], links: &Links, flame: bool) -> Section {
    Section {
        open,
        before: TABLE_HEAD.into(),
        rows: entries.iter().map(|e| row(e, links, flame)).collect(),
        sep: "",
        // A blank line ends the table before the note.
        after: "\n".into(),
        note: |shown, left| {
            if shown == 0 {
                format!("_{left} not shown._\n\n")
            } else {
                format!("_… and {left} more not shown._\n\n")
            }
        },
        close: close.into(),
        shown: 0,
    }
}

fn list(label: &str, items: &[String]) -> Section {
    Section {
        open: format!("{label}: "),
        before: String::new(),
        rows: items.iter().map(|i| text(&clip(i, FIELD))).collect(),
        sep: ", ",
        after: String::new(),
        note: |shown, left| {
            if shown == 0 {
                format!("{left} not shown")
            } else {
                format!(", … and {left} more")
            }
        },
        close: "\n\n".into(),
        shown: 0,
    }
}

fn warnings(items: &[String]) -> Section {
    Section {
        open: String::new(),
        before: String::new(),
        rows: items
            .iter()
            .map(|w| format!("> warning: {}\n\n", text(&clip(w, WARNING))))
            .collect(),
        sep: "",
        after: String::new(),
        note: |_, left| format!("> {left} more warnings not shown.\n\n"),
        close: String::new(),
        shown: 0,
    }
}

/// The end of the text: what was left out, and the dashboard.
fn foot(left_out: usize, links: &Links) -> String {
    let mut f = String::new();
    if left_out > 0 {
        f.push_str(&format!(
            "_{left_out} rows left out to stay within GitHub's size limit; \
             the run's artefacts (`compare.json`) hold every row._\n\n"
        ));
    }
    if let Some(d) = &links.dashboard {
        f.push_str(&format!("[Dashboard]({})\n", url(d)));
    }
    f
}

/// The comment's Markdown, starting with [`MARKER`], within
/// [`COMMENT_LIMIT`].
pub fn render(s: &Summary, links: &Links) -> String {
    render_within(s, links, COMMENT_LIMIT)
}

/// The Markdown within `limit` bytes (at least [`MIN_LIMIT`]): every
/// section's heading and count, then as many rows as fit, given to
/// regressions (most severe first), warnings, improvements, added and
/// removed benches, and unchanged ones, in that order; each section says
/// how many of its rows it left out.
pub fn render_within(s: &Summary, links: &Links, limit: usize) -> String {
    let limit = limit.max(MIN_LIMIT);
    let mut bad: Vec<&Entry> = s.entries.iter().filter(|e| e.verdict.fails()).collect();
    bad.sort_by(most_severe_first);
    let good: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| e.verdict == Verdict::Improved)
        .collect();
    let unknown: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| e.verdict == Verdict::Unknown)
        .collect();
    let rest: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| {
            !e.verdict.fails() && !matches!(e.verdict, Verdict::Improved | Verdict::Unknown)
        })
        .collect();
    let status = match (bad.is_empty(), unknown.is_empty()) {
        (false, _) => "REGRESSION".to_owned(),
        (true, true) => "no regression".to_owned(),
        (true, false) => format!("no regression shown, {} UNKNOWN", unknown.len()),
    };
    let head = format!("{MARKER}\n## Benchmarks: {status}\n\n{}\n\n", s.title);

    // (section, priority): lower priority numbers get rows first.
    let mut parts: Vec<(Section, u8)> = Vec::new();
    if !bad.is_empty() {
        let open = format!("### Regressions ({})\n\n", bad.len());
        parts.push((table(open, "", &bad, links, true), 0));
    }
    if !unknown.is_empty() {
        let open = format!(
            "### Undecided: UNKNOWN, needs more rounds ({})\n\n",
            unknown.len()
        );
        parts.push((table(open, "", &unknown, links, false), 1));
    }
    if !good.is_empty() {
        let open = format!("### Improvements ({})\n\n", good.len());
        parts.push((table(open, "", &good, links, false), 2));
    }
    if !rest.is_empty() {
        let open = format!("<details><summary>Unchanged ({})</summary>\n\n", rest.len());
        parts.push((table(open, "</details>\n\n", &rest, links, false), 5));
    }
    if !s.added.is_empty() {
        parts.push((list("Added", &s.added), 3));
    }
    if !s.removed.is_empty() {
        parts.push((list("Removed", &s.removed), 4));
    }
    if !s.warnings.is_empty() {
        parts.push((warnings(&s.warnings), 1));
    }
    let mut priority: Vec<usize> = (0..parts.len()).collect();
    priority.sort_by_key(|&i| parts[i].1);
    let mut sections: Vec<Section> = parts.into_iter().map(|(s, _)| s).collect();
    let all: usize = sections.iter().map(|s| s.rows.len()).sum();
    // Room for the longest foot: its count has at most as many digits as
    // the number of rows.
    let fixed = head.len() + foot(all, links).len();
    fit(limit, fixed, &mut sections, &priority);

    let mut out = head;
    for section in &sections {
        section.render(&mut out);
    }
    let left_out = sections.iter().map(Section::left_out).sum();
    out.push_str(&foot(left_out, links));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(bench: &str, verdict: Verdict) -> Entry {
        Entry {
            bench: bench.into(),
            metric: "wall_time_ns".into(),
            base: "100 ns".into(),
            head: "110 ns".into(),
            change: "+10.0%".into(),
            verdict,
            why: "a|b".into(),
            ratio: Some(1.1),
        }
    }

    fn summary() -> Summary {
        Summary {
            title: "t".into(),
            entries: vec![
                entry("same/x/1", Verdict::Pass),
                entry("fast/x/1", Verdict::Improved),
                entry("slow/x/1", Verdict::Regressed),
            ],
            added: vec!["new/x/1 (wall_time_ns)".into()],
            ..Summary::default()
        }
    }

    #[test]
    fn regressions_come_first_and_unchanged_are_folded() {
        let links = Links {
            dashboard: Some("https://example.invalid/d".into()),
            flamegraphs: Some("https://example.invalid/f/".into()),
        };
        let text = render(&summary(), &links);
        assert!(text.starts_with(MARKER));
        let (r, i, u) = (
            text.find("slow/x/1").unwrap(),
            text.find("fast/x/1").unwrap(),
            text.find("<details>").unwrap(),
        );
        assert!(r < i && i < u && u < text.find("same/x/1").unwrap());
        assert!(text.contains("(https://example.invalid/f/slow/x/1/profile/flamegraph.svg)"));
        assert!(text.contains("a\\|b"), "cells are escaped");
        assert!(text.contains("Added: new/x/1"));
        assert!(text.contains("[Dashboard](https://example.invalid/d)"));
    }

    #[test]
    fn undecided_benches_are_shown_open_never_folded_with_the_unchanged() {
        let mut s = summary();
        s.entries.retain(|e| e.verdict != Verdict::Regressed);
        s.entries.push(entry("open/x/1", Verdict::Unknown));
        let text = render(&s, &Links::default());
        assert!(
            text.contains("## Benchmarks: no regression shown, 1 UNKNOWN"),
            "{text}"
        );
        let (u, d) = (
            text.find("### Undecided: UNKNOWN, needs more rounds (1)")
                .unwrap(),
            text.find("<details>").unwrap(),
        );
        assert!(u < text.find("open/x/1").unwrap() && text.find("open/x/1").unwrap() < d);
    }
}
