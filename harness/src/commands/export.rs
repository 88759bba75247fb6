//! `harness export --format bmf|gab`: the run for tools teams already use.
//!
//! - Bencher Metric Format (`bmf`): `{ "<bench>": { "<measure>": { "value",
//!   "lower_value", "upper_value" } } }` with measures `latency` (ns),
//!   `instructions` and `heap-bytes`.
//! - github-action-benchmark `customSmallerIsBetter` (`gab`): `[{ "name",
//!   "unit", "value", "range", "extra" }]`.

use serde_json::{Map, Value, json};

use super::common::{Outcome, chosen_run};
use super::{ExportConfig, ExportFormat};
use crate::model::{Metric, Run};

/// Prints the chosen run in the chosen format.
pub fn export(c: &ExportConfig) -> anyhow::Result<Outcome> {
    let run = chosen_run(c.run.as_deref(), &c.history, c.load)?;
    let value = match c.format {
        ExportFormat::Bmf => bmf(&run),
        ExportFormat::Gab => gab(&run),
    };
    Ok(Outcome::ok(serde_json::to_string_pretty(&value)? + "\n"))
}

fn measure(metric: &Metric) -> String {
    match metric {
        Metric::WallTime => "latency".into(),
        Metric::Instructions => "instructions".into(),
        Metric::HeapBytes => "heap-bytes".into(),
        Metric::Other(name) => name.replace('_', "-"),
    }
}

/// Bencher Metric Format.
pub fn bmf(run: &Run) -> Value {
    let mut out = Map::new();
    for m in &run.measurements {
        let mut entry = Map::new();
        entry.insert("value".into(), json!(m.estimate));
        if let Some(i) = m.interval {
            entry.insert("lower_value".into(), json!(i.lower));
            entry.insert("upper_value".into(), json!(i.upper));
        }
        let bench = out
            .entry(m.bench.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = bench {
            map.insert(measure(&m.metric), Value::Object(entry));
        }
    }
    Value::Object(out)
}

/// github-action-benchmark `customSmallerIsBetter`.
pub fn gab(run: &Run) -> Value {
    let items: Vec<Value> = run
        .measurements
        .iter()
        .map(|m| {
            let mut item = json!({
                "name": format!("{} ({})", m.bench, m.metric),
                "unit": match m.metric {
                    Metric::WallTime => "ns",
                    Metric::HeapBytes => "bytes",
                    _ => "count",
                },
                "value": m.estimate,
                "extra": format!("run {} ({})", run.run_id, run.label()),
            });
            if let Some(i) = m.interval {
                item["range"] = json!(format!("± {:.3}", (i.upper - i.lower) / 2.0));
            }
            item
        })
        .collect();
    Value::Array(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> Run {
        crate::model::read_run(include_str!("../../tests/data/model/run.v1.json")).unwrap()
    }

    #[test]
    fn bmf_groups_measures_by_bench() {
        let v = bmf(&run());
        assert_eq!(v["ntu/observe/w5"]["latency"]["value"], json!(41.2));
        assert_eq!(v["ntu/observe/w5"]["latency"]["lower_value"], json!(40.9));
        assert_eq!(v["ntu/observe/w5"]["instructions"]["value"], json!(412.0));
        assert_eq!(v["ntu/state/w5"]["heap-bytes"]["value"], json!(312.0));
    }

    #[test]
    fn gab_is_a_flat_list() {
        let v = gab(&run());
        assert_eq!(v.as_array().unwrap().len(), 3);
        assert_eq!(v[0]["name"], json!("ntu/observe/w5 (wall_time_ns)"));
        assert_eq!(v[0]["unit"], json!("ns"));
        assert!(v[0]["range"].as_str().unwrap().starts_with("± 0.35"));
        assert!(v[1].get("range").is_none());
    }
}
