//! Renderers behind one trait: the same [`Document`] as a terminal table,
//! Markdown or JSON.

mod json;
mod markdown;
mod table;

pub use json::Json;
pub use markdown::Markdown;
pub use table::Terminal;

/// A titled grid of text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Heading above the grid.
    pub title: String,
    /// Column names.
    pub headers: Vec<String>,
    /// Rows, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with the given title and headers and no rows.
    pub fn new(title: &str, headers: &[&str]) -> Table {
        Table {
            title: title.to_owned(),
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }
}

/// What a command shows: tables and notes for people, a JSON value for
/// machines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// Tables in order.
    pub tables: Vec<Table>,
    /// Lines shown after the tables (summary, warnings).
    pub notes: Vec<String>,
    /// The full result for `--format json`.
    pub json: serde_json::Value,
}

/// Turns a document into text.
pub trait Renderer {
    /// The rendered text, ending with a newline.
    fn render(&self, doc: &Document) -> String;
}

/// Output formats named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Terminal table.
    Table,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// JSON.
    Json,
}

impl Format {
    /// The renderer for this format.
    pub fn renderer(self) -> Box<dyn Renderer> {
        match self {
            Format::Table => Box::new(Terminal),
            Format::Markdown => Box::new(Markdown),
            Format::Json => Box::new(Json),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        let mut t = Table::new("Check", &["bench", "verdict"]);
        t.rows.push(vec!["ntu/observe/w5".into(), "pass".into()]);
        t.rows.push(vec!["a|b".into(), "GATE FAILED".into()]);
        Document {
            tables: vec![t],
            notes: vec!["1 failed".into()],
            json: serde_json::json!({"ok": false}),
        }
    }

    #[test]
    fn markdown_snapshot() {
        let expected = "\
### Check

| bench | verdict |
| --- | --- |
| ntu/observe/w5 | pass |
| a\\|b | GATE FAILED |

1 failed
";
        assert_eq!(Markdown.render(&doc()), expected);
    }

    #[test]
    fn table_snapshot() {
        let expected = "\
Check
 bench          | verdict
----------------+-------------
 ntu/observe/w5 | pass
 a|b            | GATE FAILED
1 failed
";
        assert_eq!(Terminal.render(&doc()), expected);
    }

    #[test]
    fn json_is_the_value() {
        assert_eq!(Json.render(&doc()), "{\n  \"ok\": false\n}\n");
    }
}
