//! Value gates and complexity gates from `targets.toml`.

use super::verdict::{ComplexityRow, Row, Verdict, show};
use crate::model::{Measurement, Run};
use crate::stats::describe::{mean, quantile};
use crate::stats::growth::{log_fit_r_squared, power_fit};
use crate::targets::{Class, ComplexityGate, Gate, Statistic};

/// The statistic a gate names, from the samples (or the single value).
pub fn statistic(m: &Measurement, stat: Statistic) -> Option<f64> {
    let values = m.values();
    match stat {
        Statistic::Mean => mean(&values),
        Statistic::Median => quantile(&values, 0.5),
        Statistic::P99 => quantile(&values, 0.99),
        Statistic::Max => quantile(&values, 1.0),
        Statistic::Value => Some(m.estimate),
    }
}

fn stat_name(stat: Statistic) -> &'static str {
    match stat {
        Statistic::Mean => "mean",
        Statistic::Median => "median",
        Statistic::P99 => "p99",
        Statistic::Max => "max",
        Statistic::Value => "value",
    }
}

/// Applies every matching gate to the row.
pub fn apply_gates(row: &mut Row, m: &Measurement, gates: &[Gate]) {
    let mut shown = Vec::new();
    for g in gates
        .iter()
        .filter(|g| g.metric == m.metric && g.bench.matches(m.bench.as_str()))
    {
        let Some(v) = statistic(m, g.statistic) else {
            continue;
        };
        let name = stat_name(g.statistic);
        shown.push(format!(
            "{name} {} ≤ {}",
            show(v, m.unit),
            show(g.max, m.unit)
        ));
        let source = if g.source.is_empty() {
            String::new()
        } else {
            format!(" ({})", g.source)
        };
        if v > g.max {
            row.raise(
                Verdict::GateFailed,
                format!(
                    "{name} {} exceeds the gate {}{source}",
                    show(v, m.unit),
                    show(g.max, m.unit)
                ),
            );
        } else if let Some(goal) = g.goal.filter(|goal| v > *goal) {
            row.raise(
                Verdict::Warn,
                format!(
                    "{name} {} is above the goal {}",
                    show(v, m.unit),
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
