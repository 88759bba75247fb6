//! `harness bisect --good REV --bad REV`: the first commit on the first-
//! parent path from good to bad where the selected benches changed.
//!
//! 1. Good and bad are measured against each other (the paired engine of
//!    `compare`: counts once per side, wall time in rounds); the benches
//!    that changed (regressed or improved) are the ones bisected. None:
//!    nothing to look for, exit 0.
//! 2. Binary search over the commits between them. Each probed commit is
//!    built (one shared target folder, so unchanged dependencies are not
//!    rebuilt) and paired against good on the changed benches only. Its
//!    score is the median, over those benches, of how far it moved along
//!    the good→bad change (ln ratio against good over ln ratio of bad):
//!    above one half it is bad, else good. A commit that does not build is
//!    skipped and a neighbour probed instead, as `git bisect skip` does.
//! 3. The culprit is the first bad commit; when skipped commits sit just
//!    before it, they are named as possible culprits too.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;

use super::BisectConfig;
use super::common::Outcome;
use super::compare::{Scratch, past_series};
use super::suspects::Suspect;
use crate::history;
use crate::judge::{Comparison, Design, PairedRow, Side, Verdict};
use crate::render::{Document, Table};
use crate::runner::Selection;
use crate::runner::pairing::{BuildFailed, Checkout, Setup, paired};
use crate::stats::describe::median;
use crate::worktree::{CommitInfo, range};

/// One probed commit.
#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    /// Full hash.
    pub commit: String,
    /// First line of its message.
    pub summary: String,
    /// `good`, `bad` or `skipped` (does not build).
    pub state: &'static str,
    /// Median share of the good→bad change this commit shows (0 = like
    /// good, 1 = like bad), when measured.
    pub score: Option<f64>,
    /// Its changed benches against good.
    pub rows: Vec<PairedRow>,
}

/// What `bisect` found.
#[derive(Debug, Clone, Serialize)]
pub struct Bisection {
    /// The good revision.
    pub good: Side,
    /// The bad revision.
    pub bad: Side,
    /// Commits after good up to bad.
    pub commits: usize,
    /// The benches that changed from good to bad, with the evidence.
    pub changed: Vec<PairedRow>,
    /// The first bad commit, when there is a change.
    pub first_bad: Option<Culprit>,
    /// Every probe, in the order run.
    pub tested: Vec<Probe>,
    /// Problems that did not stop the search.
    pub warnings: Vec<String>,
}

/// The culprit and how sure.
#[derive(Debug, Clone, Serialize)]
pub struct Culprit {
    /// Full hash.
    pub commit: String,
    /// First line of its message.
    pub summary: String,
    /// Skipped commits just before it that could also be the culprit.
    pub or_skipped: Vec<String>,
    /// The changed benches at this commit against good (ratio, 95 %
    /// interval, rounds).
    pub evidence: Vec<PairedRow>,
}

/// Runs the bisection (of one range, or of every range of a suspects
/// file).
pub fn bisect(c: &BisectConfig) -> anyhow::Result<Outcome> {
    if let Some(file) = &c.suspects {
        return bisect_suspects(c, file);
    }
    let found = bisect_range(c)?;
    if let Some(out) = &c.out {
        write_json(out, &found)?;
    }
    Ok(Outcome {
        stdout: c.format.renderer().render(&document(&found)),
        code: 0,
    })
}

fn write_json(path: &Path, found: &Bisection) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(found)?;
    text.push('\n');
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    }
    history::write_atomic(path, text.as_bytes())?;
    Ok(())
}

/// Bisects each range `check --suspects` wrote, over its own benches,
/// writing `<out_dir>/<bad>-<good>.json`; a range already written is
/// skipped, so a workflow that runs after every push bisects each step
/// once.
fn bisect_suspects(c: &BisectConfig, file: &Path) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(file).with_context(|| file.display().to_string())?;
    let ranges: Vec<Suspect> = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a `harness check --suspects` file", file.display()))?;
    let mut doc = Document::default();
    let mut results = Vec::new();
    for s in &ranges {
        let short = |x: &str| x.chars().take(12).collect::<String>();
        let path = c
            .out_dir
            .join(format!("{}-{}.json", short(&s.bad), short(&s.good)));
        if path.exists() {
            crate::say!(
                "[bisect] {}..{}: already bisected ({})",
                short(&s.good),
                short(&s.bad),
                path.display()
            );
            continue;
        }
        let filter = regex::Regex::new(&s.filter)
            .with_context(|| format!("{}: filter {:?}", file.display(), s.filter))?;
        let one = BisectConfig {
            good: s.good.clone(),
            bad: s.bad.clone(),
            suspects: None,
            select: Selection {
                filter: Some(filter),
                ..c.select.clone()
            },
            out: None,
            ..c.clone()
        };
        let found = bisect_range(&one)?;
        write_json(&path, &found)?;
        let part = document(&found);
        doc.tables.extend(part.tables);
        doc.notes.extend(part.notes);
        results.push(found);
    }
    if ranges.is_empty() {
        doc.notes.push("no slowdown to bisect".into());
    }
    doc.json = serde_json::to_value(&results)?;
    Ok(Outcome {
        stdout: c.format.renderer().render(&doc),
        code: 0,
    })
}

