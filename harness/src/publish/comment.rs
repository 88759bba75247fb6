//! The PR comment as Markdown: regressions first, then improvements, the
//! rest folded in `<details>`, with links to the dashboard and to each
//! regressed bench's flamegraph. A hidden [`MARKER`] lets the next run find
//! and update the same comment instead of adding another.

use crate::judge::{Comparison, PairedRow, Report, Row, Verdict, show};

/// Hidden first line that identifies the harness's comment.
pub const MARKER: &str = "<!-- bizra-harness -->";

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
}

/// What a comment reports, from a comparison or a check.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Heading, e.g. `main (abc) → HEAD (def)`.
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

fn pct(x: f64) -> String {
    format!("{:+.1}%", (x - 1.0) * 100.0)
}

fn short(c: &str) -> &str {
    &c[..c.len().min(10)]
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
        }
    }
}

impl From<&Comparison> for Summary {
    fn from(c: &Comparison) -> Summary {
        Summary {
            title: format!(
                "`{}` ({}) → `{}` ({}), {} interleaved rounds",
                c.base.rev,
                short(&c.base.commit),
                c.head.rev,
                short(&c.head.commit),
                c.rounds
            ),
            entries: c.rows.iter().map(Entry::from).collect(),
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
        }
    }
}

impl From<&Report> for Summary {
    fn from(r: &Report) -> Summary {
        Summary {
            title: format!(
                "run {} against {}",
                r.run_id,
                r.baseline
                    .as_ref()
                    .map_or("its history".to_owned(), |b| format!("saved baseline {b}"))
            ),
            entries: r.rows.iter().map(Entry::from).collect(),
            added: Vec::new(),
            removed: Vec::new(),
            warnings: r.warnings.clone(),
        }
    }
}

/// Escapes a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(out: &mut String, entries: &[&Entry], links: &Links, flame: bool) {
    out.push_str("| bench | metric | base | head | change (95% CI) | verdict | why |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for e in entries {
        let mut bench = format!("`{}`", cell(&e.bench));
        if let (true, Some(base)) = (flame, &links.flamegraphs) {
            bench.push_str(&format!(
                " ([flamegraph]({}/{}/profile/flamegraph.svg))",
                base.trim_end_matches('/'),
                e.bench
            ));
        }
        out.push_str(&format!(
            "| {bench} | {} | {} | {} | {} | {} | {} |\n",
            cell(&e.metric),
            cell(&e.base),
            cell(&e.head),
            cell(&e.change),
            e.verdict.name(),
            cell(&e.why)
        ));
    }
}

/// The comment's Markdown, starting with [`MARKER`].
pub fn render(s: &Summary, links: &Links) -> String {
    let bad: Vec<&Entry> = s.entries.iter().filter(|e| e.verdict.fails()).collect();
    let good: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| e.verdict == Verdict::Improved)
        .collect();
    let rest: Vec<&Entry> = s
        .entries
        .iter()
        .filter(|e| !e.verdict.fails() && e.verdict != Verdict::Improved)
        .collect();
    let mut out = format!("{MARKER}\n## Benchmarks: ");
    out.push_str(if bad.is_empty() {
        "no regression"
    } else {
        "REGRESSION"
    });
    out.push_str(&format!("\n\n{}\n\n", s.title));
    if !bad.is_empty() {
        out.push_str(&format!("### Regressions ({})\n\n", bad.len()));
        table(&mut out, &bad, links, true);
        out.push('\n');
    }
    if !good.is_empty() {
        out.push_str(&format!("### Improvements ({})\n\n", good.len()));
        table(&mut out, &good, links, false);
        out.push('\n');
    }
    if !rest.is_empty() {
        out.push_str(&format!(
            "<details><summary>Unchanged ({})</summary>\n\n",
            rest.len()
        ));
        table(&mut out, &rest, links, false);
        out.push_str("\n</details>\n\n");
    }
    if !s.added.is_empty() {
        out.push_str(&format!("Added: {}\n\n", s.added.join(", ")));
    }
    if !s.removed.is_empty() {
        out.push_str(&format!("Removed: {}\n\n", s.removed.join(", ")));
    }
    for w in &s.warnings {
        out.push_str(&format!("> warning: {}\n\n", cell(w)));
    }
    if let Some(d) = &links.dashboard {
        out.push_str(&format!("[Dashboard]({d})\n"));
    }
    out
}

/// Escapes a workflow-command message (`%`, CR and LF, as the runner
/// expects).
fn escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `::error` for each failing entry and `::warning` for each warn, in the
/// runner's workflow-command syntax.
pub fn annotations(s: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    for e in &s.entries {
        let level = if e.verdict.fails() {
            "error"
        } else if e.verdict == Verdict::Warn {
            "warning"
        } else {
            continue;
        };
        out.push(format!(
            "::{level} title={}::{} ({}) {}: {}",
            escape(&format!("{} {}", e.bench, e.verdict.name())).replace([':', ','], " "),
            escape(&e.bench),
            escape(&e.metric),
            escape(&e.change),
            escape(&e.why)
        ));
    }
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
    fn only_failures_and_warnings_are_annotated() {
        let mut s = summary();
        s.entries.push(entry("warm/x/1", Verdict::Warn));
        let a = annotations(&s);
        assert_eq!(a.len(), 2);
        assert!(
            a[0].starts_with("::error title=slow/x/1 REGRESSED::slow/x/1"),
            "{a:?}"
        );
        assert!(a[1].starts_with("::warning "));
    }
}
