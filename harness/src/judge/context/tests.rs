//! Regression tests of the run selection and of the series judged
//! together, each named after the case it protects.

use super::*;
use crate::dashboard::synthetic::{Spec, commits, runs};
use crate::judge::series::State;
use crate::model::Measurement;
use crate::stats::rng::Rng;

fn history() -> Vec<Run> {
    let s = Spec {
        runs: 12,
        benches: 2,
        seed: 3,
        step: 0.0,
    };
    runs(&s, &commits(&s))
}

#[test]
fn mixed_profiles_are_never_judged_together() {
    let mut all = history();
    for r in all.iter_mut().step_by(3) {
        r.profile = "full".into();
    }
    let ctx = Context::select(all.clone(), None, Settings::default()).unwrap();
    assert!(ctx.runs.iter().all(|r| r.profile == "quick"));
    assert_eq!((ctx.runs.len(), ctx.left_out), (8, 4));
    // A full-profile run is judged by the full-profile runs before it.
    let judged = all[9].clone();
    let ctx = Context::select(all, Some(judged), Settings::default()).unwrap();
    assert!(ctx.runs.iter().all(|r| r.profile == "full"));
    assert_eq!(ctx.runs.len(), 4);
}

#[test]
fn a_run_in_the_history_is_judged_by_the_runs_before_it() {
    let all = history();
    let judged = all[5].clone();
    let ctx = Context::select(all, Some(judged), Settings::default()).unwrap();
    assert_eq!(ctx.runs.len(), 6);
    assert_eq!(ctx.judged().run_id, ctx.runs[5].run_id);
}

/// Runs whose noisy series `a/x/0`, `b/x/1` take `values[s][r]`.
fn two_series(values: [&[f64]; 2]) -> Vec<Run> {
    let mut all = history();
    all.truncate(1);
    let template = all.pop().expect("a run");
    (0..values[0].len())
        .map(|r| {
            let mut run = template.clone();
            run.run_id = format!("r{r:02}");
            run.measurements = (0..2)
                .map(|s| {
                    let id = BenchId::parse(&format!("{}/x/{s}", ["a", "b"][s])).unwrap();
                    Measurement::point(id, Metric::WallTime, values[s][r], "criterion").unwrap()
                })
                .collect();
            run
        })
        .collect()
}

/// Where series `b/x/1` is first confirmed as a slowdown. The budget
/// is small enough that significance, not the minimum effect, decides.
fn b_caught(a: &[f64], b: &[f64]) -> Option<Point> {
    let settings = Settings {
        alpha: 1e-4,
        ..Settings::default()
    };
    let ctx = Context::select(two_series([a, b]), None, settings).unwrap();
    let t = tracks(&ctx);
    t[1].points
        .iter()
        .find(|p| p.state == State::Regressed)
        .copied()
}

/// A slowdown already open in the run is a rejection of it: another
/// series' step that the Bonferroni share alone would miss is then
/// confirmed (the step-up's second level), and no step is ever missed
/// because of it.
#[test]
fn an_open_slowdown_elsewhere_lowers_the_bar_and_never_raises_it() {
    let mut rng = Rng::new(11);
    let noise: Vec<f64> = (0..25).map(|_| 0.02 * rng.normal()).collect();
    let flat: Vec<f64> = (0..25)
        .map(|r| 100.0 * (1.0 + 0.02 * ((r % 3) as f64 - 1.0)))
        .collect();
    // `a` slows by half at run 18: confirmed at once, then open.
    let stepped: Vec<f64> = flat
        .iter()
        .enumerate()
        .map(|(r, v)| if r >= 18 { v * 1.5 } else { *v })
        .collect();
    let mut helped = 0;
    for x in 0..150 {
        let size = x as f64 * 0.001;
        let b: Vec<f64> = noise
            .iter()
            .enumerate()
            .map(|(r, e)| 100.0 * (e + if r >= 20 { size } else { 0.0 }).exp())
            .collect();
        match (b_caught(&flat, &b), b_caught(&stepped, &b)) {
            (Some(_), None) => panic!("step {size}: caught alone only"),
            (None, Some(pt)) => {
                // The row names the shared level the step met.
                let shared = pt.alpha.expect("confirmed above the Bonferroni share");
                assert!(shared > 1e-4 / 2.0 && pt.p.unwrap() <= shared, "{pt:?}");
                helped += 1;
            }
            _ => {}
        }
    }
    assert!(helped > 0, "no step was helped by the open slowdown");
}
