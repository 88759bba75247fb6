//! Python's `float.__repr__`: the shortest string that round-trips, written
//! in fixed notation when the decimal point falls in `(-4, 16]` and in
//! scientific notation (`1e+16`, `1e-05`) otherwise.

use std::fmt::Write;

/// Returns `repr(x)` as Python writes it (`0.1`, `1e+16`, `-0.0`, `nan`, `inf`).
pub fn float_repr(x: f64) -> String {
    let mut out = String::with_capacity(24);
    write_float_repr(&mut out, x);
    out
}

/// Room for any `{:e}` form of an `f64`: at most 17 digits, a sign, a
/// point, `e`, an exponent sign and three exponent digits (23 bytes).
const SCI_MAX: usize = 32;

/// A fixed stack buffer that `write!` can fill, so formatting a float
/// needs no heap allocation.
struct StackBuf {
    bytes: [u8; SCI_MAX],
    len: usize,
}

impl Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.bytes.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Fraction digits the fast path tries (0.7, 0.95, 0.001, 256.0 ...).
const SHORT_FRACTION_DIGITS: u32 = 4;

/// `(m, d)` with `x = m / 10^d` as the shortest round-trip form of the
/// positive `x`, when that form is written in fixed notation with at most
/// [`SHORT_FRACTION_DIGITS`] fraction digits; `None` sends `x` to the
/// general path.
///
/// Why it is the form Python writes: `m` and `10^d` are exact doubles
/// (`m < 2^52`), so `m / 10^d` is the correctly rounded value of the
/// decimal `m·10^-d`, and it equals `x` exactly when that decimal reads
/// back as `x`. While `10^d · ulp(x) < 1/2`, a decimal with `d` fraction
/// digits that reads back as `x` lies within a quarter of `x·10^d`, so
/// rounding `x·10^d` finds it, and it is the only one (they are spaced
/// wider than `x`'s rounding interval). Trying `d = 0, 1, ...` in turn,
/// the first that reads back has the fewest digits, and no trailing zero
/// unless `d = 0`. `1e-4 <= x < 1e15` keeps the decimal point where Python
/// writes fixed notation.
fn short_fixed(x: f64) -> Option<(u64, u32)> {
    if !(1e-4..1e15).contains(&x) {
        return None;
    }
    let ulp = x.next_up() - x;
    let mut p = 1.0f64;
    for d in 0..=SHORT_FRACTION_DIGITS {
        // Also bounds x·p below 2^52: ulp(x) >= x·2^-53.
        if p * ulp >= 0.5 {
            return None;
        }
        let m = (x * p + 0.5) as u64;
        if m as f64 / p == x {
            return Some((m, d));
        }
        p *= 10.0;
    }
    None
}

/// Appends `m / 10^d` with `d` fraction digits (`m.0` when `d` is 0),
/// laid out on the stack from the last digit back.
fn push_fixed(out: &mut String, m: u64, d: u32) {
    // Up to 20 digits of a u64, a point and a zero.
    let mut text = [0u8; 24];
    let mut at = text.len();
    let mut rest = m;
    let mut put = |b: u8| {
        at -= 1;
        text[at] = b;
    };
    if d == 0 {
        put(b'0');
    }
    for _ in 0..d {
        put(b'0' + (rest % 10) as u8);
        rest /= 10;
    }
    put(b'.');
    // The integer part: at least one digit.
    loop {
        put(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&text[at..]).expect("digits and a point"));
}

