//! Value gates and complexity gates from `targets.toml`.

use super::verdict::{ComplexityRow, Row, Verdict, show};
use crate::model::{Measurement, Run};
use crate::stats::describe::{mean, quantile};
use crate::stats::growth::{log_fit_r_squared, power_fit};
use crate::targets::{Class, ComplexityGate, Gate, Statistic};

/// The statistic a gate names, from the samples (or the single value).
/// A run read from the store's index gives its summary's statistics,
/// computed from the same samples by the same functions.
pub fn statistic(m: &Measurement, stat: Statistic) -> Option<f64> {
    if let (None, Some(s)) = (&m.samples, &m.summary) {
        return Some(match stat {
            Statistic::Mean => s.mean,
            Statistic::Median => s.median,
            Statistic::P99 => s.p99,
            Statistic::Max => s.max,
            Statistic::Value => m.estimate,
        });
    }
    let values = m.values();
    match stat {
        Statistic::Mean => mean(&values),
        Statistic::Median => quantile(&values, 0.5),
        Statistic::P99 => quantile(&values, 0.99),
        Statistic::Max => quantile(&values, 1.0),
        Statistic::Value => Some(m.estimate),
    }
}

/// Fewest runs for a gate to be judged on its interval over runs.
const GATE_RUNS: usize = 3;

/// Most recent runs of the current level a gate's interval covers.
const GATE_WINDOW: usize = 10;

/// The gate statistic's 95 % interval over runs: the mean over the runs
/// of the current level (this one last) ± t · s/√n. With fewer than
/// [`GATE_RUNS`] runs, or an exact metric, the latest value alone.
fn over_runs(values: &[f64]) -> (f64, f64, f64) {
    let latest = *values.last().unwrap_or(&f64::NAN);
    let recent = &values[values.len().saturating_sub(GATE_WINDOW)..];
    if recent.len() < GATE_RUNS {
        return (latest, latest, latest);
    }
    let (Some(m), Some(sd)) = (mean(recent), crate::stats::describe::std_dev(recent)) else {
        return (latest, latest, latest);
    };
    let n = recent.len() as f64;
    let q = crate::stats::student::t_quantile(0.025, n - 1.0).unwrap_or(f64::INFINITY);
    (m, m - q * sd / n.sqrt(), m + q * sd / n.sqrt())
}

/// Applies every matching gate to the row. `level` holds the measurement
/// in the earlier runs of the same level (oldest first, without `m`): a
/// noisy gate fails only when its interval over runs lies above the limit
/// and warns when the interval straddles it.
pub fn apply_gates(row: &mut Row, m: &Measurement, level: &[&Measurement], gates: &[Gate]) {
    let mut shown = Vec::new();
    for g in gates
        .iter()
        .filter(|g| g.metric == m.metric && g.bench.matches(m.bench.as_str()))
    {
        let mut values: Vec<f64> = level
            .iter()
            .filter_map(|h| statistic(h, g.statistic))
            .collect();
        let Some(v) = statistic(m, g.statistic) else {
            continue;
        };
        values.push(v);
        let (est, lo, hi) = over_runs(&values);
        let name = g.statistic.name();
        let spread = if lo < hi {
            format!(
                " (95% over {} runs: {}..{})",
                values.len().min(GATE_WINDOW),
                show(lo, m.unit),
                show(hi, m.unit)
            )
        } else {
            String::new()
        };
        shown.push(format!(
            "{name} {} ≤ {}",
            show(est, m.unit),
            show(g.max, m.unit)
        ));
        let source = if g.source.is_empty() {
            String::new()
        } else {
            format!(" ({})", g.source)
        };
        if lo > g.max {
            row.raise(
                Verdict::GateFailed,
                format!(
                    "{name} {}{spread} exceeds the gate {}{source}",
                    show(est, m.unit),
                    show(g.max, m.unit)
                ),
            );
        } else if hi > g.max {
            row.raise(
                Verdict::Warn,
                format!(
                    "{name} {}{spread} straddles the gate {}{source}",
                    show(est, m.unit),
                    show(g.max, m.unit)
                ),
            );
        } else if let Some(goal) = g.goal.filter(|goal| hi > *goal) {
            row.raise(
                Verdict::Warn,
                format!(
                    "{name} {}{spread} is above the goal {}",
                    show(est, m.unit),
                    show(goal, m.unit)
                ),
            );
        }
    }
    row.gate = shown.join("; ");
}

/// Upper band of the growth exponent for each class; see TARGETS.md.
pub fn exponent_limit(class: Class) -> f64 {
    match class {
        Class::Constant => 0.15,
        Class::Log => 0.30,
        Class::Linear => 1.20,
        Class::Linearithmic => 1.30,
    }
}

/// Fits the growth exponent over the sweep and judges it.
pub fn judge_complexity(run: &Run, gate: &ComplexityGate) -> ComplexityRow {
    let mut row = ComplexityRow {
        bench: gate.family.clone(),
        metric: gate.metric.clone(),
        class: gate.class.name().to_owned(),
        exponent: None,
        std_error: None,
        verdict: Verdict::Pass,
        why: String::new(),
    };
    let mut points = Vec::new();
    let mut missing = Vec::new();
    for &size in &gate.sizes {
        let found = run.measurements.iter().find(|m| {
            m.metric == gate.metric
                && m.bench.family() == gate.family
                && m.bench.size() == Some(size)
        });
        match found.and_then(|m| statistic(m, Statistic::Mean).map(|v| (size as f64, v))) {
            Some(p) => points.push(p),
            None => missing.push(size.to_string()),
        }
    }
    if !missing.is_empty() {
        row.verdict = Verdict::GateFailed;
        row.why = format!("sizes not measured: {}", missing.join(", "));
        return row;
    }
    let (sizes, costs): (Vec<f64>, Vec<f64>) = points.into_iter().unzip();
    let Some(fit) = power_fit(&sizes, &costs) else {
        row.verdict = Verdict::Warn;
        row.why = "cannot fit (zero costs)".into();
        return row;
    };
    row.exponent = Some(fit.exponent);
    row.std_error = Some(fit.std_error);
    let limit = exponent_limit(gate.class);
    let log_note = match (gate.class, log_fit_r_squared(&sizes, &costs)) {
        (Class::Log, Some(r2)) => format!(", log fit R²={r2:.2}"),
        _ => String::new(),
    };
    let text = format!(
        "b = {:.3} ± {:.3}, limit {limit} for {}{log_note}",
        fit.exponent,
        fit.std_error,
        gate.class.name()
    );
    row.verdict = if fit.exponent > limit {
        Verdict::GateFailed
    } else if fit.exponent + 2.0 * fit.std_error > limit {
        Verdict::Warn
    } else {
        Verdict::Pass
    };
    row.why = text;
    row
}
