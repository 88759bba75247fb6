//! JSON output: the command's full result, pretty-printed.

use super::{Document, Renderer};

/// Pretty JSON of [`Document::json`].
pub struct Json;

impl Renderer for Json {
    fn render(&self, doc: &Document) -> String {
        let mut s = serde_json::to_string_pretty(&doc.json).unwrap_or_else(|_| "null".into());
        s.push('\n');
        s
    }
}
