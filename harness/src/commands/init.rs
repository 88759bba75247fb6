//! `harness init`: writes a commented `harness.toml`, a `targets.toml`
//! skeleton and a GitHub workflow that runs the reusable action, for the
//! repository it is run in. Existing files are left alone unless
//! `--force`.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::InitConfig;
use super::common::Outcome;
use crate::history::write_atomic;
use crate::runner::discover;

const CONFIG: &str = r#"# harness.toml: this repository's defaults for the harness's command line.
# Every key is optional and stands for the option in its comment; an option
# given on the command line wins. Paths are relative to this file.

# history = "reports/history"            # --history: a store directory (one file per run), or a .jsonl file
# baselines = "baselines"                # --baselines: saved baselines, calibrations
# targets = "targets.toml"               # --targets: gates
# accepted = "baselines/accepted.toml"   # --accepted: reviewed, expected changes

[judging]
# alpha = 0.01        # --alpha: chance that a whole run of identical code fails
# min_effect = 0.03   # --min-effect: smallest relative change that counts
# large = 0.30        # --large: a change this large counts from one run

[run]
# profile = "quick"                           # --profile of `run`
# suites = ["criterion", "gungraun", "heap"]  # --suite

[compare]
# rounds = 20       # --rounds: at most this many paired rounds
# budget = "15m"    # --budget: no round that would end later

# Criterion settings of each profile, given to every Criterion bench.
[profiles.quick]
# warm_up = 0.5       # --warm-up-time (seconds)
# measurement = 2.0   # --measurement-time (seconds)
# samples = 30        # --sample-size

[profiles.full]
# warm_up = 3.0
# measurement = 10.0
# samples = 100

# One round of compare, bisect and calibrate: the round is the replicate,
# so many short rounds see more than a few long ones.
[profiles.round]
# warm_up = 0.1
# measurement = 0.25
# samples = 10
"#;

const TARGETS: &str = r#"# targets.toml: performance gates (schema: the harness's TARGETS.md).
# `harness check` fails a run that breaks a gate's `max`, warns above `goal`.
# Bench ids are those `harness run` records (`harness export --format bmf`
# lists them). Examples, to adapt:
#
# [[gate]]
# bench = "parse/small"
# metric = "wall_time"
# statistic = "p99"
# max = "2 us"
# goal = "1.5 us"
# source = "why this limit"
#
# [[complexity]]
# bench = "parse"          # the family: parse/100, parse/1000, parse/10000
# metric = "instructions"
# sizes = [100, 1000, 10000]
# class = "O(n)"
"#;

fn workflow(action: &str) -> String {
    format!(
        r#"# Benchmarks: pull requests are compared with their target branch (one
# comment per pull request); pushes to the default branch are recorded and
# judged. Written by `harness init`.
name: bench

on:
  pull_request:
  push:
    branches: [main]

permissions: {{}}

# One comparison per pull request (a newer push cancels it). Pushes to the
# default branch each get their own group: GitHub keeps only one pending
# run per group and cancels the others, which would drop pushes silently;
# concurrent pushes to the data branch retry instead.
concurrency:
  group: bench-${{{{ github.event.pull_request.number || github.run_id }}}}
  cancel-in-progress: ${{{{ github.event_name == 'pull_request' }}}}

jobs:
  pr:
    name: Compare with the target branch
    if: ${{{{ github.event_name == 'pull_request' }}}}
    runs-on: ubuntu-latest
    timeout-minutes: 60
    permissions:
      contents: read
      pull-requests: write # the PR comment
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0 # the base revision must be in the clone
          persist-credentials: false
      - uses: {action}
        with:
          mode: pr
          budget: 15m

  main:
    name: Record and judge the default branch
    if: ${{{{ github.event_name == 'push' }}}}
    runs-on: ubuntu-latest
    timeout-minutes: 120
    permissions:
      contents: write # the history and bisect results on the bench-data branch
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          fetch-depth: 0 # bisect walks the commits between two runs
          persist-credentials: false
      - uses: {action}
        with:
          mode: main
          data-branch: bench-data
"#
    )
}

/// Writes the files.
pub fn init(c: &InitConfig) -> anyhow::Result<Outcome> {
    let ws = discover(&c.dir)?;
    let root = &ws.root;
    let files: [(PathBuf, String); 3] = [
        (root.join("harness.toml"), CONFIG.to_owned()),
        (root.join("targets.toml"), TARGETS.to_owned()),
        (
            root.join(".github/workflows/bench.yml"),
            workflow(&c.action),
        ),
    ];
    let existing: Vec<&Path> = files
        .iter()
        .map(|(p, _)| p.as_path())
        .filter(|p| p.exists())
        .collect();
    if !c.force && existing.len() == files.len() {
        bail!(
            "{}: already set up (harness.toml, targets.toml and the workflow exist); --force rewrites them",
            root.display()
        );
    }
    let mut out = String::new();
    for (path, text) in &files {
        if path.exists() && !c.force {
            out.push_str(&format!(
                "kept    {} (exists; --force rewrites it)\n",
                path.display()
            ));
            continue;
        }
        write_atomic(path, text.as_bytes())?;
        out.push_str(&format!("wrote   {}\n", path.display()));
    }
    let benches: Vec<String> = ws
        .targets
        .iter()
        .map(|t| format!("{} ({})", t.job(), t.suite.name()))
        .collect();
    out.push_str(&format!(
        "\nbench targets found: {}\nnext: `harness run`, then `harness check`; `harness calibrate` shows how small a change this machine can see.\n",
        if benches.is_empty() {
            "none yet (add a [[bench]] target)".to_owned()
        } else {
            benches.join(", ")
        }
    ));
    if c.action.contains("OWNER/") {
        out.push_str("the workflow names the action as OWNER/REPO@REF: replace it with the harness repository and a pinned commit (or pass --action).\n");
    }
    Ok(Outcome::ok(out))
}
