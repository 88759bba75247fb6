//! Judging a paired base-versus-head comparison: both revisions measured
//! on the same machine in interleaved rounds, so each round gives one
//! head/base ratio per bench and machine drift cancels within a round.
//! The round is the replicate.
//!
//! Noisy metrics: the log ratios of the rounds are the evidence for
//! [`super::decide`] (their mean with the most extreme pulled in, its
//! standard error from the rounds' own spread, n − 1 degrees of freedom),
//! at each bench's share of the whole-run budget. With too few rounds the
//! t quantile is out of reach; that is said in the row rather than
//! silently passing.
//!
//! Instruction counts and heap bytes are deterministic: a change counts
//! when the median ratio departs from 1 by more than the threshold: the
//! larger of the noise threshold learnt from the history
//! ([`crate::stats::noise`], with its floor) and the spread seen between
//! rounds of the same revision in this comparison.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::budget::Settings;
use super::decide::{Evidence, Shortfall, decide};
use super::prior::{Prior, log_spread, pooled};
use super::verdict::Verdict;
use crate::model::{Measurement, Metric, Unit};
use crate::stats::describe::median;
use crate::stats::noise::{FLOOR, noise_threshold};

/// One bench and metric measured on both sides, value per round.
#[derive(Debug, Clone, PartialEq)]
pub struct Pairs {
    /// Bench id.
    pub bench: String,
    /// Metric.
    pub metric: Metric,
    /// Unit of the values.
    pub unit: Unit,
    /// Whether the metric is noisy (judged over rounds) or an exact count.
    pub sampled: bool,
    /// Base value in each round where both sides have one.
    pub base: Vec<f64>,
    /// Head value in the same rounds.
    pub head: Vec<f64>,
}

impl Pairs {
    /// ln(head/base) of each round where both are positive.
    pub fn logs(&self) -> Vec<f64> {
        self.base
            .iter()
            .zip(&self.head)
            .filter(|(b, h)| **b > 0.0 && **h > 0.0)
            .map(|(b, h)| (h / b).ln())
            .collect()
    }

    /// Whether the head is slower on the rounds' mean log ratio: the
    /// direction a bench is tested in.
    pub fn slower(&self) -> bool {
        self.logs().iter().sum::<f64>() >= 0.0
    }
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
    /// 95 % interval of the ratio (noisy metrics), from the rounds.
    pub lower: Option<f64>,
    /// Its upper bound.
    pub upper: Option<f64>,
    /// One-sided t-test p-value in the direction of the change.
    pub p: Option<f64>,
    /// Threshold applied to counts (a fraction).
    pub threshold: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in words.
    pub why: Vec<String>,
    /// Whether the evidence has decided this bench: a change shown, or
    /// one of the minimum effect ruled out. `compare` measures again only
    /// what is not settled.
    #[serde(default = "settled_default")]
    pub settled: bool,
    /// When this machine's calibration says the bench is too noisy to
    /// gate at the minimum effect: the smallest change the comparison
    /// can detect (80 % power, at its rounds), as a fraction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noisy: Option<f64>,
}

fn settled_default() -> bool {
    true
}

/// Whether the rounds rule out a change of the minimum effect either way:
/// the 95 % interval of the ratio that the bench's row shows (the same
/// estimate as its verdict, [`Evidence::change`]) lies within
/// ±ln(1 + min_effect) on the log scale. That is the two one-sided tests
/// (TOST) at 2.5 % each, so a bench settled as unchanged never shows an
/// interval reaching the minimum effect. The spread is the rounds' own,
/// pooled with the bench's `prior` when it has one ([`super::prior`]).
/// Counts are settled by one round.
pub fn equivalent(p: &Pairs, prior: Option<Prior>, s: &Settings) -> bool {
    if !p.sampled {
        return true;
    }
    let logs = p.logs();
    if logs.len() < 2 {
        return false;
    }
    let Some((sd, df)) = pooled(log_spread(p), prior) else {
        return false;
    };
    let up = logs.iter().sum::<f64>() >= 0.0;
    let shown = Evidence::paired(&logs, up, sd, df).change();
    let bound = 1.0 + s.min_effect;
    matches!((shown.lower, shown.upper), (Some(lo), Some(hi)) if lo > 1.0 / bound && hi < bound)
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
                sampled: !m.metric.is_exact(),
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

/// Values a side needs before a change can be shown in a count that varies
/// between processes (a hash table seeded per process): with five a side,
/// identical code puts every value of one side above every value of the
/// other in 2 of C(10, 5) = 252 comparisons.
pub(crate) const VARYING_VALUES: usize = 5;

/// Whether the values of one side differ: the count varies between
/// processes of the same build.
fn varies(xs: &[f64]) -> bool {
    xs.windows(2).any(|w| w[0] != w[1])
}

fn min_max(xs: &[f64]) -> (f64, f64) {
    xs.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(*x), hi.max(*x))
        })
}

