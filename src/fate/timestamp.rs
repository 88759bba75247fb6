//! A UTC instant with microsecond resolution, written as Python's
//! `datetime.isoformat()` writes an aware UTC datetime.

use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

/// Why a [`UtcTimestamp`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// The instant lies outside Python's `datetime` range (years 1 to 9999).
    #[error("{micros} µs since the Unix epoch is outside years 1..=9999")]
    OutOfRange {
        /// The offending count of microseconds since the Unix epoch.
        micros: i64,
    },
    /// The text is not `YYYY-MM-DDTHH:MM:SS[.f{1,6}]` followed by `+00:00` or `Z`.
    #[error("{text:?} is not an ISO-8601 UTC timestamp: {reason}")]
    Malformed {
        /// The offending text.
        text: String,
        /// Which part is wrong.
        reason: &'static str,
    },
}

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;
/// 0001-01-01T00:00:00 and 9999-12-31T23:59:59.999999, Python's
/// `datetime.min` and `datetime.max`, in microseconds since the epoch.
const MIN_MICROS: i64 = -719_162 * MICROS_PER_DAY;
const MAX_MICROS: i64 = 2_932_897 * MICROS_PER_DAY - 1;

/// A UTC instant in microseconds since the Unix epoch, within years 1..=9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTimestamp {
    micros: i64,
}

impl UtcTimestamp {
    /// The instant `micros` microseconds after 1970-01-01T00:00:00 UTC.
    pub fn from_unix_micros(micros: i64) -> Result<Self, TimestampError> {
        if (MIN_MICROS..=MAX_MICROS).contains(&micros) {
            Ok(UtcTimestamp { micros })
        } else {
            Err(TimestampError::OutOfRange { micros })
        }
    }

    /// The current time from the system clock, truncated to microseconds.
    pub fn now() -> Self {
        let micros = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_micros()).unwrap_or(MAX_MICROS),
            Err(before) => i64::try_from(before.duration().as_micros()).map_or(MIN_MICROS, |m| -m),
        };
        UtcTimestamp {
            micros: micros.clamp(MIN_MICROS, MAX_MICROS),
        }
    }

    /// Microseconds since the Unix epoch.
    pub fn unix_micros(self) -> i64 {
        self.micros
    }

    /// Appends the ISO-8601 form, e.g. `2026-02-03T12:00:00+00:00`, with a
    /// six-digit `.ffffff` part only when the microseconds are non-zero (as
    /// `datetime.isoformat()` does).
    pub fn write_iso(self, out: &mut String) {
        let days = self.micros.div_euclid(MICROS_PER_DAY);
        let of_day = self.micros.rem_euclid(MICROS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let seconds = of_day / MICROS_PER_SECOND;
        let micros = of_day % MICROS_PER_SECOND;
        // Laid out in place and appended at once: one capacity check, not
        // one per character.
        let mut text = *b"0000-00-00T00:00:00.000000+00:00";
        put_digits(&mut text[0..4], year);
        put_digits(&mut text[5..7], month);
        put_digits(&mut text[8..10], day);
        put_digits(&mut text[11..13], seconds / 3600);
        put_digits(&mut text[14..16], seconds / 60 % 60);
        put_digits(&mut text[17..19], seconds % 60);
        let text: &[u8] = if micros != 0 {
            put_digits(&mut text[20..26], micros);
            &text
        } else {
            text.copy_within(26.., 19);
            &text[..25]
        };
        out.push_str(std::str::from_utf8(text).expect("digits and ASCII punctuation"));
    }
}

/// Writes the last `digits.len()` decimal digits of `value` (non-negative),
/// zero-padded, into `digits`.
fn put_digits(digits: &mut [u8], value: i64) {
    let mut rest = value.unsigned_abs();
    for d in digits.iter_mut().rev() {
        *d = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
}

/// (year, month, day) of the proleptic Gregorian calendar for a count of days
/// since 1970-01-01; Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days since 1970-01-01 of a proleptic Gregorian date; Hinnant's
/// `days_from_civil`.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for UtcTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(32);
        self.write_iso(&mut out);
        f.write_str(&out)
    }
}

impl FromStr for UtcTimestamp {
    type Err = TimestampError;

