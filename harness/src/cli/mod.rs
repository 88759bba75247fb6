//! Command-line parsing only: clap structs turned into plain
//! [`crate::commands::Command`] values that the logic takes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::history::DEFAULT_PATH;
use crate::judge::Design;
use crate::render::Format;

/// Benchmark and performance-regression harness: run the suites, keep one
/// history, judge it with gates, baselines, statistics and control charts.
///
/// Exit codes: 0 all well; 1 a confirmed regression (new or still open) or a broken gate; 2 a usage
/// or input error.
#[derive(Debug, Parser)]
#[command(name = "harness", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Build and run the Criterion, gungraun and heap suites, collect their
    /// output and append one run to the history.
    Run(RunArgs),
    /// Judge the latest run (or --run FILE): against its history (or saved baseline) and gates.
    #[command(
        after_help = "Exit codes: 0 all well; 1 a confirmed regression (new or still open) or a broken gate; 2 a usage or input error."
    )]
    Check(CheckArgs),
    /// Save or show a baseline for this machine.
    Baseline {
        #[command(subcommand)]
        action: BaselineSub,
    },
    /// Print the latest run as Bencher Metric Format or
    /// github-action-benchmark JSON.
    Export(ExportArgs),
    /// Read another tool's output into a run record.
    Import {
        #[command(subcommand)]
        tool: ImportSub,
    },
    /// Control charts and change points over a whole history file.
    #[command(
        after_help = "Exit codes: 0 no open regression; 1 a series regressed at its latest run; 2 a usage or input error."
    )]
    Analyze(AnalyzeArgs),
    /// Measure two revisions in temporary worktrees, interleaved, and
    /// judge head against base pair by pair.
    #[command(
        after_help = "Instruction counts and heap bytes are measured once per side (a count called changed by \
under 2 % again, and one that varies between processes of one build and still looks changed up to five times \
a side); wall time in paired rounds, \
each bench target of base and head back to back. A bench is settled when a change is shown or one of \
--min-effect is ruled out (its 95 % interval lies within ±--min-effect); what is still open when the rounds or the --budget run out is UNKNOWN \
(never a pass).\n\
Exit codes: 0 no regression; 1 a bench regressed; 2 a usage or input error, or a revision that does not build."
    )]
    Compare(CompareArgs),
    /// Find the first commit between --good and --bad where the selected
    /// benches changed, measuring commits in temporary worktrees.
    #[command(
        after_help = "Good and bad are measured against each other first; the benches that changed are then \
bisected along the first-parent history, each probed commit paired against good. Commits that do not \
build are skipped. Prints the culprit with its evidence; --out writes JSON (first_bad, evidence, tested).\n\
Exit codes: 0 done (culprit found, or nothing changed); 2 a usage or input error (unknown revision, good \
not an ancestor of bad, no bench matching the selection)."
    )]
    Bisect(BisectArgs),
    /// Measure this machine's noise on identical code (A/A) and print the
    /// smallest change `check` and `compare` can detect per bench.
    #[command(
        after_help = "Each round runs every selected Criterion bench target twice back to back. The noise of each \
bench is saved as <baselines>/<machine fingerprint>/calibration-<profile>.json; `compare` reads it and marks \
benches too noisy to gate at --min-effect as noisy.\n\
Exit codes: 0 saved; 2 a usage or input error, or a bench target failed."
    )]
    Calibrate(CalibrateArgs),
    /// Set this repository up: a commented harness.toml, a targets.toml
    /// skeleton and a GitHub workflow running the reusable action.
    #[command(
        after_help = "Existing files are kept unless --force. Exit codes: 0 written; 2 not a Cargo workspace, or already set up."
    )]
    Init(InitArgs),
    /// Record a reviewed, expected performance change: from --since on,
    /// the matching series are judged from their new level.
    Accept(AcceptArgs),
    /// Combine the records of `run --shard K/N` jobs into one run.
    Merge(MergeArgs),
    /// Post the verdict as one pull-request comment (created once, then
    /// updated), write the job summary and print annotations.
    #[command(
        after_help = "Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_REF, GITHUB_API_URL and GITHUB_STEP_SUMMARY.\nA comment that cannot be posted is a warning. Exit codes: 0 no regression; 1 a regression; 2 a usage or input error."
    )]
    Publish(PublishArgs),
    /// Write the HTML dashboard: trends with control limits, gates and
    /// change points, as a static site.
    Report(ReportArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProfileArg {
    Quick,
    Full,
    Round,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SuiteArg {
    Criterion,
    Gungraun,
    Heap,
}

/// Which benches to run, across the workspace's members.
#[derive(Debug, Args)]
struct BenchArgs {
    /// Measurement profile, given to every Criterion bench as command-line
    /// settings: `quick` (0.5 s warm-up, 2 s measurement, 30 samples; the
    /// default of `run`), `full` (3 s, 10 s, 100 samples) or `round` (0.1
    /// s, 0.25 s, 10 samples: one round of a paired comparison; the default
    /// of `compare`, `bisect` and `calibrate`, whose replicate is the round).
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Only benches whose id matches this regular expression (passed down
    /// to every suite, so unselected benches never run).
    #[arg(long, value_name = "REGEX")]
    filter: Option<String>,
    /// Only this workspace member's bench targets (repeatable).
    #[arg(long, short = 'p', value_name = "PACKAGE")]
    package: Vec<String>,
    /// Only this bench target (repeatable), as in `cargo bench --bench`.
    #[arg(long, value_name = "NAME")]
    bench: Vec<String>,
    /// Only this suite (repeatable).
    #[arg(long, value_enum, value_name = "SUITE")]
    suite: Vec<SuiteArg>,
    /// Show the benches' own output (Criterion's change lines) on stderr.
    #[arg(long, short = 'v')]
    verbose: bool,
    /// Criterion warm-up time in seconds, instead of the profile's.
    #[arg(long, value_name = "SECS")]
    warm_up_time: Option<f64>,
    /// Criterion measurement time in seconds, instead of the profile's.
    #[arg(long, value_name = "SECS")]
    measurement_time: Option<f64>,
    /// Criterion samples per bench (at least 10), instead of the profile's.
    #[arg(long, value_name = "N")]
    sample_size: Option<u64>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Bench targets come from `cargo metadata`: every [[bench]] of every workspace member. \
A target is a gungraun bench or a heap probe when its source or [package.metadata.harness] says so; \
any other runs as a Criterion bench. A target that fails or panics is reported and the others are \
kept: the run is recorded and the exit code is 2.\n\
Exit codes: 0 recorded; 2 a usage or input error, or a bench target failed."
)]
struct RunArgs {
    #[command(flatten)]
    benches: BenchArgs,
    /// Fail (exit 2) instead of skipping when this suite's tool is missing.
    #[arg(long, value_enum, value_name = "SUITE")]
    require: Vec<SuiteArg>,
    /// History to append to: a store directory, or a `.jsonl` file [default: <workspace>/reports/history, or reports/history.jsonl where only that exists].
    #[arg(long)]
    history: Option<PathBuf>,
    /// Workspace root (or any member) holding a Cargo.toml.
    #[arg(long, default_value = ".")]
    workspace: PathBuf,
    /// Run only shard K of N (1-based): a deterministic slice of the
    /// bench targets, for a CI matrix; combine with `harness merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// A folder of the workspace to set up.
    #[arg(long, default_value = ".")]
    workspace: PathBuf,
    /// Rewrite files that exist.
    #[arg(long)]
    force: bool,
    /// The action the workflow uses, `owner/repo@ref` (pin a commit).
    #[arg(long, default_value = "OWNER/REPO@REF")]
    action: String,
}

#[derive(Debug, Args)]
struct CalibrateArgs {
    /// A/A rounds (at least 3). `compare` pools a calibration of 5 or
    /// more rounds with its own rounds' spread; 10 give it up to 9 more
    /// degrees of freedom.
    #[arg(long, default_value_t = 10)]
    rounds: usize,
    #[command(flatten)]
    benches: BenchArgs,
    /// Workspace root (or any member) holding a Cargo.toml.
    #[arg(long, default_value = ".")]
    workspace: PathBuf,
    /// Folder of saved baselines [default: <workspace>/baselines].
    #[arg(long)]
    baselines: Option<PathBuf>,
    #[command(flatten)]
    judging: Judging,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Args)]
struct BisectArgs {
    /// A revision where the benches were as before.
    #[arg(long, value_name = "REV", required_unless_present = "suspects")]
    good: Option<String>,
    /// A later revision (descendant of good) where they changed.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    bad: String,
    /// At most this many paired rounds per probed commit.
    #[arg(long, default_value_t = 6)]
    rounds: usize,
    /// Rounds before the first look (at least 2).
    #[arg(long, default_value_t = 3)]
    min_rounds: usize,
    #[command(flatten)]
    benches: BenchArgs,
    /// A folder inside the git repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// Keep the cargo target folders here [default: a temporary folder].
    #[arg(long, value_name = "DIR")]
    target_dir: Option<PathBuf>,
    /// History whose noise sets the instruction-count threshold.
    #[arg(long, default_value = DEFAULT_PATH)]
    history: PathBuf,
    /// Also write the result as JSON to this file.
    #[arg(long, value_name = "FILE", conflicts_with = "suspects")]
    out: Option<PathBuf>,
    /// Bisect every range of this `harness check --suspects` file instead
    /// of --good/--bad, each over its own benches.
    #[arg(long, value_name = "FILE", conflicts_with = "good")]
    suspects: Option<PathBuf>,
    /// With --suspects: write each range's result here as
    /// `<bad>-<good>.json` (a range whose file exists is skipped: already
    /// bisected); `harness report --bisects DIR` lists them.
    #[arg(long, value_name = "DIR", default_value = "reports/bisects")]
    out_dir: PathBuf,
    #[command(flatten)]
    judging: Judging,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// Base revision (branch, tag or commit), e.g. origin/main.
    #[arg(long, value_name = "REV")]
    base: String,
    /// Head revision.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    head: String,
    /// At most this many rounds. In each round every Criterion bench
    /// target runs on both sides back to back (A B, then B A in the next),
    /// and from --min-rounds on, benches already decided stop running.
    #[arg(long, default_value_t = Design::DEFAULT.max_rounds)]
    rounds: usize,
    /// Rounds before the first look at the evidence (at least 2).
    #[arg(long, default_value_t = Design::DEFAULT.min_rounds)]
    min_rounds: usize,
    /// Stop starting new rounds when the next one would end after this
    /// much measuring time (e.g. 15m, 900s, 1h; the two builds do not
    /// count); what is undecided then is UNKNOWN.
    #[arg(long, value_name = "DURATION")]
    budget: Option<String>,
    #[command(flatten)]
    benches: BenchArgs,
    /// A folder inside the git repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// Keep the two cargo target folders here (e.g. a CI cache)
    /// [default: a temporary folder].
    #[arg(long, value_name = "DIR")]
    target_dir: Option<PathBuf>,
    /// History whose noise sets the instruction-count threshold.
    #[arg(long, default_value = DEFAULT_PATH)]
    history: PathBuf,
    /// Folder of saved baselines (this machine's calibration).
    #[arg(long, default_value = "baselines")]
    baselines: PathBuf,
    /// Also write the comparison as JSON to this file.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    judging: Judging,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Args)]
#[group(id = "source", required = true, multiple = false)]
struct PublishSourceArgs {
    /// A comparison written by `harness compare --out FILE`.
    #[arg(long, value_name = "FILE", group = "source")]
    compare: Option<PathBuf>,
    /// A run record, judged as `harness check --run FILE` would.
    #[arg(long, value_name = "FILE", group = "source")]
    run: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct PublishArgs {
    #[command(flatten)]
    source: PublishSourceArgs,
    /// Repository as OWNER/NAME [default: $GITHUB_REPOSITORY].
    #[arg(long, value_name = "OWNER/NAME")]
    repo: Option<String>,
    /// Pull request number [default: from $GITHUB_REF refs/pull/N/...].
    #[arg(long, value_name = "N")]
    pr: Option<u64>,
    /// REST API root [default: $GITHUB_API_URL, else https://api.github.com].
    #[arg(long, value_name = "URL")]
    api: Option<String>,
    /// Link to the dashboard.
    #[arg(long, value_name = "URL")]
    dashboard: Option<String>,
    /// Base URL of flamegraphs (`<URL>/<bench id>/profile/flamegraph.svg`).
    #[arg(long, value_name = "URL")]
    flamegraphs: Option<String>,
    /// Attempts per request (5xx, 429 and timeouts are retried).
    #[arg(long, default_value_t = 3)]
    attempts: u32,
    /// Seconds before the first retry, doubled each time.
    #[arg(long, default_value_t = 1.0)]
    retry_delay: f64,
    /// Seconds before one request times out.
    #[arg(long, default_value_t = 20.0)]
    timeout: f64,
    /// History file (with --run).
    #[arg(long, default_value = DEFAULT_PATH)]
    history: PathBuf,
    #[command(flatten)]
    judging: Judging,
    /// Also print the comment's Markdown.
    #[arg(long)]
    print: bool,
    /// The account whose marked comment may be updated [default: the
    /// token's own, from the API; `github-actions[bot]` for the Actions
    /// token]. Anyone else's comment is left alone.
    #[arg(long, value_name = "LOGIN")]
    comment_author: Option<String>,
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// Run records or histories written by the shards.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Write the merged run record here.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Append the merged run to this history.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct Judging {
    /// Whole-run false-fail budget: the largest chance that a run of
    /// identical code fails. Each noisy series is tested at ALPHA divided
    /// by the number of noisy series in the run.
    #[arg(long, default_value_t = 0.01)]
    alpha: f64,
    /// Smallest relative change that counts (0.03 = 3 %).
    #[arg(long, default_value_t = 0.03)]
    min_effect: f64,
    /// A change this large (0.30 = 30 %) counts from one run; smaller
    /// steps need two runs, so one outlier never fails a check.
    #[arg(long, default_value_t = 0.30)]
    large: f64,
    /// An open regression only warns after the run that found it
    /// [default: it fails every check until it recovers or is accepted].
    #[arg(long)]
    open_warns: bool,
    /// Reviewed, accepted changes (`harness accept`).
    #[arg(long, value_name = "FILE", default_value = "baselines/accepted.toml")]
    accepted: PathBuf,
}

/// `--skip-damaged`, for every command that reads the history.
#[derive(Debug, Args)]
struct Damaged {
    /// Skip damaged history lines (not UTF-8 or not complete JSON) anywhere
    /// in the file instead of stopping at the first, and in a store the
    /// older runs of the judging window whose run files are damaged; how
    /// many and which are printed to stderr. A torn last line is always
    /// skipped.
    #[arg(long)]
    skip_damaged: bool,
}

impl Damaged {
    fn options(&self) -> crate::history::LoadOptions {
        crate::history::LoadOptions {
            skip_damaged: self.skip_damaged,
        }
    }
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Judge this run record instead of the history's latest.
    #[arg(long, value_name = "FILE")]
    run: Option<PathBuf>,
    /// Gates file [default: targets.toml, read only if it exists].
    #[arg(long, value_name = "FILE")]
    targets: Option<PathBuf>,
    /// History file.
    #[arg(long, default_value = DEFAULT_PATH)]
    history: PathBuf,
    /// Judge against this saved baseline [default: `main` when this
    /// machine has one, else the series' own history].
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,
    /// Ignore saved baselines: judge against the history alone.
    #[arg(long, conflicts_with = "baseline")]
    no_baseline: bool,
    /// Folder of saved baselines.
    #[arg(long, default_value = "baselines")]
    baselines: PathBuf,
    #[command(flatten)]
    damaged: Damaged,
    #[command(flatten)]
    judging: Judging,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Also write, as JSON, the commit range of each slowdown confirmed at
    /// this run (the last run before the step, the first after it, the
    /// benches and a --filter), to bisect with `harness bisect`.
    #[arg(long, value_name = "FILE")]
    suspects: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum BaselineSub {
    /// Save the latest run (or --run FILE) as a named baseline.
    Save(BaselineArgs),
    /// Show a saved baseline.
    Show(BaselineArgs),
}

#[derive(Debug, Args)]
struct BaselineArgs {
    /// Baseline name.
    #[arg(long, default_value = "main")]
    name: String,
    /// Run record to save (save only; default: the history's latest).
    #[arg(long, value_name = "FILE")]
    run: Option<PathBuf>,
    /// History file.
    #[arg(long, default_value = DEFAULT_PATH)]
    history: PathBuf,
    /// Folder of saved baselines.
    #[arg(long, default_value = "baselines")]
    baselines: PathBuf,
    #[command(flatten)]
    damaged: Damaged,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormatArg {
    /// Bencher Metric Format.
    Bmf,
    /// github-action-benchmark `customSmallerIsBetter`.
    Gab,
    /// The whole history as JSON lines (one run per line, samples
    /// included): what `import history` reads back.
    Jsonl,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum)]
    format: ExportFormatArg,
    /// Export this run record instead of the history's latest.
    #[arg(long, value_name = "FILE", conflicts_with = "out")]
    run: Option<PathBuf>,
    /// History: a store directory, or a `.jsonl` file.
    #[arg(long, default_value = DEFAULT_PATH)]
    history: PathBuf,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    damaged: Damaged,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// Write the run record to this file.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Append the run record to this history file.
    #[arg(long, value_name = "FILE")]
    history: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum ImportSub {
    /// A `target/criterion` folder (or a folder containing one).
    Criterion {
        /// The folder.
        dir: PathBuf,
        #[command(flatten)]
        args: ImportArgs,
    },
    /// A gungraun summary.json, or a folder searched for them.
    Gungraun {
        /// File or folder.
        path: PathBuf,
        #[command(flatten)]
        args: ImportArgs,
    },
    /// The heap probe's heap.json (or its folder).
    Heap {
        /// File or folder.
        path: PathBuf,
        #[command(flatten)]
        args: ImportArgs,
    },
    /// A JSON-lines history: every run appended to --history (runs it
    /// already holds are skipped), so a `.jsonl` history moves into the
    /// store without loss.
    History {
        /// The `.jsonl` file.
        file: PathBuf,
        /// History to append to: a store directory, or a `.jsonl` file.
        #[arg(long, default_value = DEFAULT_PATH)]
        history: PathBuf,
    },
}

#[derive(Debug, Args)]
struct AcceptArgs {
    /// Bench id or glob (`*` within a segment, `**` across), e.g.
    /// 'ntu/observe/*'.
    bench: String,
    /// The first commit of the new level (any revision: hash, tag, HEAD~2).
    #[arg(long, value_name = "REV")]
    since: String,
    /// Why the change is expected (shown in check, the dashboard and the
    /// pull-request comment).
    #[arg(long, value_name = "TEXT")]
    reason: String,
    /// Only this metric [default: every metric].
    #[arg(long, value_name = "NAME")]
    metric: Option<String>,
    /// The accepted-changes file.
    #[arg(long, value_name = "FILE", default_value = "baselines/accepted.toml")]
    file: PathBuf,
    /// A folder inside the git repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// History whose series the entry is matched against.
    #[arg(long, default_value = DEFAULT_PATH)]
    history: PathBuf,
}

#[derive(Debug, Args)]
struct AnalyzeArgs {
    /// History file to analyse.
    history: PathBuf,
    #[command(flatten)]
    damaged: Damaged,
    #[command(flatten)]
    judging: Judging,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// History file.
    #[arg(long, default_value = DEFAULT_PATH)]
    history: PathBuf,
    /// Gates file [default: targets.toml, read only if it exists].
    #[arg(long, value_name = "FILE")]
    targets: Option<PathBuf>,
    /// Site folder (replaced as a whole).
    #[arg(long, default_value = "reports/site")]
    out: PathBuf,
    /// Link a click on a point opens, with {sha} for the commit, e.g.
    /// https://github.com/OWNER/REPO/commit/{sha}.
    #[arg(long, value_name = "TEMPLATE")]
    commit_url: Option<String>,
    /// Repository the commit messages are read from.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// Criterion's output folder, searched for flamegraphs and reports.
    #[arg(long, default_value = "target/criterion")]
    criterion: PathBuf,
    /// Folder of `harness bisect --out` results (*.json), listed on the
    /// page as the commits that made benches slower; read if it exists.
    #[arg(long, value_name = "DIR", default_value = "reports/bisects")]
    bisects: PathBuf,
    /// Folder of saved baselines (the latest run is judged as `check`
    /// judges it).
    #[arg(long, default_value = "baselines")]
    baselines: PathBuf,
    #[command(flatten)]
    damaged: Damaged,
    #[command(flatten)]
    judging: Judging,
}

mod convert;

pub(crate) use convert::duration;

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::Cli;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bad_settings_are_usage_errors() {
        let cli = Cli::try_parse_from(["harness", "check", "--alpha", "2"]).unwrap();
        assert!(cli.into_command().unwrap_err().contains("--alpha"));
        let cli = Cli::try_parse_from(["harness", "run", "--filter", "("]).unwrap();
        assert!(cli.into_command().unwrap_err().contains("--filter"));
        let cli = Cli::try_parse_from(["harness", "baseline", "save", "--name", "../x"]).unwrap();
        assert!(cli.into_command().is_err());
    }

    #[test]
    fn run_measures_quick_and_the_paired_commands_in_short_rounds() {
        use crate::commands::Command;
        let profile = |args: &[&str]| -> (String, Vec<String>) {
            let cli = Cli::try_parse_from(args).unwrap();
            let p = match cli.into_command().unwrap() {
                Command::Run(c) => c.profile,
                Command::Compare(c) => c.profile,
                Command::Calibrate(c) => c.profile,
                Command::Bisect(c) => c.profile,
                _ => unreachable!("not a measuring command"),
            };
            (p.name, p.criterion_args)
        };
        assert_eq!(profile(&["harness", "run"]).0, "quick");
        let (name, args) = profile(&["harness", "compare", "--base", "main"]);
        assert_eq!(name, "round");
        assert!(
            args.join(" ")
                .contains("--measurement-time 0.25 --sample-size 10")
        );
        assert!(args.join(" ").contains("--nresamples 1000"));
        assert_eq!(profile(&["harness", "calibrate"]).0, "round");
        assert_eq!(profile(&["harness", "bisect", "--good", "v1"]).0, "round");
        let (name, args) = profile(&[
            "harness",
            "compare",
            "--base",
            "main",
            "--profile",
            "quick",
            "--sample-size",
            "12",
        ]);
        assert_eq!(name, "quick");
        assert!(args.join(" ").contains("--sample-size 12"));
        assert!(!args.join(" ").contains("--nresamples"));
    }
}
