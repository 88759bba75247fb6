//! `harness calibrate`: runs the selected Criterion benches on identical
//! code, twice back to back in each of N rounds (A/A), stores each bench's
//! noise for this machine and profile (`<baselines>/<fingerprint>/
//! calibration-<profile>.json`) and prints what it implies: the smallest
//! change `check` and `compare` can detect per bench at the current
//! settings, and which benches are too noisy to gate at `--min-effect`.
//! `compare` reads the file when it matches the machine and profile and
//! marks those benches **noisy** with the figure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};

use super::CalibrateConfig;
use super::common::Outcome;
use crate::history;
use crate::judge::calibration::{BenchNoise, Calibration, SCHEMA};
use crate::judge::{Comparison, Design, Settings, Side, Verdict, judge_comparison};
use crate::model::{Machine, Metric};
use crate::render::{Document, Table};
use crate::runner::{Plan, Suite, absolute, discover, measure_target, select};

/// A bench's metric and the (A, A') values of each round, keyed by
/// (bench, metric name).
type Pairs = (Metric, Vec<(f64, f64)>);

/// The calibration file of a machine and profile.
pub fn calibration_path(baselines: &Path, fingerprint: &str, profile: &str) -> PathBuf {
    baselines
        .join(fingerprint)
        .join(format!("calibration-{profile}.json"))
}

/// This machine's calibration for `profile`, when one was saved.
pub fn load_calibration(
    baselines: &Path,
    machine: &Machine,
    profile: &str,
) -> anyhow::Result<Option<Calibration>> {
    let path = calibration_path(baselines, &machine.fingerprint(), profile);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let c: Calibration = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a calibration file", path.display()))?;
    if c.schema != SCHEMA {
        bail!("{}: schema {} is not {SCHEMA}", path.display(), c.schema);
    }
    Ok(Some(c))
}

/// The bench's share of α at `compare`'s last look, as `compare` spends it.
pub fn compare_alpha(s: &Settings, benches: usize, design: Design) -> f64 {
    s.per_series_alpha(benches) * design.share(true)
}

/// Marks the benches of a comparison that the calibration says are too
/// noisy to gate at the minimum effect in the design's rounds.
pub fn mark_noisy(r: &mut Comparison, cal: &Calibration, s: &Settings, design: Design) {
    let m = r.rows.iter().filter(|x| !x.metric.is_exact()).count();
    let alpha = compare_alpha(s, m, design);
    for row in r.rows.iter_mut().filter(|x| !x.metric.is_exact()) {
        let Some(noise) = cal.find(&row.bench, &row.metric) else {
            continue;
        };
        let mde = noise.compare_mde(alpha, design.max_rounds, s.min_effect);
        if noise.compare_resolves(alpha, design.max_rounds, s.min_effect) != Some(true) {
            row.noisy = Some(mde.unwrap_or(f64::INFINITY));
            row.why.push(format!(
                "noisy on this machine: {} rounds detect {} at best (calibrated {})",
                design.max_rounds,
                mde.map_or("no change".into(), |x| format!("±{:.1}%", x * 100.0)),
                cal.time
            ));
        }
    }
}

/// Runs the calibration.
pub fn calibrate(c: &CalibrateConfig) -> anyhow::Result<Outcome> {
    let clock = Instant::now();
    let ws = discover(&c.workspace)?;
    let target_dir = absolute(&ws.target_dir);
    let targets: Vec<_> = select(&ws, &c.select, None)?
        .into_iter()
        .filter(|t| t.suite == Suite::Criterion)
        .collect();
    if targets.is_empty() {
        bail!(
            "no Criterion bench target matches the selection: nothing to calibrate (counts are deterministic and need none)"
        );
    }
    let plan = Plan {
        workspace: &c.workspace,
        target: Some(&target_dir),
        profile: &c.profile,
        select: &c.select,
        require: &[],
        shard: None,
        label: "",
        verbose: c.verbose,
    };
    let mut pairs: BTreeMap<(String, String), Pairs> = BTreeMap::new();
    let mut rounds = Vec::new();
    let mut failures = Vec::new();
    for round in 0..c.rounds {
        let mut sides: [Vec<crate::model::Measurement>; 2] = [Vec::new(), Vec::new()];
        for (j, t) in targets.iter().enumerate() {
            // Which of the two identical runs counts as A alternates, as
            // compare alternates base and head, so an order effect is not
            // read as noise... nor as a difference.
            let order = if (round + j) % 2 == 0 { [0, 1] } else { [1, 0] };
            for i in order {
                let side = &mut sides[i];
                let label = format!("calibrate round {}/{}", round + 1, c.rounds);
                let p = Plan {
                    label: &label,
                    ..plan.clone()
                };
                match measure_target(&p, &ws.root, &target_dir, t, None, clock) {
                    Ok(ms) => side.extend(ms),
                    Err(f) => failures.push(format!("{}: {}", f.job, f.message)),
                }
            }
        }
        let [a, b] = sides;
        for m in &a {
            if let Some(n) = b
                .iter()
                .find(|x| x.bench == m.bench && x.metric == m.metric)
            {
                pairs
                    .entry((m.bench.to_string(), m.metric.to_string()))
                    .or_insert_with(|| (m.metric.clone(), Vec::new()))
                    .1
                    .push((crate::judge::chart_value(m), crate::judge::chart_value(n)));
            }
        }
        rounds.push((a, b));
    }
    if pairs.is_empty() {
        bail!(
            "no bench measured on both halves of a round: {}",
            failures.join("; ")
        );
    }
    let benches: Vec<BenchNoise> = pairs
        .iter()
        .map(|((bench, _), (metric, p))| BenchNoise::from_pairs(bench, metric.clone(), p))
        .collect();
    let machine = crate::probe::machine();
    let calibration = Calibration {
        schema: SCHEMA,
        machine: machine.clone(),
        profile: c.profile.name.clone(),
        time: crate::probe::rfc3339(crate::probe::now_unix()),
        rounds: c.rounds,
        benches,
    };
    let path = calibration_path(&c.baselines, &machine.fingerprint(), &c.profile.name);
    let mut text = serde_json::to_string_pretty(&calibration)?;
    text.push('\n');
    history::write_atomic(&path, text.as_bytes())?;

    // The A/A rounds judged as a comparison: every flag is a false alarm.
    let side = |rev: &str| Side {
        rev: rev.into(),
        commit: String::new(),
    };
    let aa = judge_comparison(
        side("A"),
        side("A'"),
        &rounds,
        &|_, _| Vec::new(),
        None,
        &c.settings,
        Design::fixed(c.rounds),
        true,
    );
    let false_flags = aa
        .rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Regressed | Verdict::Improved))
        .count();
    crate::say!("[calibrate] done in {:.1}s", clock.elapsed().as_secs_f64());
    let mut doc = document(&calibration, c);
    doc.notes.push(format!(
        "A/A: the {} rounds judged as a comparison flagged {false_flags} of {} benches (each is a false alarm; the design allows {:.2} % per comparison)",
        c.rounds,
        aa.rows.len(),
        c.settings.alpha * 100.0
    ));
    for f in &failures {
        doc.notes.push(format!("warning: {f}"));
    }
    doc.notes.push(format!("written to {}", path.display()));
    Ok(Outcome {
        stdout: c.format.renderer().render(&doc),
        code: if failures.is_empty() { 0 } else { 2 },
    })
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{:.2}%", x * 100.0))
}

