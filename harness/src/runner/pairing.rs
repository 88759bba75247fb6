//! Measuring two checkouts against each other on this machine: the
//! engine of `harness compare` and `harness bisect`.
//!
//! - Instruction counts and heap bytes barely move between runs of the
//!   same binary: each gungraun and heap target runs once per side. Only
//!   counts in doubt run again: one called changed by under 2 %, then one
//!   that varies between processes (a hash table seeded per process) and
//!   still looks changed, until each side has [`VARYING_VALUES`] values.
//! - Wall time runs in rounds. Within a round each Criterion bench target
//!   runs on both sides back to back, the order alternating (A B, then
//!   B A) from target to target and round to round, so the two halves of
//!   a pair are seconds apart and machine drift cancels within the pair.
//! - From the design's first look on, the rounds are judged after each one
//!   ([`crate::judge::after_round`]); a settled bench (a change shown or
//!   ruled out) is not measured again, and pairing stops when all are
//!   settled, at the last round, or before a round that would overrun the
//!   time budget. What is still open then is UNKNOWN.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::{
    Plan, Profile, Selection, Suite, Target, cargo_exe, discover, measure_target, on_path, select,
};
use crate::judge::calibration::Calibration;
use crate::judge::{
    Comparison, Design, Next, PairedRow, Settings, Side, VARYING_VALUES, Verdict, after_round,
    judge_comparison,
};
use crate::model::Measurement;
use crate::worktree::Worktree;

/// A revision that does not build (`bisect` skips it; `compare` stops).
#[derive(Debug, thiserror::Error)]
#[error(
    "the {name} revision {rev} ({short}) does not build: `cargo {command}` failed ({status}); see the compiler output above"
)]
pub struct BuildFailed {
    /// Which side.
    pub name: String,
    /// The revision as given.
    pub rev: String,
    /// Its commit, shortened.
    pub short: String,
    /// The cargo arguments.
    pub command: String,
    /// Cargo's exit status.
    pub status: String,
}

/// How to measure.
pub struct Setup<'a> {
    /// Measurement profile.
    pub profile: &'a Profile,
    /// Which benches.
    pub select: &'a Selection,
    /// Show the benches' own output.
    pub verbose: bool,
    /// Judging settings.
    pub settings: &'a Settings,
    /// Looks and rounds.
    pub design: Design,
    /// No round that would end after this much measuring time (the
    /// builds do not count).
    pub budget: Option<Duration>,
    /// Earlier values of a series (bench, metric), for counts' noise.
    pub history: &'a (dyn Fn(&str, &str) -> Vec<f64> + Sync),
    /// This machine's calibration for the profile: each bench's noise
    /// known before its rounds.
    pub calibration: Option<&'a Calibration>,
}

/// A revision checked out, built, with its selected bench targets.
pub struct Checkout {
    /// `base`, `head`, `good`, ...: names progress lines.
    pub name: String,
    /// The checkout.
    pub tree: Worktree,
    /// Its cargo target folder.
    pub target: PathBuf,
    /// Its workspace root.
    pub root: PathBuf,
    /// Its selected bench targets.
    pub targets: Vec<Target>,
}

impl Checkout {
    /// Checks `rev` out into `dest`, builds its benches into `target`
    /// and lists them. A build failure is a [`BuildFailed`] error.
    pub fn new(
        repo: &Path,
        rev: &str,
        dest: &Path,
        name: &str,
        target: &Path,
        select_by: &Selection,
        clock: Instant,
    ) -> anyhow::Result<Checkout> {
        let tree = Worktree::add(repo, rev, dest, name)?;
        // A manifest cargo cannot read is a revision that does not build.
        let ws = discover(&tree.path).map_err(|e| {
            crate::say!("[{name}] {e:#}");
            BuildFailed {
                name: name.to_owned(),
                rev: tree.rev.clone(),
                short: tree.commit[..10].to_owned(),
                command: "metadata".into(),
                status: "its manifest cannot be read".into(),
            }
        })?;
        let targets = select(&ws, select_by, None).with_context(|| format!("{name} ({rev})"))?;
        build(name, &tree, target, &targets, clock)?;
        Ok(Checkout {
            name: name.to_owned(),
            tree,
            target: target.to_path_buf(),
            root: ws.root,
            targets,
        })
    }

    /// The revision and commit, for reports.
    pub fn side(&self) -> Side {
        Side {
            rev: self.tree.rev.clone(),
            commit: self.tree.commit.clone(),
        }
    }
}

