//! GitHub-flavoured Markdown, for job summaries and PR comments.

use super::{Document, Renderer};

/// Markdown tables with `###` headings.
pub struct Markdown;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

impl Renderer for Markdown {
    fn render(&self, doc: &Document) -> String {
        let mut out = String::new();
        for t in &doc.tables {
            out.push_str(&format!("### {}\n\n", t.title));
            if t.rows.is_empty() {
                out.push_str("(none)\n\n");
                continue;
            }
            let head: Vec<String> = t.headers.iter().map(|h| cell(h)).collect();
            out.push_str(&format!("| {} |\n", head.join(" | ")));
            out.push_str(&format!("|{}\n", " --- |".repeat(t.headers.len())));
            for r in &t.rows {
                let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            out.push('\n');
        }
        for n in &doc.notes {
            out.push_str(n);
            out.push('\n');
        }
        out
    }
}
