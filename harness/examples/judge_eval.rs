//! How well the judge judges: seeded simulations of whole histories with
//! stated noise models, judged by the same code as `harness check`
//! (`judge::tracks`, whose walk judges each run only from the runs before
//! it, so its state at run r is the verdict `check` gives at run r).
//!
//! ```sh
//! cargo run --release -p harness --example judge_eval [-- HISTORIES]
//! ```
//!
//! Each history: 200 wall-time series × 40 runs (30 samples per run,
//! within-run noise 1 %, run-to-run noise 2 %) plus 20 instruction-count
//! series. Runs 10 to 39 are checked. Noise models of the run-to-run part:
//! `normal`; `outliers` (5 % of runs, whole runs, +5σ on every series: a
//! slow machine); `integer` (a custom metric with integer values around
//! 20, so most runs repeat the same value); `bimodal` (each run in one of
//! two levels ±2 %, plus 0.5 % noise); `trend` (a slow drift of +0.05 %
//! per run).

use harness::judge::series::State;
use harness::judge::{Context, Settings, tracks};
use harness::model::{BenchId, GitInfo, Machine, Measurement, Metric, Run, Sample};
use harness::stats::rng::Rng;

const SERIES: usize = 200;
const EXACT: usize = 20;
const RUNS: usize = 40;
const FIRST_CHECKED: usize = 10;
const SAMPLES: usize = 30;

#[derive(Clone, Copy, PartialEq)]
enum Noise {
    Normal,
    Outliers,
    Integer,
    Bimodal,
    Trend,
}

/// A step of `size` (relative) from run `at` in the first `count` noisy
/// series, and `exact` (relative) in the first half of the exact ones.
#[derive(Clone, Copy)]
struct Step {
    at: usize,
    size: f64,
    count: usize,
    exact: f64,
}

const NO_STEP: Step = Step {
    at: usize::MAX,
    size: 0.0,
    count: 0,
    exact: 0.0,
};

fn machine() -> Machine {
    Machine {
        cpu_model: "synthetic".into(),
        cores: 2,
        os: "linux x86_64".into(),
        rustc: "rustc 1.95.0".into(),
    }
}

fn history(noise: Noise, step: Step, runs: usize, seed: u64) -> Vec<Run> {
    let mut rng = Rng::new(seed);
    let levels: Vec<f64> = (0..SERIES)
        .map(|_| 50.0 * (1.0 + 20.0 * rng.uniform()))
        .collect();
    (0..runs)
        .map(|r| {
            let machine_outlier = noise == Noise::Outliers && rng.uniform() < 0.05;
            let mut ms = Vec::new();
            for (s, &level) in levels.iter().enumerate() {
                let stepped = s < step.count && r >= step.at;
                let mut log = 0.02 * rng.normal();
                match noise {
                    Noise::Outliers if machine_outlier => log += 5.0 * 0.02,
                    Noise::Bimodal => {
                        log = if rng.uniform() < 0.5 { 0.02 } else { -0.02 } + 0.005 * rng.normal()
                    }
                    Noise::Trend => log += 0.0005 * r as f64,
                    _ => {}
                }
                if stepped {
                    log += (1.0 + step.size).ln();
                }
                let bench = BenchId::parse(&format!("sys{}/op/{s}", s % 7)).expect("valid id");
                let m = if noise == Noise::Integer {
                    let v = (20.0 * log.exp()).round();
                    Measurement::point(bench, Metric::Other("events".into()), v, "custom")
                        .expect("valid")
                } else {
                    let run_level = level * log.exp();
                    let samples: Vec<f64> = (0..SAMPLES)
                        .map(|_| run_level * (1.0 + 0.01 * rng.normal()))
                        .collect();
                    let mut m = Measurement::point(bench, Metric::WallTime, run_level, "criterion")
                        .expect("valid");
                    m.samples = Some(Sample::new(samples).expect("positive"));
                    m
                };
                ms.push(m);
            }
            for e in 0..EXACT {
                let stepped = e < EXACT / 2 && r >= step.at;
                let v = 10_000.0 * (1.0 + e as f64) * if stepped { 1.0 + step.exact } else { 1.0 };
                let bench = BenchId::parse(&format!("exact/op/{e}")).expect("valid id");
                ms.push(
                    Measurement::point(bench, Metric::Instructions, v.round(), "gungraun")
                        .expect("valid"),
                );
            }
            Run {
                schema: 1,
                run_id: format!("run-{r}"),
                time: format!("2026-01-01T00:{:02}:{:02}Z", r / 60, r % 60),
                git: Some(GitInfo {
                    commit: format!("{r:040x}"),
                    branch: Some("main".into()),
                    dirty: false,
                    commit_time: 1_700_000_000 + r as i64,
                    shallow: false,
                }),
                machine: machine(),
                profile: "quick".into(),
                measurements: ms,
                failures: Vec::new(),
            }
        })
        .collect()
}

