//! Culprits found by `harness bisect`: the main-branch workflow bisects
//! each slowdown `check --suspects` names and keeps the results (`bisect
//! --out`, one JSON file per range) in a folder beside the history; the
//! dashboard lists them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One bisected range, as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Culprit {
    /// The good side's commit.
    pub good: String,
    /// The bad side's commit.
    pub bad: String,
    /// The first bad commit.
    pub commit: String,
    /// First line of its message.
    pub summary: String,
    /// Skipped (unbuildable) commits just before it that could also be it.
    pub or_skipped: Vec<String>,
    /// The changed benches at the culprit, against good.
    pub benches: Vec<Evidence>,
    /// The file it was read from, for the reader who wants the details.
    pub file: String,
}

/// One changed bench at the culprit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Bench id.
    pub bench: String,
    /// Metric name.
    pub metric: String,
    /// Median culprit/good ratio.
    pub ratio: Option<f64>,
    /// 95 % interval of the ratio, when wall time.
    pub lower: Option<f64>,
    /// Its upper bound.
    pub upper: Option<f64>,
    /// Paired rounds.
    pub rounds: usize,
}

/// The parts of `bisect --out` the page needs.
#[derive(Deserialize)]
struct Bisection {
    good: Side,
    bad: Side,
    first_bad: Option<FirstBad>,
}

#[derive(Deserialize)]
struct Side {
    commit: String,
}

#[derive(Deserialize)]
struct FirstBad {
    commit: String,
    summary: String,
    #[serde(default)]
    or_skipped: Vec<String>,
    evidence: Vec<Evidence>,
}

/// Why the bisect results could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CulpritError {
    /// The folder or a file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The folder or file.
        path: PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// A file is not the JSON `harness bisect --out` writes.
    #[error("{path}: not a `harness bisect --out` result: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Where and why.
        source: serde_json::Error,
    },
}

/// Every `*.json` result in `dir` that found a culprit, newest file name
/// last (sorted by name). A missing folder is no results.
pub fn load(dir: &Path) -> Result<Vec<Culprit>, CulpritError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(CulpritError::Read {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| CulpritError::Read {
            path: path.clone(),
            source,
        })?;
        let b: Bisection = serde_json::from_str(&text).map_err(|source| CulpritError::Parse {
            path: path.clone(),
            source,
        })?;
        if let Some(f) = b.first_bad {
            out.push(Culprit {
                good: b.good.commit,
                bad: b.bad.commit,
                commit: f.commit,
                summary: f.summary,
                or_skipped: f.or_skipped,
                benches: f.evidence,
                file: path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_culprits_skips_ranges_without_one_and_names_a_bad_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(&dir.path().join("none")).unwrap().is_empty());
        let found = serde_json::json!({
            "good": {"rev": "a", "commit": "aaaa"}, "bad": {"rev": "b", "commit": "bbbb"},
            "commits": 3, "changed": [], "tested": [], "warnings": [],
            "first_bad": {"commit": "cccc", "summary": "<b>slow</b>", "or_skipped": [],
                "evidence": [{"bench": "x/y", "metric": "wall_time_ns", "unit": "ns",
                    "base": 1.0, "head": 1.3, "rounds": 4, "ratio": 1.3, "lower": 1.2,
                    "upper": 1.4, "p": 0.001, "threshold": null, "verdict": "regressed",
                    "why": [], "settled": true}]}
        });
        std::fs::write(dir.path().join("b.json"), found.to_string()).unwrap();
        let nothing = serde_json::json!({
            "good": {"rev": "a", "commit": "aaaa"}, "bad": {"rev": "b", "commit": "dddd"},
            "first_bad": null
        });
        std::fs::write(dir.path().join("a.json"), nothing.to_string()).unwrap();
        let got = load(dir.path()).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].commit, "cccc");
        assert_eq!(got[0].benches[0].ratio, Some(1.3));
        assert_eq!(got[0].file, "b.json");

        std::fs::write(dir.path().join("c.json"), "{\"good\": 1}").unwrap();
        let e = load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("c.json") && e.contains("bisect --out"), "{e}");
    }
}