/// Builds one side's selected bench targets, one package at a time and
/// with the same cargo arguments as the measurement (`cargo bench -p P
/// --bench N`): a `--workspace` build unifies features across members,
/// which gives other artifacts, and every target would be compiled again
/// in the first round.
fn build(
    name: &str,
    wt: &Worktree,
    target: &Path,
    targets: &[Target],
    clock: Instant,
) -> anyhow::Result<()> {
    crate::say!(
        "[{name}] building {} ({}) ({:.1}s)",
        wt.rev,
        &wt.commit[..10],
        clock.elapsed().as_secs_f64()
    );
    let mut packages: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in targets {
        packages.entry(&t.package).or_default().push(&t.name);
    }
    for (package, benches) in packages {
        let mut args: Vec<String> = vec!["bench".into(), "--no-run".into(), "-p".into()];
        args.push(package.to_owned());
        for b in benches {
            args.extend(["--bench".into(), b.to_owned()]);
        }
        let status = Command::new(cargo_exe())
            .args(&args)
            .current_dir(&wt.path)
            .env("CARGO_TARGET_DIR", target)
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status()
            .with_context(|| format!("[{name}] cannot start cargo"))?;
        if !status.success() {
            return Err(BuildFailed {
                name: name.to_owned(),
                rev: wt.rev.clone(),
                short: wt.commit[..10].to_owned(),
                command: args.join(" "),
                status: status.to_string(),
            }
            .into());
        }
    }
    Ok(())
}

