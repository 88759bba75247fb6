//! Judging a paired base-versus-head comparison: both revisions measured
//! on the same machine in interleaved rounds, so each round gives one
//! head/base ratio per bench and machine drift cancels within a round.
//!
//! Wall time: a regression needs a significant one-sided Wilcoxon
//! signed-rank test on the log ratios (p < α), a bootstrap interval of the
//! median ratio that excludes 1, and a median ratio above 1 + min_effect.
//! With n rounds the smallest attainable p is 2^-n, so fewer than five
//! rounds can never flag a wall-time change at α = 0.05; that is said in
//! the row rather than silently passing.
//!
//! Instruction counts and other unsampled metrics are nearly
//! deterministic: a change counts when the median ratio departs from 1 by
//! more than the threshold: the larger of the noise threshold learnt from
//! the history ([`crate::stats::noise`], with its floor) and the spread
//! seen between rounds of the same revision in this comparison.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::verdict::Verdict;
use crate::model::{Measurement, Metric, Unit};
use crate::stats::bootstrap::median_ci;
use crate::stats::describe::median;
use crate::stats::noise::{FLOOR, noise_threshold};
use crate::stats::wilcoxon::signed_rank;

/// Settings of the paired judgement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairedSettings {
    /// Significance level of the signed-rank test.
    pub alpha: f64,
    /// Smallest relative wall-time change that counts (0.03 = 3 %).
    pub min_effect: f64,
    /// Bootstrap resamples for the interval of the median ratio.
    pub resamples: usize,
    /// Bootstrap seed.
    pub seed: u64,
}

impl Default for PairedSettings {
    fn default() -> Self {
        PairedSettings {
            alpha: 0.05,
            min_effect: 0.03,
            resamples: 2000,
            seed: 0x5EED,
        }
    }
}

/// One bench and metric measured on both sides, value per round.
#[derive(Debug, Clone, PartialEq)]
pub struct Pairs {
    /// Bench id.
    pub bench: String,
    /// Metric.
    pub metric: Metric,
    /// Unit of the values.
    pub unit: Unit,
    /// Whether the metric carries samples (wall time) or is a count.
    pub sampled: bool,
    /// Base value in each round where both sides have one.
    pub base: Vec<f64>,
    /// Head value in the same rounds.
    pub head: Vec<f64>,
}

/// One judged bench and metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairedRow {
    /// Bench id.
    pub bench: String,
    /// Metric.
    pub metric: Metric,
    /// Unit of `base` and `head`.
    pub unit: Unit,
    /// Median base value over the rounds.
    pub base: f64,
    /// Median head value over the rounds.
    pub head: f64,
    /// Rounds paired.
    pub rounds: usize,
    /// Median head/base ratio.
    pub ratio: Option<f64>,
    /// 95 % bootstrap interval of the median ratio (wall time).
    pub lower: Option<f64>,
    /// Its upper bound.
    pub upper: Option<f64>,
    /// One-sided signed-rank p-value in the direction of the change.
    pub p: Option<f64>,
    /// Threshold applied to counts (a fraction).
    pub threshold: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in words.
    pub why: Vec<String>,
}

/// The value of a measurement for pairing: median of samples, else estimate.
fn value(m: &Measurement) -> f64 {
    super::chart_value(m)
}

/// Pairs round results by bench and metric. `rounds[i]` is (base, head)
/// of round i. Returns the pairs, and the keys only the head has (added)
/// and only the base has (removed), as `bench (metric)`.
pub fn pair_rounds(
    rounds: &[(Vec<Measurement>, Vec<Measurement>)],
) -> (Vec<Pairs>, Vec<String>, Vec<String>) {
    type Key = (String, String);
    let mut map: BTreeMap<Key, (Option<Pairs>, bool, bool)> = BTreeMap::new();
    for (base, head) in rounds {
        for m in base.iter().chain(head) {
            let key = (m.bench.to_string(), m.metric.to_string());
            let e = map.entry(key).or_insert((None, false, false));
            e.0.get_or_insert_with(|| Pairs {
                bench: m.bench.to_string(),
                metric: m.metric.clone(),
                unit: m.unit,
                sampled: m.samples.is_some(),
                base: Vec::new(),
                head: Vec::new(),
            });
        }
        for (k, e) in map.iter_mut() {
            let find = |side: &[Measurement]| {
                side.iter()
                    .find(|m| m.bench.as_str() == k.0 && m.metric.to_string() == k.1)
                    .map(value)
            };
            let (b, h) = (find(base), find(head));
            e.1 |= b.is_some();
            e.2 |= h.is_some();
            if let (Some(b), Some(h), Some(p)) = (b, h, e.0.as_mut()) {
                p.base.push(b);
                p.head.push(h);
            }
        }
    }
    let (mut pairs, mut added, mut removed) = (Vec::new(), Vec::new(), Vec::new());
    for ((bench, metric), (p, in_base, in_head)) in map {
        match (in_base, in_head, p) {
            (true, true, Some(p)) if !p.base.is_empty() => pairs.push(p),
            (false, true, _) => added.push(format!("{bench} ({metric})")),
            (true, false, _) => removed.push(format!("{bench} ({metric})")),
            _ => {}
        }
    }
    (pairs, added, removed)
}