/// Bisects `c.good..c.bad`.
fn bisect_range(c: &BisectConfig) -> anyhow::Result<Bisection> {
    let clock = Instant::now();
    let commits = range(&c.repo, &c.good, &c.bad)?;
    let scratch = Scratch::new("bisect")?;
    let targets = crate::runner::absolute(c.target_dir.as_deref().unwrap_or(&scratch.0));
    let probe_target = targets.join("target-probe");
    let good = Checkout::new(
        &c.repo,
        &c.good,
        &scratch.0.join("good"),
        "good",
        &targets.join("target-good"),
        &c.select,
        clock,
    )?;
    let history = past_series(&c.history)?;
    let design = Design {
        min_rounds: c.min_rounds,
        max_rounds: c.rounds,
    };
    let setup = |select| setup(c, select, &history, design);
    crate::say!(
        "[bisect] {} commit(s) after {}; measuring good against bad",
        commits.len(),
        c.good
    );
    let (bad_side, whole) = {
        let bad = Checkout::new(
            &c.repo,
            &c.bad,
            &scratch.0.join("bad"),
            "bad",
            &probe_target,
            &c.select,
            clock,
        )?;
        (bad.side(), paired(&setup(&c.select), &good, &bad, clock)?)
    };
    let changed: Vec<PairedRow> = whole
        .rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Regressed | Verdict::Improved))
        .cloned()
        .collect();
    let mut found = Bisection {
        good: good.side(),
        bad: bad_side,
        commits: commits.len(),
        changed: changed.clone(),
        first_bad: None,
        tested: Vec::new(),
        warnings: whole.warnings.clone(),
    };
    if !changed.is_empty() {
        let only = Selection {
            filter: Some(exact(&changed)?),
            ..c.select.clone()
        };
        search(
            c,
            &commits,
            &good,
            &changed,
            &setup(&only),
            &only,
            &scratch.0,
            &probe_target,
            clock,
            &mut found,
            &whole,
        )?;
    }
    crate::say!("[bisect] done in {:.1}s", clock.elapsed().as_secs_f64());
    Ok(found)
}

fn setup<'a>(
    c: &'a BisectConfig,
    select: &'a Selection,
    history: &'a (dyn Fn(&str, &str) -> Vec<f64> + Sync),
    design: Design,
) -> Setup<'a> {
    Setup {
        profile: &c.profile,
        select,
        verbose: c.verbose,
        settings: &c.settings,
        design,
        budget: None,
        history,
        calibration: None,
    }
}

/// A filter matching exactly the changed benches.
fn exact(rows: &[PairedRow]) -> anyhow::Result<regex::Regex> {
    let alt: Vec<String> = rows.iter().map(|r| regex::escape(&r.bench)).collect();
    Ok(regex::Regex::new(&format!("^(?:{})$", alt.join("|")))?)
}

