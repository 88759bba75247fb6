//! The bizra bench harness: collect bench output into one model, keep a
//! history, and judge it with gates, baselines, statistics and
//! statistical process control.

/// `eprintln!` that cannot panic. Progress, warnings and errors go to
/// standard error; when that is a pipe whose reader is gone (`harness run
/// 2>&1 | head`, a log collector that died), writing fails, and a failed
/// progress line must not stop a run after minutes of measuring and lose
/// it. The line is then dropped; the run goes on.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr(), $($arg)*);
    }};
}

pub mod accepted;
pub mod cli;
pub mod collect;
pub mod commands;
pub mod config;
pub mod dashboard;
pub mod fuzzing;
pub mod history;
pub mod judge;
pub mod model;
pub mod probe;
pub mod publish;
pub mod render;
pub mod runner;
pub mod stats;
pub mod targets;
pub mod worktree;
