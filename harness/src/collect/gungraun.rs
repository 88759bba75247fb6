//! gungraun (formerly iai-callgrind) JSON summaries, schema v6 and v7.
//!
//! Both versions share the top level (`version`, `function_name`, `id`,
//! `module_path` = `bench_file::group::function`, `profiles[]` with a
//! `tool`). They differ below a profile:
//!
//! - v6: `summaries.total.summary.Callgrind.Ir.metrics` = `{"Both": [new, old]}`,
//!   `{"Left": new}` or `{"Right": old}`, each `{"Int": n}` or `{"Float": x}`.
//! - v7: `data.total.metrics.Ir.values` = `{"new": n, "old": n}` with plain
//!   numbers (gungraun 0.20), and a top-level `group`. Early v7 builds kept
//!   the v6 shapes under `data`; both are read.
//!
//! Unknown fields are ignored, so newer additions do not break reading. The
//! bench id is `<group>/<function>/<id>` (or `<group>/<function>` without an
//! id), matching the Criterion ids of the same hot path. A gungraun id must
//! be an identifier, so a parameter that starts with a digit is written with
//! a leading `_` (`_100`, `_5x384`); the underscore is dropped here so that
//! both suites name the bench alike (`session_dag/lineage/100`).

use std::path::Path;
use std::time::SystemTime;

use serde_json::Value;

use super::json::{Doc, number};
use super::{CollectError, find_files, read_json};
use crate::model::{BenchId, Measurement, Metric};

/// Reads one summary file or every `summary.json` below a folder.
pub fn collect(root: &Path) -> Result<Vec<Measurement>, CollectError> {
    collect_since(root, None)
}

/// Like [`collect`], keeping only summaries written at or after `since`.
pub fn collect_since(
    root: &Path,
    since: Option<SystemTime>,
) -> Result<Vec<Measurement>, CollectError> {
    let files = if root.is_file() {
        vec![root.to_path_buf()]
    } else {
        find_files(root, "summary.json", &[])?
    };
    let files: Vec<_> = files
        .into_iter()
        .filter(|f| super::modified_since(f, since))
        .collect();
    if files.is_empty() {
        return Err(CollectError::NothingFound {
            path: root.display().to_string(),
            tool: "gungraun",
        });
    }
    files.iter().map(|f| read_summary(f)).collect()
}

/// Reads one summary into its instruction-count measurement.
pub fn read_summary(path: &Path) -> Result<Measurement, CollectError> {
    let value = read_json(path)?;
    let doc = Doc {
        path,
        value: &value,
    };
    let version = doc
        .get("version")
        .and_then(|v| {
            v.as_str()
                .map(str::to_owned)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        })
        .ok_or_else(|| doc.error("version", "missing"))?;
    if !matches!(version.as_str(), "6" | "7") {
        return Err(doc.error("version", format!("schema {version} is not one of 6, 7")));
    }
    let bench = bench_id(&doc)?;
    let profiles = doc
        .get("profiles")
        .and_then(Value::as_array)
        .ok_or_else(|| doc.error("profiles", "missing or not an array"))?;
    let callgrind = profiles
        .iter()
        .find(|p| {
            p.get("tool")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case("callgrind"))
        })
        .ok_or_else(|| doc.error("profiles", "no Callgrind profile"))?;
    let ir = instructions(callgrind)
        .ok_or_else(|| doc.error("profiles[Callgrind].total.Ir", "no new value"))?;
    let ir = doc.check("profiles[Callgrind].total.Ir", ir)?;
    Measurement::point(bench, Metric::Instructions, ir, "gungraun")
        .map_err(|e| doc.error("profiles[Callgrind].total.Ir", e.to_string()))
}

