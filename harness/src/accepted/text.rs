//! Small checks on the file's text: value formats, and positions and
//! excerpts for error messages. None of them panics on any input.

use std::ops::Range;

/// Whether `s` is 40 hex digits.
pub(super) fn is_full_hash(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `s` is `YYYY-MM-DDTHH:MM:SSZ`, optionally with a fraction of a
/// second before the `Z`.
pub(super) fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let fraction = match b.get(19..) {
        Some([b'Z']) => true,
        Some([b'.', rest @ .., b'Z']) => !rest.is_empty() && rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && b.get(10) == Some(&b'T')
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19)
        && fraction
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// The source text of a value, shortened for a one-line message.
pub(super) fn shown(text: &str, span: Range<usize>) -> String {
    let raw = text.get(span).unwrap_or("?");
    let one_line = raw.replace('\n', "\\n");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(60).collect::<String>())
    } else {
        one_line
    }
}

/// The first `name` in backticks in a serde message (`missing field `x``).
pub(super) fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_the_harness_writes_are_rfc3339_utc() {
        assert!(is_rfc3339_utc(&crate::probe::rfc3339(1_763_782_400)));
        assert!(is_rfc3339_utc("2026-12-04T21:00:00.250Z"));
        for bad in [
            "2026-12-04T21:00:00+01:00",
            "2026-12-04 21:00:00Z",
            "2026-12-04T21:00:00.Z",
            "",
            "é",
        ] {
            assert!(!is_rfc3339_utc(bad), "{bad}");
        }
    }

    #[test]
    fn positions_and_excerpts_survive_any_offset() {
        assert_eq!(line_column("ab\nçd", 5), (2, 2));
        assert_eq!(line_column("ab", 99), (1, 3));
        assert_eq!(shown("x = \"abc\"", 4..9), "\"abc\"");
        assert_eq!(shown("é", 1..2), "?");
        assert_eq!(backticked("missing field `reason`"), Some("reason"));
        assert_eq!(backticked("no ticks `"), None);
    }
}
