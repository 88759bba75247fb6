//! Parsing and validating `targets.toml`, with spans mapped to lines.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::{Class, ComplexityGate, Gate, Pattern, Statistic, Targets, TargetsError, parse_limit};
use crate::model::{BenchId, Metric};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    gate: Vec<Spanned<RawGate>>,
    #[serde(default)]
    complexity: Vec<Spanned<RawComplexity>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    bench: Spanned<String>,
    metric: Spanned<String>,
    statistic: Option<Spanned<String>>,
    max: Spanned<toml::Value>,
    goal: Option<Spanned<toml::Value>>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComplexity {
    bench: Spanned<String>,
    metric: Spanned<String>,
    sizes: Spanned<Vec<u64>>,
    class: Spanned<String>,
    source: Option<String>,
}

/// Where each line of a text starts, to turn byte offsets into line
/// numbers in O(log n) each. Counting newlines from the start for every
/// entry made loading a large file quadratic (a 16 MB file took minutes).
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        Lines(starts)
    }

    /// 1-based line of a byte offset.
    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

impl Targets {
    /// Reads and validates the file.
    pub fn load(path: &Path) -> Result<Targets, TargetsError> {
        let text = std::fs::read_to_string(path).map_err(|e| TargetsError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Targets::parse(&text, path)
    }

    /// Validates `text`, naming `path` in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Targets, TargetsError> {
        let lines = Lines::new(text);
        let line_of = |offset: usize| lines.of(offset);
        let invalid = |span: Range<usize>, message: String| TargetsError::Invalid {
            path: path.to_path_buf(),
            line: line_of(span.start),
            message,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace('\n', " ");
            invalid(e.span().unwrap_or(0..0), message)
        })?;
        let mut targets = Targets {
            path: path.to_path_buf(),
            ..Targets::default()
        };
        for entry in raw.gate {
            let line = line_of(entry.span().start);
            let g = entry.into_inner();
            let metric = parse_metric(&g.metric).map_err(|m| invalid(g.metric.span(), m))?;
            let statistic =
                parse_statistic(g.statistic.as_ref(), &metric).map_err(|(s, m)| invalid(s, m))?;
            let limit = |v: &Spanned<toml::Value>| {
                let text = match v.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Integer(i) => i.to_string(),
                    toml::Value::Float(f) => f.to_string(),
                    other => {
                        return Err(invalid(
                            v.span(),
                            format!("expected a quantity, found {}", other.type_str()),
                        ));
                    }
                };
                parse_limit(&text, &metric).map_err(|m| invalid(v.span(), m))
            };
            let max = limit(&g.max)?;
            let goal = g.goal.as_ref().map(limit).transpose()?;
            if let (Some(goal_v), Some(span)) = (goal, g.goal.as_ref().map(Spanned::span))
                && goal_v > max
            {
                return Err(invalid(span, "goal must not exceed max".to_owned()));
            }
            check_bench_text(g.bench.get_ref()).map_err(|m| invalid(g.bench.span(), m))?;
            targets.gates.push(Gate {
                bench: Pattern::new(g.bench.get_ref()),
                metric,
                statistic,
                max,
                goal,
                source: g.source.unwrap_or_default(),
                line,
            });
        }
        for entry in raw.complexity {
            let line = line_of(entry.span().start);
            let c = entry.into_inner();
            let metric = parse_metric(&c.metric).map_err(|m| invalid(c.metric.span(), m))?;
            let class = match c.class.get_ref().as_str() {
                "O(1)" => Class::Constant,
                "O(log n)" => Class::Log,
                "O(n)" => Class::Linear,
                "O(n log n)" => Class::Linearithmic,
                other => {
                    return Err(invalid(
                        c.class.span(),
                        format!(
                            "unknown class {other:?}: expected O(1), O(log n), O(n) or O(n log n)"
                        ),
                    ));
                }
            };
            let sizes = c.sizes.get_ref().clone();
            if sizes.len() < 3
                || sizes.iter().any(|&s| s < 2)
                || sizes.windows(2).any(|w| w[0] >= w[1])
            {
                return Err(invalid(
                    c.sizes.span(),
                    "sizes must be at least 3 increasing values of 2 or more".to_owned(),
                ));
            }
            check_bench_text(c.bench.get_ref()).map_err(|m| invalid(c.bench.span(), m))?;
            targets.complexity.push(ComplexityGate {
                family: c.bench.into_inner(),
                metric,
                sizes,
                class,
                source: c.source.unwrap_or_default(),
                line,
            });
        }
        Ok(targets)
    }
}

fn check_bench_text(text: &str) -> Result<(), String> {
    BenchId::parse(text).map(|_| ()).map_err(|e| e.to_string())
}

fn parse_metric(s: &Spanned<String>) -> Result<Metric, String> {
    match s.get_ref().as_str() {
        "wall_time" | "wall_time_ns" => Ok(Metric::WallTime),
        "instructions" => Ok(Metric::Instructions),
        "heap_bytes" => Ok(Metric::HeapBytes),
        other => Err(format!(
            "unknown metric {other:?}: expected wall_time, instructions or heap_bytes"
        )),
    }
}

fn parse_statistic(
    s: Option<&Spanned<String>>,
    metric: &Metric,
) -> Result<Statistic, (Range<usize>, String)> {
    let Some(s) = s else {
        return Ok(if metric == &Metric::WallTime {
            Statistic::Mean
        } else {
            Statistic::Value
        });
    };
    let stat = match s.get_ref().as_str() {
        "mean" => Statistic::Mean,
        "median" => Statistic::Median,
        "p99" => Statistic::P99,
        "max" => Statistic::Max,
        "value" => Statistic::Value,
        other => {
            return Err((
                s.span(),
                format!("unknown statistic {other:?}: expected mean, median, p99, max or value"),
            ));
        }
    };
    let fits = (metric == &Metric::WallTime) != (stat == Statistic::Value);
    if fits {
        Ok(stat)
    } else {
        Err((
            s.span(),
            format!("statistic {:?} does not apply to {metric}", s.get_ref()),
        ))
    }
}