/// The binary search between good (index −1) and bad (the last commit).
#[allow(clippy::too_many_arguments)]
fn search(
    c: &BisectConfig,
    commits: &[CommitInfo],
    good: &Checkout,
    changed: &[PairedRow],
    setup: &Setup,
    only: &Selection,
    scratch: &std::path::Path,
    target: &std::path::Path,
    clock: Instant,
    found: &mut Bisection,
    whole: &Comparison,
) -> anyhow::Result<()> {
    let n = commits.len();
    let (mut lo, mut hi) = (-1i64, n as i64 - 1);
    let mut skipped: Vec<usize> = Vec::new();
    let mut evidence: Vec<PairedRow> = changed_rows(whole, changed);
    while hi - lo > 1 {
        // The untested commit nearest the middle that is not skipped.
        let mid = (lo + hi) / 2;
        let Some(k) = (0..(hi - lo))
            .flat_map(|d| [mid - d, mid + d])
            .find(|k| *k > lo && *k < hi && !skipped.contains(&(*k as usize)))
        else {
            break;
        };
        let info = &commits[k as usize];
        crate::say!(
            "[bisect] probing {} ({} left to search) ({:.1}s)",
            &info.commit[..10],
            hi - lo - 1,
            clock.elapsed().as_secs_f64()
        );
        let dest: PathBuf = scratch.join(format!("probe-{k}"));
        let probe = match Checkout::new(
            &c.repo,
            &info.commit,
            &dest,
            &format!("probe-{k}"),
            target,
            only,
            clock,
        ) {
            Ok(p) => p,
            Err(e) if e.downcast_ref::<BuildFailed>().is_some() => {
                crate::say!("[bisect] {} does not build: skipped", &info.commit[..10]);
                skipped.push(k as usize);
                found.tested.push(Probe {
                    commit: info.commit.clone(),
                    summary: info.summary.clone(),
                    state: "skipped",
                    score: None,
                    rows: Vec::new(),
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        let r = paired(setup, good, &probe, clock)?;
        drop(probe);
        let rows = changed_rows(&r, changed);
        let score = score(&rows, changed);
        let bad = score.is_some_and(|s| s > 0.5);
        crate::say!(
            "[bisect] {} is {} (score {})",
            &info.commit[..10],
            if bad { "bad" } else { "good" },
            score.map_or("-".into(), |s| format!("{s:.2}"))
        );
        if score.is_none() {
            found.warnings.push(format!(
                "{}: the changed benches could not be measured; taken as good",
                &info.commit[..10]
            ));
        }
        if let Some((like_bad, like_good)) = disagreement(&rows, changed) {
            found.warnings.push(format!(
                "{}: the changed benches disagree ({} moved like bad, {} like good): the range \
                 may hold more than one change; bisect each group with --filter",
                &info.commit[..10],
                like_bad.join(", "),
                like_good.join(", ")
            ));
        }
        found.tested.push(Probe {
            commit: info.commit.clone(),
            summary: info.summary.clone(),
            state: if bad { "bad" } else { "good" },
            score,
            rows: rows.clone(),
        });
        if bad {
            hi = k;
            evidence = rows;
        } else {
            lo = k;
        }
    }
    let culprit = &commits[hi as usize];
    let or_skipped: Vec<String> = skipped
        .iter()
        .filter(|k| (**k as i64) > lo && (**k as i64) < hi)
        .map(|k| commits[*k].commit.clone())
        .collect();
    found.first_bad = Some(Culprit {
        commit: culprit.commit.clone(),
        summary: culprit.summary.clone(),
        or_skipped,
        evidence,
    });
    Ok(())
}

/// The rows of `r` for the changed benches (same bench and metric).
fn changed_rows(r: &Comparison, changed: &[PairedRow]) -> Vec<PairedRow> {
    r.rows
        .iter()
        .filter(|x| {
            changed
                .iter()
                .any(|c| c.bench == x.bench && c.metric == x.metric)
        })
        .cloned()
        .collect()
}

/// Each changed bench's share of the good→bad change at a probe (0 = like
/// good, 1 = like bad), for benches measured at both.
fn shares<'a>(rows: &[PairedRow], changed: &'a [PairedRow]) -> Vec<(&'a str, f64)> {
    changed
        .iter()
        .filter_map(|c| {
            let whole = c.ratio?.ln();
            let x = rows
                .iter()
                .find(|r| r.bench == c.bench && r.metric == c.metric)?
                .ratio?
                .ln();
            (whole != 0.0).then(|| (c.bench.as_str(), x / whole))
        })
        .collect()
}

/// Shares at or beyond these bounds count as clearly like good or like
/// bad; between them a bench is undecided and takes no side, so round
/// noise on a half-moved bench does not raise the warning.
const LIKE_GOOD: f64 = 0.25;
const LIKE_BAD: f64 = 0.75;

/// The benches that moved clearly like bad and those clearly like good at
/// one probe, when both groups are non-empty: two changes in the range
/// (one bench slowed by an early commit, another by a late one) make the
/// median score pick one of them, and the user must hear about the other.
fn disagreement(rows: &[PairedRow], changed: &[PairedRow]) -> Option<(Vec<String>, Vec<String>)> {
    let s = shares(rows, changed);
    let bad: Vec<String> = s
        .iter()
        .filter(|(_, x)| *x >= LIKE_BAD)
        .map(|(b, _)| (*b).to_owned())
        .collect();
    let good: Vec<String> = s
        .iter()
        .filter(|(_, x)| *x <= LIKE_GOOD)
        .map(|(b, _)| (*b).to_owned())
        .collect();
    (!bad.is_empty() && !good.is_empty()).then_some((bad, good))
}

/// Median share of the good→bad change a probe shows.
fn score(rows: &[PairedRow], changed: &[PairedRow]) -> Option<f64> {
    let values: Vec<f64> = shares(rows, changed).into_iter().map(|(_, x)| x).collect();
    median(&values)
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), crate::judge::pct)
}

/// The bisection as tables.
fn document(b: &Bisection) -> Document {
    let mut probes = Table::new(
        &format!(
            "Bisect {} ({}) .. {} ({}): {} commit(s)",
            b.good.rev,
            &b.good.commit[..10],
            b.bad.rev,
            &b.bad.commit[..10],
            b.commits
        ),
        &["commit", "summary", "state", "score"],
    );
    for p in &b.tested {
        probes.rows.push(vec![
            p.commit[..10].to_owned(),
            p.summary.chars().take(60).collect(),
            p.state.to_owned(),
            p.score.map_or("-".into(), |s| format!("{s:.2}")),
        ]);
    }
    let mut evidence = Table::new(
        "Changed benches at the first bad commit, against good",
        &["bench", "metric", "change (95% CI)", "rounds", "good→bad"],
    );
    let mut notes: Vec<String> = b.warnings.iter().map(|w| format!("warning: {w}")).collect();
    match &b.first_bad {
        None => notes.push(format!(
            "no bench changed between {} and {}: nothing to bisect",
            b.good.rev, b.bad.rev
        )),
        Some(c) => {
            for row in &c.evidence {
                let whole = b
                    .changed
                    .iter()
                    .find(|x| x.bench == row.bench && x.metric == row.metric);
                evidence.rows.push(vec![
                    row.bench.clone(),
                    row.metric.to_string(),
                    format!(
                        "{} ({}..{})",
                        pct(row.ratio),
                        pct(row.lower),
                        pct(row.upper)
                    ),
                    row.rounds.to_string(),
                    pct(whole.and_then(|w| w.ratio)),
                ]);
            }
            notes.push(format!(
                "first bad commit: {} {}",
                c.commit,
                c.summary.chars().take(80).collect::<String>()
            ));
            if !c.or_skipped.is_empty() {
                notes.push(format!(
                    "or one of the skipped commits just before it (they do not build): {}",
                    c.or_skipped.join(", ")
                ));
            }
        }
    }
    Document {
        tables: vec![probes, evidence],
        notes,
        json: serde_json::to_value(b).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Metric, Unit};

    fn row(bench: &str, ratio: f64) -> PairedRow {
        PairedRow {
            bench: bench.into(),
            metric: Metric::WallTime,
            unit: Unit::Nanoseconds,
            base: 1.0,
            head: ratio,
            rounds: 4,
            ratio: Some(ratio),
            lower: None,
            upper: None,
            p: None,
            threshold: None,
            verdict: Verdict::Regressed,
            why: Vec::new(),
            settled: true,
            noisy: None,
        }
    }

    /// Two slowdowns in one range: `a` slowed by an early commit, `b` by a
    /// late one. A probe between them has `a` like bad and `b` like good;
    /// the median picks one side, so the other must be named.
    #[test]
    fn two_changes_in_one_range_raise_a_disagreement() {
        let changed = [row("a", 1.30), row("b", 1.30)];
        let probe = [row("a", 1.29), row("b", 1.01)];
        let (bad, good) = disagreement(&probe, &changed).unwrap();
        assert_eq!((bad, good), (vec!["a".to_owned()], vec!["b".to_owned()]));
    }

    #[test]
    fn benches_that_move_together_or_halfway_do_not_disagree() {
        let changed = [row("a", 1.30), row("b", 1.30)];
        assert!(disagreement(&[row("a", 1.29), row("b", 1.31)], &changed).is_none());
        assert!(disagreement(&[row("a", 1.0), row("b", 1.02)], &changed).is_none());
        // One clearly bad, one halfway (round noise): no side taken.
        assert!(disagreement(&[row("a", 1.30), row("b", 1.14)], &changed).is_none());
    }

    #[test]
    fn the_score_is_the_median_share() {
        let changed = [row("a", 1.21), row("b", 1.21), row("c", 1.21)];
        let probe = [row("a", 1.21), row("b", 1.10), row("c", 1.0)];
        let s = score(&probe, &changed).unwrap();
        assert!((s - 1.10f64.ln() / 1.21f64.ln()).abs() < 1e-12, "{s}");
    }
}
