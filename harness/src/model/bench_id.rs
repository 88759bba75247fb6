//! Bench identifiers: the one type that names a bench everywhere (history,
//! gates, file names).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a bench id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BenchIdError {
    /// The id was empty or only whitespace.
    #[error("bench id is empty")]
    Empty,
    /// A `/`-separated segment was empty, as in `ntu//w5`.
    #[error("bench id {0:?} has an empty segment")]
    EmptySegment(String),
    /// Control characters or leading/trailing whitespace.
    #[error("bench id {0:?} has control characters or surrounding whitespace")]
    BadCharacters(String),
}

/// A bench id such as `ntu/observe/w64`.
///
/// Ids from this workspace follow `system/operation/parameter` with
/// lowercase words; ids imported from other crates may hold spaces and
/// capitals (Criterion's `fib 20 - fast`), so the type accepts any
/// non-empty `/`-separated segments of printable text and
/// [`BenchId::is_canonical`] says whether the stricter form holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BenchId(String);

impl BenchId {
    /// Validates `raw` as a bench id.
    pub fn parse(raw: &str) -> Result<BenchId, BenchIdError> {
        if raw.trim().is_empty() {
            return Err(BenchIdError::Empty);
        }
        if raw.trim() != raw || raw.chars().any(char::is_control) {
            return Err(BenchIdError::BadCharacters(raw.to_owned()));
        }
        if raw.split('/').any(|seg| seg.trim().is_empty()) {
            return Err(BenchIdError::EmptySegment(raw.to_owned()));
        }
        Ok(BenchId(raw.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for ids of the workspace's own form: two or more segments of
    /// `[a-z0-9_.-]`, e.g. `session_dag/lineage/1000`.
    pub fn is_canonical(&self) -> bool {
        let segs: Vec<&str> = self.0.split('/').collect();
        segs.len() >= 2
            && segs.iter().all(|s| {
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c))
            })
    }

    /// The id without its last segment (`session_dag/lineage/1000` →
    /// `session_dag/lineage`), used to group a size sweep.
    pub fn family(&self) -> &str {
        self.0
            .rsplit_once('/')
            .map_or(self.0.as_str(), |(head, _)| head)
    }

    /// The size encoded in the last segment: its trailing digits after an
    /// optional non-digit prefix (`w64` → 64, `1000` → 1000). `None` when
    /// the last segment does not end in digits or has digits before a
    /// letter (`1000x384` is not a size).
    pub fn size(&self) -> Option<u64> {
        let last = self.0.rsplit('/').next()?;
        let start = last.find(|c: char| c.is_ascii_digit())?;
        let digits = &last[start..];
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    }

    /// A file-system-safe name, one path component: every character
    /// outside `[A-Za-z0-9_.-]` becomes `_`, `/` becomes `__` so that
    /// distinct ids rarely collide, and a leading `.` becomes `_`, so that
    /// the name is never `.`, `..` or hidden.
    pub fn file_stem(&self) -> String {
        let mut stem: String = self
            .0
            .replace('/', "__")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if stem.starts_with('.') {
            stem.replace_range(..1, "_");
        }
        stem
    }

    /// The id as a relative path, one folder per segment, as Criterion
    /// lays out its output (`ntu/observe/w5` → `ntu/observe/w5`), with the
    /// characters Criterion replaces in folder names (`?"\\*<>:|^`) as
    /// `_`. `None` when a segment is `.` or `..`, which would not stay
    /// inside the folder the path is joined to.
    pub fn relative_path(&self) -> Option<std::path::PathBuf> {
        self.0
            .split('/')
            .map(|seg| {
                (seg != "." && seg != "..")
                    .then(|| seg.replace(['?', '"', '\\', '*', '<', '>', ':', '|', '^'], "_"))
            })
            .collect()
    }
}

impl TryFrom<String> for BenchId {
    type Error = BenchIdError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        BenchId::parse(&raw)
    }
}

impl From<BenchId> for String {
    fn from(id: BenchId) -> String {
        id.0
    }
}

impl fmt::Display for BenchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_workspace_and_foreign_ids() {
        assert!(BenchId::parse("ntu/observe/w64").unwrap().is_canonical());
        let foreign = BenchId::parse("fib 20 - fast").unwrap();
        assert!(!foreign.is_canonical());
        assert_eq!(foreign.file_stem(), "fib_20_-_fast");
    }

    #[test]
    fn rejects_empty_and_broken_ids() {
        assert_eq!(BenchId::parse(" "), Err(BenchIdError::Empty));
        assert!(matches!(
            BenchId::parse("a//b"),
            Err(BenchIdError::EmptySegment(_))
        ));
        assert!(matches!(
            BenchId::parse(" a/b"),
            Err(BenchIdError::BadCharacters(_))
        ));
        assert!(matches!(
            BenchId::parse("a\n/b"),
            Err(BenchIdError::BadCharacters(_))
        ));
    }

    #[test]
    fn names_made_from_an_id_never_leave_their_folder() {
        let stem = |s: &str| BenchId::parse(s).unwrap().file_stem();
        assert_eq!(stem(".."), "_.");
        assert_eq!(stem("."), "_");
        assert_eq!(stem("../../etc/passwd"), "_.__..__etc__passwd");
        assert_eq!(stem(".hidden/x"), "_hidden__x");
        let path = |s: &str| BenchId::parse(s).unwrap().relative_path();
        assert_eq!(
            path("ntu/observe/w5"),
            Some(std::path::PathBuf::from("ntu/observe/w5"))
        );
        assert_eq!(
            path("fib 20 - fast"),
            Some(std::path::PathBuf::from("fib 20 - fast"))
        );
        for bad in ["..", "a/../../b", "a/./b", "a/.."] {
            assert_eq!(path(bad), None, "{bad}");
        }
        // A backslash or a drive colon cannot make a folder of its own.
        assert_eq!(path("..\\x/c:"), Some(std::path::PathBuf::from(".._x/c_")));
        assert_eq!(path("a/..b/c..").unwrap().components().count(), 3);
    }

    #[test]
    fn sizes_come_from_the_last_segment() {
        let size = |s: &str| BenchId::parse(s).unwrap().size();
        assert_eq!(size("ntu/observe/w64"), Some(64));
        assert_eq!(size("session_dag/lineage/100000"), Some(100_000));
        assert_eq!(size("snr/compute/1000x384"), None);
        assert_eq!(size("ntu/observe"), None);
        assert_eq!(BenchId::parse("a/b/w5").unwrap().family(), "a/b");
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<BenchId>("\"a//b\"").is_err());
        assert!(serde_json::from_str::<BenchId>("\"a/b\"").is_ok());
    }
}
