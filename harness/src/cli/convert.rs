//! From parsed arguments to plain command configs, validating what clap
//! cannot (ranges, regular expressions, baseline names).

use super::*;
use crate::commands::{
    AnalyzeConfig, BaselineAction, BaselineConfig, CheckConfig, Command, CompareConfig,
    ExportConfig, ExportFormat, ImportConfig, ImportTool, MergeConfig, PublishConfig,
    PublishSource, ReportConfig, RunConfig, Shard, Suite,
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

fn profile(p: ProfileArg) -> String {
    match p {
        ProfileArg::Quick => "quick",
        ProfileArg::Full => "full",
    }
    .to_owned()
}

fn compare(a: CompareArgs) -> Result<Command, String> {
    let s = settings(&a.judging)?;
    if a.rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    let filter = a
        .filter
        .map(|f| regex::Regex::new(&f).map_err(|e| format!("--filter {f:?}: {e}")))
        .transpose()?;
    Ok(Command::Compare(CompareConfig {
        base: a.base,
        head: a.head,
        rounds: a.rounds,
        filter,
        profile: profile(a.profile),
        repo: a.repo,
        target_dir: a.target_dir,
        history: a.history,
        out: a.out,
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
        (None, run) => PublishSource::Check(CheckConfig {
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
        }),
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
            Sub::Run(a) => {
                let filter = a
                    .filter
                    .map(|f| regex::Regex::new(&f).map_err(|e| format!("--filter {f:?}: {e}")))
                    .transpose()?;
                Command::Run(RunConfig {
                    profile: match a.profile {
                        ProfileArg::Quick => "quick",
                        ProfileArg::Full => "full",
                    }
                    .to_owned(),
                    filter,
                    require: a.require.into_iter().map(suite).collect(),
                    history: a.history,
                    workspace: a.workspace,
                    shard: a
                        .shard
                        .map(|t| t.parse::<Shard>().map_err(|e| format!("--{e}")))
                        .transpose()?,
                })
            }
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
                },
                run: a.run,
                history: a.history,
                load: a.damaged.options(),
            }),
            Sub::Import { tool } => {
                let (tool, path, a) = match tool {
                    ImportSub::Criterion { dir, args } => (ImportTool::Criterion, dir, args),
                    ImportSub::Gungraun { path, args } => (ImportTool::Gungraun, path, args),
                    ImportSub::Heap { path, args } => (ImportTool::Heap, path, args),
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
                    },
                    out: a.out,
                    commit_url: a.commit_url,
                    repo: a.repo,
                    criterion: a.criterion,
                })
            }
        })
    }
}
