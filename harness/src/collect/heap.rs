//! The heap probe's output, `target/heap/heap.json`, written by
//! `benches/heap.rs` (dhat):
//! `{"schema": 1, "measurements": [{"id", "metric", "value", "unit"}]}`.
//! Units are normalised to bytes (decimal KB/MB/GB and binary KiB/MiB/GiB).

use std::path::Path;

use serde_json::Value;

use super::json::{Doc, number};
use super::{CollectError, read_json};
use crate::model::{BenchId, Measurement, Metric};

/// The heap file's schema version this parser reads.
const SCHEMA: u64 = 1;

/// Reads the heap file at `path` (or `heap.json` inside a folder).
pub fn collect(path: &Path) -> Result<Vec<Measurement>, CollectError> {
    let path = if path.is_dir() {
        path.join("heap.json")
    } else {
        path.to_path_buf()
    };
    let value = read_json(&path)?;
    let doc = Doc {
        path: &path,
        value: &value,
    };
    match doc.get("schema").and_then(Value::as_u64) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(doc.error("schema", format!("version {other}, expected {SCHEMA}")));
        }
        None => return Err(doc.error("schema", "missing")),
    }
    let items = doc
        .get("measurements")
        .and_then(Value::as_array)
        .ok_or_else(|| doc.error("measurements", "missing or not an array"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| read_item(&doc, i, item))
        .collect()
}

fn read_item(doc: &Doc<'_>, i: usize, item: &Value) -> Result<Measurement, CollectError> {
    let field = |name: &str| format!("measurements[{i}].{name}");
    let text = |name: &str| {
        item.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| doc.error(&field(name), "missing or not a string"))
    };
    let bench = BenchId::parse(text("id")?).map_err(|e| doc.error(&field("id"), e.to_string()))?;
    let metric = Metric::from(text("metric")?.to_owned());
    let raw = item
        .get("value")
        .and_then(number)
        .ok_or_else(|| doc.error(&field("value"), "missing or not a number"))?;
    let raw = doc.check(&field("value"), raw)?;
    let unit = item.get("unit").and_then(Value::as_str).unwrap_or("bytes");
    let factor = byte_factor(unit)
        .ok_or_else(|| doc.error(&field("unit"), format!("unknown unit {unit:?}")))?;
    Measurement::point(bench, metric, raw * factor, "heap")
        .map_err(|e| doc.error(&field("value"), e.to_string()))
}

/// Bytes per unit; counts (`blocks`, `count`, empty) are factor 1.
pub fn byte_factor(unit: &str) -> Option<f64> {
    Some(match unit {
        "B" | "bytes" | "byte" | "" | "count" | "blocks" => 1.0,
        "KB" | "kB" => 1e3,
        "KiB" => 1024.0,
        "MB" => 1e6,
        "MiB" => 1024.0 * 1024.0,
        "GB" => 1e9,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_normalises_the_probe_file() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/heap/probe");
        let ms = collect(&dir).unwrap();
        assert_eq!(ms.len(), 3);
        assert_eq!(
            (ms[0].bench.as_str(), ms[0].estimate),
            ("ntu/state/w5", 312.0)
        );
        assert_eq!(ms[1].estimate, 512.0);
        assert_eq!(ms[2].estimate, 19.5e6);
        assert_eq!(ms[2].metric, Metric::HeapBytes);
    }

    #[test]
    fn bad_units_and_values_name_the_field() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("heap.json");
        std::fs::write(&f, r#"{"schema":1,"measurements":[{"id":"a/b","metric":"heap_bytes","value":1,"unit":"parsecs"}]}"#).unwrap();
        assert!(
            collect(&f)
                .unwrap_err()
                .to_string()
                .contains("measurements[0].unit")
        );
        std::fs::write(
            &f,
            r#"{"schema":1,"measurements":[{"id":"a/b","metric":"heap_bytes","value":-1}]}"#,
        )
        .unwrap();
        assert!(collect(&f).unwrap_err().to_string().contains("negative"));
        std::fs::write(&f, r#"{"schema":2,"measurements":[]}"#).unwrap();
        assert!(collect(&f).unwrap_err().to_string().contains("version 2"));
    }
}
