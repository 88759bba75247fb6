//! `harness export --format bmf|gab`: the run for tools teams already use.
//!
//! - Bencher Metric Format (`bmf`): `{ "<bench>": { "<measure>": { "value",
//!   "lower_value", "upper_value" } } }` with measures `latency` (ns),
//!   `instructions` and `heap-bytes`.
//! - github-action-benchmark `customSmallerIsBetter` (`gab`): `[{ "name",
//!   "unit", "value", "range", "extra" }]`.

use std::io::Write;

use anyhow::Context as _;
use serde_json::{Map, Value, json};

use super::common::{Outcome, chosen_run, resolved};
use super::{ExportConfig, ExportFormat};
use crate::history::{self, HistoryError};
use crate::model::{Metric, Run};

/// Prints the chosen run in the chosen format, or the whole history as
/// JSON lines.
pub fn export(c: &ExportConfig) -> anyhow::Result<Outcome> {
    if c.format == ExportFormat::Jsonl {
        return export_jsonl(c);
    }
    let run = chosen_run(c.run.as_deref(), &c.history, c.load)?;
    let value = match c.format {
        ExportFormat::Bmf => bmf(&run),
        ExportFormat::Gab => gab(&run),
        ExportFormat::Jsonl => json!(run),
    };
    let text = serde_json::to_string_pretty(&value)? + "\n";
    match &c.out {
        Some(out) => {
            history::write_atomic(out, text.as_bytes())?;
            Ok(Outcome::ok(String::new()))
        }
        None => Ok(Outcome::ok(text)),
    }
}

/// Every run of the history, one JSON line each, in the history's order:
/// streamed to `--out` (a temporary name, renamed when complete), else
/// to standard output, so the history is never held whole in memory.
fn export_jsonl(c: &ExportConfig) -> anyhow::Result<Outcome> {
    let history = resolved(&c.history);
    let mut count = 0usize;
    let mut write = |sink: &mut dyn Write| -> anyhow::Result<()> {
        let loaded = history::for_each_run(&history, c.load, &mut |run| {
            let mut line = serde_json::to_vec(&run).map_err(|e| HistoryError::Io {
                path: history.clone(),
                message: format!("cannot encode run {:?}: {e}", run.run_id),
            })?;
            line.push(b'\n');
            count += 1;
            sink.write_all(&line)
                .map_err(|e| history::io(&history, "cannot write", e))
        })?;
        for w in &loaded.warnings {
            crate::say!("warning: {w}");
        }
        Ok(sink.flush()?)
    };
    match &c.out {
        Some(out) => {
            let tmp = out.with_file_name(format!(
                ".{}.{}.tmp",
                out.file_name().unwrap_or_default().to_string_lossy(),
                history::unique_tag()
            ));
            let result = (|| {
                let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
                write(&mut file)?;
                file.into_inner()?.sync_all()?;
                std::fs::rename(&tmp, out)?;
                anyhow::Ok(())
            })();
            if result.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            result.with_context(|| format!("{}: cannot write the export", out.display()))?;
            crate::say!("exported {count} run(s) to {}", out.display());
        }
        None => {
            let stdout = std::io::stdout();
            write(&mut std::io::BufWriter::new(stdout.lock()))?;
        }
    }
    Ok(Outcome::ok(String::new()))
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