/// Judges an instruction count or heap figure. A change must exceed the
/// threshold: the larger of the one learnt from the history (with its
/// floor) and the spread of each side's values. A count that varies
/// between processes must also put every head value on one side of every
/// base value, from at least [`VARYING_VALUES`] values a side; its ratio
/// is then that of the sides' medians, since its rounds are not pairs.
fn judge_count(p: &Pairs, history: &[f64], paired_ratio: f64, row: &mut PairedRow) {
    let learnt = noise_threshold(history).unwrap_or(FLOOR);
    let threshold = learnt.max(spread(&p.base)).max(spread(&p.head));
    row.threshold = Some(threshold);
    let t = threshold * 100.0;
    let varying = varies(&p.base) || varies(&p.head);
    let ratio = if varying && row.base > 0.0 && row.head > 0.0 {
        row.head / row.base
    } else {
        paired_ratio
    };
    row.ratio = Some(ratio);
    let pct = (ratio - 1.0) * 100.0;
    let verdict = if ratio - 1.0 > threshold {
        Verdict::Regressed
    } else if 1.0 - ratio > threshold {
        Verdict::Improved
    } else {
        return;
    };
    let beyond = format!("{pct:+.2}% beyond the {t:.2}% noise threshold");
    if !varying {
        row.verdict = verdict;
        row.why.push(beyond);
        return;
    }
    let ((b_lo, b_hi), (h_lo, h_hi)) = (min_max(&p.base), min_max(&p.head));
    let apart = b_hi < h_lo || h_hi < b_lo;
    let n = p.base.len().min(p.head.len());
    if !apart {
        row.why.push(format!(
            "{pct:+.2}%, but the count varies between processes and the values of the two sides overlap (base {b_lo}..{b_hi}, head {h_lo}..{h_hi}): no change shown"
        ));
    } else if n < VARYING_VALUES {
        row.verdict = Verdict::Unknown;
        row.why.push(format!(
            "{beyond}, but the count varies between processes and {n} value(s) a side cannot show a change; {VARYING_VALUES} are needed"
        ));
    } else {
        row.verdict = verdict;
        row.why.push(format!(
            "{beyond}; the count varies between processes and the {n} or more values of each side do not overlap (base {b_lo}..{b_hi}, head {h_lo}..{h_hi})"
        ));
    }
}

