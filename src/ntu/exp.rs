//! `exp(-4 * variance)`, the temporal term, for a variance in [0, 1/4].
//!
//! A window of values in [0, 1] has a variance of at most 1/4, so the
//! exponent never leaves [-1, 0]. There the libm call spends half its
//! instructions on what this range does not need (the errno wrapper, the
//! overflow and subnormal checks, the reduction by `ln 2`), about 50 per
//! observation. Here: `x = -j/16 + r` with `|r| <= 1/32`, `exp(x) =
//! exp(-j/16) * exp(r)`, the first factor from a table of correctly rounded
//! constants, the second a degree-7 Taylor polynomial whose truncation error
//! (`(1/32)^8 / 8!`, about 2.3e-17) is below half an ulp of 1. The result is
//! within a few ulps of libm's (a test checks), far below the 1e-12 parity
//! tolerance. Any other `x` falls back to libm.

/// `exp(-j/16)` for `j` in 0..=16, each correctly rounded (computed to 50
/// digits and rounded once; a test checks them against libm to one ulp).
const STEPS: [f64; 17] = [
    f64::from_bits(0x3ff0_0000_0000_0000),
    f64::from_bits(0x3fee_0fab_fbc7_02a4),
    f64::from_bits(0x3fec_3d6a_24ed_8222),
    f64::from_bits(0x3fea_8768_12c0_877c),
    f64::from_bits(0x3fe8_ebef_9eac_820b),
    f64::from_bits(0x3fe7_6965_2df2_2f7e),
    f64::from_bits(0x3fe5_fe46_15e9_8e8f),
    f64::from_bits(0x3fe4_a927_1936_fd09),
    f64::from_bits(0x3fe3_68b2_fc6f_960a),
    f64::from_bits(0x3fe2_3ba9_30c1_568b),
    f64::from_bits(0x3fe1_20dc_9349_93e8),
    f64::from_bits(0x3fe0_1732_3fd9_0020),
    f64::from_bits(0x3fde_3b40_ebef_cd7e),
    f64::from_bits(0x3fdc_665b_1e1f_1e0d),
    f64::from_bits(0x3fda_adde_095d_ad4b),
    f64::from_bits(0x3fd9_1011_0be0_6976),
    f64::from_bits(0x3fd7_8b56_362c_ef38),
];

/// 2^52: adding it to a `y` in [0, 2^51] rounds `y` to an integer held in
/// the low bits of the sum.
const ROUNDER: f64 = 4_503_599_627_370_496.0;

/// `exp(-4 * variance)`, by the table and polynomial for a variance in
/// [0, 1/4] (slightly beyond, up to 0.2578), else libm.
#[inline]
pub(crate) fn exp_minus_4x(variance: f64) -> f64 {
    // y = -16 * (-4 * variance) = 16 |exponent|, exact (a power-of-two
    // scaling) and in [0, 16].
    let y = variance * 64.0;
    let rounded = y + ROUNDER;
    let j = rounded.to_bits().wrapping_sub(ROUNDER.to_bits()) as usize;
    // `get` refuses a variance beyond 0.2578 (j > 16), NaN, infinities
    // and the negative ones that round below 2^52 (a huge j from the
    // wrapped subtraction). The tiny negative ones that give j = 0 have
    // r = -4 * variance, where the polynomial holds too.
    let Some(&step) = STEPS.get(j) else {
        return libm_exp(-4.0 * variance);
    };
    // j - y is exact (Sterbenz: y lies within [j/2, 2j] for j >= 1, and is
    // y itself for j = 0), and so is the division by 16: |r| <= 1/32.
    let r = ((rounded - ROUNDER) - y) * 0.0625;
    let p = 1.0 / 5040.0;
    let p = p * r + 1.0 / 720.0;
    let p = p * r + 1.0 / 120.0;
    let p = p * r + 1.0 / 24.0;
    let p = p * r + 1.0 / 6.0;
    let p = p * r + 0.5;
    let p = p * r + 1.0;
    let p = p * r + 1.0;
    step * p
}

/// The libm call, out of line and cold, so that callers keep their values
/// in registers on the table path.
#[cold]
#[inline(never)]
fn libm_exp(x: f64) -> f64 {
    x.exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in ulps between two positive finite doubles.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn steps_are_libm_exp_of_sixteenths_to_one_ulp() {
        for (j, &step) in STEPS.iter().enumerate() {
            assert!(ulps(step, (-(j as f64) / 16.0).exp()) <= 1, "j = {j}");
        }
    }

    #[test]
    fn agrees_with_libm_to_a_few_ulps_across_the_interval() {
        let mut worst = 0;
        for i in 0..=200_000u32 {
            let x = -f64::from(i) / 200_000.0;
            worst = worst.max(ulps(exp_minus_4x(x / -4.0), x.exp()));
        }
        // Step edges, where |r| is largest, and the ends.
        for j in 0..=16 {
            for d in [-1.0 / 32.0, 1.0 / 32.0] {
                let x = (-f64::from(j) / 16.0 + d / 16.0).clamp(-1.0, 0.0);
                worst = worst.max(ulps(exp_minus_4x(x / -4.0), x.exp()));
            }
        }
        assert!(worst <= 3, "worst {worst} ulps");
        assert_eq!(exp_minus_4x(0.0), 1.0);
        assert_eq!(exp_minus_4x(-0.0), 1.0);
    }

    #[test]
    fn outside_the_interval_is_libm() {
        for v in [
            -0.125,
            -1e-300,
            0.375,
            175.0,
            -0.75,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let want = (-4.0 * v).exp();
            assert_eq!(exp_minus_4x(v).to_bits(), want.to_bits(), "{v}");
        }
        assert!(exp_minus_4x(f64::NAN).is_nan());
    }
}
