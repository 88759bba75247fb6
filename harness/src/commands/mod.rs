//! The commands, each taking a plain config built by [`crate::cli`] and
//! returning the text to print and the exit code.

mod analyze;
mod baseline;
mod check;
mod common;
mod compare;
mod export;
mod import;
mod merge;
mod publish;
mod report;
mod run;
mod shard;
mod suites;

use std::path::PathBuf;

use regex::Regex;

use crate::history::LoadOptions;
use crate::judge::Settings;
use crate::render::Format;

pub use common::Outcome;
pub use shard::{Shard, ShardError};

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
    /// Only this slice of the bench jobs.
    pub shard: Option<Shard>,
}

/// `harness check`.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Judging settings.
    pub settings: Settings,
    /// Run record to judge, else the history's latest.
    pub run: Option<PathBuf>,
    /// Gates file.
    pub targets: Option<PathBuf>,
    /// History file.
    pub history: PathBuf,
    /// How damaged history lines are treated (`--skip-damaged`).
    pub load: LoadOptions,
    /// Saved baseline to compare with: `Some(name)` must exist; `None`
    /// uses `main` when this machine has one.
    pub baseline: Option<String>,
    /// Ignore saved baselines.
    pub no_baseline: bool,
    /// Baselines folder.
    pub baselines: PathBuf,
    /// Accepted changes file.
    pub accepted: PathBuf,
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
    /// How damaged history lines are treated (`--skip-damaged`).
    pub load: LoadOptions,
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
    /// How damaged history lines are treated (`--skip-damaged`).
    pub load: LoadOptions,
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
    /// How damaged history lines are treated (`--skip-damaged`).
    pub load: LoadOptions,
    /// Judging settings.
    pub settings: Settings,
    /// Accepted changes file.
    pub accepted: PathBuf,
    /// Output format.
    pub format: Format,
}

/// `harness compare`.
#[derive(Debug, Clone)]
pub struct CompareConfig {
    /// Base revision.
    pub base: String,
    /// Head revision.
    pub head: String,
    /// Interleaved rounds.
    pub rounds: usize,
    /// Only benches whose id matches.
    pub filter: Option<Regex>,
    /// Measurement profile.
    pub profile: String,
    /// A folder inside the repository.
    pub repo: PathBuf,
    /// Where the two target folders live (kept, e.g. for a CI cache);
    /// else a temporary folder.
    pub target_dir: Option<PathBuf>,
    /// History whose noise sets the instruction-count threshold.
    pub history: PathBuf,
    /// Write the comparison as JSON here.
    pub out: Option<PathBuf>,
    /// Judging settings.
    pub settings: Settings,
    /// Output format.
    pub format: Format,
}

/// `harness merge`.
#[derive(Debug, Clone)]
pub struct MergeConfig {
    /// Shard records or histories.
    pub files: Vec<PathBuf>,
    /// Write the merged run here.
    pub out: Option<PathBuf>,
    /// Append the merged run here.
    pub history: Option<PathBuf>,
}

/// What `harness publish` reports.
#[derive(Debug, Clone)]
pub enum PublishSource {
    /// A comparison written by `harness compare --out FILE`.
    Compare(PathBuf),
    /// A run, judged as `harness check` would.
    Check(CheckConfig),
}

/// `harness publish`.
#[derive(Debug, Clone)]
pub struct PublishConfig {
    /// What to report.
    pub source: PublishSource,
    /// `owner/name`.
    pub repo: Option<String>,
    /// Pull request number.
    pub pr: Option<u64>,
    /// API token.
    pub token: Option<String>,
    /// API root URL.
    pub api: String,
    /// Dashboard and flamegraph links.
    pub links: crate::publish::Links,
    /// The job summary file to append to.
    pub step_summary: Option<PathBuf>,
    /// Retries and timeout of each request.
    pub retry: crate::publish::Retry,
    /// Also print the comment's Markdown.
    pub print_body: bool,
}

/// `harness report`.
#[derive(Debug, Clone)]
pub struct ReportConfig {
    /// How the latest run is judged (settings, gates, baseline, accepted
    /// changes): exactly as `check` would.
    pub check: CheckConfig,
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
    /// Paired base-versus-head comparison.
    Compare(CompareConfig),
    /// Combine shard records.
    Merge(MergeConfig),
    /// Record an accepted change.
    Accept(crate::accepted::AcceptConfig),
    /// Report to a pull request.
    Publish(PublishConfig),
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
        Command::Compare(c) => compare::compare(&c),
        Command::Merge(c) => merge::merge(&c),
        Command::Accept(c) => crate::accepted::accept(&c),
        Command::Publish(c) => publish::publish(&c),
        Command::Report(c) => report::report(&c),
    }
}