/// Judges one bench and metric. `history` holds its earlier values (oldest
/// first) for the noise threshold of counts; it may be empty. `alpha` is
/// this bench's share of the whole-run budget; `prior` its calibrated
/// noise, pooled with the rounds' own spread ([`super::prior`]).
pub fn judge_pairs(
    p: &Pairs,
    history: &[f64],
    alpha: f64,
    s: &Settings,
    prior: Option<Prior>,
) -> PairedRow {
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
        settled: true,
        noisy: None,
    };
    let ratios: Vec<f64> = p
        .base
        .iter()
        .zip(&p.head)
        .filter(|(b, h)| **b > 0.0 && **h > 0.0)
        .map(|(b, h)| h / b)
        .collect();
    let Some(ratio) = median(&ratios) else {
        row.why
            .push("no usable rounds (zero or negative values)".into());
        return row;
    };
    row.ratio = Some(ratio);
    if !p.sampled {
        judge_count(p, history, ratio, &mut row);
        return row;
    }
    let pct = (ratio - 1.0) * 100.0;
    let logs: Vec<f64> = ratios.iter().map(|r| r.ln()).collect();
    let up = logs.iter().sum::<f64>() >= 0.0;
    let spread = pooled(log_spread(p), prior).filter(|_| logs.len() >= 2);
    let Some(e) = spread.map(|(sd, df)| Evidence::paired(&logs, up, sd, df)) else {
        // One round (or rounds with no spread at all): as in `check`, only
        // a change beyond the large-change threshold counts from it.
        let change = ratio - 1.0;
        if change.abs() > s.large {
            row.verdict = if change > 0.0 {
                Verdict::Regressed
            } else {
                Verdict::Improved
            };
            row.why.push(format!(
                "{pct:+.1}% from {} round(s) with no spread to judge by: beyond the {:.0}% large-change threshold",
                row.rounds,
                s.large * 100.0
            ));
            return row;
        }
        row.verdict = Verdict::Warn;
        row.why.push(format!(
            "{} round(s): no spread between rounds to judge by; use --rounds 3 or more",
            row.rounds
        ));
        return row;
    };
    let d = decide(&e, up, alpha, s.min_effect, s.large);
    // The paired rounds are the evidence: report their change, so that the
    // ratio, its interval and the verdict come from one estimate.
    row.ratio = Some(d.change.ratio);
    row.lower = d.change.lower;
    row.upper = d.change.upper;
    row.p = Some(d.p);
    let pct = (d.change.ratio - 1.0) * 100.0;
    let detail = format!(
        "t-test over {} rounds{} p={:.2e} (α={alpha:.1e}); 95% CI {:+.1}%..{:+.1}%",
        row.rounds,
        match prior {
            Some(pr) => format!(" and {:.0} calibrated df", pr.df),
            None => String::new(),
        },
        d.p,
        (d.change.lower.unwrap_or(f64::NAN) - 1.0) * 100.0,
        (d.change.upper.unwrap_or(f64::NAN) - 1.0) * 100.0
    );
    match d.verdict {
        Verdict::Regressed => {
            row.verdict = Verdict::Regressed;
            row.why.push(format!("{pct:+.1}% slower ({detail})"));
        }
        Verdict::Improved => {
            row.verdict = Verdict::Improved;
            row.why.push(format!("{pct:+.1}% faster ({detail})"));
        }
        _ if d.short == Some(Shortfall::MinEffect) => row.why.push(format!(
            "{pct:+.1}%: significant but below the {:.0}% minimum effect ({detail})",
            s.min_effect * 100.0
        )),
        _ if d.short == Some(Shortfall::Unconfirmed) => {
            row.verdict = Verdict::Warn;
            row.why.push(format!(
                "{pct:+.1}% with no spread between rounds to judge it by: only a change beyond {:.0}% counts ({detail})",
                s.large * 100.0
            ));
        }
        _ => {
            // The smallest p the rounds could give: a change of 10 standard
            // errors still needs the t quantile at α to be reachable.
            let reachable =
                crate::stats::student::t_quantile(alpha, e.df).is_some_and(|q| q < 10.0);
            if !reachable {
                row.verdict = Verdict::Warn;
                row.why.push(format!(
                    "{} rounds cannot reach p<{alpha:.1e}: use more --rounds",
                    row.rounds
                ));
            }
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

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
        // ±0.5 % between rounds around a 10 % slowdown.
        let wobble = [1.005, 0.995, 1.0, 1.004, 0.996, 1.0];
        let head: Vec<f64> = BASE.iter().zip(wobble).map(|(b, w)| b * 1.10 * w).collect();
        let row = judge_pairs(
            &pairs(true, &BASE, &head),
            &[],
            0.05,
            &Settings::default(),
            None,
        );
        assert_eq!(row.verdict, Verdict::Regressed, "{row:?}");
        assert!((row.ratio.unwrap() - 1.10).abs() < 0.003, "{row:?}");
    }

    #[test]
    fn machine_drift_shared_by_both_sides_cancels() {
        // Each round is 4 % off the last, but head equals base within it.
        let head: Vec<f64> = BASE.iter().map(|b| b * 1.001).collect();
        let row = judge_pairs(
            &pairs(true, &BASE, &head),
            &[],
            0.05,
            &Settings::default(),
            None,
        );
        assert_eq!(row.verdict, Verdict::Pass, "{row:?}");
    }

    #[test]
    fn a_significant_change_below_the_minimum_effect_passes() {
        let head: Vec<f64> = BASE.iter().map(|b| b * 1.01).collect();
        let row = judge_pairs(
            &pairs(true, &BASE, &head),
            &[],
            0.05,
            &Settings::default(),
            None,
        );
        assert_eq!(row.verdict, Verdict::Pass);
        assert!(row.why[0].contains("minimum effect"), "{row:?}");
    }

    #[test]
    fn one_round_counts_only_beyond_the_large_threshold() {
        let s = Settings::default();
        let big = judge_pairs(&pairs(true, &BASE[..1], &[240.0]), &[], 0.05, &s, None);
        assert_eq!(big.verdict, Verdict::Regressed, "{big:?}");
        let small = judge_pairs(&pairs(true, &BASE[..1], &[120.0]), &[], 0.05, &s, None);
        assert_eq!(small.verdict, Verdict::Warn, "{small:?}");
    }

    #[test]
    fn too_few_rounds_warn_instead_of_passing_silently() {
        let row = judge_pairs(
            &pairs(true, &BASE[..1], &[110.0]),
            &[],
            0.05,
            &Settings::default(),
            None,
        );
        assert_eq!(row.verdict, Verdict::Warn, "{row:?}");
    }

    #[test]
    fn counts_use_the_floor_or_the_round_spread() {
        let s = Settings::default();
        let same = [1000.0; 3];
        let up = judge_pairs(&pairs(false, &same, &[1003.0; 3]), &[], 0.05, &s, None);
        assert_eq!(up.verdict, Verdict::Regressed, "0.3 % > 0.2 % floor");
        let down = judge_pairs(&pairs(false, &same, &[990.0; 3]), &[], 0.05, &s, None);
        assert_eq!(down.verdict, Verdict::Improved);
        let wobbly = judge_pairs(
            &pairs(false, &[1000.0, 1010.0, 990.0], &[1005.0; 3]),
            &[],
            0.05,
            &s,
            None,
        );
        assert_eq!(wobbly.verdict, Verdict::Pass, "{wobbly:?}");
    }

    /// Instruction counts of `snr/calculate_simple/5`, one per process of
    /// the same binary: its word index is seeded per process.
    const PROCESSES: [f64; 16] = [
        55422.0, 55423.0, 55331.0, 55425.0, 55229.0, 55370.0, 55321.0, 55302.0, 55243.0, 55300.0,
        55248.0, 55489.0, 55393.0, 55305.0, 55292.0, 55351.0,
    ];

    #[test]
    fn a_count_that_varies_between_processes_needs_five_values_a_side() {
        let s = Settings::default();
        // Seen in a comparison of identical code: two values a side, each
        // side's pair agreeing, the sides 0.20 % apart.
        let two = pairs(false, &[55234.0, 55235.0], &[55345.0, 55346.0]);
        let r = judge_pairs(&two, &[], 0.05, &s, None);
        assert_eq!(r.verdict, Verdict::Unknown, "{r:?}");
        // Five a side that overlap: no change.
        let five = pairs(false, &PROCESSES[..5], &PROCESSES[5..10]);
        let r = judge_pairs(&five, &[], 0.05, &s, None);
        assert_eq!(r.verdict, Verdict::Pass, "{r:?}");
        // A 1 % change clears every process's spread.
        let slower: Vec<f64> = PROCESSES[5..10].iter().map(|v| v * 1.01).collect();
        let r = judge_pairs(&pairs(false, &PROCESSES[..5], &slower), &[], 0.05, &s, None);
        assert_eq!(r.verdict, Verdict::Regressed, "{r:?}");
        assert!((r.ratio.unwrap() - 1.01).abs() < 0.003, "{r:?}");
    }

    /// Noise model: each process's count is drawn uniformly from the 16
    /// processes measured of `snr/calculate_simple/5` (±0.24 %), five a
    /// side. Identical code is flagged in at most 1 % of comparisons (the
    /// bound from ranks alone is 2/252 = 0.8 %), and a 1 % change is
    /// caught in at least 99 %.
    #[test]
    fn process_varying_counts_rarely_flag_identical_code() {
        let s = Settings::default();
        let mut rng = Rng::new(17);
        let mut draw = |scale: f64| -> Vec<f64> {
            (0..VARYING_VALUES)
                .map(|_| PROCESSES[(rng.next_u64() % 16) as usize] * scale)
                .collect()
        };
        let trials = 4000;
        let (mut false_flags, mut caught) = (0, 0);
        for _ in 0..trials {
            let (base, head) = (draw(1.0), draw(1.0));
            let r = judge_pairs(&pairs(false, &base, &head), &[], 0.05, &s, None);
            false_flags += usize::from(r.verdict != Verdict::Pass);
            let (base, head) = (draw(1.0), draw(1.01));
            let r = judge_pairs(&pairs(false, &base, &head), &[], 0.05, &s, None);
            caught += usize::from(r.verdict == Verdict::Regressed);
        }
        assert!(false_flags * 100 <= trials, "{false_flags} of {trials}");
        assert!(caught * 100 >= trials * 99, "{caught} of {trials}");
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
