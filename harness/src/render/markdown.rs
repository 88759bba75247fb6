//! GitHub-flavoured Markdown, for job summaries and pasting into reviews.
//!
//! Every title, header, cell and note goes through
//! [`crate::publish::escape::text`]: cells hold bench ids, revisions and
//! commit subjects that a pull request chooses, and `--format markdown`
//! output of `compare` or `bisect` is meant to be posted where GitHub
//! renders it. Escaped, such text shows as written and cannot open a link,
//! an image, HTML, a mention or a new table row.

use super::{Document, Renderer};
use crate::publish::escape::text;

/// Markdown tables with `###` headings.
pub struct Markdown;

impl Renderer for Markdown {
    fn render(&self, doc: &Document) -> String {
        let mut out = String::new();
        for t in &doc.tables {
            out.push_str(&format!("### {}\n\n", text(&t.title)));
            if t.rows.is_empty() {
                out.push_str("(none)\n\n");
                continue;
            }
            let head: Vec<String> = t.headers.iter().map(|h| text(h)).collect();
            out.push_str(&format!("| {} |\n", head.join(" | ")));
            out.push_str(&format!("|{}\n", " --- |".repeat(t.headers.len())));
            for r in &t.rows {
                let cells: Vec<String> = r.iter().map(|c| text(c)).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            out.push('\n');
        }
        for n in &doc.notes {
            out.push_str(&text(n));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Table;

    /// A bench id or commit subject from a pull request, in a cell and in
    /// a note, must not become a link, an image, a mention, HTML or a new
    /// row or line.
    #[test]
    fn untrusted_cells_and_notes_cannot_open_markdown() {
        let hostile = "x](https://evil.example) ![i](y) <img src=z> @team #1 |new|\ncell";
        let mut t = Table::new("Compare", &["bench", "verdict"]);
        t.rows.push(vec![hostile.into(), "pass".into()]);
        let doc = Document {
            tables: vec![t],
            notes: vec![format!("step at {hostile}")],
            json: serde_json::Value::Null,
        };
        let out = Markdown.render(&doc);
        // Each row stays one line with its two cells.
        let row = out.lines().find(|l| l.contains("evil")).unwrap();
        let cells: Vec<&str> = row
            .trim_start_matches("| ")
            .trim_end_matches(" |")
            .split(" | ")
            .collect();
        assert_eq!(cells.len(), 2, "{row}");
        let note = out.lines().last().unwrap();
        let escape = regex::Regex::new(r"\\.").unwrap();
        for shown in [cells[0], note] {
            // With every backslash escape removed, nothing that opens a
            // link, image, HTML or cell is left, and no mention.
            let bare = escape.replace_all(shown, "");
            for c in ['<', '[', ']', '(', ')', '!', '|'] {
                assert!(!bare.contains(c), "unescaped {c:?} in {shown}");
            }
            assert!(!shown.contains("@team") && !shown.contains("#1"), "{shown}");
        }
        assert!(!out.contains("\ncell"), "the line break survived:\n{out}");
    }
}
