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
