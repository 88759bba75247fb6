//! Verdicts and the rows of a check report.

use serde::{Deserialize, Serialize};

use super::series::State;
use crate::model::{Metric, Unit};

/// The outcome for one bench and metric, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Faster or smaller than the baseline, significantly.
    Improved,
    /// Nothing to report.
    Pass,
    /// Worth a look, not a failure: above a goal, straddling a gate, one
    /// run beyond the band, a machine-outlier run, an open regression
    /// when those only warn.
    Warn,
    /// Undecided: `compare` ran out of rounds or time before the evidence
    /// either showed a change or ruled one out. Never a pass.
    Unknown,
    /// A confirmed slowdown (or growth), open until it recovers or is
    /// accepted.
    Regressed,
    /// Broke a gate.
    GateFailed,
}

impl Verdict {
    /// Whether this verdict fails the check (exit code 1).
    pub fn fails(self) -> bool {
        matches!(self, Verdict::Regressed | Verdict::GateFailed)
    }

    /// Short name for tables.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Improved => "improved",
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Unknown => "UNKNOWN",
            Verdict::Regressed => "REGRESSED",
            Verdict::GateFailed => "GATE FAILED",
        }
    }
}

/// A relative change with its interval (ratios: 1.05 is 5 % more).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    /// New over baseline.
    pub ratio: f64,
    /// Lower bound of the ratio's interval, when one was computed.
    pub lower: Option<f64>,
    /// Upper bound.
    pub upper: Option<f64>,
}

/// One judged bench and metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Bench id.
    pub bench: String,
    /// Metric.
    pub metric: Metric,
    /// Unit of `value` and `baseline`.
    pub unit: Unit,
    /// The statistic `value` is: `median` (of the run's samples) or
    /// `value` (a single number per run).
    pub statistic: &'static str,
    /// This run's value.
    pub value: f64,
    /// The reference level it was judged against (the current level's
    /// runs, or the saved baseline), when there is one.
    pub baseline: Option<f64>,
    /// The tested level against the reference, with its 95 % interval.
    pub change: Option<Change>,
    /// The series' state at this run.
    pub state: State,
    /// Label of the run where an open regression (or an improvement)
    /// began.
    pub since: Option<String>,
    /// One-sided p-value of the test, when one was made.
    pub p: Option<f64>,
    /// Earlier runs behind the reference.
    pub runs: usize,
    /// The gates applied, as text (`p99 140 ns ≤ 100 ns`), empty if none.
    pub gate: String,
    /// Control-chart status over the history.
    pub control: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in words.
    pub why: Vec<String>,
}

impl Row {
    /// Raises the verdict to `v` if worse, adding a reason.
    pub fn raise(&mut self, v: Verdict, why: String) {
        if v > self.verdict {
            self.verdict = v;
        }
        self.why.push(why);
    }
}

/// One judged complexity gate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComplexityRow {
    /// Bench family.
    pub bench: String,
    /// Metric.
    pub metric: Metric,
    /// Declared class.
    pub class: String,
    /// Fitted exponent b.
    pub exponent: Option<f64>,
    /// Its standard error.
    pub std_error: Option<f64>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub why: String,
}

/// A new/old ratio as a signed percentage change (`1.053` → `+5.3%`), as
/// every view prints it.
pub fn pct(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

/// Formats a value in its unit, with a sensible precision.
pub fn show(value: f64, unit: Unit) -> String {
    let digits = if value.abs() >= 100.0 {
        0
    } else if value.abs() >= 10.0 {
        1
    } else {
        2
    };
    match unit {
        Unit::Count => format!("{value:.0}"),
        _ => format!("{value:.digits$} {}", unit.symbol()),
    }
}
