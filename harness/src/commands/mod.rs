//! The commands, each taking a plain config built by [`crate::cli`] and
//! returning the text to print and the exit code.

mod analyze;
mod baseline;
mod bisect;
mod calibrate;
mod check;
mod common;
mod compare;
mod export;
mod import;
mod init;
mod merge;
mod publish;
mod report;
mod run;
mod suspects;

use std::path::PathBuf;

use crate::history::LoadOptions;
use crate::judge::Settings;
use crate::render::Format;

pub use crate::runner::{Profile, Selection, Shard, ShardError, Suite};
pub use common::Outcome;

/// `harness run`.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Measurement profile.
    pub profile: Profile,
    /// Which benches.
    pub select: Selection,
    /// Show the benches' own output.
    pub verbose: bool,
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
    /// Write the commit ranges of the slowdowns confirmed at this run
    /// here, as JSON, for `harness bisect`.
    pub suspects: Option<PathBuf>,
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
    /// The whole history as JSON lines, one run per line, samples included.
    Jsonl,
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
    /// Write here (temporary name, then renamed) instead of to stdout.
    pub out: Option<PathBuf>,
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
    /// A JSON-lines history, every run of it appended to `history`.
    History,
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
    /// At most this many rounds.
    pub rounds: usize,
    /// Rounds before the first look.
    pub min_rounds: usize,
    /// No new round that would end after this much time.
    pub budget: Option<std::time::Duration>,
    /// Which benches.
    pub select: Selection,
    /// Measurement profile.
    pub profile: Profile,
    /// Show the benches' own output.
    pub verbose: bool,
    /// A folder inside the repository.
    pub repo: PathBuf,
    /// Where the two target folders live (kept, e.g. for a CI cache);
    /// else a temporary folder.
    pub target_dir: Option<PathBuf>,
    /// History whose noise sets the instruction-count threshold.
    pub history: PathBuf,
    /// Write the comparison as JSON here.
    pub out: Option<PathBuf>,
    /// Baselines folder (this machine's calibration).
    pub baselines: PathBuf,
    /// Judging settings.
    pub settings: Settings,
    /// Output format.
    pub format: Format,
}

/// `harness bisect`.
#[derive(Debug, Clone)]
pub struct BisectConfig {
    /// A revision where the benches were as before (unused with
    /// `suspects`).
    pub good: String,
    /// Bisect every range of this `check --suspects` file instead.
    pub suspects: Option<PathBuf>,
    /// Where each range's result goes with `suspects`.
    pub out_dir: PathBuf,
    /// A later revision where they changed.
    pub bad: String,
    /// A folder inside the repository.
    pub repo: PathBuf,
    /// Which benches.
    pub select: Selection,
    /// Measurement profile.
    pub profile: Profile,
    /// Show the benches' own output.
    pub verbose: bool,
    /// At most this many rounds per pairing.
    pub rounds: usize,
    /// Rounds before the first look.
    pub min_rounds: usize,
    /// Where the target folders live; else a temporary folder.
    pub target_dir: Option<PathBuf>,
    /// History whose noise sets the instruction-count threshold.
    pub history: PathBuf,
    /// Write the result as JSON here.
    pub out: Option<PathBuf>,
    /// Judging settings.
    pub settings: Settings,
    /// Output format.
    pub format: Format,
}

/// `harness calibrate`.
#[derive(Debug, Clone)]
pub struct CalibrateConfig {
    /// Workspace root.
    pub workspace: PathBuf,
    /// Which benches.
    pub select: Selection,
    /// Measurement profile.
    pub profile: Profile,
    /// Show the benches' own output.
    pub verbose: bool,
    /// A/A rounds.
    pub rounds: usize,
    /// Baselines folder (the calibration is saved below it).
    pub baselines: PathBuf,
    /// Judging settings.
    pub settings: Settings,
    /// Output format.
    pub format: Format,
}

/// `harness init`.
#[derive(Debug, Clone)]
pub struct InitConfig {
    /// A folder of the workspace to set up.
    pub dir: PathBuf,
    /// Rewrite existing files.
    pub force: bool,
    /// The action the workflow uses (`owner/repo@ref`).
    pub action: String,
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
    Check(Box<CheckConfig>),
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
    /// The account whose marked comment may be updated; `None`: the
    /// token's own.
    pub comment_author: Option<String>,
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
    /// Folder of `bisect --out` results to list as culprits.
    pub bisects: PathBuf,
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
    /// Find the commit where benches changed.
    Bisect(BisectConfig),
    /// Measure this machine's noise.
    Calibrate(CalibrateConfig),
    /// Set a repository up.
    Init(InitConfig),
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
        Command::Bisect(c) => bisect::bisect(&c),
        Command::Calibrate(c) => calibrate::calibrate(&c),
        Command::Init(c) => init::init(&c),
        Command::Merge(c) => merge::merge(&c),
        Command::Accept(c) => crate::accepted::accept(&c),
        Command::Publish(c) => publish::publish(&c),
        Command::Report(c) => report::report(&c),
    }
}