/// Measures `a` (the reference: base, good) against `b` and judges the
/// pairs. Failures of single targets become warnings in the result.
pub fn paired(
    setup: &Setup,
    a: &Checkout,
    b: &Checkout,
    clock: Instant,
) -> anyhow::Result<Comparison> {
    // The budget is for measuring: it starts after both builds.
    let measuring = Instant::now();
    let sides = [a, b];
    let mut warnings = Vec::new();
    // (side name, job) of every target that failed.
    let mut failed: Vec<(String, String)> = Vec::new();
    let jobs = jobs(&sides);
    if jobs.is_empty() {
        anyhow::bail!("no bench target on either side matches the selection");
    }
    let valgrind = ["valgrind", "gungraun-runner"]
        .into_iter()
        .find(|t| !on_path(t));

    // Counts: once per side, both sides at once. Instruction counts and
    // heap bytes do not depend on what else the machine is doing, so the
    // two sides share the cores and this phase takes half the time.
    let exact: Vec<&Job> = jobs.iter().filter(|j| j.suite.exact()).collect();
    if let Some(tool) = valgrind {
        for job in exact.iter().filter(|j| j.suite == Suite::Gungraun) {
            warnings.push(format!("{}: skipped, {tool} is not on PATH", job.name));
        }
    }
    let work: Vec<(String, Option<Vec<String>>)> = exact
        .into_iter()
        .filter(|j| valgrind.is_none() || j.suite != Suite::Gungraun)
        .map(|j| (j.name.clone(), None))
        .collect();
    let first = count_pass(
        setup,
        &sides,
        &work,
        "counts",
        clock,
        &mut warnings,
        &mut failed,
    );
    // A count the judge calls changed by less than RECHECK is measured
    // again on both sides, and one that varies between processes and still
    // looks changed, until each side has VARYING_VALUES values: a count
    // that varies from run to run (a randomly seeded hash table) then shows
    // its own spread instead of being called a change. Only counts in doubt
    // run again, so a heavy bench whose count barely moves costs one pass.
    // The last look of the design over the rounds given.
    let judge_all = |rounds: &[(Vec<Measurement>, Vec<Measurement>)]| {
        judge_comparison(
            a.side(),
            b.side(),
            rounds,
            setup.history,
            setup.calibration,
            setup.settings,
            setup.design,
            true,
        )
    };
    let mut passes = vec![first];
    while passes.len() < VARYING_VALUES {
        let rounds: Vec<(Vec<Measurement>, Vec<Measurement>)> = passes
            .iter()
            .map(|p| {
                let [x, y] = flatten(p.clone());
                (x, y)
            })
            .collect();
        let judged = judge_all(&rounds);
        let again = count_work(&passes[0], &doubtful(&judged.rows, passes.len()));
        if again.is_empty() {
            break;
        }
        let n = passes.len() + 1;
        crate::say!(
            "[harness] {} count(s) in doubt: measuring them again on both sides ({n} of at most {VARYING_VALUES} values)",
            again
                .iter()
                .map(|(_, ids)| ids.as_ref().map_or(0, Vec::len))
                .sum::<usize>(),
        );
        passes.push(count_pass(
            setup,
            &sides,
            &again,
            &format!("counts {n}/{VARYING_VALUES}"),
            clock,
            &mut warnings,
            &mut failed,
        ));
    }
    // The counts' passes go in as the first rounds, one pass a round.
    let mut count_rounds: Vec<[Vec<Measurement>; 2]> = passes.into_iter().map(flatten).collect();

    // Wall time: paired rounds.
    let design = setup.design;
    let wall: Vec<&Job> = jobs.iter().filter(|j| !j.suite.exact()).collect();
    let mut ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut open: Option<BTreeSet<String>> = None;
    let mut rounds: Vec<(Vec<Measurement>, Vec<Measurement>)> = Vec::new();
    let mut report = None;
    for round in 0..design.max_rounds {
        let started = Instant::now();
        let mut got: [Vec<Measurement>; 2] = [Vec::new(), Vec::new()];
        if let Some(counts) = count_rounds.get_mut(round) {
            got = std::mem::take(counts);
        }
        for (j, job) in wall.iter().enumerate() {
            let only: Option<Vec<String>> = open.as_ref().map(|o| {
                ids.get(&job.name)
                    .map(|all| all.intersection(o).cloned().collect())
                    .unwrap_or_default()
            });
            if only.as_ref().is_some_and(Vec::is_empty) {
                continue;
            }
            let order = if (round + j) % 2 == 0 { [0, 1] } else { [1, 0] };
            for i in order {
                let label = format!("round {}/{}", round + 1, design.max_rounds);
                let ms = run_job(
                    setup,
                    sides[i],
                    &job.name,
                    only.as_deref(),
                    &label,
                    clock,
                    &mut warnings,
                    &mut failed,
                );
                if round == 0 {
                    ids.entry(job.name.clone())
                        .or_default()
                        .extend(ms.iter().map(|m| m.bench.to_string()));
                }
                got[i].extend(ms);
            }
        }
        let [x, y] = got;
        rounds.push((x, y));
        let out_of_time = setup
            .budget
            .is_some_and(|budget| measuring.elapsed() + started.elapsed() > budget);
        match after_round(
            &a.side(),
            &b.side(),
            &rounds,
            setup.history,
            setup.calibration,
            setup.settings,
            design,
            out_of_time,
        ) {
            Next::Continue(still) => {
                if let Some(still) = &still {
                    crate::say!(
                        "[harness] after round {}: {} benches still open ({:.1}s)",
                        round + 1,
                        still.len(),
                        clock.elapsed().as_secs_f64()
                    );
                }
                open = still;
            }
            Next::Stop(r) => {
                if out_of_time && round + 1 < design.max_rounds {
                    warnings.push(format!(
                        "stopped after {} of {} rounds: the next round would overrun the time budget",
                        round + 1,
                        design.max_rounds
                    ));
                }
                report = Some(r);
                break;
            }
        }
    }
    let mut report = report.context("no rounds were run")?;
    // Passes of counts beyond the last round of wall time are rounds of
    // their own: the judge sees every value measured.
    if rounds.len() < count_rounds.len() {
        let wall_rounds = rounds.len();
        for [x, y] in count_rounds.drain(wall_rounds..) {
            rounds.push((x, y));
        }
        report = judge_all(&rounds);
        report.rounds = wall_rounds;
    }
    // A target that works on the reference side and fails on the other was
    // broken by the change: that fails the comparison.
    let mut broken: Vec<String> = failed
        .iter()
        .filter(|(side, job)| {
            side == &b.name && !failed.iter().any(|(s, j)| s == &a.name && j == job)
        })
        .map(|(_, job)| job.clone())
        .collect();
    broken.sort();
    broken.dedup();
    report.broken = broken;
    if report.rows.is_empty() && report.added.is_empty() && report.removed.is_empty() {
        anyhow::bail!(
            "no bench matches the selection{}: nothing was measured{}",
            setup
                .select
                .filter
                .as_ref()
                .map_or(String::new(), |f| format!(" (--filter {:?})", f.as_str())),
            if warnings.is_empty() {
                String::new()
            } else {
                format!(" ({})", warnings.join("; "))
            }
        );
    }
    report.warnings.extend(warnings);
    if a.tree.commit == b.tree.commit {
        report
            .warnings
            .push(format!("{} and {} are the same commit", a.name, b.name));
    }
    Ok(report)
}

/// A count called changed by less than this after one pass is measured
/// again before the change is believed.
const RECHECK: f64 = 0.02;

/// Per side, each job's measurements.
type PerSide = [Vec<(String, Vec<Measurement>)>; 2];

