//! Wall-clock instants as the engine sees them, and the ISO 8601 text the
//! reference writes (`datetime.now(timezone.utc).isoformat()`) and reads
//! (`datetime.fromisoformat`).

use std::fmt::Write;

/// Microseconds since the Unix epoch, UTC. The engine never reads a clock:
/// every method that needs the time takes one of these, so tests and
/// simulations control time exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixMicros(pub i64);

/// One second in microseconds.
pub const SECOND: i64 = 1_000_000;

impl UnixMicros {
    /// The instant `secs` seconds after the epoch (rounded to the microsecond).
    pub fn from_secs_f64(secs: f64) -> UnixMicros {
        UnixMicros((secs * 1e6).round() as i64)
    }

    /// The current system time.
    pub fn now() -> UnixMicros {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        UnixMicros(i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
    }

    /// `self + micros`, saturating.
    pub fn plus(self, micros: i64) -> UnixMicros {
        UnixMicros(self.0.saturating_add(micros))
    }

    /// Python's `isoformat()` of this instant in UTC: microseconds only
    /// when non-zero, offset `+00:00`.
    pub fn to_iso(self) -> String {
        let secs = self.0.div_euclid(SECOND);
        let micros = self.0.rem_euclid(SECOND);
        let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let mut out = String::with_capacity(32);
        let _ = write!(
            out,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        );
        if micros != 0 {
            let _ = write!(out, ".{micros:06}");
        }
        out.push_str("+00:00");
        out
    }
}

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("timestamp {text:?} is not an ISO 8601 date-time with a UTC offset")]
pub struct TimestampError {
    /// The offending text (cut to 64 characters).
    pub text: String,
}

/// Reads the date-times `datetime.fromisoformat(ts.replace("Z", "+00:00"))`
/// accepts and the reference can compare with an aware `now`:
/// `YYYY-MM-DD[T ]HH:MM[:SS[.f+]]` then `Z` or `±HH:MM[:SS]` / `±HHMM`.
/// A naive time (no offset) makes the reference raise `TypeError` when it
/// subtracts, which drops the message; here it is an error too.
pub fn parse_iso(text: &str) -> Result<UnixMicros, TimestampError> {
    parse_inner(text.as_bytes()).ok_or_else(|| TimestampError {
        text: text.chars().take(64).collect(),
    })
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let s = b.get(at..at + n)?;
    s.iter().try_fold(0i64, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
    })
}

fn parse_inner(b: &[u8]) -> Option<UnixMicros> {
    let (y, mo, d) = (digits(b, 0, 4)?, digits(b, 5, 2)?, digits(b, 8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b' '))
    {
        return None;
    }
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || y < 1 {
        return None;
    }
    let (h, mi) = (digits(b, 11, 2)?, digits(b, 14, 2)?);
    if b.get(13) != Some(&b':') || h > 23 || mi > 59 {
        return None;
    }
    let mut at = 16;
    let (mut s, mut frac) = (0, 0);
    if b.get(at) == Some(&b':') {
        s = digits(b, at + 1, 2)?;
        at += 3;
        if s > 59 {
            return None;
        }
        if matches!(b.get(at), Some(b'.' | b',')) {
            at += 1;
            let start = at;
            while b.get(at).is_some_and(u8::is_ascii_digit) {
                if at - start < 6 {
                    frac = frac * 10 + i64::from(b[at] - b'0');
                }
                at += 1;
            }
            let n = at - start;
            if n == 0 {
                return None;
            }
            frac *= 10i64.pow(6u32.saturating_sub(n as u32));
        }
    }
    let offset = match b.get(at) {
        Some(b'Z') if at + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            let rest = &b[at + 1..];
            let (oh, om, os) = match rest.len() {
                5 if rest[2] == b':' => (digits(rest, 0, 2)?, digits(rest, 3, 2)?, 0),
                8 if rest[2] == b':' && rest[5] == b':' => (
                    digits(rest, 0, 2)?,
                    digits(rest, 3, 2)?,
                    digits(rest, 6, 2)?,
                ),
                4 => (digits(rest, 0, 2)?, digits(rest, 2, 2)?, 0),
                _ => return None,
            };
            if oh > 23 || om > 59 || os > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60 + os)
        }
        _ => return None,
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset;
    Some(UnixMicros(secs * SECOND + frac))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_forms_round_trip() {
        for text in [
            "2026-02-03T12:00:00+00:00",
            "2026-02-03T12:00:00.123456+00:00",
            "1970-01-01T00:00:00+00:00",
            "2000-02-29T23:59:59.000001+00:00",
        ] {
            assert_eq!(parse_iso(text).unwrap().to_iso(), text);
        }
        assert_eq!(parse_iso("1970-01-01T00:00:01Z"), Ok(UnixMicros(SECOND)));
        assert_eq!(parse_iso("1970-01-01T01:00:00+01:00"), Ok(UnixMicros(0)));
        assert_eq!(
            parse_iso("1970-01-01T00:00:00.5+00:00"),
            Ok(UnixMicros(500_000))
        );
    }

    #[test]
    fn naive_and_garbage_are_refused() {
        for bad in [
            "2026-02-03T12:00:00",
            "2026-02-30T12:00:00+00:00",
            "2026-02-03T12:00:00.+00:00",
            "yesterday",
            "2026-02-03T12:00:00+00:00x",
            "",
        ] {
            assert!(parse_iso(bad).is_err(), "{bad}");
        }
    }
}
