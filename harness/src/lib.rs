//! The bizra bench harness: collect bench output into one model, keep a
//! history, and judge it with gates, baselines, statistics and
//! statistical process control.

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
