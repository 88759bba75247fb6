//! Fitting the comment into a size limit: the comment is a list of
//! sections (tables, lists, warning lines), each showing its first `k`
//! rows and a note counting the rest. Sections get their rows in priority
//! order (regressions first) as long as the whole text stays within the
//! limit; every section's heading and count is always shown.
//!
//! Sizes are counted in UTF-8 bytes: GitHub limits a comment to 65,536
//! characters and a character is at least one byte, so a text within the
//! limit in bytes is within it in characters.

/// One section: `open`, then `k` rows (after `before` and followed by
/// `after`, only when `k > 0`), then a note for the rows left out, then
/// `close`.
pub struct Section {
    /// Heading, always shown.
    pub open: String,
    /// Before the first row (a table's header).
    pub before: String,
    /// The rows, in the order they are shown.
    pub rows: Vec<String>,
    /// Between two rows.
    pub sep: &'static str,
    /// After the last row shown.
    pub after: String,
    /// The note for `left` rows left out after `shown` rows.
    pub note: fn(shown: usize, left: usize) -> String,
    /// Always last.
    pub close: String,
    /// Rows shown, set by [`fit`].
    pub shown: usize,
}

impl Section {
    /// Bytes of this section with `k` rows shown; `prefix[k]` is the total
    /// length of the first `k` rows.
    fn cost(&self, k: usize, prefix: &[usize]) -> usize {
        let n = self.rows.len();
        let mut c = self.open.len() + self.close.len();
        if k > 0 {
            c += self.before.len() + prefix[k] + self.sep.len() * (k - 1) + self.after.len();
        }
        if k < n {
            c += (self.note)(k, n - k).len();
        }
        c
    }

    /// The text with [`Section::shown`] rows.
    pub fn render(&self, out: &mut String) {
        let (k, n) = (self.shown, self.rows.len());
        out.push_str(&self.open);
        if k > 0 {
            out.push_str(&self.before);
            out.push_str(&self.rows[..k].join(self.sep));
            out.push_str(&self.after);
        }
        if k < n {
            out.push_str(&(self.note)(k, n - k));
        }
        out.push_str(&self.close);
    }

    /// Rows left out.
    pub fn left_out(&self) -> usize {
        self.rows.len() - self.shown
    }
}

/// Sets each section's `shown` so that `fixed` bytes plus every section
/// fit in `limit`, giving rows to the sections in `priority` order (each
/// takes as many as fit before the next gets any). Returns the bytes
/// used; more than `limit` only when the headings alone do not fit.
pub fn fit(limit: usize, fixed: usize, sections: &mut [Section], priority: &[usize]) -> usize {
    let prefixes: Vec<Vec<usize>> = sections
        .iter()
        .map(|s| {
            let mut p = Vec::with_capacity(s.rows.len() + 1);
            p.push(0);
            for r in &s.rows {
                p.push(p.last().copied().unwrap_or(0) + r.len());
            }
            p
        })
        .collect();
    for s in sections.iter_mut() {
        s.shown = 0;
    }
    let mut used = fixed
        + sections
            .iter()
            .zip(&prefixes)
            .map(|(s, p)| s.cost(0, p))
            .sum::<usize>();
    for &i in priority {
        let (s, p) = (&mut sections[i], &prefixes[i]);
        let base = used - s.cost(0, p);
        // The note's length changes with the count left out, so the cost
        // is not quite monotone in k: take the largest k that fits.
        let best = (0..=s.rows.len())
            .filter(|&k| base + s.cost(k, p) <= limit)
            .max()
            .unwrap_or(0);
        s.shown = best;
        used = base + s.cost(best, p);
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(rows: &[&str]) -> Section {
        Section {
            open: "L: ".into(),
            before: String::new(),
            rows: rows.iter().map(|r| r.to_string()).collect(),
            sep: ", ",
            after: String::new(),
            note: |shown, left| {
                if shown == 0 {
                    format!("{left} hidden")
                } else {
                    format!(" +{left}")
                }
            },
            close: "\n".into(),
            shown: 0,
        }
    }

    fn text(s: &[Section]) -> String {
        let mut out = String::new();
        s.iter().for_each(|s| s.render(&mut out));
        out
    }

    #[test]
    fn costs_match_the_rendered_text_and_priority_wins() {
        let mut s = vec![list(&["aaaa", "bbbb", "cccc"]), list(&["xx", "yy"])];
        let used = fit(100, 0, &mut s, &[1, 0]);
        assert_eq!((s[0].shown, s[1].shown), (3, 2));
        assert_eq!(used, text(&s).len());
        let used = fit(25, 0, &mut s, &[1, 0]);
        assert_eq!(used, text(&s).len());
        assert!(used <= 25, "{}", text(&s));
        assert_eq!(s[1].shown, 2, "the first in priority is served first");
        assert_eq!(text(&s), "L: aaaa +2\nL: xx, yy\n");
    }
}
