//! One pass over the selected bench targets, each run by its tool:
//!
//! - Criterion: `cargo bench -p P --bench N -- <profile settings> [FILTER]`,
//!   read from `<target>/criterion` (`CRITERION_HOME`).
//! - gungraun: listed with `--list`, then only the selected benches run,
//!   `--save-summary=json`, read from `<target>/gungraun`. Needs valgrind
//!   and gungraun-runner on PATH.
//! - heap probes: listed with `--list`, run with the selected ids, and
//!   read from the file named by `HARNESS_HEAP_OUT`.
//!
//! Only files written during the pass are collected, since the tools
//! never delete old output. A target that fails is a [`Failure`]; the
//! others go on.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::bail;

use super::exec::{self, Call};
use super::{
    Failure, Measured, Plan, Selection, Shard, Suite, Target, Workspace, absolute, on_path,
};
use crate::collect;
use crate::model::{BenchId, Measurement};

/// The targets the selection and shard choose, in order. Naming a package
/// or bench target that does not exist is an error listing what does.
pub fn select(ws: &Workspace, s: &Selection, shard: Option<Shard>) -> anyhow::Result<Vec<Target>> {
    for p in &s.packages {
        if !ws.targets.iter().any(|t| &t.package == p) {
            bail!(
                "--package {p:?}: no workspace member of that name has bench targets (packages with benches: {})",
                names(ws.targets.iter().map(|t| t.package.as_str()))
            );
        }
    }
    for b in &s.benches {
        if !ws.targets.iter().any(|t| &t.name == b) {
            bail!(
                "--bench {b:?}: no bench target of that name (bench targets: {})",
                names(ws.targets.iter().map(|t| t.name.as_str()))
            );
        }
    }
    let chosen: Vec<Target> = ws
        .targets
        .iter()
        .filter(|t| s.packages.is_empty() || s.packages.contains(&t.package))
        .filter(|t| s.benches.is_empty() || s.benches.contains(&t.name))
        .filter(|t| s.suites.is_empty() || s.suites.contains(&t.suite))
        .cloned()
        .collect();
    Ok(match shard {
        Some(sh) => {
            let jobs: Vec<String> = chosen.iter().map(Target::job).collect();
            let mine: Vec<String> = sh.select(&jobs).into_iter().cloned().collect();
            chosen
                .into_iter()
                .filter(|t| mine.contains(&t.job()))
                .collect()
        }
        None => chosen,
    })
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = it.collect();
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// Runs the planned targets and returns what they measured. With `counts`
/// false the gungraun and heap suites are left out (they are
/// nearly deterministic: `compare` measures them once per side, and again
/// only those that moved a little).
pub fn measure(p: &Plan, counts: bool, clock: Instant) -> anyhow::Result<Measured> {
    let ws = super::discover(p.workspace)?;
    let target_dir = absolute(p.target.unwrap_or(&ws.target_dir));
    let targets = select(&ws, p.select, p.shard)?;
    let mut out = Measured::default();
    // More shards than targets: this one has nothing to do, which is not
    // an error (a fixed CI matrix must not fail on a small workspace).
    if let (Some(sh), true) = (p.shard, targets.is_empty()) {
        crate::say!(
            "[harness] shard {sh} has no bench target ({} in all for {} shards): nothing to run",
            select(&ws, p.select, None)?.len(),
            sh.count
        );
        out.skipped.push(format!("shard {sh}: no bench target"));
        return Ok(out);
    }
    for suite in [Suite::Criterion, Suite::Gungraun, Suite::Heap] {
        let wanted = p.select.suites.is_empty() || p.select.suites.contains(&suite);
        if p.shard.is_none() && wanted && !ws.targets.iter().any(|t| t.suite == suite) {
            let why = format!("the workspace has no {} bench target", suite.name());
            skip(p, suite, &why, &mut out.skipped)?;
        }
    }
    let valgrind = ["valgrind", "gungraun-runner"]
        .into_iter()
        .find(|t| !on_path(t));
    let mut warned = false;
    for t in &targets {
        if !counts && t.suite.exact() {
            continue;
        }
        if let (Suite::Gungraun, Some(tool)) = (t.suite, valgrind) {
            if !warned {
                skip(
                    p,
                    Suite::Gungraun,
                    &format!("{tool} is not on PATH"),
                    &mut out.skipped,
                )?;
                warned = true;
            }
            continue;
        }
        match measure_target(p, &ws.root, &target_dir, t, None, clock) {
            Ok(ms) => out.measurements.extend(ms),
            Err(f) => {
                crate::say!("[{}] FAILED: {}", f.job, f.message);
                out.failures.push(f);
            }
        }
    }
    if let Some(f) = &p.select.filter {
        out.measurements.retain(|m| f.is_match(m.bench.as_str()));
    }
    if out.measurements.is_empty() && out.failures.is_empty() && counts {
        bail!(
            "no measurements collected from {} bench target(s){}",
            targets.len(),
            if out.skipped.is_empty() {
                String::new()
            } else {
                format!(" (skipped: {})", out.skipped.join("; "))
            }
        );
    }
    Ok(out)
}

/// Reports a skipped suite, or fails when `require` names it.
fn skip(p: &Plan, suite: Suite, why: &str, skipped: &mut Vec<String>) -> anyhow::Result<()> {
    if p.require.contains(&suite) {
        bail!("suite {} is required but cannot run: {why}", suite.name());
    }
    crate::say!("[{}] skipped: {why}", suite.name());
    skipped.push(format!("{}: {why}", suite.name()));
    Ok(())
}

/// Runs one bench target and collects what it wrote. `only` narrows it to
/// these bench ids (exactly), else the plan's filter applies.
pub fn measure_target(
    p: &Plan,
    root: &Path,
    target_dir: &Path,
    t: &Target,
    only: Option<&[String]>,
    clock: Instant,
) -> Result<Vec<Measurement>, Failure> {
    let started = SystemTime::now();
    let fail = |message: String| Failure {
        job: t.job(),
        message,
    };
    let label = if p.label.is_empty() {
        t.job()
    } else {
        format!("{} {}", p.label, t.job())
    };
    let call = |extra: Vec<String>, env: Vec<(&'static str, String)>| Call {
        dir: root,
        args: [
            "bench".into(),
            "-p".into(),
            t.package.clone(),
            "--bench".into(),
            t.name.clone(),
            "--".into(),
        ]
        .into_iter()
        .chain(extra)
        .collect(),
        env: [
            ("CARGO_TARGET_DIR", target_dir.display().to_string()),
            ("HARNESS_PROFILE", p.profile.name.clone()),
        ]
        .into_iter()
        .chain(env)
        .collect(),
        label: label.clone(),
        verbose: p.verbose,
    };
    let wants = |id: &str| match only {
        Some(ids) => ids.iter().any(|x| x == id),
        None => p.select.filter.as_ref().is_none_or(|f| f.is_match(id)),
    };
    let filtered = only.is_some() || p.select.filter.is_some();
    match t.suite {
        Suite::Criterion => {
            let home = target_dir.join("criterion");
            let mut args = p.profile.criterion_args.clone();
            if let Some(ids) = only {
                let alt: Vec<String> = ids.iter().map(|i| regex::escape(i)).collect();
                args.push(format!("^(?:{})$", alt.join("|")));
            } else if let Some(f) = &p.select.filter {
                args.push(f.as_str().to_owned());
            }
            let env = vec![("CRITERION_HOME", home.display().to_string())];
            exec::run(&call(args, env), clock).map_err(fail)?;
            // Nothing new is an empty result here (a filter may select none
            // of this target's benches), decided below.
            let found: Vec<Measurement> =
                match collect::criterion::collect_since(&home, Some(started)) {
                    Ok(benches) => benches.into_iter().map(|b| b.measurement).collect(),
                    Err(
                        collect::CollectError::NothingFound { .. }
                        | collect::CollectError::Missing { .. },
                    ) => Vec::new(),
                    Err(e) => return Err(fail(e.to_string())),
                };
            if found.is_empty() && !filtered {
                return Err(fail(format!(
                    "finished but wrote no Criterion results under {}",
                    home.display()
                )));
            }
            Ok(found)
        }
        Suite::Gungraun => {
            let listed = exec::output(&call(vec!["--list".into()], vec![])).map_err(fail)?;
            let paths = gungraun_paths(&listed);
            let chosen: Vec<&(String, String)> = paths.iter().filter(|(_, id)| wants(id)).collect();
            if chosen.is_empty() {
                return Ok(Vec::new());
            }
            let runs: Vec<Option<&str>> = if chosen.len() == paths.len() {
                vec![None]
            } else {
                chosen.iter().map(|(path, _)| Some(path.as_str())).collect()
            };
            for path in runs {
                let mut args = vec!["--save-summary=json".to_owned()];
                args.extend(path.map(str::to_owned));
                exec::run(&call(args, vec![]), clock).map_err(fail)?;
            }
            let found =
                collect::gungraun::collect_since(&target_dir.join("gungraun"), Some(started))
                    .map_err(|e| fail(e.to_string()))?;
            Ok(found
                .into_iter()
                .filter(|m| wants(m.bench.as_str()))
                .collect())
        }
        Suite::Heap => {
            let listed = exec::output(&call(vec!["--list".into()], vec![])).map_err(fail)?;
            let ids = listed_ids(&listed);
            let chosen: Vec<&String> = ids.iter().filter(|id| wants(id)).collect();
            if !ids.is_empty() && chosen.is_empty() {
                return Ok(Vec::new());
            }
            let args = if chosen.len() < ids.len() {
                chosen.iter().map(|s| (*s).clone()).collect()
            } else {
                Vec::new()
            };
            let out = heap_file(target_dir, t);
            let env = vec![("HARNESS_HEAP_OUT", out.display().to_string())];
            exec::run(&call(args, env), clock).map_err(fail)?;
            // Probes that predate HARNESS_HEAP_OUT write `target/heap/heap.json`
            // under the target folder or the package's own folder.
            let file = [
                out.clone(),
                target_dir.join("heap/heap.json"),
                t.dir.join("target/heap/heap.json"),
            ]
            .into_iter()
            .find(|f| f.exists() && collect::modified_since(f, Some(started)))
            .ok_or_else(|| {
                fail(format!(
                    "the heap probe finished but wrote no results (HARNESS_HEAP_OUT={})",
                    out.display()
                ))
            })?;
            let found = collect::heap::collect(&file).map_err(|e| fail(e.to_string()))?;
            Ok(found
                .into_iter()
                .filter(|m| wants(m.bench.as_str()))
                .collect())
        }
    }
}

/// Where a heap probe is asked to write: one file per target, so probes
/// of different packages never overwrite each other.
pub(crate) fn heap_file(target_dir: &Path, t: &Target) -> PathBuf {
    target_dir
        .join("heap")
        .join(format!("{}-{}.json", t.package, t.name))
}

/// `(module path, bench id)` of each benchmark in gungraun's `--list`
/// output (`file::group::function::id: benchmark`). The id drops the
/// file and a leading `_` of the parameter, as the collector does.
fn gungraun_paths(listed: &str) -> Vec<(String, String)> {
    listed
        .lines()
        .filter_map(|l| l.trim().strip_suffix(": benchmark"))
        .filter_map(|path| {
            let parts: Vec<&str> = path.split("::").collect();
            if parts.len() < 3 {
                return None;
            }
            let mut id: Vec<&str> = parts[1..].to_vec();
            if parts.len() > 3 {
                let last = id.len() - 1;
                let p = id[last];
                id[last] = match p.strip_prefix('_') {
                    Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
                    _ => p,
                };
            }
            let id = id.join("/");
            BenchId::parse(&id).ok()?;
            Some((path.to_owned(), id))
        })
        .collect()
}

/// Ids of a `--list` output in libtest's form, `<id>: <kind>`.
fn listed_ids(listed: &str) -> Vec<String> {
    listed
        .lines()
        .filter_map(|l| l.trim().rsplit_once(": "))
        .map(|(id, _)| id.to_owned())
        .filter(|id| !id.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gungraun_list_maps_to_the_collectors_ids() {
        let listed = "instructions::ntu::observe::w5: benchmark\n\
                      instructions::snr::compute::_5x384: benchmark\n\
                      instructions::dag::build: benchmark\n\
                      \n0 tests, 3 benchmarks\n";
        let got = gungraun_paths(listed);
        assert_eq!(
            got,
            [
                (
                    "instructions::ntu::observe::w5".to_owned(),
                    "ntu/observe/w5".to_owned()
                ),
                (
                    "instructions::snr::compute::_5x384".to_owned(),
                    "snr/compute/5x384".to_owned()
                ),
                (
                    "instructions::dag::build".to_owned(),
                    "dag/build".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn heap_list_gives_the_ids() {
        assert_eq!(
            listed_ids("ntu/state/w5: heap_bytes\nfate/context/default: heap_bytes\n"),
            ["ntu/state/w5", "fate/context/default"]
        );
    }

    fn ws() -> Workspace {
        let t = |package: &str, name: &str, suite| Target {
            package: package.into(),
            name: name.into(),
            src: PathBuf::new(),
            dir: PathBuf::new(),
            suite,
        };
        Workspace {
            root: PathBuf::from("/ws"),
            target_dir: PathBuf::from("/ws/target"),
            targets: vec![
                t("a", "heap", Suite::Criterion),
                t("a", "speed", Suite::Criterion),
                t("b", "counts", Suite::Gungraun),
                t("b", "probe", Suite::Heap),
            ],
        }
    }

    #[test]
    fn package_bench_and_suite_narrow_the_targets() {
        let jobs = |s: &Selection| -> Vec<String> {
            select(&ws(), s, None)
                .unwrap()
                .iter()
                .map(Target::job)
                .collect()
        };
        let s = Selection {
            packages: vec!["b".into()],
            ..Selection::default()
        };
        assert_eq!(jobs(&s), ["b/counts", "b/probe"]);
        let s = Selection {
            suites: vec![Suite::Criterion],
            ..Selection::default()
        };
        assert_eq!(jobs(&s), ["a/heap", "a/speed"]);
        let s = Selection {
            benches: vec!["probe".into()],
            ..Selection::default()
        };
        assert_eq!(jobs(&s), ["b/probe"]);
    }

    #[test]
    fn naming_what_does_not_exist_is_an_error_listing_what_does() {
        let s = Selection {
            benches: vec!["nope".into()],
            ..Selection::default()
        };
        let e = select(&ws(), &s, None).unwrap_err().to_string();
        assert!(
            e.contains("\"nope\"") && e.contains("counts, heap, probe, speed"),
            "{e}"
        );
    }

    #[test]
    fn shards_cover_every_target_once() {
        let all = Selection::default();
        let mut seen: Vec<String> = (1..=3)
            .flat_map(|k| {
                select(&ws(), &all, Some(Shard { index: k, count: 3 }))
                    .unwrap()
                    .iter()
                    .map(Target::job)
                    .collect::<Vec<_>>()
            })
            .collect();
        seen.sort();
        assert_eq!(seen, ["a/heap", "a/speed", "b/counts", "b/probe"]);
    }
}
