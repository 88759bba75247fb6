//! Wilcoxon signed-rank test for paired data (Wilcoxon 1945; Hollander &
//! Wolfe, *Nonparametric Statistical Methods*, 3rd ed., §3.1), one-sided:
//! are the differences shifted above zero?
//!
//! Zero differences are dropped (Wilcoxon's convention); ties share their
//! average rank. The p-value is exact: the null distribution of W+ is
//! counted over all 2^n sign assignments of the (mid)ranks, which is cheap
//! for the few rounds of a paired comparison. Average ranks are multiples
//! of ½, so ranks are doubled to count integer sums.

/// The signed-rank statistic and its one-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignedRank {
    /// W+, the sum of the ranks of the positive differences.
    pub w_plus: f64,
    /// Non-zero differences used.
    pub n: usize,
    /// P(W+ ≥ observed) under the null: small when differences are positive.
    pub p_greater: f64,
    /// P(W+ ≤ observed): small when differences are negative.
    pub p_less: f64,
}

/// Largest number of non-zero differences counted exactly; the table has
/// n(n+1) + 1 cells, so 1000 is still tiny.
const MAX_N: usize = 1000;

/// The test on `diffs`. `None` when a value is non-finite, every
/// difference is zero, or there are more than [`MAX_N`].
pub fn signed_rank(diffs: &[f64]) -> Option<SignedRank> {
    if diffs.iter().any(|d| !d.is_finite()) {
        return None;
    }
    let mut d: Vec<f64> = diffs.iter().copied().filter(|x| *x != 0.0).collect();
    let n = d.len();
    if n == 0 || n > MAX_N {
        return None;
    }
    d.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
    // Doubled average ranks: a tie group over ranks i+1..=j gets i+1+j.
    let mut ranks2 = vec![0usize; n];
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && d[j].abs() == d[i].abs() {
            j += 1;
        }
        for r in &mut ranks2[i..j] {
            *r = i + 1 + j;
        }
        i = j;
    }
    let w2: usize = ranks2
        .iter()
        .zip(&d)
        .filter(|(_, x)| **x > 0.0)
        .map(|(r, _)| r)
        .sum();
    // counts[s] = number of sign assignments whose doubled W+ equals s.
    let total: usize = ranks2.iter().sum();
    let mut counts = vec![0f64; total + 1];
    counts[0] = 1.0;
    for &r in &ranks2 {
        for s in (r..=total).rev() {
            counts[s] += counts[s - r];
        }
    }
    let all: f64 = counts.iter().sum();
    let p_greater = counts[w2..].iter().sum::<f64>() / all;
    let p_less = counts[..=w2].iter().sum::<f64>() / all;
    Some(SignedRank {
        w_plus: w2 as f64 / 2.0,
        n,
        p_greater,
        p_less,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn darwin_maize_data_matches_the_published_p_value() {
        // Darwin's cross- vs self-fertilised maize height differences
        // (Fisher 1935), the example of scipy.stats.wilcoxon: W+ = 96,
        // exact one-sided p = 676 / 2^15 = 0.0206298828125.
        let d = [
            6.0, 8.0, 14.0, 16.0, 23.0, 24.0, 28.0, 29.0, 41.0, -48.0, 49.0, 56.0, 60.0, -67.0,
            75.0,
        ];
        let t = signed_rank(&d).unwrap();
        assert_eq!(t.w_plus, 96.0);
        assert!((t.p_greater - 0.0206298828125).abs() < 1e-12, "{t:?}");
    }

    #[test]
    fn all_positive_gives_the_smallest_p_of_two_to_the_minus_n() {
        let t = signed_rank(&[0.1, 0.2, 0.3, 0.4, 0.5]).unwrap();
        assert_eq!(t.p_greater, 1.0 / 32.0);
        assert_eq!(t.p_less, 1.0);
    }

    #[test]
    fn ties_and_zeros_are_handled() {
        // Zero dropped; |1| tied twice → ranks 1.5, 1.5, 3.
        let t = signed_rank(&[0.0, 1.0, -1.0, 2.0]).unwrap();
        assert_eq!((t.n, t.w_plus), (3, 4.5));
        assert!(t.p_greater > 0.2 && t.p_less > 0.2);
    }

    #[test]
    fn degenerate_input_is_none() {
        assert_eq!(signed_rank(&[]), None);
        assert_eq!(signed_rank(&[0.0, 0.0]), None);
        assert_eq!(signed_rank(&[1.0, f64::NAN]), None);
    }
}