/// The calibration as a table: noise and detectable change per bench.
fn document(cal: &Calibration, c: &CalibrateConfig) -> Document {
    let m = cal.benches.len();
    let s = &c.settings;
    let design = Design::DEFAULT;
    let a_compare = compare_alpha(s, m, design);
    let a_check = s.per_series_alpha(m);
    let mut t = Table::new(
        &format!(
            "Calibration of {} ({}), profile {}, {} A/A rounds",
            cal.machine.cpu_model,
            cal.machine.fingerprint(),
            cal.profile,
            cal.rounds
        ),
        &[
            "bench",
            "σ pair",
            "σ run",
            &format!("compare detects ({} rounds)", design.max_rounds),
            &format!("check detects (within {} runs)", s.scan),
            "status",
        ],
    );
    for b in &cal.benches {
        let compare = b.compare_mde(a_compare, design.max_rounds, s.min_effect);
        let check = b.check_mde_within(a_check, s.scan, s.window, s.min_effect);
        let noisy = b.compare_resolves(a_compare, design.max_rounds, s.min_effect) != Some(true);
        t.rows.push(vec![
            b.bench.clone(),
            pct(b.sigma_pair),
            pct(b.sigma_run),
            pct(compare),
            pct(check),
            if noisy { "noisy" } else { "ok" }.into(),
        ]);
    }
    Document {
        tables: vec![t],
        notes: vec![format!(
            "detectable: the smallest change found with 80 % power at the bench's share of --alpha {} ({} benches) and --min-effect {:.0}%; noisy: compare's test cannot resolve --min-effect in {} rounds",
            s.alpha,
            m,
            s.min_effect * 100.0,
            design.max_rounds
        )],
        json: serde_json::to_value(cal).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::calibration::BenchNoise;
    use crate::judge::{PairedRow, Side};
    use crate::model::Unit;

    fn row(bench: &str) -> PairedRow {
        PairedRow {
            bench: bench.into(),
            metric: Metric::WallTime,
            unit: Unit::Nanoseconds,
            base: 1.0,
            head: 1.0,
            rounds: 12,
            ratio: Some(1.0),
            lower: None,
            upper: None,
            p: None,
            threshold: None,
            verdict: Verdict::Pass,
            why: Vec::new(),
            settled: true,
            noisy: None,
        }
    }

    #[test]
    fn only_benches_too_noisy_for_the_minimum_effect_are_marked() {
        let side = Side {
            rev: "x".into(),
            commit: String::new(),
        };
        let mut r = Comparison {
            base: side.clone(),
            head: side,
            rounds: 12,
            rows: vec![row("calm/x/1"), row("wild/x/1"), row("unknown/x/1")],
            added: Vec::new(),
            removed: Vec::new(),
            warnings: Vec::new(),
            broken: Vec::new(),
        };
        let noise = |bench: &str, sigma: f64| BenchNoise {
            bench: bench.into(),
            metric: Metric::WallTime,
            sigma_pair: Some(sigma),
            sigma_run: Some(sigma),
            rounds: 5,
        };
        let cal = Calibration {
            schema: SCHEMA,
            machine: crate::probe::machine(),
            profile: "quick".into(),
            time: "2026-12-04T00:00:00Z".into(),
            rounds: 5,
            benches: vec![noise("calm/x/1", 0.005), noise("wild/x/1", 0.08)],
        };
        let design = Design {
            min_rounds: 3,
            max_rounds: 12,
        };
        mark_noisy(&mut r, &cal, &Settings::default(), design);
        assert_eq!(r.rows[0].noisy, None);
        let wild = r.rows[1].noisy.unwrap();
        assert!(wild > 0.03, "{wild}");
        assert!(
            r.rows[1].why[0].contains("noisy on this machine"),
            "{:?}",
            r.rows[1]
        );
        assert_eq!(r.rows[2].noisy, None, "not calibrated: not marked");
    }
}
