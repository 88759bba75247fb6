//! Quantities with units in `targets.toml`: `"100 ns"`, `"1.5 KiB"`, `412`.

use crate::model::Metric;

/// Nanoseconds per time unit.
fn time_factor(unit: &str) -> Option<f64> {
    Some(match unit {
        "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    })
}

/// Bytes per size unit (decimal KB/MB/GB, binary KiB/MiB/GiB).
fn byte_factor(unit: &str) -> Option<f64> {
    Some(match unit {
        "B" => 1.0,
        "KB" | "kB" => 1e3,
        "KiB" => 1024.0,
        "MB" => 1e6,
        "MiB" => 1_048_576.0,
        "GB" => 1e9,
        "GiB" => 1_073_741_824.0,
        _ => return None,
    })
}

/// Parses a limit for `metric` into the metric's normalised unit (ns,
/// bytes, or a count). Text is `<number> <unit>` (space optional); counts
/// take a plain number.
pub fn parse_limit(text: &str, metric: &Metric) -> Result<f64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_' || c == 'e' || c == '+'))
        .unwrap_or(text.len());
    let (num, unit) = text.split_at(split);
    let value: f64 = num
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{text:?} does not start with a number"))?;
    let unit = unit.trim();
    let factor = match metric {
        Metric::WallTime => time_factor(unit)
            .ok_or_else(|| format!("{unit:?} is not a time unit (ns, us, µs, ms, s)"))?,
        Metric::HeapBytes => byte_factor(unit)
            .ok_or_else(|| format!("{unit:?} is not a size unit (B, KB, KiB, MB, MiB, GB, GiB)"))?,
        Metric::Instructions | Metric::Other(_) if unit.is_empty() => 1.0,
        _ => return Err(format!("{unit:?}: counts take a plain number")),
    };
    let v = value * factor;
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(format!("{text:?} must be a positive finite quantity"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit() {
        assert_eq!(parse_limit("100 ns", &Metric::WallTime), Ok(100.0));
        assert_eq!(parse_limit("10µs", &Metric::WallTime), Ok(10_000.0));
        assert_eq!(parse_limit("10 us", &Metric::WallTime), Ok(10_000.0));
        assert_eq!(parse_limit("1 s", &Metric::WallTime), Ok(1e9));
        assert_eq!(parse_limit("1 GB", &Metric::HeapBytes), Ok(1e9));
        assert_eq!(parse_limit("2 KiB", &Metric::HeapBytes), Ok(2048.0));
        assert_eq!(parse_limit("1_000", &Metric::Instructions), Ok(1000.0));
    }

    #[test]
    fn rejects_wrong_units() {
        assert!(
            parse_limit("100 nss", &Metric::WallTime)
                .unwrap_err()
                .contains("not a time unit")
        );
        assert!(parse_limit("100 ns", &Metric::HeapBytes).is_err());
        assert!(parse_limit("100 ns", &Metric::Instructions).is_err());
        assert!(parse_limit("fast", &Metric::WallTime).is_err());
        assert!(parse_limit("0 ns", &Metric::WallTime).is_err());
    }
}
