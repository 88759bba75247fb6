//! `harness`: runs the benches, collects their output into one history and
//! judges it.
//!
//! Exit codes: 0 all well; 1 a confirmed regression (new or still open) or a broken gate; 2 a usage
//! or input error (missing, empty, truncated or invalid files, a baseline
//! from another machine, a bad `targets.toml`). A closed output pipe
//! (`harness check | head`) counts as success; a closed standard error
//! only loses the progress lines (see `harness::say!`).

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use harness::cli::Cli;
use harness::commands::execute;

fn run() -> anyhow::Result<ExitCode> {
    // The repository's harness.toml supplies options the command line
    // leaves out.
    let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(path) = harness::config::find(std::path::Path::new(".")) {
        let config = harness::config::load(&path)?;
        argv = harness::config::apply(argv, &config, &Cli::command());
    }
    let command = match Cli::parse_from(argv).into_command() {
        Ok(c) => c,
        Err(message) => {
            harness::say!("error: {message}");
            return Ok(ExitCode::from(2));
        }
    };
    let outcome = execute(command)?;
    let mut out = std::io::stdout().lock();
    out.write_all(outcome.stdout.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::from(outcome.code))
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            harness::say!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