/// `<group>/<function>/<id>`: the group from `group` (v7) or the middle of
/// `module_path` (both).
fn bench_id(doc: &Doc<'_>) -> Result<BenchId, CollectError> {
    let function = doc
        .get("function_name")
        .and_then(Value::as_str)
        .ok_or_else(|| doc.error("function_name", "missing"))?;
    let group = doc
        .get("group")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            let path = doc.get("module_path")?.as_str()?;
            let parts: Vec<&str> = path.split("::").collect();
            (parts.len() >= 3).then(|| parts[parts.len() - 2].to_owned())
        });
    let group = group.ok_or_else(|| doc.error("group", "missing, and module_path has no group"))?;
    let mut raw = format!("{group}/{function}");
    if let Some(id) = doc.get("id").and_then(Value::as_str) {
        raw = format!("{raw}/{}", parameter(id));
    }
    BenchId::parse(&raw).map_err(|e| doc.error("id", e.to_string()))
}

/// The bench parameter a gungraun id stands for: `_100` → `100`; any other
/// id as it is.
fn parameter(id: &str) -> &str {
    match id.strip_prefix('_') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => id,
    }
}

/// The new `Ir` total of a Callgrind profile in any known layout.
fn instructions(profile: &Value) -> Option<f64> {
    let total = profile
        .get("data")
        .or_else(|| profile.get("summaries"))?
        .get("total")?;
    let ir = total
        .get("metrics")
        .and_then(|m| m.get("Ir"))
        .or_else(|| total.get("summary")?.get("Callgrind")?.get("Ir"))
        .or_else(|| total.get("summary")?.get("Ir"))?;
    let values = ir.get("values").or_else(|| ir.get("metrics"))?;
    let new = values
        .get("new")
        .or_else(|| values.get("Left"))
        .or_else(|| values.get("Both")?.get(0))?;
    number(new)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/gungraun");

    #[test]
    fn reads_the_v6_fixture() {
        let file = Path::new(DATA).join("v6/gungraun_fixture_summary.v6.json");
        let m = read_summary(&file).unwrap();
        assert_eq!(
            m.bench.as_str(),
            "my_group/bench_allocation/measure_just_nested_setup_0"
        );
        assert_eq!(m.metric, Metric::Instructions);
        assert_eq!(m.estimate, 56.0);
    }

    #[test]
    fn reads_a_v7_tree_and_maps_the_id() {
        let ms = collect(&Path::new(DATA).join("v7")).unwrap();
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].bench.as_str(), "ntu/observe/w5");
        assert_eq!(ms[0].estimate, 1015.0);
    }

    /// A summary written by gungraun 0.20 in this workspace (`cargo bench
    /// --bench instructions -- --save-summary=json`); its terminal output
    /// read `Instructions: 1023` for this bench.
    #[test]
    fn reads_a_real_gungraun_0_20_summary_and_drops_the_id_underscore() {
        let ms = collect(&Path::new(DATA).join("v7-real")).unwrap();
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].bench.as_str(), "session_dag/lineage/1000");
        assert_eq!(ms[0].estimate, 1023.0);
    }

    #[test]
    fn only_a_digit_after_the_underscore_is_a_parameter() {
        assert_eq!(parameter("_100"), "100");
        assert_eq!(parameter("_5x384"), "5x384");
        assert_eq!(parameter("_private"), "_private");
        assert_eq!(parameter("w64"), "w64");
    }

    #[test]
    fn unknown_versions_and_missing_profiles_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("summary.json");
        std::fs::write(
            &f,
            r#"{"version":"9","function_name":"f","group":"g","profiles":[]}"#,
        )
        .unwrap();
        assert!(
            read_summary(&f)
                .unwrap_err()
                .to_string()
                .contains("schema 9")
        );
        std::fs::write(
            &f,
            r#"{"version":"7","function_name":"f","group":"g","profiles":[]}"#,
        )
        .unwrap();
        let err = read_summary(&f).unwrap_err().to_string();
        assert!(
            err.contains("summary.json") && err.contains("no Callgrind profile"),
            "{err}"
        );
    }
}
