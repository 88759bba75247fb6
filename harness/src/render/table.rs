//! Terminal tables (tabled).

use tabled::builder::Builder;
use tabled::settings::Style;

use super::{Document, Renderer};

/// Plain ASCII grid, readable in any terminal and CI log.
pub struct Terminal;

impl Renderer for Terminal {
    fn render(&self, doc: &Document) -> String {
        let mut out = String::new();
        for t in &doc.tables {
            out.push_str(&t.title);
            out.push('\n');
            if t.rows.is_empty() {
                out.push_str("(none)\n");
                continue;
            }
            let mut b = Builder::default();
            b.push_record(t.headers.clone());
            for r in &t.rows {
                b.push_record(r.clone());
            }
            let mut table = b.build();
            table.with(Style::psql());
            for line in table.to_string().lines() {
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        for n in &doc.notes {
            out.push_str(n);
            out.push('\n');
        }
        out
    }
}
