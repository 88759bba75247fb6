//! The result of `harness compare`: every paired bench judged, plus the
//! benches only one side has. Serialised as the JSON that
//! `harness publish --compare FILE` reads back.

use serde::{Deserialize, Serialize};

use super::budget::Settings;
use super::calibration::Calibration;
use super::paired::{PairedRow, Pairs, equivalent, judge_pairs, pair_rounds};
use super::prior::Priors;
use super::verdict::Verdict;
use crate::model::Measurement;
use crate::stats::fdr::bh_threshold;

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// The revision as given.
    pub rev: String,
    /// The full commit hash.
    pub commit: String,
}

/// A judged base-versus-head comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The base revision.
    pub base: Side,
    /// The head revision.
    pub head: Side,
    /// Rounds run.
    pub rounds: usize,
    /// One row per bench and metric measured on both sides.
    pub rows: Vec<PairedRow>,
    /// `bench (metric)` measured on the head only.
    pub added: Vec<String>,
    /// `bench (metric)` measured on the base only.
    pub removed: Vec<String>,
    /// Problems that did not stop judging.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Bench targets (`package/name`) that run on the base and fail on the
    /// head: the change broke them, which fails the comparison.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broken: Vec<String>,
}

impl Comparison {
    /// True when any bench regressed, or a target broke (exit code 1).
    pub fn failed(&self) -> bool {
        !self.broken.is_empty() || self.rows.iter().any(|r| r.verdict.fails())
    }

    /// Rows with this verdict.
    pub fn with(&self, v: Verdict) -> impl Iterator<Item = &PairedRow> {
        self.rows.iter().filter(move |r| r.verdict == v)
    }
}

/// The sequential design of `compare`: the rounds are judged after each
/// one from `min_rounds` on, up to `max_rounds`. A bench stops being
/// measured once it is settled: a change shown, or one of the minimum
/// effect ruled out (the 95 % interval it shows lies within ± the minimum
/// effect, [`equivalent`]). Stopping for "no change"
/// never raises the false-alarm rate; showing a change at an interim look
/// spends α. [`LAST_SHARE`] of the whole-run α is kept for the last look
/// and the rest is split evenly over the interim looks (Bonferroni α
/// spending, a conservative group-sequential design: the looks' chances
/// of a false alarm add up to at most α however early the comparison
/// stops). At each look the benches share that look's α by the
/// Benjamini–Hochberg step-up, as the series of `check` share theirs
/// ([`super::budget`]): under identical code any false regression at a
/// look has chance at most its α (Simes), and benches that slow together
/// are each held to a looser bar than α/m.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Design {
    /// First look.
    pub min_rounds: usize,
    /// Last look.
    pub max_rounds: usize,
}

/// The share of α kept for the last look. Early looks see few rounds, and
/// on few degrees of freedom the t quantile at a small α is out of reach
/// anyway; what decides most benches is the last look, where the time
/// budget ends the comparison.
pub const LAST_SHARE: f64 = 0.8;

impl Design {
    /// `compare`'s default: first look after 3 rounds, at most 20. With
    /// the `round` profile 15 to 20 rounds of a 38-bench suite fit a
    /// 15-minute budget on 2 cores (README, "On this machine").
    pub const DEFAULT: Design = Design {
        min_rounds: 3,
        max_rounds: 20,
    };

    /// One look after a fixed number of rounds.
    pub fn fixed(rounds: usize) -> Design {
        Design {
            min_rounds: rounds,
            max_rounds: rounds,
        }
    }

    /// The looks planned.
    pub fn looks(&self) -> usize {
        self.max_rounds.saturating_sub(self.min_rounds) + 1
    }

    /// The share of the whole-run α spent at a look.
    pub fn share(&self, last: bool) -> f64 {
        match (self.looks(), last) {
            (1, _) => 1.0,
            (_, true) => LAST_SHARE,
            (k, false) => (1.0 - LAST_SHARE) / (k - 1) as f64,
        }
    }
}

