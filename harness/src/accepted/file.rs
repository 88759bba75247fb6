//! Reading, validating and appending to the accepted-changes file. The
//! on-disk shape is [`RawEntry`]; each entry is deserialized on its own so
//! an error can name its index and field.

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::text::{backticked, is_full_hash, is_rfc3339_utc, line_column, shown};
use super::{Acceptance, Accepted, AcceptedError};
use crate::history::{HistoryError, write_atomic};
use crate::model::{BenchId, Metric};
use crate::targets::Pattern;

/// The first lines of a file `harness accept` creates.
const HEADER: &str = "# Reviewed performance changes: from `since` on, the matching series are
# judged from their new level. Written by `harness accept`; see harness/README.md.
";

/// One `[[accepted]]` entry as written.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    bench: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metric: Option<String>,
    since: String,
    since_time: i64,
    reason: String,
    accepted_at: String,
}

/// What the appended text serializes from: one entry of the array.
#[derive(Serialize)]
struct RawFile<'a> {
    accepted: [&'a RawEntry; 1],
}

impl Accepted {
    /// Reads the file; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<Accepted, AcceptedError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Accepted::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Accepted::default()),
            Err(source) => Err(AcceptedError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Validates `text`, naming `path` in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Accepted, AcceptedError> {
        let doc_error = |span: Range<usize>, message: &str| {
            let (line, column) = line_column(text, span.start);
            AcceptedError::Toml {
                path: path.to_path_buf(),
                line,
                column,
                message: message.trim().replace('\n', " "),
            }
        };
        let root =
            DeTable::parse(text).map_err(|e| doc_error(e.span().unwrap_or(0..0), e.message()))?;
        let mut accepted = Accepted::default();
        for (key, value) in root.into_inner() {
            if key.get_ref() != "accepted" {
                let message = format!(
                    "unknown key `{}`: the file holds only [[accepted]] entries",
                    key.get_ref()
                );
                return Err(doc_error(key.span(), &message));
            }
            let span = value.span();
            let DeValue::Array(items) = value.into_inner() else {
                return Err(doc_error(
                    span,
                    "`accepted` must be an array of tables ([[accepted]])",
                ));
            };
            for item in items {
                let index = accepted.entries.len() + 1;
                let entry = Entry {
                    text,
                    path,
                    index,
                    span: item.span(),
                };
                let DeValue::Table(table) = item.get_ref() else {
                    return Err(entry.error(
                        None,
                        "entry",
                        "an [[accepted]] entry must be a table",
                    ));
                };
                accepted.entries.push(entry.validate(table)?);
            }
        }
        Ok(accepted)
    }

    /// Adds an entry and writes the file atomically (a temporary file
    /// beside it, then a rename), keeping the existing text as it is. A
    /// file that does not load is refused, and so is text that would not
    /// read back as the same entry (an invalid entry is refused with the
    /// error loading would give).
    pub fn append(path: &Path, entry: &Acceptance) -> Result<(), AcceptedError> {
        let write_error = |message: String| AcceptedError::Write {
            path: path.to_path_buf(),
            message,
        };
        let old = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HEADER.to_owned(),
            Err(source) => {
                return Err(AcceptedError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let before = Accepted::parse(&old, path)?.entries.len();
        let raw = RawEntry::from(entry);
        let encoded = toml::to_string(&RawFile { accepted: [&raw] })
            .map_err(|e| write_error(format!("cannot encode the entry: {e}")))?;
        let mut text = old;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&encoded);
        // The new text must read back as the old entries plus this one; an
        // invalid entry fails here with the error naming its field.
        let after = Accepted::parse(&text, path)?;
        let round_trip = after.entries.len() == before + 1
            && after.entries.last().map(RawEntry::from).as_ref() == Some(&raw);
        if !round_trip {
            return Err(write_error(
                "the appended entry would not read back".to_owned(),
            ));
        }
        write_atomic(path, text.as_bytes()).map_err(|e| match e {
            HistoryError::Io { message, .. } => write_error(message),
            other => write_error(other.to_string()),
        })
    }
}

impl From<&Acceptance> for RawEntry {
    fn from(a: &Acceptance) -> RawEntry {
        RawEntry {
            bench: a.bench.as_str().to_owned(),
            metric: a.metric.as_ref().map(|m| m.name().to_owned()),
            since: a.since.to_ascii_lowercase(),
            since_time: a.since_time,
            reason: a.reason.clone(),
            accepted_at: a.accepted_at.clone(),
        }
    }
}

/// One entry being validated: where it is, for the errors.
struct Entry<'a> {
    text: &'a str,
    path: &'a Path,
    index: usize,
    span: Range<usize>,
}

impl Entry<'_> {
    /// An error about `field`; `at` is the field's key and value when present.
    fn error(
        &self,
        at: Option<(&Spanned<std::borrow::Cow<'_, str>>, &Spanned<DeValue<'_>>)>,
        field: &str,
        message: &str,
    ) -> AcceptedError {
        let (line, value) = match at {
            Some((key, value)) => (
                line_column(self.text, key.span().start).0,
                shown(self.text, value.span()),
            ),
            None => (
                line_column(self.text, self.span.start).0,
                "(missing)".to_owned(),
            ),
        };
        AcceptedError::Field {
            path: self.path.to_path_buf(),
            line,
            entry: self.index,
            field: field.to_owned(),
            value,
            message: message.trim().replace('\n', " "),
        }
    }

    /// Deserializes `table` into the raw shape, then checks every value.
    fn validate(&self, table: &DeTable<'_>) -> Result<Acceptance, AcceptedError> {
        let find = |field: &str| table.iter().find(|(k, _)| k.get_ref() == field);
        let de = toml::de::Deserializer::from(Spanned::new(self.span.clone(), table.clone()));
        let raw = RawEntry::deserialize(de).map_err(|e| {
            let at_span = e.span().and_then(|s| {
                table.iter().find(|(k, v)| {
                    let (k, v) = (k.span(), v.span());
                    (k.start <= s.start && s.start < k.end)
                        || (v.start <= s.start && s.start < v.end)
                })
            });
            match at_span {
                Some((k, v)) => self.error(Some((k, v)), k.get_ref(), e.message()),
                None => {
                    let field = backticked(e.message()).unwrap_or("entry");
                    self.error(find(field), field, e.message())
                }
            }
        })?;
        let bad = |field: &str, message: &str| self.error(find(field), field, message);
        BenchId::parse(&raw.bench).map_err(|e| bad("bench", &e.to_string()))?;
        let metric = match raw.metric {
            Some(m) if m.trim().is_empty() || m.trim() != m => {
                return Err(bad(
                    "metric",
                    "metric must be a name, without surrounding spaces",
                ));
            }
            Some(m) => Some(Metric::from(m)),
            None => None,
        };
        if !is_full_hash(&raw.since) {
            return Err(bad("since", "not a full commit hash (40 hex digits)"));
        }
        if raw.reason.trim().is_empty() {
            return Err(bad("reason", "the reason must not be empty"));
        }
        if !is_rfc3339_utc(&raw.accepted_at) {
            return Err(bad(
                "accepted_at",
                "expected RFC 3339 UTC, like 2026-12-04T21:00:00Z",
            ));
        }
        Ok(Acceptance {
            bench: Pattern::new(&raw.bench),
            metric,
            since: raw.since.to_ascii_lowercase(),
            since_time: raw.since_time,
            reason: raw.reason,
            accepted_at: raw.accepted_at,
        })
    }
}