/// Appends `repr(x)` as Python writes it to `out`, without allocating
/// beyond `out`'s own growth.
pub fn write_float_repr(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("nan");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if let Some((m, d)) = short_fixed(x.abs()) {
        if x.is_sign_negative() {
            out.push('-');
        }
        push_fixed(out, m, d);
        return;
    }
    // Rust's `{:e}` gives the shortest round-trip digits, like Python's 'r'
    // mode: "[-]d[.ddd]e<exp>". Only the layout differs.
    let mut sci = StackBuf {
        bytes: [0; SCI_MAX],
        len: 0,
    };
    write!(sci, "{:e}", x.abs()).expect("an f64's `{:e}` form fits 32 bytes");
    let sci = std::str::from_utf8(&sci.bytes[..sci.len]).expect("`{:e}` writes ASCII");
    let (mantissa, exp) = sci
        .split_once('e')
        .expect("`{:e}` always writes an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` writes a decimal exponent");
    // The significant digits are the mantissa without its point: a lead
    // digit and the fraction digits.
    let (lead, frac) = mantissa.split_at(1);
    let frac = frac.strip_prefix('.').unwrap_or(frac);
    let n_digits = 1 + frac.len();
    if x.is_sign_negative() {
        out.push('-');
    }
    // Position of the decimal point relative to the first digit.
    let decpt = exp + 1;
    if (-4 < decpt) && (decpt <= 16) {
        if decpt <= 0 {
            out.push_str("0.");
            for _ in 0..(-decpt) {
                out.push('0');
            }
            out.push_str(lead);
            out.push_str(frac);
        } else {
            let decpt = decpt as usize;
            out.push_str(lead);
            if n_digits <= decpt {
                out.push_str(frac);
                for _ in n_digits..decpt {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&frac[..decpt - 1]);
                out.push('.');
                out.push_str(&frac[decpt - 1..]);
            }
        }
    } else {
        out.push_str(lead);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let e = exp.unsigned_abs();
        out.push('e');
        out.push(sign);
        if e < 10 {
            out.push('0');
        }
        write!(out, "{e}").expect("writing to a String cannot fail");
    }
}

#[cfg(test)]
mod tests {
    use super::float_repr;

    // Each expected string is what CPython 3.11 prints for `repr(x)`.
    #[test]
    fn matches_cpython_repr() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e-7, "1e-07"),
            (1e22, "1e+22"),
            (-563.3566860479657, "-563.3566860479657"),
            (0.9999999999999999, "0.9999999999999999"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1.5e-5, "1.5e-05"),
            (f64::NAN, "nan"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (-1.5e-7, "-1.5e-07"),
            (-123.0, "-123.0"),
            (1.25e100, "1.25e+100"),
            (-2.2250738585072014e-308, "-2.2250738585072014e-308"),
            (0.001234, "0.001234"),
            (1234567890123456.7, "1234567890123456.8"),
        ];
        for (x, want) in cases {
            assert_eq!(float_repr(*x), *want, "repr({x:?})");
        }
    }
}

#[cfg(test)]
mod props {
    use super::float_repr;
    use proptest::prelude::*;

    /// The plain construction from `format!("{:e}")`, allocating freely: the
    /// digits without the point, then the point placed as Python places it.
    fn plain_repr(x: f64) -> String {
        if !x.is_finite() {
            return float_repr(x);
        }
        let sci = format!("{x:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        let (sign, mantissa) = match mantissa.strip_prefix('-') {
            Some(m) => ("-", m),
            None => ("", mantissa),
        };
        let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
        let decpt = exp + 1;
        let body = if decpt > -4 && decpt <= 16 {
            if decpt <= 0 {
                format!("0.{}{digits}", "0".repeat((-decpt) as usize))
            } else if digits.len() <= decpt as usize {
                format!("{digits}{}.0", "0".repeat(decpt as usize - digits.len()))
            } else {
                let (a, b) = digits.split_at(decpt as usize);
                format!("{a}.{b}")
            }
        } else {
            let (a, b) = digits.split_at(1);
            let point = if b.is_empty() { "" } else { "." };
            let esign = if exp < 0 { '-' } else { '+' };
            format!("{a}{point}{b}e{esign}{:02}", exp.unsigned_abs())
        };
        format!("{sign}{body}")
    }

    proptest! {
        /// Short decimals, the fast path's domain, and their neighbours.
        #[test]
        fn short_decimals_match_the_plain_construction(
            m in 0u64..2_000_000_000_000_000,
            d in 0u32..10,
            step in -2i64..=2,
            negative in any::<bool>(),
        ) {
            let x = m as f64 / 10f64.powi(d as i32);
            let x = f64::from_bits((x.to_bits() as i64 + step).max(0) as u64);
            let x = if negative { -x } else { x };
            prop_assert_eq!(float_repr(x), plain_repr(x));
        }

        #[test]
        fn any_double_matches_the_plain_construction(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assert_eq!(float_repr(x), plain_repr(x));
        }

        #[test]
        fn repr_round_trips(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            prop_assert_eq!(float_repr(x).parse::<f64>().unwrap().to_bits(), x.to_bits());
        }

        #[test]
        fn short_decimals_match(m in -99_999_999i64..99_999_999, e in -30i32..30) {
            let x = m as f64 * 10f64.powi(e);
            prop_assert_eq!(float_repr(x), plain_repr(x));
        }
    }
}
