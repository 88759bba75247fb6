//! From parsed arguments to plain command configs, validating what clap
//! cannot (ranges, regular expressions, baseline names).

use super::*;
use crate::commands::{
    AnalyzeConfig, BaselineAction, BaselineConfig, BisectConfig, CalibrateConfig, CheckConfig,
    Command, CompareConfig, ExportConfig, ExportFormat, ImportConfig, ImportTool, InitConfig,
    MergeConfig, Profile, PublishConfig, PublishSource, ReportConfig, RunConfig, Selection, Shard,
    Suite,
};
use crate::judge::Settings;

fn settings(j: &Judging) -> Result<Settings, String> {
    if !(j.alpha > 0.0 && j.alpha < 1.0) {
        return Err(format!("--alpha {} must be between 0 and 1", j.alpha));
    }
    if !(0.0..1.0).contains(&j.min_effect) {
        return Err(format!("--min-effect {} must be in [0, 1)", j.min_effect));
    }
    if !(j.large > j.min_effect && j.large.is_finite()) {
        return Err(format!(
            "--large {} must be finite and above --min-effect {}",
            j.large, j.min_effect
        ));
    }
    Ok(Settings {
        alpha: j.alpha,
        min_effect: j.min_effect,
        large: j.large,
        open_fails: !j.open_warns,
        ..Settings::default()
    })
}

/// The named profile, else the command's default, with the Criterion
/// settings given on the command line.
fn profile(b: &BenchArgs, command: &str) -> Result<Profile, String> {
    let name = match b.profile {
        Some(ProfileArg::Quick) => "quick",
        Some(ProfileArg::Full) => "full",
        Some(ProfileArg::Round) => "round",
        None => Profile::default_for(command),
    };
    let mut p = Profile::named(name).expect("built-in profile");
    let positive = |flag: &str, v: f64| {
        if v > 0.0 && v.is_finite() {
            Ok(v.to_string())
        } else {
            Err(format!(
                "--{flag} {v}: must be a positive number of seconds"
            ))
        }
    };
    if let Some(v) = b.warm_up_time {
        p.set("--warm-up-time", positive("warm-up-time", v)?);
    }
    if let Some(v) = b.measurement_time {
        p.set("--measurement-time", positive("measurement-time", v)?);
    }
    if let Some(n) = b.sample_size {
        if n < 10 {
            return Err(format!("--sample-size {n}: Criterion needs at least 10"));
        }
        p.set("--sample-size", n.to_string());
    }
    Ok(p)
}

