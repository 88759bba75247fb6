//! The rules a whole run record must meet wherever it enters (append,
//! import, and when read back from a file or the history), beyond what
//! each field's type already guarantees.

use std::collections::HashMap;

use super::{BenchId, Metric, Run};

/// Earliest commit time accepted: 0000-01-01T00:00:00Z, in Unix seconds.
pub const MIN_COMMIT_TIME: i64 = -62_167_219_200;
/// Latest commit time accepted: 9999-12-31T23:59:59Z, in Unix seconds.
/// Both bounds keep the time a four-digit year, which every date library
/// (and the dashboard's `Date`) can show.
pub const MAX_COMMIT_TIME: i64 = 253_402_300_799;

/// Why a run record is not valid. Each variant names the field and the
/// offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum InvalidRun {
    /// A run must measure something: an empty run would pass every check.
    #[error("field `measurements`: the run has no measurements")]
    NoMeasurements,
    /// A confidence interval whose lower bound is above its upper one.
    #[error(
        "field `measurements[{index}].interval`: lower bound {lower} exceeds upper bound {upper} (bench {}, {metric})",
        quoted(bench.as_str())
    )]
    IntervalReversed {
        /// Position in `measurements`.
        index: usize,
        /// Its bench.
        bench: BenchId,
        /// Its metric.
        metric: Metric,
        /// The lower bound.
        lower: f64,
        /// The upper bound.
        upper: f64,
    },
    /// The same bench and metric measured twice in one run: which one to
    /// judge would be a guess.
    #[error(
        "field `measurements[{index}]`: bench {} with metric {metric} appears twice (also measurements[{first}])",
        quoted(bench.as_str())
    )]
    Duplicate {
        /// Position of the second occurrence.
        index: usize,
        /// Position of the first.
        first: usize,
        /// The bench.
        bench: BenchId,
        /// The metric.
        metric: Metric,
    },
    /// The run time is not an RFC 3339 date and time.
    #[error(
        "field `time`: {} is not an RFC 3339 date and time such as 2026-01-31T12:00:00Z",
        quoted(value)
    )]
    BadTime {
        /// The text found.
        value: String,
    },
    /// A commit time outside years 0000 to 9999.
    #[error(
        "field `git.commit_time`: {value} is out of range ({MIN_COMMIT_TIME} to {MAX_COMMIT_TIME} seconds, years 0000 to 9999)"
    )]
    CommitTimeOutOfRange {
        /// The time found.
        value: i64,
    },
    /// A commit that is not a hash.
    #[error(
        "field `git.commit`: {} is not a commit hash (4 to 64 hexadecimal digits)",
        quoted(value)
    )]
    BadCommit {
        /// The text found.
        value: String,
    },
}

/// Untrusted text for a message: quoted with escapes, and cut after 80
/// characters so that a huge value cannot flood the terminal.
fn quoted(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}… ({} bytes)", &text[..cut], text.len()),
        None => format!("{text:?}"),
    }
}

impl Run {
    /// Checks the rules of [`InvalidRun`]: at least one measurement, no
    /// bench and metric twice, intervals in order, an RFC 3339 time, and a
    /// hexadecimal commit with a commit time in years 0000 to 9999.
    pub fn validate(&self) -> Result<(), InvalidRun> {
        if self.measurements.is_empty() {
            return Err(InvalidRun::NoMeasurements);
        }
        self.validate_header()
    }