/// Per run, per series: bench id, state, whether it fails the check, and
/// whether a change was confirmed at that run.
type Judged = Vec<Vec<(String, State, bool, bool)>>;

fn judge(runs: Vec<Run>, settings: Settings) -> Judged {
    let n = runs.len();
    let ctx = Context::select(runs, None, settings).expect("runs");
    let mut per_run = vec![Vec::new(); n];
    for t in tracks(&ctx) {
        for (i, p) in t.points.iter().enumerate() {
            let fails = p.state == State::Regressed && (p.first || settings.open_fails);
            per_run[t.runs[i]].push((t.bench.to_string(), p.state, fails, p.first));
        }
    }
    per_run
}

fn false_fail(noise: Noise, histories: usize) -> (f64, f64, f64) {
    let (mut checks, mut failed, mut flagged, mut series_runs, mut first_alarms) = (0, 0, 0, 0, 0);
    for h in 0..histories {
        let per_run = judge(
            history(noise, NO_STEP, RUNS, 1000 + h as u64),
            Settings::default(),
        );
        for run in &per_run[FIRST_CHECKED..] {
            checks += 1;
            failed += usize::from(run.iter().any(|s| s.2));
            // The noisy series: exact counts of identical code never move.
            let noisy: Vec<_> = run.iter().filter(|s| !s.0.starts_with("exact/")).collect();
            flagged += noisy.iter().filter(|s| s.2).count();
            series_runs += noisy.len();
            first_alarms += noisy
                .iter()
                .filter(|s| s.1 == State::Regressed && s.3)
                .count();
        }
    }
    let arl = if first_alarms == 0 {
        f64::INFINITY
    } else {
        series_runs as f64 / first_alarms as f64
    };
    (
        failed as f64 / checks as f64,
        flagged as f64 / series_runs as f64,
        arl,
    )
}

/// What a step's checks showed: the fraction of stepped series failing
/// within `within` runs of the step, the mean runs to detection (capped at
/// the history's end), the fraction of exact series caught at the first
/// run, and the fraction of checks after a series' first failure that
/// still fail on it (an open regression stays open while it lasts).
struct Found {
    rate: f64,
    delay: f64,
    exact: f64,
    open: f64,
}

fn detection(step: Step, runs: usize, within: usize, histories: usize) -> Found {
    let (mut caught, mut total, mut delay_sum, mut exact_caught, mut exact_total) =
        (0, 0, 0.0, 0, 0);
    let (mut later, mut still) = (0, 0);
    for h in 0..histories {
        let per_run = judge(
            history(Noise::Normal, step, runs, 5000 + h as u64),
            Settings::default(),
        );
        for s in 0..step.count {
            let id = format!("sys{}/op/{s}", s % 7);
            let first = (step.at..runs).find(|&r| per_run[r].iter().any(|x| x.0 == id && x.2));
            total += 1;
            let delay = first.map_or((runs - step.at) as f64, |r| (r - step.at + 1) as f64);
            delay_sum += delay;
            caught += usize::from(first.is_some_and(|r| r < step.at + within));
            if let Some(f) = first {
                for run in &per_run[f + 1..runs] {
                    later += 1;
                    still += usize::from(run.iter().any(|x| x.0 == id && x.2));
                }
            }
        }
        if step.exact > 0.0 {
            for e in 0..EXACT / 2 {
                let id = format!("exact/op/{e}");
                exact_total += 1;
                exact_caught += usize::from(per_run[step.at].iter().any(|x| x.0 == id && x.2));
            }
        }
    }
    let exact = if exact_total == 0 {
        f64::NAN
    } else {
        exact_caught as f64 / exact_total as f64
    };
    Found {
        rate: caught as f64 / total as f64,
        delay: delay_sum / total as f64,
        exact,
        open: still as f64 / later.max(1) as f64,
    }
}