/// What `compare` does after a round.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Measure another round: all benches (`None`, before the first
    /// look) or only these still-open ones.
    Continue(Option<std::collections::BTreeSet<String>>),
    /// Done: the final comparison.
    Stop(Comparison),
}

/// The sequential step: judges the rounds so far at this look of the
/// design and says whether to go on, and with which benches.
/// `out_of_time` makes this look the last.
#[allow(clippy::too_many_arguments)]
pub fn after_round(
    base: &Side,
    head: &Side,
    rounds: &[(Vec<Measurement>, Vec<Measurement>)],
    history: &dyn Fn(&str, &str) -> Vec<f64>,
    calibration: Option<&Calibration>,
    s: &Settings,
    design: Design,
    out_of_time: bool,
) -> Next {
    let n = rounds.len();
    if n < design.min_rounds && !out_of_time && n < design.max_rounds {
        return Next::Continue(None);
    }
    let last = n >= design.max_rounds || out_of_time;
    let judge = |last| {
        judge_comparison(
            base.clone(),
            head.clone(),
            rounds,
            history,
            calibration,
            s,
            design,
            last,
        )
    };
    let judged = judge(last);
    if last {
        return Next::Stop(judged);
    }
    let open: std::collections::BTreeSet<String> = judged
        .rows
        .iter()
        .filter(|r| !r.settled)
        .map(|r| r.bench.clone())
        .collect();
    if open.is_empty() {
        // Everything is decided: this look is the last. A change shown at
        // an interim share of α stands at the last look's larger share.
        Next::Stop(judge(true))
    } else {
        Next::Continue(Some(open))
    }
}

