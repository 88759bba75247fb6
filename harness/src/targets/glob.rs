//! Bench-id patterns in gates: `*` matches within one `/` segment, `**`
//! matches across segments, anything else matches itself.

use regex::Regex;

/// A compiled bench-id pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    text: String,
    /// `None` for a pattern without `*`, which matches only itself: most
    /// gates name one bench, and a large file would otherwise compile a
    /// regular expression per gate.
    regex: Option<Regex>,
}

impl Pattern {
    /// Compiles `text`.
    pub fn new(text: &str) -> Pattern {
        if !text.contains('*') {
            return Pattern {
                text: text.to_owned(),
                regex: None,
            };
        }
        let mut re = String::from("^");
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("**") {
                re.push_str(".*");
                rest = r;
            } else if let Some(r) = rest.strip_prefix('*') {
                re.push_str("[^/]*");
                rest = r;
            } else {
                let c = rest.chars().next().unwrap_or_default();
                re.push_str(&regex::escape(&c.to_string()));
                rest = &rest[c.len_utf8()..];
            }
        }
        re.push('$');
        // Every metacharacter is escaped, so the pattern always compiles.
        let regex = Regex::new(&re).unwrap_or_else(|_| Regex::new("^$").unwrap());
        Pattern {
            text: text.to_owned(),
            regex: Some(regex),
        }
    }

    /// Whether `id` matches.
    pub fn matches(&self, id: &str) -> bool {
        match &self.regex {
            Some(r) => r.is_match(id),
            None => self.text == id,
        }
    }

    /// The one id a pattern without `*` matches.
    pub fn literal(&self) -> Option<&str> {
        self.regex.is_none().then_some(self.text.as_str())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn stars_stay_within_a_segment() {
        let p = Pattern::new("ntu/observe/*");
        assert!(p.matches("ntu/observe/w5"));
        assert!(!p.matches("ntu/observe/w5/x"));
        assert!(!p.matches("ntu/detect/w5"));
        assert!(Pattern::new("ntu/**").matches("ntu/observe/w5"));
        assert!(Pattern::new("a.b").matches("a.b") && !Pattern::new("a.b").matches("axb"));
        assert_eq!(Pattern::new("a/b").literal(), Some("a/b"));
        assert_eq!(Pattern::new("a/*").literal(), None);
        assert!(!Pattern::new("a/b").matches("a/bc"));
    }
}
