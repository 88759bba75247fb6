//! `targets.toml`: the gates each bench must meet, validated on load with
//! errors naming the line. The schema is documented in `harness/TARGETS.md`.

mod glob;
mod load;
mod units;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

pub use glob::Pattern;
pub use units::parse_limit;

use crate::model::{BenchId, Metric};

/// Why `targets.toml` was refused. Every variant names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum TargetsError {
    /// The file could not be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// Bad TOML, an unknown key, a wrong type or a bad value.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A gate names a bench no run given measured: a typo, or runs that
    /// left it out. Callers word what that means for them.
    #[error("{path}:{line}: gate names unknown bench {bench:?}")]
    UnknownBench {
        /// The file.
        path: PathBuf,
        /// 1-based line of the gate.
        line: usize,
        /// The bench (or pattern) as written.
        bench: String,
    },
}

/// Which number a wall-time gate is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statistic {
    /// Mean of per-iteration sample times.
    Mean,
    /// Median of per-iteration sample times.
    Median,
    /// 99th percentile of per-iteration sample times.
    P99,
    /// Largest per-iteration sample time.
    Max,
    /// The single value (instructions, heap bytes).
    Value,
}

impl Statistic {
    /// The name shown in reports and on the dashboard.
    pub fn name(self) -> &'static str {
        match self {
            Statistic::Mean => "mean",
            Statistic::Median => "median",
            Statistic::P99 => "p99",
            Statistic::Max => "max",
            Statistic::Value => "value",
        }
    }
}

/// The growth class a complexity gate declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// O(1).
    Constant,
    /// O(log n).
    Log,
    /// O(n).
    Linear,
    /// O(n log n).
    Linearithmic,
}

impl Class {
    /// The class as written in the file.
    pub fn name(self) -> &'static str {
        match self {
            Class::Constant => "O(1)",
            Class::Log => "O(log n)",
            Class::Linear => "O(n)",
            Class::Linearithmic => "O(n log n)",
        }
    }
}

/// One value gate.
#[derive(Debug, Clone)]
pub struct Gate {
    /// Bench id or pattern.
    pub bench: Pattern,
    /// Metric judged.
    pub metric: Metric,
    /// Which statistic of the samples.
    pub statistic: Statistic,
    /// The limit, in the metric's unit.
    pub max: f64,
    /// Optional tighter goal, in the metric's unit.
    pub goal: Option<f64>,
    /// Where the limit comes from.
    pub source: String,
    /// Line of the `[[gate]]` entry.
    pub line: usize,
}

/// One complexity gate over a size sweep.
#[derive(Debug, Clone)]
pub struct ComplexityGate {
    /// The bench id without its size segment.
    pub family: String,
    /// Metric judged.
    pub metric: Metric,
    /// The sizes of the sweep.
    pub sizes: Vec<u64>,
    /// The declared class.
    pub class: Class,
    /// Where the class comes from.
    pub source: String,
    /// Line of the `[[complexity]]` entry.
    pub line: usize,
}

/// A validated `targets.toml`.
#[derive(Debug, Clone, Default)]
pub struct Targets {
    /// The file it came from.
    pub path: PathBuf,
    /// Value gates.
    pub gates: Vec<Gate>,
    /// Complexity gates.
    pub complexity: Vec<ComplexityGate>,
}

impl Targets {
    /// Checks that every gate names benches that exist in `known` with the
    /// gate's metric; the error names the gate's line.
    pub fn check_known(&self, known: &[(BenchId, Metric)]) -> Result<(), TargetsError> {
        let invalid = |line, message| TargetsError::Invalid {
            path: self.path.clone(),
            line,
            message,
        };
        // The metrics of each distinct bench: gates naming one bench look
        // it up; only patterns with `*` walk the benches.
        let mut by_bench: HashMap<&str, Vec<&Metric>> = HashMap::new();
        for (id, metric) in known {
            let metrics = by_bench.entry(id.as_str()).or_default();
            if !metrics.contains(&metric) {
                metrics.push(metric);
            }
        }
        for g in &self.gates {
            let ids: Vec<(&str, &Metric)> = match g.bench.literal() {
                Some(id) => by_bench
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(|&m| (id, m))
                    .collect(),
                None => by_bench
                    .iter()
                    .filter(|(id, _)| g.bench.matches(id))
                    .flat_map(|(&id, ms)| ms.iter().map(move |&m| (id, m)))
                    .collect(),
            };
            if ids.is_empty() {
                return Err(TargetsError::UnknownBench {
                    path: self.path.clone(),
                    line: g.line,
                    bench: g.bench.as_str().to_owned(),
                });
            }
            if !ids.iter().any(|&(_, m)| m == &g.metric) {
                return Err(invalid(
                    g.line,
                    format!(
                        "bench {:?} has no {} measurement",
                        g.bench.as_str(),
                        g.metric
                    ),
                ));
            }
        }
        let families: HashSet<(&str, &Metric)> =
            known.iter().map(|(id, m)| (id.family(), m)).collect();
        for c in &self.complexity {
            let found = families.contains(&(c.family.as_str(), &c.metric));
            if !found {
                return Err(invalid(
                    c.line,
                    format!(
                        "complexity gate names unknown bench family {:?} with metric {}",
                        c.family, c.metric
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