    /// Parses `YYYY-MM-DDTHH:MM:SS`, an optional fraction of one to six
    /// digits, then `+00:00` or `Z`: the forms `isoformat()` writes for UTC.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |reason| TimestampError::Malformed {
            text: text.to_owned(),
            reason,
        };
        let b = text.as_bytes();
        let number = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = b.get(range)?;
            digits.iter().try_fold(0i64, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
            })
        };
        let punct_ok = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')]
            .iter()
            .all(|&(i, c)| b.get(i) == Some(&c));
        if !punct_ok {
            return Err(bad("expected YYYY-MM-DDTHH:MM:SS"));
        }
        let field = |range, what| number(range).ok_or_else(|| bad(what));
        let year = field(0..4, "year is not four digits")?;
        let month = field(5..7, "month is not two digits")?;
        let day = field(8..10, "day is not two digits")?;
        let hour = field(11..13, "hour is not two digits")?;
        let minute = field(14..16, "minute is not two digits")?;
        let second = field(17..19, "second is not two digits")?;
        if year < 1 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(bad("no such date"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(bad("no such time of day"));
        }
        let mut rest = &text[19..];
        let mut micros = 0;
        if let Some(after_dot) = rest.strip_prefix('.') {
            let len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            if !(1..=6).contains(&len) {
                return Err(bad("fraction must have one to six digits"));
            }
            let value = number(20..20 + len).ok_or_else(|| bad("fraction is not digits"))?;
            micros = value * 10i64.pow(6 - len as u32);
            rest = &after_dot[len..];
        }
        if rest != "+00:00" && rest != "Z" {
            return Err(bad("offset must be +00:00 or Z"));
        }
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
        UtcTimestamp::from_unix_micros(seconds * MICROS_PER_SECOND + micros)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(micros: i64) -> String {
        UtcTimestamp::from_unix_micros(micros).unwrap().to_string()
    }

    #[test]
    fn omits_the_fraction_when_microseconds_are_zero() {
        // 2026-02-03T12:00:00Z is 1770120000 s after the epoch.
        assert_eq!(iso(1_770_120_000_000_000), "2026-02-03T12:00:00+00:00");
        assert_eq!(iso(0), "1970-01-01T00:00:00+00:00");
    }

    #[test]
    fn writes_six_fraction_digits_when_non_zero() {
        assert_eq!(
            iso(1_770_120_000_000_001),
            "2026-02-03T12:00:00.000001+00:00"
        );
        assert_eq!(
            iso(1_770_120_000_123_456),
            "2026-02-03T12:00:00.123456+00:00"
        );
        assert_eq!(
            iso(1_770_120_000_999_999),
            "2026-02-03T12:00:00.999999+00:00"
        );
        assert_eq!(iso(-1), "1969-12-31T23:59:59.999999+00:00");
    }

    #[test]
    fn range_ends_are_pythons_datetime_min_and_max() {
        assert_eq!(iso(MIN_MICROS), "0001-01-01T00:00:00+00:00");
        assert_eq!(iso(MAX_MICROS), "9999-12-31T23:59:59.999999+00:00");
        assert_eq!(
            UtcTimestamp::from_unix_micros(MAX_MICROS + 1),
            Err(TimestampError::OutOfRange {
                micros: MAX_MICROS + 1
            })
        );
        assert!(UtcTimestamp::from_unix_micros(MIN_MICROS - 1).is_err());
    }

    #[test]
    fn parse_then_format_round_trips() {
        for text in [
            "2026-02-03T12:00:00+00:00",
            "2026-02-03T12:16:40.000007+00:00",
            "2000-02-29T23:59:59.5+00:00",
            "0001-01-01T00:00:00+00:00",
            "1969-07-20T20:17:40Z",
        ] {
            let ts: UtcTimestamp = text.parse().unwrap();
            let again: UtcTimestamp = ts.to_string().parse().unwrap();
            assert_eq!(ts, again, "{text}");
        }
        let half: UtcTimestamp = "2000-02-29T23:59:59.5+00:00".parse().unwrap();
        assert_eq!(half.to_string(), "2000-02-29T23:59:59.500000+00:00");
    }

    #[test]
    fn rejects_malformed_text_with_the_text() {
        for text in [
            "",
            "2026-02-03",
            "2026-02-03T12:00:00",
            "2026-02-03T12:00:00+01:00",
            "2026-02-30T12:00:00+00:00",
            "2026-02-03T24:00:00+00:00",
            "2026-02-03T12:00:00.+00:00",
            "2026-02-03T12:00:00.1234567+00:00",
            "0000-01-01T00:00:00+00:00",
            "2026-02-03T12:00:0x+00:00",
        ] {
            match text.parse::<UtcTimestamp>() {
                Err(TimestampError::Malformed { text: t, .. }) => assert_eq!(t, text),
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn civil_conversions_agree_across_the_range() {
        for days in (-719_162..2_932_897).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!((1..=days_in_month(y, m)).contains(&d));
        }
    }
}
