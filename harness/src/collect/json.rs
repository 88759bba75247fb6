//! Reading JSON result files with errors that name the file and field.

use std::path::Path;

use serde_json::Value;

/// Why a tool's result file could not be turned into measurements. Every
/// variant names the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CollectError {
    /// The file or folder does not exist.
    #[error("{path}: file is missing")]
    Missing {
        /// The path.
        path: String,
    },
    /// The file exists but could not be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS error.
        message: String,
    },
    /// Zero bytes or only whitespace.
    #[error("{path}: file is empty")]
    Empty {
        /// The path.
        path: String,
    },
    /// JSON that stops before it is complete (a crash mid-write).
    #[error("{path}: truncated JSON (ends early at line {line}, column {column})")]
    Truncated {
        /// The path.
        path: String,
        /// Line where input ended.
        line: usize,
        /// Column where input ended.
        column: usize,
    },
    /// Not JSON at all.
    #[error("{path}: not JSON ({message})")]
    NotJson {
        /// The path.
        path: String,
        /// serde_json's message.
        message: String,
    },
    /// A field is missing or holds a bad value.
    #[error("{path}: field `{field}`: {problem}")]
    Field {
        /// The path.
        path: String,
        /// Dotted field path, e.g. `mean.point_estimate`.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// The folder holds no result files of this tool.
    #[error("{path}: no {tool} results found")]
    NothingFound {
        /// The folder.
        path: String,
        /// The tool looked for.
        tool: &'static str,
    },
}

/// Reads and parses one JSON file, classifying failures.
pub fn read_json(path: &Path) -> Result<Value, CollectError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CollectError::Missing {
            path: shown.clone(),
        },
        _ => CollectError::Io {
            path: shown.clone(),
            message: e.to_string(),
        },
    })?;
    if text.trim().is_empty() {
        return Err(CollectError::Empty { path: shown });
    }
    serde_json::from_str(&text).map_err(|e| {
        if e.is_eof() {
            CollectError::Truncated {
                path: shown,
                line: e.line(),
                column: e.column(),
            }
        } else {
            CollectError::NotJson {
                path: shown,
                message: e.to_string(),
            }
        }
    })
}

/// A JSON document and the file it came from, for field access with
/// errors naming both.
pub struct Doc<'a> {
    /// The file, for messages.
    pub path: &'a Path,
    /// The parsed document.
    pub value: &'a Value,
}

impl Doc<'_> {
    /// An error about `field` in this file.
    pub fn error(&self, field: &str, problem: impl Into<String>) -> CollectError {
        CollectError::Field {
            path: self.path.display().to_string(),
            field: field.to_owned(),
            problem: problem.into(),
        }
    }

    /// The value at a dotted `field` path, if present and not null.
    pub fn get(&self, field: &str) -> Option<&Value> {
        lookup(self.value, field)
    }

    /// A required number: finite and non-negative.
    pub fn time(&self, field: &str) -> Result<f64, CollectError> {
        let v = self
            .get(field)
            .ok_or_else(|| self.error(field, "missing"))?;
        number(v).map_or_else(
            || Err(self.error(field, format!("not a number: {v}"))),
            |x| self.check(field, x),
        )
    }

    /// Checks that `x` is a valid measured value.
    pub fn check(&self, field: &str, x: f64) -> Result<f64, CollectError> {
        crate::model::check_value(x).map_err(|e| self.error(field, e.to_string()))
    }

    /// A required array of valid numbers.
    pub fn times(&self, field: &str) -> Result<Vec<f64>, CollectError> {
        let arr = self
            .get(field)
            .ok_or_else(|| self.error(field, "missing"))?
            .as_array()
            .ok_or_else(|| self.error(field, "not an array"))?;
        arr.iter()
            .enumerate()
            .map(|(i, v)| {
                let f = format!("{field}[{i}]");
                // serde_json reads NaN written as a bare word as an error,
                // but "NaN" strings and nulls also turn up: name them.
                let x = number(v).ok_or_else(|| self.error(&f, format!("not a number: {v}")))?;
                self.check(&f, x)
            })
            .collect()
    }
}

/// Follows a dotted path through objects; `null` counts as absent.
pub fn lookup<'v>(value: &'v Value, field: &str) -> Option<&'v Value> {
    field
        .split('.')
        .try_fold(value, |v, key| v.get(key))
        .filter(|v| !v.is_null())
}

/// A number from a plain JSON number or from the tagged shapes some tools
/// write (`{"Int": 5}`, `{"Float": 0.5}`, `{"value": ...}`).
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        Value::Object(map) => ["Int", "Float", "value"]
            .iter()
            .find_map(|k| map.get(*k))
            .and_then(number),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("estimates.json");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn classifies_missing_empty_truncated_and_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read_json(&dir.path().join("nope.json")).unwrap_err();
        assert!(matches!(missing, CollectError::Missing { .. }));
        assert!(matches!(
            read_json(&write("  \n").1),
            Err(CollectError::Empty { .. })
        ));
        assert!(matches!(
            read_json(&write("{\"a\": [1, 2").1),
            Err(CollectError::Truncated { .. })
        ));
        let garbage = read_json(&write("<html>").1).unwrap_err();
        assert!(matches!(garbage, CollectError::NotJson { .. }));
        assert!(garbage.to_string().contains("estimates.json"));
    }

    #[test]
    fn fields_are_checked_and_named() {
        let (_d, path) = write("{\"a\": {\"b\": -2.0}, \"t\": [1.0, \"NaN\"]}");
        let value = read_json(&path).unwrap();
        let doc = Doc {
            path: &path,
            value: &value,
        };
        let neg = doc.time("a.b").unwrap_err().to_string();
        assert!(neg.contains("`a.b`") && neg.contains("negative"), "{neg}");
        let nan = doc.times("t").unwrap_err().to_string();
        assert!(
            nan.contains("`t[1]`") && nan.contains("not finite"),
            "{nan}"
        );
        assert!(doc.time("a.c").unwrap_err().to_string().contains("missing"));
    }

    #[test]
    fn reads_tagged_numbers() {
        assert_eq!(number(&serde_json::json!({"Int": 56})), Some(56.0));
        assert_eq!(number(&serde_json::json!({"Float": 0.5})), Some(0.5));
        assert_eq!(number(&serde_json::json!(7)), Some(7.0));
        assert_eq!(number(&serde_json::json!([1])), None);
    }
}
