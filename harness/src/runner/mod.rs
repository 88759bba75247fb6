//! Running a workspace's benches through cargo and collecting what they
//! wrote. Shared by `harness run` (one pass), `harness compare` (many
//! passes over two worktrees) and `harness bisect`.
//!
//! The bench targets come from `cargo metadata` ([`discover`]); each is
//! run by the tool that measures it ([`Suite`]). A target that fails or
//! panics is recorded as a [`Failure`] and the others go on.

pub mod discover;
mod exec;
pub mod pairing;
mod shard;
mod suites;

use std::path::{Path, PathBuf};

use regex::Regex;

use crate::model::Measurement;

pub use discover::{Target, Workspace, discover};
pub use exec::cargo_exe;
pub use shard::{Shard, ShardError};
pub use suites::{measure, measure_target, select};

/// A suite of benches, by the tool that measures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Suite {
    /// Criterion wall time.
    Criterion,
    /// gungraun instruction counts (needs valgrind and gungraun-runner).
    Gungraun,
    /// A heap probe: writes heap bytes per object as JSON (see the
    /// harness README, "Heap probes").
    Heap,
}

impl Suite {
    /// Lower-case name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Criterion => "criterion",
            Suite::Gungraun => "gungraun",
            Suite::Heap => "heap",
        }
    }

    /// Whether its figures are deterministic counts (measured once per
    /// side by `compare`).
    pub fn exact(self) -> bool {
        !matches!(self, Suite::Criterion)
    }
}

/// A measurement profile: a name recorded with the run, and the
/// Criterion command-line settings that apply it to any crate's benches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// `quick` or `full`.
    pub name: String,
    /// Arguments given to every Criterion bench.
    pub criterion_args: Vec<String>,
}

impl Profile {
    /// The built-in profiles. `quick` (runs on pull requests and
    /// branches): 0.5 s warm-up, 2 s measurement, 30 samples; `full` (main
    /// branch, nightly): 3 s, 10 s, 100 samples; `round` (one round of
    /// `compare`, `bisect` and `calibrate`): 0.1 s, 0.25 s, 10 samples.
    ///
    /// A paired comparison's replicate is the round, and the spread
    /// between rounds (machine state, code layout of each process) is what
    /// limits it, not the spread within one: more short rounds give a
    /// narrower interval per minute than few long ones. `round` also asks
    /// Criterion for 1,000 bootstrap resamples instead of 100,000: the
    /// judge reads the samples, not Criterion's intervals. Plots are never
    /// drawn: judging does not need them.
    pub fn named(name: &str) -> Option<Profile> {
        let (warm, measure, samples) = match name {
            "quick" => ("0.5", "2", "30"),
            "full" => ("3", "10", "100"),
            "round" => ("0.1", "0.25", "10"),
            _ => return None,
        };
        let mut args = vec![
            "--warm-up-time",
            warm,
            "--measurement-time",
            measure,
            "--sample-size",
            samples,
            "--noplot",
        ];
        if name == "round" {
            args.extend(["--nresamples", "1000"]);
        }
        Some(Profile {
            name: name.to_owned(),
            criterion_args: args.iter().map(|s| (*s).to_owned()).collect(),
        })
    }

    /// The profile a command uses when none is named: `round` for the
    /// paired commands (`compare`, `bisect`, `calibrate`), else `quick`.
    pub fn default_for(command: &str) -> &'static str {
        match command {
            "compare" | "bisect" | "calibrate" => "round",
            _ => "quick",
        }
    }
}

impl Profile {
    /// Replaces the value of a Criterion option (`--sample-size`), or adds it.
    pub fn set(&mut self, flag: &str, value: String) {
        match self.criterion_args.iter().position(|a| a == flag) {
            Some(i) if i + 1 < self.criterion_args.len() => self.criterion_args[i + 1] = value,
            _ => {
                self.criterion_args.push(flag.to_owned());
                self.criterion_args.push(value);
            }
        }
    }
}

/// Which benches to run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only these packages (empty: all members).
    pub packages: Vec<String>,
    /// Only these bench targets (empty: all).
    pub benches: Vec<String>,
    /// Only these suites (empty: all).
    pub suites: Vec<Suite>,
    /// Only benches whose id matches.
    pub filter: Option<Regex>,
}

/// What to measure where.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// Workspace root (or any member) holding a Cargo.toml.
    pub workspace: &'a Path,
    /// Cargo target folder for the build and the tools' output; `None`
    /// uses cargo's own (`cargo metadata`'s `target_directory`).
    pub target: Option<&'a Path>,
    /// Measurement profile.
    pub profile: &'a Profile,
    /// Which benches.
    pub select: &'a Selection,
    /// Suites that must run (a missing tool is then an error).
    pub require: &'a [Suite],
    /// Only this slice of the bench targets.
    pub shard: Option<Shard>,
    /// Prefix of progress lines on stderr (e.g. `base round 2`).
    pub label: &'a str,
    /// Show the benches' own output (Criterion's change lines).
    pub verbose: bool,
}

/// A bench target that failed: it did not build, panicked or wrote
/// nothing. The other targets' results are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `package/target`.
    pub job: String,
    /// What went wrong, with the panic message when there is one.
    pub message: String,
}

/// What a pass measured.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Every measurement collected.
    pub measurements: Vec<Measurement>,
    /// Targets that failed.
    pub failures: Vec<Failure>,
    /// Suites skipped, with why.
    pub skipped: Vec<String>,
}

/// Whether an executable named `tool` is on PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(tool).is_file()))
}

/// `path` made absolute against the current folder (cargo runs benches
/// in their package's folder, so relative paths would move).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}