    /// Every rule of [`Run::validate`] but the one asking for at least
    /// one measurement: what a run listed without its measurements meets.
    pub(crate) fn validate_header(&self) -> Result<(), InvalidRun> {
        let mut seen: HashMap<(&BenchId, &Metric), usize> = HashMap::new();
        for (index, m) in self.measurements.iter().enumerate() {
            if let Some(&first) = seen.get(&(&m.bench, &m.metric)) {
                return Err(InvalidRun::Duplicate {
                    index,
                    first,
                    bench: m.bench.clone(),
                    metric: m.metric.clone(),
                });
            }
            seen.insert((&m.bench, &m.metric), index);
            // Not "lower ≤ upper" also refuses NaN bounds.
            if let Some(i) = m.interval
                && i.lower.partial_cmp(&i.upper).is_none_or(|o| o.is_gt())
            {
                return Err(InvalidRun::IntervalReversed {
                    index,
                    bench: m.bench.clone(),
                    metric: m.metric.clone(),
                    lower: i.lower,
                    upper: i.upper,
                });
            }
        }
        if !is_rfc3339(&self.time) {
            return Err(InvalidRun::BadTime {
                value: self.time.clone(),
            });
        }
        if let Some(g) = &self.git {
            if !is_commit_hash(&g.commit) {
                return Err(InvalidRun::BadCommit {
                    value: g.commit.clone(),
                });
            }
            if !(MIN_COMMIT_TIME..=MAX_COMMIT_TIME).contains(&g.commit_time) {
                return Err(InvalidRun::CommitTimeOutOfRange {
                    value: g.commit_time,
                });
            }
        }
        Ok(())
    }
}

/// A commit hash or an abbreviation git accepts: 4 to 64 hexadecimal
/// digits (SHA-1 is 40, SHA-256 64).
pub fn is_commit_hash(text: &str) -> bool {
    (4..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`: RFC 3339 with an upper-case
/// `T` and `Z`, the form JavaScript's `Date.parse` reads everywhere. The
/// day must exist in its month (leap years counted); leap seconds are
/// refused, since `Date.parse` refuses them.
pub fn is_rfc3339(text: &str) -> bool {
    let b = text.as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(range)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let date_time = (|| {
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let separators = at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':');
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (separators && (1..=days).contains(&day) && hour < 24 && minute < 60 && second < 60)
            .then_some(())
    })();
    if date_time.is_none() {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|d| d.is_ascii_digit()).count();
        if !(1..=9).contains(&n) {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        b"Z" => true,
        [sign, h1, h2, b':', m1, m2] if *sign == b'+' || *sign == b'-' => {
            let two = |a: u8, b: u8| {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
            };
            matches!((two(*h1, *h2), two(*m1, *m2)), (Some(h), Some(m)) if h < 24 && m < 60)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_accepts_what_the_harness_writes_and_offsets() {
        for ok in [
            "2026-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2026-12-31T12:30:00.123456Z",
            "2026-06-01T08:00:00+02:00",
            "2026-06-01T08:00:00.5-05:30",
            "0000-01-01T00:00:00Z",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        assert!(is_rfc3339(&crate::probe::rfc3339(1_763_782_400)));
    }

    #[test]
    fn rfc3339_refuses_what_is_not_a_date() {
        for bad in [
            "",
            "yesterday",
            "2026-01-01",
            "2026-01-01 00:00:00Z",
            "2026-01-01t00:00:00z",
            "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-01-00T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:60:00Z",
            "2026-12-31T23:59:60Z",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00+2:00",
            "2026-01-01T00:00:00+02:60",
            "2026-01-01T00:00:00Z ",
            "+2026-01-01T00:00:00Z",
            "２026-01-01T00:00:00Z",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn commit_hashes_are_4_to_64_hex_digits() {
        assert!(is_commit_hash("abcd"));
        assert!(is_commit_hash(&"a".repeat(40)));
        assert!(is_commit_hash(&"F".repeat(64)));
        for bad in [
            "abc",
            "abc123x",
            "",
            "javascript:alert(1)",
            "0x1234",
            &"a".repeat(65),
        ] {
            assert!(!is_commit_hash(bad), "{bad}");
        }
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let err = InvalidRun::BadTime {
            value: "x".repeat(1000),
        };
        let text = err.to_string();
        assert!(text.len() < 200, "{text}");
        assert!(text.contains("(1000 bytes)"), "{text}");
    }
}