/// Runs the count jobs (each with its ids, or all) on both sides at once.
#[allow(clippy::too_many_arguments)]
fn count_pass(
    setup: &Setup,
    sides: &[&Checkout; 2],
    work: &[(String, Option<Vec<String>>)],
    label: &str,
    clock: Instant,
    warnings: &mut Vec<String>,
    failed: &mut Vec<(String, String)>,
) -> PerSide {
    type Got = (
        Vec<(String, Vec<Measurement>)>,
        Vec<String>,
        Vec<(String, String)>,
    );
    let per_side: Vec<Got> = std::thread::scope(|scope| {
        let handles: Vec<_> = sides
            .iter()
            .map(|side| {
                scope.spawn(move || {
                    let (mut ms, mut w, mut f) = (Vec::new(), Vec::new(), Vec::new());
                    for (job, only) in work {
                        let got = run_job(
                            setup,
                            side,
                            job,
                            only.as_deref(),
                            label,
                            clock,
                            &mut w,
                            &mut f,
                        );
                        ms.push((job.clone(), got));
                    }
                    (ms, w, f)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut out: PerSide = [Vec::new(), Vec::new()];
    for (i, (ms, w, f)) in per_side.into_iter().enumerate() {
        out[i] = ms;
        for w in w {
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
        for f in f {
            if !failed.contains(&f) {
                failed.push(f);
            }
        }
    }
    out
}

fn flatten(p: PerSide) -> [Vec<Measurement>; 2] {
    p.map(|side| side.into_iter().flat_map(|(_, ms)| ms).collect())
}

/// The count benches to measure again after `passes` passes, from the
/// judge's rows: after one pass, those called changed by less than
/// [`RECHECK`]; after more, those the judge cannot decide yet (a count that
/// varies between processes and looks changed, with fewer than
/// [`VARYING_VALUES`] values a side).
fn doubtful(rows: &[PairedRow], passes: usize) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r.metric.is_exact())
        .filter(|r| {
            if passes == 1 {
                matches!(r.verdict, Verdict::Regressed | Verdict::Improved)
                    && r.ratio.is_some_and(|x| (x - 1.0).abs() < RECHECK)
            } else {
                r.verdict == Verdict::Unknown
            }
        })
        .map(|r| r.bench.clone())
        .collect()
}

/// The jobs that measured `benches` in `pass`, each with those ids.
fn count_work(pass: &PerSide, benches: &BTreeSet<String>) -> Vec<(String, Option<Vec<String>>)> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (job, ms) in pass.iter().flatten() {
        for m in ms {
            if benches.contains(m.bench.as_str()) {
                out.entry(job.clone())
                    .or_default()
                    .insert(m.bench.to_string());
            }
        }
    }
    out.into_iter()
        .map(|(job, ids)| (job, Some(ids.into_iter().collect())))
        .collect()
}

/// A bench target by `package/name`, and its suite.
struct Job {
    name: String,
    suite: Suite,
}

/// The bench targets of either side, by job name.
fn jobs(sides: &[&Checkout]) -> Vec<Job> {
    let mut map: BTreeMap<String, Suite> = BTreeMap::new();
    for t in sides.iter().flat_map(|s| &s.targets) {
        map.entry(t.job()).or_insert(t.suite);
    }
    map.into_iter()
        .map(|(name, suite)| Job { name, suite })
        .collect()
}

/// Runs one bench target on one side; a failure is a warning (its benches
/// then count as added or removed), recorded in `failed`, and an empty
/// result.
#[allow(clippy::too_many_arguments)]
fn run_job(
    setup: &Setup,
    side: &Checkout,
    job: &str,
    only: Option<&[String]>,
    label: &str,
    clock: Instant,
    warnings: &mut Vec<String>,
    failed: &mut Vec<(String, String)>,
) -> Vec<Measurement> {
    let Some(t) = side.targets.iter().find(|t| t.job() == job) else {
        return Vec::new();
    };
    let label = format!("{} {label}", side.name);
    let plan = Plan {
        workspace: &side.tree.path,
        target: Some(&side.target),
        profile: setup.profile,
        select: setup.select,
        require: &[],
        shard: None,
        label: &label,
        verbose: setup.verbose,
    };
    match measure_target(&plan, &side.root, &side.target, t, only, clock) {
        Ok(mut ms) => {
            if let Some(f) = &setup.select.filter {
                ms.retain(|m| f.is_match(m.bench.as_str()));
            }
            ms
        }
        Err(f) => {
            let w = format!(
                "{} ({}): {} failed: {}",
                side.name, side.tree.rev, f.job, f.message
            );
            crate::say!("[harness] {w}");
            // Once per side and target: later rounds fail the same way
            // (only a thread id differs) and would repeat the warning.
            let key = (side.name.clone(), f.job);
            if !failed.contains(&key) {
                warnings.push(w);
                failed.push(key);
            }
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BenchId, Metric};

    fn count(bench: &str, v: f64) -> Measurement {
        Measurement::point(
            BenchId::parse(bench).unwrap(),
            Metric::Instructions,
            v,
            "test",
        )
        .unwrap()
    }

    fn judged(rounds: &[(Vec<Measurement>, Vec<Measurement>)]) -> Vec<PairedRow> {
        use crate::judge::{Design, Settings};
        let side = |c: &str| Side {
            rev: c.into(),
            commit: c.repeat(40),
        };
        let none = |_: &str, _: &str| Vec::new();
        judge_comparison(
            side("a"),
            side("b"),
            rounds,
            &none,
            None,
            &Settings::default(),
            Design::DEFAULT,
            true,
        )
        .rows
    }

    #[test]
    fn only_counts_in_doubt_are_measured_again() {
        let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        // One pass: a small change is in doubt; no change, one within the
        // noise floor and a large one are not.
        let one = vec![(
            vec![
                count("same/x", 1000.0),
                count("floor/x", 1000.0),
                count("small/x", 1000.0),
                count("large/x", 1000.0),
            ],
            vec![
                count("same/x", 1000.0),
                count("floor/x", 1000.5),
                count("small/x", 1003.8),
                count("large/x", 1300.0),
            ],
        )];
        assert_eq!(doubtful(&judged(&one), 1), set(&["small/x"]));
        // Two passes: a count that repeats itself on each side changed; one
        // that varies and overlaps did not; one that varies, with the sides
        // apart, needs more values.
        let two = vec![
            (
                vec![
                    count("steady/x", 1000.0),
                    count("overlap/x", 1000.0),
                    count("apart/x", 1000.0),
                ],
                vec![
                    count("steady/x", 1003.8),
                    count("overlap/x", 1003.8),
                    count("apart/x", 1003.8),
                ],
            ),
            (
                vec![
                    count("steady/x", 1000.0),
                    count("overlap/x", 1004.0),
                    count("apart/x", 1000.2),
                ],
                vec![
                    count("steady/x", 1003.8),
                    count("overlap/x", 1000.1),
                    count("apart/x", 1003.9),
                ],
            ),
        ];
        assert_eq!(doubtful(&judged(&two), 2), set(&["apart/x"]));
    }

    #[test]
    fn the_work_names_each_job_with_the_benches_it_measured() {
        let job = |name: &str, ms: Vec<Measurement>| (name.to_owned(), ms);
        let pass: PerSide = [
            vec![
                job("p/counts", vec![count("a/x", 1.0), count("b/x", 1.0)]),
                job("p/heap", vec![count("c/x", 1.0)]),
            ],
            vec![job("p/counts", vec![count("a/x", 1.0), count("b/x", 1.0)])],
        ];
        let benches = ["b/x", "c/x"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            count_work(&pass, &benches),
            [
                ("p/counts".to_owned(), Some(vec!["b/x".to_owned()])),
                ("p/heap".to_owned(), Some(vec!["c/x".to_owned()])),
            ]
        );
    }

    #[test]
    fn a_count_measured_again_with_its_own_spread_is_not_a_change() {
        use crate::judge::{Design, Settings, Side, Verdict, judge_comparison};
        let side = |c: &str| Side {
            rev: c.into(),
            commit: c.repeat(40),
        };
        // The first look differs by 0.38 %, the repeat the other way round:
        // the count varies from process to process.
        let rounds = vec![
            (
                vec![count("dag/add", 1000.0)],
                vec![count("dag/add", 1003.8)],
            ),
            (
                vec![count("dag/add", 1003.8)],
                vec![count("dag/add", 1000.0)],
            ),
        ];
        let design = Design {
            min_rounds: 2,
            max_rounds: 2,
        };
        let none = |_: &str, _: &str| Vec::new();
        let r = judge_comparison(
            side("a"),
            side("b"),
            &rounds,
            &none,
            None,
            &Settings::default(),
            design,
            true,
        );
        assert_eq!(r.rows[0].verdict, Verdict::Pass, "{:?}", r.rows[0]);
        // Measured once, the same 0.38 % is a change.
        let r = judge_comparison(
            side("a"),
            side("b"),
            &rounds[..1],
            &none,
            None,
            &Settings::default(),
            design,
            true,
        );
        assert_eq!(r.rows[0].verdict, Verdict::Regressed, "{:?}", r.rows[0]);
    }
}
