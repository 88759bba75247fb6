//! How well `harness compare` decides: seeded simulations of whole
//! comparisons, stepped round by round through the same sequential judge
//! as the command (`judge::after_round`), so the rounds each bench costs
//! are counted as the command would spend them.
//!
//! ```sh
//! cargo run --release -p harness --example compare_eval [-- COMPARISONS]
//! ```
//!
//! Each comparison: 40 wall-time benches. Noise model of one paired
//! round: the log head/base ratio of bench i is its true change plus
//! N(0, σᵢ²), σᵢ drawn once per bench uniformly in [0.5 %, `sigma`]; a
//! machine drift shared by both halves of a pair cancels and is not
//! modelled; with `outliers`, 5 % of pairs get +5σᵢ (one side hit by a
//! burst of load). Designs: the sequential one (first look after 3
//! rounds, at most 20) against the fixed 6 rounds of earlier
//! versions (one look, every bench every round); "calibrated": the same
//! sequential design given a 10-round calibration of each bench (its σ̂
//! from 10 simulated A/A pairs at the calibration day's noise), pooled
//! with the rounds (`judge::prior`). "now ×1.5": the machine is 1.5 times
//! noisier during the comparison than on the calibration day, every bench
//! alike; "one ×3": one bench in five three times noisier than calibrated.

use std::collections::BTreeSet;

use harness::judge::calibration::{BenchNoise, Calibration, SCHEMA};
use harness::judge::{Design, Next, Settings, Side, Verdict, after_round};
use harness::model::{BenchId, Measurement, Metric};
use harness::stats::rng::Rng;

const BENCHES: usize = 40;

#[derive(Clone, Copy)]
struct Case {
    /// Largest per-bench σ of a paired log ratio.
    sigma: f64,
    /// 5 % of pairs +5σ.
    outliers: bool,
    /// True change of the first `slowed` benches.
    change: f64,
    slowed: usize,
    /// Noise during the comparison over noise on the calibration day.
    now: f64,
    /// Every fifth bench this many times noisier than calibrated.
    wild: f64,
}

impl Case {
    fn new(sigma: f64, outliers: bool, change: f64, slowed: usize) -> Case {
        Case {
            sigma,
            outliers,
            change,
            slowed,
            now: 1.0,
            wild: 1.0,
        }
    }
}

/// A calibration of `sigmas` (this comparison's noise, divided by the
/// case's drift) from 10 simulated A/A pairs each.
fn calibration(ids: &[BenchId], sigmas: &[f64], case: Case, rng: &mut Rng) -> Calibration {
    const ROUNDS: usize = 10;
    let benches = ids
        .iter()
        .zip(sigmas)
        .enumerate()
        .map(|(i, (id, s))| {
            let wild = if i % 5 == 4 { case.wild } else { 1.0 };
            let sigma = s / case.now / wild;
            let pairs: Vec<(f64, f64)> = (0..ROUNDS)
                .map(|_| (100.0, 100.0 * (sigma * rng.normal()).exp()))
                .collect();
            BenchNoise::from_pairs(id.as_str(), Metric::WallTime, &pairs)
        })
        .collect();
    Calibration {
        schema: SCHEMA,
        machine: harness::probe::machine(),
        profile: "round".into(),
        time: String::new(),
        rounds: ROUNDS,
        benches,
    }
}

