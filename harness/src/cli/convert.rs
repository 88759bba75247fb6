//! From parsed arguments to plain command configs, validating what clap
//! cannot (ranges, regular expressions, baseline names).

use super::*;
use crate::commands::{
    AnalyzeConfig, BaselineAction, BaselineConfig, CheckConfig, Command, ExportConfig,
    ExportFormat, ImportConfig, ImportTool, ReportConfig, RunConfig, Suite,
};
use crate::judge::CompareSettings;

fn settings(j: &Judging) -> Result<CompareSettings, String> {
    if !(j.alpha > 0.0 && j.alpha < 1.0) {
        return Err(format!("--alpha {} must be between 0 and 1", j.alpha));
    }
    if !(0.0..1.0).contains(&j.min_effect) {
        return Err(format!("--min-effect {} must be in [0, 1)", j.min_effect));
    }
    Ok(CompareSettings {
        alpha: j.alpha,
        min_effect: j.min_effect,
        ..CompareSettings::default()
    })
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
                })
            }
            Sub::Check(a) => Command::Check(CheckConfig {
                settings: settings(&a.judging)?,
                run: a.run,
                targets: a.targets,
                history: a.history,
                baseline: a.baseline,
                baselines: a.baselines,
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
                history: a.history,
                format: a.format,
            }),
            Sub::Report(a) => {
                if let Some(u) = a.commit_url.as_ref().filter(|u| !u.contains("{sha}")) {
                    return Err(format!("--commit-url {u:?} must contain {{sha}}"));
                }
                Command::Report(ReportConfig {
                    history: a.history,
                    targets: a.targets,
                    out: a.out,
                    commit_url: a.commit_url,
                    repo: a.repo,
                    criterion: a.criterion,
                })
            }
        })
    }
}
