//! Mann–Whitney U (Wilcoxon rank-sum) test: is one sample stochastically
//! larger than the other? (Mann & Whitney 1947; Hollander & Wolfe,
//! *Nonparametric Statistical Methods*, ch. 4.)
//!
//! Small samples without ties get the exact null distribution of U; larger
//! samples or ties use the normal approximation with the tie-corrected
//! variance and a continuity correction of 0.5, as R's `wilcox.test`.

use statrs::distribution::{ContinuousCDF, Normal};

/// Exact p-values are computed while n1·n2 is at most this (R uses exact
/// for n < 50 per sample; the counting table costs O(n1·n2·(n1+n2))).
const EXACT_LIMIT: usize = 2500;

/// The result of a two-sided test of `x` against `y`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U of the first sample (R's `W`): pairs (xi, yj) with xi > yj, ties ½.
    pub u: f64,
    /// Two-sided p-value.
    pub p_two_sided: f64,
    /// One-sided p-value for "x tends to be larger than y".
    pub p_greater: f64,
}

/// Tests `x` against `y`; `None` when either is empty or holds a
/// non-finite value, or every value is the same.
pub fn mann_whitney(x: &[f64], y: &[f64]) -> Option<MannWhitney> {
    if x.is_empty() || y.is_empty() || x.iter().chain(y).any(|v| !v.is_finite()) {
        return None;
    }
    let (n1, n2) = (x.len(), y.len());
    let mut all: Vec<(f64, bool)> = x
        .iter()
        .map(|&v| (v, true))
        .chain(y.iter().map(|&v| (v, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Mid-ranks for ties; collect tie-group sizes for the variance.
    let mut rank_sum_x = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let t = (j - i + 1) as f64;
        let mid_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum_x += all[i..=j].iter().filter(|e| e.1).count() as f64 * mid_rank;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    let (f1, f2) = (n1 as f64, n2 as f64);
    let u = rank_sum_x - f1 * (f1 + 1.0) / 2.0;
    let n = f1 + f2;
    let var = f1 * f2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if var <= 0.0 {
        return None;
    }
    let (p_greater, p_less) = if tie_term == 0.0 && n1 * n2 <= EXACT_LIMIT {
        let dist = exact_counts(n1, n2);
        let total: f64 = dist.iter().sum();
        let k = u.round() as usize;
        let ge: f64 = dist[k..].iter().sum::<f64>() / total;
        let le: f64 = dist[..=k].iter().sum::<f64>() / total;
        (ge, le)
    } else {
        let mean = f1 * f2 / 2.0;
        let sd = var.sqrt();
        let z = Normal::standard();
        (
            1.0 - z.cdf((u - mean - 0.5) / sd),
            z.cdf((u - mean + 0.5) / sd),
        )
    };
    Some(MannWhitney {
        u,
        p_two_sided: (2.0 * p_greater.min(p_less)).min(1.0),
        p_greater,
    })
}

/// Number of arrangements giving each U in 0..=n1·n2, by the recurrence
/// c(u; m, n) = c(u − n; m − 1, n) + c(u; m, n − 1) (Mann & Whitney 1947).
fn exact_counts(n1: usize, n2: usize) -> Vec<f64> {
    // table[m][n] is the distribution for sizes (m, n); build row by row.
    let max = n1 * n2;
    let mut prev: Vec<Vec<f64>> = (0..=n2)
        .map(|_| {
            let mut d = vec![0.0; max + 1];
            d[0] = 1.0;
            d
        })
        .collect();
    for m in 1..=n1 {
        let mut cur: Vec<Vec<f64>> = Vec::with_capacity(n2 + 1);
        let mut d0 = vec![0.0; max + 1];
        d0[0] = 1.0;
        cur.push(d0);
        for n in 1..=n2 {
            let mut d = vec![0.0; max + 1];
            for u in 0..=m * n {
                let a = if u >= n { prev[n][u - n] } else { 0.0 };
                d[u] = a + cur[n - 1][u];
            }
            cur.push(d);
        }
        prev = cur;
    }
    prev.swap_remove(n2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hollander & Wolfe (1973), p. 69, the example in R's `?wilcox.test`:
    /// `wilcox.test(x, y, alternative = "greater")` gives W = 35,
    /// p = 0.1272 (exact).
    #[test]
    fn hollander_wolfe_example() {
        let x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
        let y = [1.15, 0.88, 0.90, 0.74, 1.21];
        let r = mann_whitney(&x, &y).unwrap();
        assert_eq!(r.u, 35.0);
        assert!((r.p_greater - 0.1272).abs() < 5e-4, "{}", r.p_greater);
        assert!((r.p_two_sided - 0.2544).abs() < 1e-3, "{}", r.p_two_sided);
    }

    #[test]
    fn large_shifted_samples_are_significant_and_equal_ones_are_not() {
        let x: Vec<f64> = (0..100).map(|i| 100.0 + (i % 10) as f64).collect();
        let y: Vec<f64> = x.iter().map(|v| v * 1.1).collect();
        let r = mann_whitney(&y, &x).unwrap();
        assert!(r.p_two_sided < 1e-6 && r.p_greater < 1e-6);
        let same = mann_whitney(&x, &x).unwrap();
        assert!(same.p_two_sided > 0.9);
    }

    /// Agrees with statrs's implementation (which follows scipy) in both
    /// the exact and the tie-corrected asymptotic regime.
    #[test]
    fn agrees_with_statrs() {
        use statrs::stats_tests::Alternative;
        use statrs::stats_tests::mannwhitneyu::{MannWhitneyUMethod, mannwhitneyu as reference};
        let cases: [(&[f64], &[f64]); 3] = [
            (&[19.0, 22.0, 16.0, 29.0, 24.0], &[20.0, 11.0, 17.0, 12.0]),
            (
                &[1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 8.0],
                &[2.0, 4.0, 5.0, 6.0, 7.0, 9.0, 9.0, 10.0],
            ),
            (
                &[3.1, 4.1, 5.9, 2.6, 5.3, 5.8, 9.7, 9.3],
                &[2.3, 8.4, 6.2, 6.4, 3.3, 8.3, 2.7],
            ),
        ];
        for (x, y) in cases {
            let ours = mann_whitney(x, y).unwrap();
            let (u, p) =
                reference(x, y, MannWhitneyUMethod::Automatic, Alternative::TwoSided).unwrap();
            assert_eq!(ours.u, u);
            assert!(
                (ours.p_two_sided - p).abs() < 1e-9,
                "{} vs {p}",
                ours.p_two_sided
            );
        }
    }

    #[test]
    fn degenerate_input_is_none() {
        assert_eq!(mann_whitney(&[], &[1.0]), None);
        assert_eq!(mann_whitney(&[1.0, 1.0], &[1.0]), None);
        assert_eq!(mann_whitney(&[f64::NAN], &[1.0]), None);
    }
}
