//! Escaping untrusted text (bench ids, metric names, revisions, commit ids,
//! warnings: anything a pull request can choose) for each place it is
//! shown: a Markdown code span, plain Markdown text, a table cell, a link's
//! path, and a workflow command's data or properties.
//!
//! Markdown follows CommonMark with GitHub's extensions (GFM tables and
//! autolinks, `@` mentions, `#` references, `$` math). GitHub finds
//! mentions and references in the rendered text, after backslash escapes
//! are gone, so `@` and `#` are followed by a zero-width space (as
//! Renovate does in release notes) instead of being escaped.

use std::borrow::Cow;

/// A zero-width space as a character reference: breaks `@name` and `#12`
/// without changing what a reader sees.
const ZWSP: &str = "&#8203;";

/// Replaces characters that could end a line or a table row, or that no
/// reader should see raw (C0/C1 controls, U+2028/U+2029), with U+FFFD.
fn visible(c: char) -> char {
    if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
        '\u{FFFD}'
    } else {
        c
    }
}

/// `s` cut to at most `max` characters, with `…` when cut.
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((end, _)) => Cow::Owned(format!("{}…", &s[..end])),
    }
}

/// `s` as a code span. Inside a code span nothing is Markdown, so the only
/// way out is a backtick run as long as the fence: the fence is one
/// backtick longer than the longest run in `s`, padded with spaces when
/// `s` starts or ends with a backtick or a space (CommonMark strips one
/// space on each side). In a table, `|` is written `\|`: GFM splits cells
/// before it finds code spans, and turns `\|` back into `|` inside them.
pub fn code_span(s: &str, in_table: bool) -> String {
    let mut body = String::with_capacity(s.len());
    for c in s.chars().map(visible) {
        if in_table && c == '|' {
            body.push('\\');
        }
        body.push(c);
    }
    if body.is_empty() {
        return "` `".into();
    }
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = body.starts_with(['`', ' ']) || body.ends_with(['`', ' ']);
    let space = if pad { " " } else { "" };
    format!("{fence}{space}{body}{space}{fence}")
}

/// `s` as plain Markdown text on one line, in a table cell or not: every
/// character that can open a Markdown construct is backslash-escaped
/// (links, images, HTML, emphasis, code, math, emoji shortcodes, URL
/// autolinks), `@` and `#` are followed by a zero-width space, and line
/// breaks and other controls become U+FFFD.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for c in s.chars().map(visible) {
        match c {
            '@' | '#' => {
                out.push(c);
                out.push_str(ZWSP);
            }
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '<' | '>' | '!' | '|'
            | '~' | '&' | ':' | '.' | '$' | '^' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes every byte of `s` outside RFC 3986's unreserved set, so
/// the result is one path segment that cannot end the link or add one.
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A bench id as a URL path (`a/b c/1` → `a/b%20c/1`), each `/`-separated
/// segment percent-encoded. `None` when a segment is empty, `.` or `..`:
/// browsers resolve those (encoded too) and the link would leave the
/// bench's folder.
pub fn url_path(id: &str) -> Option<String> {
    let mut out = Vec::new();
    for seg in id.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." {
            return None;
        }
        out.push(segment(seg));
    }
    Some(out.join("/"))
}

/// A URL given on the command line, made safe as a Markdown link target:
/// whitespace, controls, `<`, `>`, `(`, `)` and `\` are percent-encoded.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() || "<>()\\`".contains(c) {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A workflow command's message (after `::`), escaped as the runner
/// expects (`%`, CR, LF, as `@actions/core`'s `escapeData`), with other
/// controls and Unicode line separators replaced by U+FFFD so that no
/// viewer breaks the line either. The runner reads one command per line,
/// so this text cannot start another command.
pub fn command_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(visible(c)),
        }
    }
    out
}

/// A workflow command's property value (`title=…`): as
/// [`command_data`], plus `:` and `,` (`escapeProperty`), so that no `::`
/// can end the properties early and no `,` can add one.
pub fn command_property(s: &str) -> String {
    command_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_span_fence_outgrows_the_backticks_inside() {
        assert_eq!(code_span("a/b", true), "`a/b`");
        assert_eq!(code_span("a`b", false), "``a`b``");
        assert_eq!(code_span("`a``", false), "``` `a`` ```");
        assert_eq!(code_span("a|b", true), "`a\\|b`");
        assert_eq!(code_span("a|b", false), "`a|b`");
        assert_eq!(code_span("a\nb", false), "`a\u{FFFD}b`");
        assert_eq!(code_span("", false), "` `");
    }

    #[test]
    fn text_escapes_every_opener() {
        assert_eq!(
            text("![x](http://e) <b> @me #1"),
            "\\!\\[x\\]\\(http\\://e\\) \\<b\\> @&#8203;me #&#8203;1"
        );
        assert_eq!(text("a\r\nb"), "a\u{FFFD}\u{FFFD}b");
    }

    #[test]
    fn url_paths_are_encoded_per_segment() {
        assert_eq!(url_path("a/b c/1").unwrap(), "a/b%20c/1");
        assert_eq!(url_path("x)](e:1)").unwrap(), "x%29%5D%28e%3A1%29");
        assert_eq!(url_path(")](https://x)"), None, "empty segment");
        assert_eq!(url_path("a/../b"), None);
        assert_eq!(url_path("a//b"), None);
        assert_eq!(url("https://x.test/a b)"), "https://x.test/a%20b%29");
    }

    #[test]
    fn clip_counts_characters() {
        assert_eq!(clip("ééé", 2), "éé…");
        assert_eq!(clip("ab", 2), "ab");
    }

    #[test]
    fn command_escapes_follow_the_toolkit() {
        assert_eq!(command_data("50%\r\n::x"), "50%25%0D%0A::x");
        assert_eq!(command_property("a:b,c\n"), "a%3Ab%2Cc%0A");
    }
}