fn main() {
    let histories: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(60);
    println!(
        "judge_eval: {histories} histories per figure, {SERIES} noisy + {EXACT} exact series, {RUNS} runs, runs {FIRST_CHECKED}..{} checked\n",
        RUNS - 1
    );
    println!(
        "identical code (runs failing the check; share of noisy series-runs flagged; ARL0 = noisy series-runs per false alarm raised):"
    );
    for (name, noise) in [
        ("normal", Noise::Normal),
        ("outliers (5 % of runs +5σ)", Noise::Outliers),
        ("integer counts", Noise::Integer),
        ("bimodal", Noise::Bimodal),
        ("slow trend", Noise::Trend),
    ] {
        let (fail, flagged, arl) = false_fail(noise, histories);
        println!(
            "  {name:28} runs failing {:6.2}%   series flagged {:7.4}%   ARL0 {}",
            fail * 100.0,
            flagged * 100.0,
            if arl.is_finite() {
                format!("{arl:.0} runs")
            } else {
                "no false alarm seen".into()
            }
        );
    }
    println!("\nreal steps (normal noise), in 20 of the 200 series unless said:");
    let cases = [
        (
            "+10 % at run 30, caught within 3 runs",
            Step {
                at: 30,
                size: 0.10,
                count: 20,
                exact: 0.005,
            },
            40,
            3,
        ),
        (
            "+10 % in 1 series at run 30, within 3 runs",
            Step {
                at: 30,
                size: 0.10,
                count: 1,
                exact: 0.0,
            },
            40,
            3,
        ),
        (
            "+5 % in 1 series at run 30, within 5 runs",
            Step {
                at: 30,
                size: 0.05,
                count: 1,
                exact: 0.0,
            },
            40,
            5,
        ),
        (
            "+5 % at run 30, caught within 5 runs",
            Step {
                at: 30,
                size: 0.05,
                count: 20,
                exact: 0.0,
            },
            40,
            5,
        ),
        (
            "+5 % at run 50 (50 runs of history), within 5",
            Step {
                at: 50,
                size: 0.05,
                count: 20,
                exact: 0.0,
            },
            60,
            5,
        ),
        (
            "+2 % (1σ) at run 30, within 10",
            Step {
                at: 30,
                size: 0.02,
                count: 20,
                exact: 0.0,
            },
            60,
            10,
        ),
        (
            "+4 % (2σ) at run 30, within 10",
            Step {
                at: 30,
                size: 0.04,
                count: 20,
                exact: 0.0,
            },
            60,
            10,
        ),
    ];
    for (name, step, runs, within) in cases {
        // One stepped series per history needs more histories to count.
        let n = if step.count == 1 {
            histories
        } else {
            histories / 2 + 1
        };
        let f = detection(step, runs, within, n);
        print!(
            "  {name:48} caught {:5.1}%   mean runs to detection {:.1}   still open at later checks {:5.1}%",
            f.rate * 100.0,
            f.delay,
            f.open * 100.0
        );
        if f.exact.is_finite() {
            print!(
                "   (+0.5 % instructions caught at the first run: {:.1}%)",
                f.exact * 100.0
            );
        }
        println!();
    }
}
