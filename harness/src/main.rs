//! `harness`: runs the benches, collects their output into one history and
//! judges it. Exit codes: 0 all well, 1 a regression or broken gate, 2 a
//! usage or input error.

use std::process::ExitCode;

use clap::Parser;

/// Benchmark and performance-regression harness for the bizra workspace.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
struct Cli {}

fn run() -> anyhow::Result<ExitCode> {
    let _cli = Cli::parse();
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