/// Largest relative departure from the median among `xs`.
fn spread(xs: &[f64]) -> f64 {
    let Some(m) = median(xs).filter(|m| *m != 0.0) else {
        return 0.0;
    };
    xs.iter().map(|x| ((x - m) / m).abs()).fold(0.0, f64::max)
}

/// Judges one bench and metric. `history` holds its earlier values (oldest
/// first) for the noise threshold of counts; it may be empty.
pub fn judge_pairs(p: &Pairs, history: &[f64], s: &PairedSettings) -> PairedRow {
    let mut row = PairedRow {
        bench: p.bench.clone(),
        metric: p.metric.clone(),
        unit: p.unit,
        base: median(&p.base).unwrap_or(f64::NAN),
        head: median(&p.head).unwrap_or(f64::NAN),
        rounds: p.base.len(),
        ratio: None,
        lower: None,
        upper: None,
        p: None,
        threshold: None,
        verdict: Verdict::Pass,
        why: Vec::new(),
    };
    let ratios: Vec<f64> = p
        .base
        .iter()
        .zip(&p.head)
        .filter(|(b, _)| **b > 0.0)
        .map(|(b, h)| h / b)
        .collect();
    let Some(ratio) = median(&ratios) else {
        row.why.push("no usable rounds (zero base)".into());
        return row;
    };
    row.ratio = Some(ratio);
    let pct = (ratio - 1.0) * 100.0;
    if !p.sampled {
        let learnt = noise_threshold(history).unwrap_or(FLOOR);
        let threshold = learnt.max(spread(&p.base)).max(spread(&p.head));
        row.threshold = Some(threshold);
        let t = threshold * 100.0;
        if ratio - 1.0 > threshold {
            row.verdict = Verdict::Regressed;
            row.why
                .push(format!("{pct:+.2}% beyond the {t:.2}% noise threshold"));
        } else if 1.0 - ratio > threshold {
            row.verdict = Verdict::Improved;
            row.why
                .push(format!("{pct:+.2}% beyond the {t:.2}% noise threshold"));
        }
        return row;
    }
    let logs: Vec<f64> = ratios.iter().map(|r| r.ln()).collect();
    let test = signed_rank(&logs);
    let ci = median_ci(&ratios, 0.95, s.resamples, s.seed);
    if let Some(ci) = ci {
        row.lower = Some(ci.lower);
        row.upper = Some(ci.upper);
    }
    let (p_up, p_down) = test.map_or((1.0, 1.0), |t| (t.p_greater, t.p_less));
    row.p = Some(if ratio >= 1.0 { p_up } else { p_down });
    let (lo, hi) = ci.map_or((f64::NAN, f64::NAN), |c| (c.lower, c.upper));
    let detail = format!(
        "signed-rank p={:.3}; 95% CI {:+.1}%..{:+.1}%",
        row.p.unwrap_or(1.0),
        (lo - 1.0) * 100.0,
        (hi - 1.0) * 100.0
    );
    if p_up < s.alpha && lo > 1.0 && ratio > 1.0 + s.min_effect {
        row.verdict = Verdict::Regressed;
        row.why.push(format!("{pct:+.1}% slower ({detail})"));
    } else if p_down < s.alpha && hi < 1.0 && ratio < 1.0 - s.min_effect {
        row.verdict = Verdict::Improved;
        row.why.push(format!("{pct:+.1}% faster ({detail})"));
    } else if (p_up < s.alpha && lo > 1.0) || (p_down < s.alpha && hi < 1.0) {
        row.why.push(format!(
            "{pct:+.1}%: significant but below the {:.0}% minimum effect",
            s.min_effect * 100.0
        ));
    } else if 0.5f64.powi(row.rounds as i32) >= s.alpha {
        row.verdict = Verdict::Warn;
        row.why.push(format!(
            "{} rounds cannot reach p<{}: use --rounds 5 or more",
            row.rounds, s.alpha
        ));
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(sampled: bool, base: &[f64], head: &[f64]) -> Pairs {
        Pairs {
            bench: "x/y/1".into(),
            metric: if sampled {
                Metric::WallTime
            } else {
                Metric::Instructions
            },
            unit: Unit::Nanoseconds,
            sampled,
            base: base.to_vec(),
            head: head.to_vec(),
        }
    }

    const BASE: [f64; 6] = [100.0, 104.0, 98.0, 101.0, 103.0, 99.0];

    #[test]
    fn a_consistent_ten_percent_slowdown_regresses() {
        let head: Vec<f64> = BASE.iter().map(|b| b * 1.10).collect();
        let row = judge_pairs(&pairs(true, &BASE, &head), &[], &PairedSettings::default());
        assert_eq!(row.verdict, Verdict::Regressed, "{row:?}");
        assert!((row.ratio.unwrap() - 1.10).abs() < 1e-9);
    }

    #[test]
    fn machine_drift_shared_by_both_sides_cancels() {
        // Each round is 4 % off the last, but head equals base within it.
        let head: Vec<f64> = BASE.iter().map(|b| b * 1.001).collect();
        let row = judge_pairs(&pairs(true, &BASE, &head), &[], &PairedSettings::default());
        assert_eq!(row.verdict, Verdict::Pass, "{row:?}");
    }

    #[test]
    fn a_significant_change_below_the_minimum_effect_passes() {
        let head: Vec<f64> = BASE.iter().map(|b| b * 1.01).collect();
        let row = judge_pairs(&pairs(true, &BASE, &head), &[], &PairedSettings::default());
        assert_eq!(row.verdict, Verdict::Pass);
        assert!(row.why[0].contains("minimum effect"), "{row:?}");
    }

    #[test]
    fn too_few_rounds_warn_instead_of_passing_silently() {
        let row = judge_pairs(
            &pairs(true, &BASE[..3], &[110.0, 114.0, 108.0]),
            &[],
            &PairedSettings::default(),
        );
        assert_eq!(row.verdict, Verdict::Warn, "{row:?}");
    }

    #[test]
    fn counts_use_the_floor_or_the_round_spread() {
        let s = PairedSettings::default();
        let same = [1000.0; 3];
        let up = judge_pairs(&pairs(false, &same, &[1003.0; 3]), &[], &s);
        assert_eq!(up.verdict, Verdict::Regressed, "0.3 % > 0.2 % floor");
        let down = judge_pairs(&pairs(false, &same, &[990.0; 3]), &[], &s);
        assert_eq!(down.verdict, Verdict::Improved);
        let wobbly = judge_pairs(
            &pairs(false, &[1000.0, 1010.0, 990.0], &[1005.0; 3]),
            &[],
            &s,
        );
        assert_eq!(wobbly.verdict, Verdict::Pass, "{wobbly:?}");
    }

    fn wall(bench: &str, v: f64) -> Measurement {
        let mut m = Measurement::point(
            crate::model::BenchId::parse(bench).unwrap(),
            Metric::WallTime,
            v,
            "criterion",
        )
        .unwrap();
        m.samples = Some(crate::model::Sample::new(vec![v, v]).unwrap());
        m
    }

    #[test]
    fn benches_on_one_side_are_added_or_removed_not_paired() {
        let rounds = vec![
            (
                vec![wall("a/x/1", 1.0), wall("old/x/1", 2.0)],
                vec![wall("a/x/1", 1.1), wall("new/x/1", 2.0)],
            ),
            (
                vec![wall("a/x/1", 1.0), wall("old/x/1", 2.0)],
                vec![wall("a/x/1", 1.1), wall("new/x/1", 2.0)],
            ),
        ];
        let (pairs, added, removed) = pair_rounds(&rounds);
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].base, vec![1.0, 1.0]);
        assert_eq!(pairs[0].head, vec![1.1, 1.1]);
        assert_eq!(added, vec!["new/x/1 (wall_time_ns)"]);
        assert_eq!(removed, vec!["old/x/1 (wall_time_ns)"]);
    }
}
