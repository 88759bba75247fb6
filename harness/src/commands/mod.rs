//! The commands, each taking a plain config built by [`crate::cli`] and
//! returning the text to print and the exit code.

mod analyze;
mod baseline;
mod check;
mod common;
mod export;
mod import;
mod report;
mod run;

use std::path::PathBuf;

use regex::Regex;

use crate::judge::CompareSettings;
use crate::render::Format;

pub use common::Outcome;

/// A suite of benches, by the tool that measures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// Criterion wall time (`cargo bench --bench NAME`).
    Criterion,
    /// gungraun instruction counts (`benches/instructions.rs`).
    Gungraun,
    /// dhat heap probe (`benches/heap.rs`).
    Heap,
}

/// `harness run`.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// `quick` or `full`.
    pub profile: String,
    /// Only benches whose id matches.
    pub filter: Option<Regex>,
    /// Suites that must run.
    pub require: Vec<Suite>,
    /// History to append to.
    pub history: PathBuf,
    /// Workspace root.
    pub workspace: PathBuf,
}

/// `harness check`.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Comparison settings.
    pub settings: CompareSettings,
    /// Run record to judge, else the history's latest.
    pub run: Option<PathBuf>,
    /// Gates file.
    pub targets: Option<PathBuf>,
    /// History file.
    pub history: PathBuf,
    /// Saved baseline to compare with.
    pub baseline: Option<String>,
    /// Baselines folder.
    pub baselines: PathBuf,
    /// Output format.
    pub format: Format,
}

/// Save or show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineAction {
    /// Save a run as the baseline.
    Save,
    /// Show the baseline.
    Show,
}

/// `harness baseline`.
#[derive(Debug, Clone)]
pub struct BaselineConfig {
    /// Save or show.
    pub action: BaselineAction,
    /// Baseline name.
    pub name: String,
    /// Run record to save.
    pub run: Option<PathBuf>,
    /// History file.
    pub history: PathBuf,
    /// Baselines folder.
    pub baselines: PathBuf,
    /// Output format.
    pub format: Format,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Bencher Metric Format.
    Bmf,
    /// github-action-benchmark `customSmallerIsBetter`.
    Gab,
}

/// `harness export`.
#[derive(Debug, Clone)]
pub struct ExportConfig {
    /// Format.
    pub format: ExportFormat,
    /// Run record, else the history's latest.
    pub run: Option<PathBuf>,
    /// History file.
    pub history: PathBuf,
}

/// The tool whose output is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportTool {
    /// Criterion folder.
    Criterion,
    /// gungraun summaries.
    Gungraun,
    /// Heap probe file.
    Heap,
}

/// `harness import`.
#[derive(Debug, Clone)]
pub struct ImportConfig {
    /// Tool.
    pub tool: ImportTool,
    /// File or folder.
    pub path: PathBuf,
    /// Write the run here.
    pub out: Option<PathBuf>,
    /// Append the run here.
    pub history: Option<PathBuf>,
    /// Output format.
    pub format: Format,
}

/// `harness analyze`.
#[derive(Debug, Clone)]
pub struct AnalyzeConfig {
    /// History file.
    pub history: PathBuf,
    /// Output format.
    pub format: Format,
}

/// `harness report`.
#[derive(Debug, Clone)]
pub struct ReportConfig {
    /// History file.
    pub history: PathBuf,
    /// Gates file.
    pub targets: Option<PathBuf>,
    /// Site folder.
    pub out: PathBuf,
    /// Commit link template with `{sha}`.
    pub commit_url: Option<String>,
    /// Repository to read commit messages from.
    pub repo: PathBuf,
    /// Criterion's output folder, for flamegraphs and reports.
    pub criterion: PathBuf,
}

/// A parsed, validated command.
#[derive(Debug, Clone)]
pub enum Command {
    /// Run the suites.
    Run(RunConfig),
    /// Judge a run.
    Check(CheckConfig),
    /// Baselines.
    Baseline(BaselineConfig),
    /// Export.
    Export(ExportConfig),
    /// Import.
    Import(ImportConfig),
    /// Analyse a history.
    Analyze(AnalyzeConfig),
    /// Write the dashboard site.
    Report(ReportConfig),
}

/// Runs the command.
pub fn execute(command: Command) -> anyhow::Result<Outcome> {
    match command {
        Command::Run(c) => run::run(&c),
        Command::Check(c) => check::check(&c),
        Command::Baseline(c) => baseline::baseline(&c),
        Command::Export(c) => export::export(&c),
        Command::Import(c) => import::import(&c),
        Command::Analyze(c) => analyze::analyze(&c),
        Command::Report(c) => report::report(&c),
    }
}
