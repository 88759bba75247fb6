//! The Benjamini–Hochberg step-up threshold (Benjamini & Hochberg 1995,
//! "Controlling the false discovery rate", JRSS B 57(1)).
//!
//! Of m hypotheses, those with p ≤ j*·q/m are rejected, where j* is the
//! largest j with p₍ⱼ₎ ≤ j·q/m. When every hypothesis is true the chance
//! of rejecting any is at most q (Simes 1986), the same guarantee as
//! Bonferroni's q/m, for independent or positively dependent p-values;
//! when some are false it rejects more of them than Bonferroni would.

/// The rejection threshold for `p` (the p-values that were computed;
/// the other `m − p.len()` hypotheses count as p = 1) at level `q`.
/// Returns the Bonferroni level q/m when nothing is rejected, so that the
/// threshold is never below it.
pub fn bh_threshold(p: &[f64], q: f64, m: usize) -> f64 {
    bh_threshold_after(p, q, m, 0)
}

/// [`bh_threshold`] when `rejected` of the `m` hypotheses are already
/// rejected (they enter the step-up as p = 0, ahead of every p in `p`):
/// the j-th smallest of `p` is then compared with (rejected + j)·q/m.
/// With `rejected = 0` this is the plain step-up. When none of `p`
/// passes it returns q/m, which then rejects nothing either.
pub fn bh_threshold_after(p: &[f64], q: f64, m: usize, rejected: usize) -> f64 {
    let m = m.max(p.len() + rejected).max(1) as f64;
    let mut sorted: Vec<f64> = p.iter().copied().filter(|x| !x.is_nan()).collect();
    sorted.sort_by(f64::total_cmp);
    let step = q / m;
    sorted
        .iter()
        .enumerate()
        .map(|(j, x)| (*x, (rejected + j + 1) as f64 * step))
        .filter(|(x, level)| x <= level)
        .map(|(_, level)| level)
        .fold(step, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of Benjamini & Hochberg (1995, §4): 15 p-values
    /// at q = 0.05; Bonferroni rejects 3, the step-up procedure 4.
    #[test]
    fn the_published_example_rejects_four() {
        let p = [
            0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
            0.5719, 0.6528, 0.7590, 1.0000,
        ];
        let t = bh_threshold(&p, 0.05, 15);
        assert_eq!(p.iter().filter(|x| **x <= t).count(), 4);
        assert_eq!(p.iter().filter(|x| **x <= 0.05 / 15.0).count(), 3);
    }

    /// Two hypotheses already rejected lift the first comparison of the
    /// published example from 1·q/m to 3·q/m: its fifth p-value (0.0201)
    /// now passes at 7·q/m ≈ 0.0206, the sixth (0.0278) fails 8·q/m ≈ 0.0235.
    #[test]
    fn earlier_rejections_lift_the_step_up() {
        let p = [
            0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
            0.5719, 0.6528, 0.7590, 1.0000,
        ];
        let t = bh_threshold_after(&p, 0.05, 17, 2);
        assert_eq!(p.iter().filter(|x| **x <= t).count(), 5);
        assert_eq!(
            bh_threshold_after(&p, 0.05, 17, 0),
            bh_threshold(&p, 0.05, 17)
        );
        // Nothing passes: the Bonferroni level, which rejects nothing.
        assert_eq!(bh_threshold_after(&[0.5], 0.01, 200, 3), 0.01 / 200.0);
    }

    #[test]
    fn nothing_rejected_leaves_the_bonferroni_level() {
        assert_eq!(bh_threshold(&[0.5, 0.9], 0.01, 200), 0.01 / 200.0);
        assert_eq!(bh_threshold(&[], 0.01, 0), 0.01);
    }
}