/// `90s`, `15m`, `1h`, `1.5h` or plain seconds.
pub(crate) fn duration(text: &str) -> Option<std::time::Duration> {
    let t = text.trim();
    let (num, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let scale = match unit {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return None,
    };
    let secs = num.trim().parse::<f64>().ok()? * scale;
    if !(secs.is_finite() && secs > 0.0) {
        return None;
    }
    std::time::Duration::try_from_secs_f64(secs).ok()
}

fn selection(b: &BenchArgs) -> Result<Selection, String> {
    let filter = b
        .filter
        .as_ref()
        .map(|f| regex::Regex::new(f).map_err(|e| format!("--filter {f:?}: {e}")))
        .transpose()?;
    Ok(Selection {
        packages: b.package.clone(),
        benches: b.bench.clone(),
        suites: b.suite.iter().copied().map(suite).collect(),
        filter,
    })
}

fn rounds(min_rounds: usize, rounds: usize) -> Result<(), String> {
    if min_rounds < 2 {
        return Err(format!(
            "--min-rounds {min_rounds}: at least 2 rounds are needed to see the spread between them"
        ));
    }
    if rounds < min_rounds {
        return Err(format!(
            "--rounds {rounds} must be at least --min-rounds {min_rounds}"
        ));
    }
    Ok(())
}

fn bisect(a: BisectArgs) -> Result<Command, String> {
    rounds(a.min_rounds, a.rounds)?;
    Ok(Command::Bisect(BisectConfig {
        good: a.good.unwrap_or_default(),
        suspects: a.suspects,
        out_dir: a.out_dir,
        bad: a.bad,
        repo: a.repo,
        select: selection(&a.benches)?,
        profile: profile(&a.benches, "bisect")?,
        verbose: a.benches.verbose,
        rounds: a.rounds,
        min_rounds: a.min_rounds,
        target_dir: a.target_dir,
        history: a.history,
        out: a.out,
        settings: settings(&a.judging)?,
        format: a.format,
    }))
}

fn compare(a: CompareArgs) -> Result<Command, String> {
    let s = settings(&a.judging)?;
    rounds(a.min_rounds, a.rounds)?;
    let budget = a
        .budget
        .as_deref()
        .map(|b| {
            duration(b).ok_or_else(|| {
                format!("--budget {b:?}: expected a duration such as 15m, 900s or 1h")
            })
        })
        .transpose()?;
    Ok(Command::Compare(CompareConfig {
        base: a.base,
        head: a.head,
        rounds: a.rounds,
        min_rounds: a.min_rounds,
        budget,
        select: selection(&a.benches)?,
        profile: profile(&a.benches, "compare")?,
        verbose: a.benches.verbose,
        repo: a.repo,
        target_dir: a.target_dir,
        history: a.history,
        out: a.out,
        baselines: a.baselines,
        settings: s,
        format: a.format,
    }))
}

/// A pull request number from `GITHUB_REF` (`refs/pull/N/merge`).
fn pr_from_ref(r: &str) -> Option<u64> {
    r.strip_prefix("refs/pull/")?
        .split('/')
        .next()?
        .parse()
        .ok()
}

fn publish(a: PublishArgs) -> Result<Command, String> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    for (flag, secs) in [("--retry-delay", a.retry_delay), ("--timeout", a.timeout)] {
        if !((0.0..3600.0).contains(&secs)) {
            return Err(format!("{flag} {secs}: give seconds between 0 and 3600"));
        }
    }
    if let Some(r) = &a.repo
        && r.split('/').filter(|p| !p.is_empty()).count() != 2
    {
        return Err(format!("--repo {r:?}: expected OWNER/NAME"));
    }
    let source = match (a.source.compare, a.source.run) {
        (Some(f), _) => PublishSource::Compare(f),
        (None, run) => PublishSource::Check(Box::new(CheckConfig {
            settings: settings(&a.judging)?,
            run,
            targets: None,
            history: a.history,
            load: crate::history::LoadOptions::default(),
            baseline: None,
            no_baseline: false,
            baselines: "baselines".into(),
            accepted: a.judging.accepted.clone(),
            format: Format::Markdown,
            suspects: None,
        })),
    };
    Ok(Command::Publish(PublishConfig {
        source,
        repo: a.repo.or_else(|| env("GITHUB_REPOSITORY")),
        pr: a
            .pr
            .or_else(|| env("GITHUB_REF").as_deref().and_then(pr_from_ref)),
        token: env("GITHUB_TOKEN"),
        api: a
            .api
            .or_else(|| env("GITHUB_API_URL"))
            .unwrap_or_else(|| "https://api.github.com".into()),
        links: crate::publish::Links {
            dashboard: a.dashboard,
            flamegraphs: a.flamegraphs,
        },
        step_summary: env("GITHUB_STEP_SUMMARY").map(Into::into),
        retry: crate::publish::Retry {
            attempts: a.attempts.max(1),
            base_delay: std::time::Duration::from_secs_f64(a.retry_delay),
            timeout: std::time::Duration::from_secs_f64(a.timeout),
        },
        print_body: a.print,
        comment_author: a.comment_author,
    }))
}

fn suite(s: SuiteArg) -> Suite {
    match s {
        SuiteArg::Criterion => Suite::Criterion,
        SuiteArg::Gungraun => Suite::Gungraun,
        SuiteArg::Heap => Suite::Heap,
    }
}

