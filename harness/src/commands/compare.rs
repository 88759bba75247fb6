//! `harness compare --base REV [--head REV]`: both revisions checked out
//! in temporary worktrees and built once each, then measured on this
//! machine and judged pair by pair (see [`crate::runner::pairing`]).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;

use super::CompareConfig;
use super::common::{Outcome, load_history};
use crate::history;
use crate::judge::{Comparison, Design, pct, show};
use crate::render::{Document, Table};
use crate::runner::pairing::{Checkout, Setup, paired};

/// Removes the scratch folder on every exit path.
pub(super) struct Scratch(pub PathBuf);

impl Scratch {
    /// A new scratch folder under the system's temporary folder. Scratch
    /// folders of the same kind whose process has ended (killed before it
    /// could remove them, with their checkouts and target folders) are
    /// removed first.
    pub(super) fn new(what: &str) -> anyhow::Result<Scratch> {
        let tmp = std::env::temp_dir();
        let prefix = format!("harness-{what}-");
        for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let stale = name
                .to_str()
                .and_then(|n| crate::worktree::owner(n, &prefix))
                .is_some_and(crate::worktree::process_gone);
            if stale {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let dir = tmp.join(format!(
            "{prefix}{}-{}",
            std::process::id(),
            crate::probe::now_unix()
        ));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("{}: cannot create", dir.display()))?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Earlier values of each series (bench, metric) in a history file, for
/// the noise threshold of counts; no file means no history.
pub(super) fn past_series(
    path: &std::path::Path,
) -> anyhow::Result<impl Fn(&str, &str) -> Vec<f64>> {
    let past = if path.exists() {
        load_history(path)?
    } else {
        Vec::new()
    };
    Ok(move |bench: &str, metric: &str| -> Vec<f64> {
        past.iter()
            .flat_map(|r| &r.measurements)
            .filter(|m| m.bench.as_str() == bench && m.metric.to_string() == metric)
            .map(|m| m.estimate)
            .collect()
    })
}

/// Runs the comparison.
pub fn compare(c: &CompareConfig) -> anyhow::Result<Outcome> {
    let clock = Instant::now();
    // Read before the builds: a bad calibration file stops the comparison
    // at once, not after minutes of compiling.
    let calibration = super::calibrate::load_calibration(
        &c.baselines,
        &crate::probe::machine(),
        &c.profile.name,
    )?;
    let scratch = Scratch::new("compare")?;
    let targets = crate::runner::absolute(c.target_dir.as_deref().unwrap_or(&scratch.0));
    let mut sides = Vec::new();
    for (name, rev) in [("base", &c.base), ("head", &c.head)] {
        let target = targets.join(format!("target-{name}"));
        sides.push(Checkout::new(
            &c.repo,
            rev,
            &scratch.0.join(name),
            name,
            &target,
            &c.select,
            clock,
        )?);
    }
    let history = past_series(&c.history)?;
    let setup = Setup {
        profile: &c.profile,
        select: &c.select,
        verbose: c.verbose,
        settings: &c.settings,
        design: Design {
            min_rounds: c.min_rounds,
            max_rounds: c.rounds,
        },
        budget: c.budget,
        history: &history,
        calibration: calibration.as_ref(),
    };
    let mut report = paired(&setup, &sides[0], &sides[1], clock)?;
    match &calibration {
        Some(cal) => super::calibrate::mark_noisy(&mut report, cal, &c.settings, setup.design),
        None => report.warnings.push(format!(
            "no calibration of this machine for profile {} in {}: run `harness calibrate` to see which benches are too noisy to gate",
            c.profile.name,
            c.baselines.display()
        )),
    }
    crate::say!(
        "[harness] compare done in {:.1}s",
        clock.elapsed().as_secs_f64()
    );
    if let Some(out) = &c.out {
        let mut text = serde_json::to_string_pretty(&report)?;
        text.push('\n');
        history::write_atomic(out, text.as_bytes())?;
    }
    Ok(Outcome {
        stdout: c.format.renderer().render(&document(&report)),
        code: u8::from(report.failed()),
    })
}

/// The comparison as tables.
pub fn document(r: &Comparison) -> Document {
    let mut t = Table::new(
        &format!(
            "Compare {} ({}) → {} ({})",
            r.base.rev,
            short(&r.base.commit),
            r.head.rev,
            short(&r.head.commit)
        ),
        &[
            "bench",
            "metric",
            "base",
            "head",
            "change (95% CI)",
            "p",
            "rounds",
            "verdict",
            "why",
        ],
    );
    let mut rows: Vec<_> = r.rows.iter().collect();
    rows.sort_by_key(|x| std::cmp::Reverse(x.verdict));
    for row in rows {
        let change = match (row.ratio, row.lower, row.upper) {
            (Some(x), Some(lo), Some(hi)) => format!("{} ({}..{})", pct(x), pct(lo), pct(hi)),
            (Some(x), _, _) => pct(x),
            _ => "-".into(),
        };
        t.rows.push(vec![
            row.bench.clone(),
            row.metric.to_string(),
            show(row.base, row.unit),
            show(row.head, row.unit),
            change,
            row.p.map_or("-".into(), |p| format!("{p:.3}")),
            row.rounds.to_string(),
            row.verdict.name().into(),
            row.why.join("; "),
        ]);
    }
    let mut notes: Vec<String> = r.warnings.iter().map(|w| format!("warning: {w}")).collect();
    if !r.added.is_empty() {
        notes.push(format!("added (head only): {}", r.added.join(", ")));
    }
    if !r.removed.is_empty() {
        notes.push(format!("removed (base only): {}", r.removed.join(", ")));
    }
    for job in &r.broken {
        notes.push(format!(
            "FAIL: bench target {job} runs on the base and fails on the head"
        ));
    }
    let failed = r.rows.iter().filter(|x| x.verdict.fails()).count() + r.broken.len();
    let unknown = r
        .rows
        .iter()
        .filter(|x| x.verdict == crate::judge::Verdict::Unknown)
        .count();
    notes.push(if failed == 0 && unknown > 0 {
        format!(
            "verdict: no regression shown, {unknown} UNKNOWN ({} rounds): those need more rounds",
            r.rounds
        )
    } else if failed == 0 {
        format!("verdict: pass ({} rounds)", r.rounds)
    } else {
        format!(
            "verdict: FAIL ({failed} regressed over {} rounds)",
            r.rounds
        )
    });
    Document {
        tables: vec![t],
        notes,
        json: serde_json::to_value(r).unwrap_or_default(),
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}
