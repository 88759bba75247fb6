//! Workflow-command annotations (`::error`, `::warning`) for the runner's
//! log, with every untrusted text escaped so that none can end the command
//! early or start another.

use super::comment::{Entry, Summary};
use super::escape::{clip, command_data, command_property};
use crate::judge::Verdict;

/// Characters of one field kept in an annotation.
const FIELD: usize = 400;

/// The annotation for one entry, or `None` when it neither fails nor
/// warns.
fn annotation(e: &Entry) -> Option<String> {
    let level = if e.verdict.fails() {
        "error"
    } else if e.verdict == Verdict::Warn {
        "warning"
    } else {
        return None;
    };
    let bench = clip(&e.bench, FIELD);
    Some(format!(
        "::{level} title={}::{} ({}) {}: {}",
        command_property(&format!("{bench} {}", e.verdict.name())),
        command_data(&bench),
        command_data(&clip(&e.metric, FIELD)),
        command_data(&clip(&e.change, FIELD)),
        command_data(&clip(&e.why, FIELD))
    ))
}

/// `::error` for each failing entry and `::warning` for each warn, one
/// line each, in the runner's workflow-command syntax.
pub fn annotations(s: &Summary) -> Vec<String> {
    s.entries.iter().filter_map(annotation).collect()
}

/// A `::warning` with a title and a message, both escaped.
pub fn warning(title: &str, message: &str) -> String {
    format!(
        "::warning title={}::{}",
        command_property(title),
        command_data(message)
    )
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

    #[test]
    fn only_failures_and_warnings_are_annotated() {
        let s = Summary {
            entries: vec![
                entry("same/x/1", Verdict::Pass),
                entry("slow/x/1", Verdict::Regressed),
                entry("warm/x/1", Verdict::Warn),
            ],
            ..Summary::default()
        };
        let a = annotations(&s);
        assert_eq!(a.len(), 2);
        assert!(
            a[0].starts_with("::error title=slow/x/1 REGRESSED::slow/x/1"),
            "{a:?}"
        );
        assert!(a[1].starts_with("::warning "));
    }
}
