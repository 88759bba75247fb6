//! What was measured and in which unit.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The quantity a measurement holds. Unknown names from newer files are
/// kept as [`Metric::Other`] rather than rejected.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Metric {
    /// Wall-clock time per iteration, in nanoseconds.
    WallTime,
    /// Executed instructions (callgrind `Ir`), a count.
    Instructions,
    /// Heap bytes (dhat), in bytes.
    HeapBytes,
    /// Any other metric name, kept verbatim.
    Other(String),
}

impl Metric {
    /// The name used in files: `wall_time_ns`, `instructions`,
    /// `heap_bytes`, or the other name.
    pub fn name(&self) -> &str {
        match self {
            Metric::WallTime => "wall_time_ns",
            Metric::Instructions => "instructions",
            Metric::HeapBytes => "heap_bytes",
            Metric::Other(name) => name,
        }
    }

    /// Whether the metric is deterministic (instruction counts, heap
    /// bytes: the same binary and input give the same number), judged by
    /// a learnt noise threshold rather than statistics over runs.
    pub fn is_exact(&self) -> bool {
        matches!(self, Metric::Instructions | Metric::HeapBytes)
    }

    /// The unit every collector normalises this metric to.
    pub fn unit(&self) -> Unit {
        match self {
            Metric::WallTime => Unit::Nanoseconds,
            Metric::HeapBytes => Unit::Bytes,
            Metric::Instructions | Metric::Other(_) => Unit::Count,
        }
    }
}

impl From<String> for Metric {
    fn from(name: String) -> Metric {
        match name.as_str() {
            "wall_time_ns" | "wall_time" => Metric::WallTime,
            "instructions" => Metric::Instructions,
            "heap_bytes" => Metric::HeapBytes,
            _ => Metric::Other(name),
        }
    }
}

impl From<Metric> for String {
    fn from(m: Metric) -> String {
        m.name().to_owned()
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The unit of a measurement after normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// Nanoseconds.
    #[serde(rename = "ns")]
    Nanoseconds,
    /// Bytes.
    #[serde(rename = "bytes")]
    Bytes,
    /// A plain count (instructions, events).
    #[serde(rename = "count")]
    Count,
}

impl Unit {
    /// The short name shown in tables.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Nanoseconds => "ns",
            Unit::Bytes => "B",
            Unit::Count => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_survive() {
        for m in [Metric::WallTime, Metric::Instructions, Metric::HeapBytes] {
            assert_eq!(Metric::from(String::from(m.clone())), m);
        }
        let other: Metric = serde_json::from_str("\"cache_misses\"").unwrap();
        assert_eq!(other, Metric::Other("cache_misses".into()));
        assert_eq!(serde_json::to_string(&other).unwrap(), "\"cache_misses\"");
        assert_eq!(Metric::from("wall_time".to_owned()), Metric::WallTime);
    }
}