impl Cli {
    /// The validated command.
    pub fn into_command(self) -> Result<Command, String> {
        Ok(match self.command {
            Sub::Run(a) => Command::Run(RunConfig {
                profile: profile(&a.benches, "run")?,
                select: selection(&a.benches)?,
                verbose: a.benches.verbose,
                require: a.require.into_iter().map(suite).collect(),
                history: a
                    .history
                    .unwrap_or_else(|| a.workspace.join(crate::history::DEFAULT_PATH)),
                workspace: a.workspace,
                shard: a
                    .shard
                    .map(|t| t.parse::<Shard>().map_err(|e| format!("--{e}")))
                    .transpose()?,
            }),
            Sub::Check(a) => Command::Check(CheckConfig {
                settings: settings(&a.judging)?,
                run: a.run,
                targets: a.targets,
                history: a.history,
                load: a.damaged.options(),
                baseline: a.baseline,
                no_baseline: a.no_baseline,
                baselines: a.baselines,
                accepted: a.judging.accepted,
                format: a.format,
                suspects: a.suspects,
            }),
            Sub::Baseline { action } => {
                let (save, a) = match action {
                    BaselineSub::Save(a) => (true, a),
                    BaselineSub::Show(a) => (false, a),
                };
                if a.name.is_empty()
                    || !a
                        .name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
                    || a.name.starts_with('.')
                {
                    return Err(format!(
                        "--name {:?}: use letters, digits, '-', '_' and '.'",
                        a.name
                    ));
                }
                Command::Baseline(BaselineConfig {
                    action: if save {
                        BaselineAction::Save
                    } else {
                        BaselineAction::Show
                    },
                    name: a.name,
                    run: a.run,
                    history: a.history,
                    load: a.damaged.options(),
                    baselines: a.baselines,
                    format: a.format,
                })
            }
            Sub::Export(a) => Command::Export(ExportConfig {
                format: match a.format {
                    ExportFormatArg::Bmf => ExportFormat::Bmf,
                    ExportFormatArg::Gab => ExportFormat::Gab,
                    ExportFormatArg::Jsonl => ExportFormat::Jsonl,
                },
                run: a.run,
                history: a.history,
                load: a.damaged.options(),
                out: a.out,
            }),
            Sub::Import { tool } => {
                let (tool, path, a) = match tool {
                    ImportSub::Criterion { dir, args } => (ImportTool::Criterion, dir, args),
                    ImportSub::Gungraun { path, args } => (ImportTool::Gungraun, path, args),
                    ImportSub::Heap { path, args } => (ImportTool::Heap, path, args),
                    ImportSub::History { file, history } => {
                        return Ok(Command::Import(ImportConfig {
                            tool: ImportTool::History,
                            path: file,
                            out: None,
                            history: Some(history),
                            format: Format::Table,
                        }));
                    }
                };
                Command::Import(ImportConfig {
                    tool,
                    path,
                    out: a.out,
                    history: a.history,
                    format: a.format,
                })
            }
            Sub::Analyze(a) => Command::Analyze(AnalyzeConfig {
                settings: settings(&a.judging)?,
                load: a.damaged.options(),
                history: a.history,
                accepted: a.judging.accepted,
                format: a.format,
            }),
            Sub::Compare(a) => compare(a)?,
            Sub::Bisect(a) => bisect(a)?,
            Sub::Init(a) => {
                let ok = a
                    .action
                    .split_once('@')
                    .is_some_and(|(repo, r)| repo.split('/').count() == 2 && !r.is_empty())
                    && !a.action.contains(char::is_whitespace);
                if !ok {
                    return Err(format!("--action {:?}: expected owner/repo@ref", a.action));
                }
                Command::Init(InitConfig {
                    dir: a.workspace,
                    force: a.force,
                    action: a.action,
                })
            }
            Sub::Calibrate(a) => {
                if a.rounds < 3 {
                    return Err(format!(
                        "--rounds {}: calibration needs at least 3 rounds",
                        a.rounds
                    ));
                }
                Command::Calibrate(CalibrateConfig {
                    baselines: a.baselines.unwrap_or_else(|| a.workspace.join("baselines")),
                    workspace: a.workspace,
                    select: selection(&a.benches)?,
                    profile: profile(&a.benches, "calibrate")?,
                    verbose: a.benches.verbose,
                    rounds: a.rounds,
                    settings: settings(&a.judging)?,
                    format: a.format,
                })
            }
            Sub::Accept(a) => Command::Accept(crate::accepted::AcceptConfig {
                pattern: a.bench,
                metric: a.metric,
                since: a.since,
                reason: a.reason,
                file: a.file,
                repo: a.repo,
                history: a.history,
            }),
            Sub::Publish(a) => publish(a)?,
            Sub::Merge(a) => Command::Merge(MergeConfig {
                files: a.files,
                out: a.out,
                history: a.history,
            }),
            Sub::Report(a) => {
                if let Some(u) = &a.commit_url {
                    crate::dashboard::check_commit_url(u).map_err(|e| e.to_string())?;
                }
                Command::Report(ReportConfig {
                    check: CheckConfig {
                        settings: settings(&a.judging)?,
                        run: None,
                        targets: a.targets,
                        history: a.history,
                        load: a.damaged.options(),
                        baseline: None,
                        no_baseline: false,
                        baselines: a.baselines,
                        accepted: a.judging.accepted,
                        format: Format::Json,
                        suspects: None,
                    },
                    out: a.out,
                    commit_url: a.commit_url,
                    repo: a.repo,
                    criterion: a.criterion,
                    bisects: a.bisects,
                })
            }
        })
    }
}