struct Tally {
    failing: usize,
    caught: usize,
    false_flags: usize,
    unknown: usize,
    bench_rounds: usize,
    rounds: usize,
    runs: usize,
    /// Per comparison, the median half-width of the rows' 95 % intervals
    /// of the ratio, as a fraction.
    halves: Vec<f64>,
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn simulate(case: Case, design: Design, calibrated: bool, sims: usize, seed: u64) -> Tally {
    let mut rng = Rng::new(seed);
    let s = Settings::default();
    let side = |rev: &str| Side {
        rev: rev.into(),
        commit: "0".repeat(40),
    };
    let (base, head) = (side("base"), side("head"));
    let mut t = Tally {
        failing: 0,
        caught: 0,
        false_flags: 0,
        unknown: 0,
        bench_rounds: 0,
        rounds: 0,
        runs: sims,
        halves: Vec::new(),
    };
    let ids: Vec<BenchId> = (0..BENCHES)
        .map(|i| BenchId::parse(&format!("sim/bench/{i}")).unwrap())
        .collect();
    for _ in 0..sims {
        let sigmas: Vec<f64> = (0..BENCHES)
            .map(|_| 0.005 + (case.sigma - 0.005) * rng.uniform())
            .collect();
        let cal = calibrated.then(|| calibration(&ids, &sigmas, case, &mut rng));
        let mut rounds: Vec<(Vec<Measurement>, Vec<Measurement>)> = Vec::new();
        let mut open: Option<BTreeSet<String>> = None;
        let report = loop {
            let (mut b, mut h) = (Vec::new(), Vec::new());
            for (i, id) in ids.iter().enumerate() {
                if open.as_ref().is_some_and(|o| !o.contains(id.as_str())) {
                    continue;
                }
                t.bench_rounds += 1;
                let truth = if i < case.slowed { case.change } else { 0.0 };
                let mut e = sigmas[i] * rng.normal();
                if case.outliers && rng.uniform() < 0.05 {
                    e += 5.0 * sigmas[i];
                }
                let level = 100.0 * (1.0 + 0.3 * rng.normal() * 0.01);
                let point =
                    |v: f64| Measurement::point(id.clone(), Metric::WallTime, v, "sim").unwrap();
                b.push(point(level));
                h.push(point(level * (1.0 + truth) * e.exp()));
            }
            rounds.push((b, h));
            match after_round(
                &base,
                &head,
                &rounds,
                &|_, _| Vec::new(),
                cal.as_ref(),
                &s,
                design,
                false,
            ) {
                Next::Continue(o) => open = o,
                Next::Stop(r) => break r,
            }
        };
        t.rounds += rounds.len();
        let mut halves: Vec<f64> = report
            .rows
            .iter()
            .filter_map(|r| Some((r.upper? - r.lower?) / 2.0))
            .collect();
        t.halves.push(median(&mut halves));
        let mut failed = false;
        for row in &report.rows {
            let i: usize = row.bench.rsplit('/').next().unwrap().parse().unwrap();
            let slowed = i < case.slowed;
            match row.verdict {
                Verdict::Regressed if slowed => t.caught += 1,
                Verdict::Regressed => {
                    t.false_flags += 1;
                    failed = true;
                }
                Verdict::Unknown => t.unknown += 1,
                _ => {}
            }
        }
        if failed {
            t.failing += 1;
        }
    }
    t
}

fn main() {
    let sims: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let sequential = Design::DEFAULT;
    let designs = [
        ("fixed 6 rounds", Design::fixed(6), false),
        ("sequential 3..20", sequential, false),
        ("sequential 3..20, calibrated", sequential, true),
    ];
    println!(
        "{BENCHES} wall-time benches, {sims} comparisons per line; σ per bench uniform in [0.5 %, max]\n"
    );
    println!(
        "| noise | change | design | runs with a false flag | slowed caught | UNKNOWN | bench-rounds per bench | rounds | median half-width | its median ≤ 3 % |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let cases = [
        ("σ ≤ 2 %", Case::new(0.02, false, 0.0, 0)),
        ("σ ≤ 2 %, outliers", Case::new(0.02, true, 0.0, 0)),
        ("σ ≤ 6 %", Case::new(0.06, false, 0.0, 0)),
        (
            "σ ≤ 6 %, now ×1.5",
            Case {
                now: 1.5,
                ..Case::new(0.06, false, 0.0, 0)
            },
        ),
        (
            "σ ≤ 6 %, one ×3",
            Case {
                wild: 3.0,
                ..Case::new(0.06, false, 0.0, 0)
            },
        ),
        ("σ ≤ 2 %", Case::new(0.02, false, 0.05, 2)),
        ("σ ≤ 2 %, outliers", Case::new(0.02, true, 0.05, 2)),
        ("σ ≤ 2 %", Case::new(0.02, false, 0.15, 2)),
        ("σ ≤ 6 %", Case::new(0.06, false, 0.05, 3)),
        ("σ ≤ 6 %", Case::new(0.06, false, 0.15, 3)),
        ("σ ≤ 9 %", Case::new(0.09, false, 0.0, 0)),
        ("σ ≤ 9 %", Case::new(0.09, false, 0.05, 3)),
    ];
    for (k, (noise, case)) in cases.iter().enumerate() {
        for (name, design, calibrated) in designs {
            let mut t = simulate(*case, design, calibrated, sims, 1000 + k as u64);
            let pct = |x: usize, of: usize| 100.0 * x as f64 / of.max(1) as f64;
            let within = t.halves.iter().filter(|h| **h <= 0.03).count();
            let half = median(&mut t.halves);
            println!(
                "| {noise} | {} | {name} | {:.1} % | {} | {:.1} % | {:.2} | {:.2} | {:.2} % | {:.0} % |",
                if case.slowed == 0 {
                    "none".to_owned()
                } else {
                    format!("+{:.0} % on {}", case.change * 100.0, case.slowed)
                },
                pct(t.failing, t.runs),
                if case.slowed == 0 {
                    "-".to_owned()
                } else {
                    format!("{:.1} %", pct(t.caught, t.runs * case.slowed))
                },
                pct(t.unknown, t.runs * BENCHES),
                t.bench_rounds as f64 / (t.runs * BENCHES) as f64,
                t.rounds as f64 / t.runs as f64,
                half * 100.0,
                pct(within, t.runs),
            );
        }
    }
}