/// Judges interleaved rounds (`rounds[i]` = (base, head)) at one look of
/// the design. `history` gives a bench's earlier values for its metric
/// (for the noise threshold of counts), keyed by `bench` and metric name;
/// `calibration`, this machine's for the profile, gives each bench a
/// prior on its noise ([`super::prior`]). At the `last` look, a bench not
/// settled is UNKNOWN, never a pass.
#[allow(clippy::too_many_arguments)]
pub fn judge_comparison(
    base: Side,
    head: Side,
    rounds: &[(Vec<Measurement>, Vec<Measurement>)],
    history: &dyn Fn(&str, &str) -> Vec<f64>,
    calibration: Option<&Calibration>,
    s: &Settings,
    design: Design,
    last: bool,
) -> Comparison {
    let (pairs, added, removed) = pair_rounds(rounds);
    let priors = calibration.and_then(|c| Priors::new(c, &pairs));
    let prior = |p: &Pairs| priors.as_ref().and_then(|pr| pr.of(p));
    // Noisy benches share this look's α, as the series of `check` share
    // theirs: each is first judged at its Bonferroni share α/m; slowdowns
    // are then confirmed at the Benjamini–Hochberg step-up's level.
    let m = pairs.iter().filter(|p| p.sampled).count();
    let look = s.alpha * design.share(last);
    let bonferroni = look / m.max(1) as f64;
    let judge = |p: &Pairs, alpha| {
        judge_pairs(
            p,
            &history(&p.bench, &p.metric.to_string()),
            alpha,
            s,
            prior(p),
        )
    };
    let mut rows: Vec<PairedRow> = pairs.iter().map(|p| judge(p, bonferroni)).collect();
    let slower: Vec<f64> = pairs
        .iter()
        .zip(&rows)
        .filter(|(p, _)| p.sampled && p.slower())
        .filter_map(|(_, r)| r.p)
        .collect();
    let step_up = bh_threshold(&slower, look, m);
    if step_up > bonferroni {
        for (p, row) in pairs.iter().zip(rows.iter_mut()) {
            if p.sampled && p.slower() && row.p.is_some_and(|x| x <= step_up) {
                *row = judge(p, step_up);
            }
        }
    }
    let rows = pairs
        .iter()
        .zip(rows)
        .map(|(p, mut row)| {
            let changed = matches!(row.verdict, Verdict::Regressed | Verdict::Improved);
            row.settled = changed || equivalent(p, prior(p), s);
            if row.settled && !changed && p.sampled {
                // Ruled out: what the rounds could not show no longer matters.
                row.verdict = Verdict::Pass;
                row.why.retain(|w| !w.contains("use more --rounds") && !w.contains("no spread"));
                row.why.push(format!(
                    "a change of {:.0}% or more is ruled out (95% interval within ±{:.0}%)",
                    s.min_effect * 100.0,
                    s.min_effect * 100.0
                ));
            }
            if last && !row.settled {
                row.verdict = Verdict::Unknown;
                row.why.push(format!(
                    "undecided after {} rounds: a change of {:.0}% is neither shown nor ruled out; needs more rounds (--rounds, --budget)",
                    row.rounds,
                    s.min_effect * 100.0
                ));
            }
            row
        })
        .collect();
    Comparison {
        base,
        head,
        rounds: rounds.len(),
        rows,
        added,
        removed,
        warnings: Vec::new(),
        broken: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::calibration::BenchNoise;
    use crate::model::{BenchId, Metric};
    use crate::stats::rng::Rng;

    fn side(rev: &str) -> Side {
        Side {
            rev: rev.into(),
            commit: "0".repeat(40),
        }
    }

    /// One round: (bench, base, head) wall-time values.
    fn round(values: &[(&str, f64, f64)]) -> (Vec<Measurement>, Vec<Measurement>) {
        let m = |id: &str, v: f64| {
            Measurement::point(BenchId::parse(id).unwrap(), Metric::WallTime, v, "t").unwrap()
        };
        (
            values.iter().map(|(id, b, _)| m(id, *b)).collect(),
            values.iter().map(|(id, _, h)| m(id, *h)).collect(),
        )
    }

    fn none(_: &str, _: &str) -> Vec<f64> {
        Vec::new()
    }

    #[test]
    fn an_undecided_bench_is_unknown_never_a_pass() {
        // ±8 % between rounds around no change: neither shown nor ruled out.
        let rounds = vec![
            round(&[("a/x/1", 100.0, 108.0)]),
            round(&[("a/x/1", 100.0, 92.0)]),
            round(&[("a/x/1", 100.0, 104.0)]),
        ];
        let r = judge_comparison(
            side("b"),
            side("h"),
            &rounds,
            &none,
            None,
            &Settings::default(),
            Design::fixed(3),
            true,
        );
        assert_eq!(r.rows[0].verdict, Verdict::Unknown, "{r:?}");
        assert!(!r.rows[0].settled);
        assert!(r.rows[0].why.last().unwrap().contains("needs more rounds"));
        assert!(!r.failed(), "UNKNOWN does not fail the gate");
    }

    #[test]
    fn settled_benches_stop_and_only_the_open_ones_go_on() {
        let design = Design {
            min_rounds: 3,
            max_rounds: 10,
        };
        let rounds: Vec<_> = [1.001, 0.999, 1.0005]
            .iter()
            .zip([1.09, 0.93, 1.02])
            .map(|(calm, noisy)| {
                round(&[
                    ("a/calm/1", 100.0, 100.0 * calm),
                    ("a/noisy/1", 100.0, 100.0 * noisy),
                ])
            })
            .collect();
        let s = Settings::default();
        assert_eq!(
            after_round(
                &side("b"),
                &side("h"),
                &rounds[..2],
                &none,
                None,
                &s,
                design,
                false
            ),
            Next::Continue(None),
            "no look before min_rounds"
        );
        match after_round(
            &side("b"),
            &side("h"),
            &rounds,
            &none,
            None,
            &s,
            design,
            false,
        ) {
            Next::Continue(Some(open)) => {
                assert_eq!(open.into_iter().collect::<Vec<_>>(), ["a/noisy/1"]);
            }
            other => panic!("{other:?}"),
        }
        // Out of time: this look is the last, the open bench is UNKNOWN.
        match after_round(
            &side("b"),
            &side("h"),
            &rounds,
            &none,
            None,
            &s,
            design,
            true,
        ) {
            Next::Stop(r) => {
                let v: Vec<Verdict> = r.rows.iter().map(|x| x.verdict).collect();
                assert_eq!(v, [Verdict::Pass, Verdict::Unknown]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bench_settled_as_unchanged_shows_an_interval_within_the_minimum_effect() {
        // Seeded: 200 benches of 3 to 12 rounds, true changes of 0 to ±2 %,
        // σ of a pair 0.5 to 4 %. Whatever settles as unchanged must show a
        // 95 % interval strictly within ±3 %: the row says the change is
        // ruled out, and its interval must not contradict it.
        let s = Settings::default();
        let bound = 1.0 + s.min_effect;
        let mut rng = Rng::new(7);
        let (mut settled, mut open) = (0, 0);
        for b in 0..200 {
            let n = 3 + b % 10;
            let change = 0.02 * (2.0 * rng.uniform() - 1.0);
            let sigma = 0.005 + 0.035 * rng.uniform();
            let id = format!("s/b/{b}");
            let rounds: Vec<_> = (0..n)
                .map(|_| {
                    round(&[(
                        id.as_str(),
                        100.0,
                        100.0 * (change + sigma * rng.normal()).exp(),
                    )])
                })
                .collect();
            let r = judge_comparison(
                side("b"),
                side("h"),
                &rounds,
                &none,
                None,
                &s,
                Design::fixed(n),
                true,
            );
            let row = &r.rows[0];
            if row.verdict != Verdict::Pass {
                open += 1;
                continue;
            }
            settled += 1;
            let (lo, hi) = (row.lower.unwrap(), row.upper.unwrap());
            assert!(
                lo > 1.0 / bound && hi < bound,
                "{id}: settled as unchanged with a 95 % interval {lo}..{hi}: {row:?}"
            );
            assert!(row.why.last().unwrap().contains("95% interval within"));
        }
        assert!(settled > 40 && open > 40, "{settled} settled, {open} open");
    }

    /// Six rounds of +5 % (one-sided p ≈ 0.006 on 5 df) on the first
    /// `slowed` of 20 benches, the others unchanged with the same spread.
    fn five_percent_on(slowed: usize) -> Comparison {
        let wobble = [0.036, -0.036, 0.018, -0.018, 0.027, -0.027];
        let rounds: Vec<_> = wobble
            .iter()
            .map(|w| {
                let values: Vec<(String, f64, f64)> = (0..20)
                    .map(|i| {
                        let change: f64 = if i < slowed { 0.05 } else { 0.0 };
                        (format!("s/b/{i}"), 100.0, 100.0 * (change + w).exp())
                    })
                    .collect();
                let refs: Vec<(&str, f64, f64)> = values
                    .iter()
                    .map(|(b, x, y)| (b.as_str(), *x, *y))
                    .collect();
                round(&refs)
            })
            .collect();
        judge_comparison(
            side("b"),
            side("h"),
            &rounds,
            &none,
            None,
            &Settings::default(),
            Design::fixed(6),
            true,
        )
    }

    #[test]
    fn benches_that_slow_together_share_the_budget_by_the_step_up() {
        // Alone, p ≈ 0.006 misses its Bonferroni share 0.01/20.
        let alone = five_percent_on(1);
        let first = alone.rows.iter().find(|r| r.bench == "s/b/0").unwrap();
        assert!(
            first.p.unwrap() > 0.01 / 20.0 && first.p.unwrap() < 0.01,
            "{first:?}"
        );
        assert_ne!(first.verdict, Verdict::Regressed, "{first:?}");
        // Twenty slowing together are each held to 20 · 0.01/20.
        let together = five_percent_on(20);
        assert!(
            together
                .rows
                .iter()
                .all(|r| r.verdict == Verdict::Regressed),
            "{:?}",
            together.rows
        );
    }

    #[test]
    fn spending_alpha_over_looks_keeps_a_share_for_the_last() {
        let d = Design {
            min_rounds: 3,
            max_rounds: 12,
        };
        assert_eq!(d.looks(), 10);
        let total = d.share(true) + (d.looks() - 1) as f64 * d.share(false);
        assert!((total - 1.0).abs() < 1e-12);
        assert_eq!(Design::fixed(6).share(true), 1.0);
    }

    /// Identical code, 40 benches, per-bench round-to-round σ up to 2 %,
    /// 5 % of pairs hit by a +5σ burst: the sequential design, stepped as
    /// `compare` steps it, raises a false regression in at most 2 % of
    /// whole comparisons (α = 1 %), and a +15 % slowdown is caught. Half
    /// the comparisons have a calibration, taken on a day when the machine
    /// was 1.5 times quieter than now: the prior must not let that in.
    #[test]
    fn identical_code_rarely_fails_and_a_large_slowdown_is_caught() {
        let s = Settings::default();
        let design = Design {
            min_rounds: 3,
            max_rounds: 12,
        };
        let mut rng = Rng::new(7);
        let (mut false_runs, mut caught) = (0, 0);
        const SIMS: usize = 60;
        for sim in 0..SIMS {
            let slowed = sim % 2 == 1;
            let ids: Vec<String> = (0..40).map(|i| format!("s/b/{i}")).collect();
            let sigma: Vec<f64> = (0..40).map(|_| 0.005 + 0.015 * rng.uniform()).collect();
            let calibration = (sim % 4 >= 2).then(|| {
                let benches = ids
                    .iter()
                    .zip(&sigma)
                    .map(|(id, sd)| {
                        let aa: Vec<(f64, f64)> = (0..10)
                            .map(|_| (1.0, (sd / 1.5 * rng.normal()).exp()))
                            .collect();
                        BenchNoise::from_pairs(id, Metric::WallTime, &aa)
                    })
                    .collect();
                Calibration {
                    schema: crate::judge::calibration::SCHEMA,
                    machine: crate::probe::machine(),
                    profile: "round".into(),
                    time: String::new(),
                    rounds: 10,
                    benches,
                }
            });
            let mut rounds = Vec::new();
            let mut open: Option<std::collections::BTreeSet<String>> = None;
            let report = loop {
                let mut values = Vec::new();
                for (i, id) in ids.iter().enumerate() {
                    if open.as_ref().is_some_and(|o| !o.contains(id)) {
                        continue;
                    }
                    let mut e = sigma[i] * rng.normal();
                    if rng.uniform() < 0.05 {
                        e += 5.0 * sigma[i];
                    }
                    let truth = if slowed && i == 0 { 1.15 } else { 1.0 };
                    values.push((id.as_str(), 100.0, 100.0 * truth * e.exp()));
                }
                rounds.push(round(&values));
                let cal = calibration.as_ref();
                match after_round(
                    &side("b"),
                    &side("h"),
                    &rounds,
                    &none,
                    cal,
                    &s,
                    design,
                    false,
                ) {
                    Next::Continue(o) => open = o,
                    Next::Stop(r) => break r,
                }
            };
            let flagged: Vec<&str> = report
                .rows
                .iter()
                .filter(|r| r.verdict == Verdict::Regressed)
                .map(|r| r.bench.as_str())
                .collect();
            if flagged.iter().any(|b| !(slowed && *b == "s/b/0")) {
                false_runs += 1;
            }
            if slowed && flagged.contains(&"s/b/0") {
                caught += 1;
            }
        }
        assert!(
            false_runs * 50 <= SIMS,
            "{false_runs} of {SIMS} comparisons failed falsely"
        );
        assert_eq!(caught, SIMS / 2, "every +15 % slowdown is caught");
    }
}
