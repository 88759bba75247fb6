//! One measurement against its baseline.
//!
//! Wall time (sampled): a regression needs both a significant rank test
//! (Mann–Whitney, one-sided p below α) and a material effect: the
//! bootstrap interval of median(new)/median(base) must exclude 1 and the
//! ratio itself must exceed 1 + min_effect. Requiring both keeps tiny-but-significant shifts on a
//! noisy machine from failing the build, and large-but-noisy differences
//! from failing it on one unlucky run.
//!
//! Deterministic metrics (instructions, heap bytes): a change counts when
//! its magnitude exceeds the noise threshold learnt from the history
//! ([`crate::stats::noise`]), with its floor when history is short.

use super::verdict::{Change, Row, Verdict};
use crate::model::Measurement;
use crate::stats::bootstrap::median_ratio_ci;
use crate::stats::mann_whitney::mann_whitney;
use crate::stats::noise::{FLOOR, noise_threshold};

/// Settings of the baseline comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareSettings {
    /// Significance level of the rank test.
    pub alpha: f64,
    /// Smallest relative slowdown that counts (0.03 = 3 %).
    pub min_effect: f64,
    /// Smallest departure from the control-chart center that a drift
    /// signal must also show (0.01 = 1 %): a chart over very quiet runs
    /// would otherwise flag shifts too small to matter.
    pub min_drift: f64,
    /// Bootstrap resamples.
    pub resamples: usize,
    /// Bootstrap seed.
    pub seed: u64,
}

impl Default for CompareSettings {
    fn default() -> Self {
        // 2000 resamples put the 2.5 % quantile within about ±0.5 % of the
        // ratio's spread; the seed only has to be fixed, not special.
        CompareSettings {
            alpha: 0.05,
            min_effect: 0.03,
            min_drift: 0.01,
            resamples: 2000,
            seed: 0x5EED,
        }
    }
}

/// Judges `new` against `base`, filling the row's baseline and change.
/// `history` holds this bench's earlier values (oldest first) for the
/// noise threshold of deterministic metrics.
pub fn compare(
    row: &mut Row,
    new: &Measurement,
    base: &Measurement,
    history: &[f64],
    s: &CompareSettings,
) {
    match (&new.samples, &base.samples) {
        (Some(ns), Some(bs)) if ns.len() >= 3 && bs.len() >= 3 => {
            let (nv, bv) = (ns.values(), bs.values());
            row.baseline = crate::stats::describe::median(bv);
            let ci = median_ratio_ci(nv, bv, 0.95, s.resamples, s.seed);
            let mw = mann_whitney(nv, bv);
            let Some(ci) = ci else {
                row.why.push("baseline median is zero: no ratio".into());
                return;
            };
            row.change = Some(Change {
                ratio: ci.ratio,
                lower: Some(ci.lower),
                upper: Some(ci.upper),
            });
            let p_slower = mw.map_or(1.0, |m| m.p_greater);
            let p_faster = mw.map_or(1.0, |m| 1.0 - m.p_greater);
            let pct = (ci.ratio - 1.0) * 100.0;
            if p_slower < s.alpha && ci.lower > 1.0 && ci.ratio > 1.0 + s.min_effect {
                row.raise(
                    Verdict::Regressed,
                    format!(
                        "{pct:+.1}% slower (Mann-Whitney p={p_slower:.3}; 95% CI {:+.1}%..{:+.1}%)",
                        (ci.lower - 1.0) * 100.0,
                        (ci.upper - 1.0) * 100.0
                    ),
                );
            } else if p_faster < s.alpha && ci.upper < 1.0 && ci.ratio < 1.0 - s.min_effect {
                row.raise(
                    Verdict::Improved,
                    format!("{pct:+.1}% faster (p={p_faster:.3})"),
                );
            } else if p_slower < s.alpha && ci.lower > 1.0 {
                row.why.push(format!(
                    "{pct:+.1}%: significant but below the {:.0}% minimum effect",
                    s.min_effect * 100.0
                ));
            }
        }
        _ => {
            row.baseline = Some(base.estimate);
            if base.estimate <= 0.0 {
                return;
            }
            let ratio = new.estimate / base.estimate;
            row.change = Some(Change {
                ratio,
                lower: None,
                upper: None,
            });
            let threshold = noise_threshold(history).unwrap_or(FLOOR);
            let pct = (ratio - 1.0) * 100.0;
            if ratio - 1.0 > threshold {
                row.raise(
                    Verdict::Regressed,
                    format!(
                        "{pct:+.2}% beyond the {:.2}% noise threshold",
                        threshold * 100.0
                    ),
                );
            } else if 1.0 - ratio > threshold {
                row.raise(
                    Verdict::Improved,
                    format!(
                        "{pct:+.2}% beyond the {:.2}% noise threshold",
                        threshold * 100.0
                    ),
                );
            }
        }
    }
}
