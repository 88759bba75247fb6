//! The context that travels through the hook chain, and its digest.

use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{FateScore, HookPhase, UtcTimestamp};
use crate::py::{PyValue, write_json_str, write_str_repr};

/// A Python `dict[str, Any]`: entries in insertion order.
pub type PyDict = Vec<(String, PyValue)>;

/// The entries of `value` if it is a dict, or `value` back if it is not.
pub fn into_dict(value: PyValue) -> Result<PyDict, PyValue> {
    match value {
        PyValue::Dict(entries) => Ok(entries),
        other => Err(other),
    }
}

/// The first value stored under `key` (Python's `dict.get`).
pub fn dict_get<'a>(dict: &'a [(String, PyValue)], key: &str) -> Option<&'a PyValue> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// One line of the audit trail: which hook ran, in which phase, when.
///
/// Kept structured so that recording a hook costs no formatting; its
/// [`Display`](fmt::Display) form is the reference's trace string
/// `"{clock}:{phase}:{name}@{unix seconds, 3 decimals}"`.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceEntry {
    /// The logical clock after it was incremented for this run.
    pub clock: u64,
    /// The phase the hook ran in.
    pub phase: HookPhase,
    /// The hook's name (`"operation"` for the operation itself).
    pub name: Arc<str>,
    /// Wall-clock time of the run, seconds since the Unix epoch.
    pub unix_seconds: f64,
}

impl fmt::Display for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}@{:.3}",
            self.clock,
            self.phase.as_str(),
            self.name,
            self.unix_seconds
        )
    }
}

/// What a hook sees and may change: the operation, its data, the gate's
/// score and the audit trail.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HookContext {
    /// Unique id of this execution; empty counts against accountability.
    pub execution_id: String,
    /// When the execution started; `None` counts against accountability.
    pub timestamp: Option<UtcTimestamp>,
    /// Logical (Lamport) clock, incremented before each trace entry.
    pub logical_clock: u64,
    /// Name of the operation; its words are matched against the intent.
    pub operation_name: String,
    /// Kind of operation; `"unknown"` counts against transparency.
    pub operation_type: String,
    /// The operation's input, hashed into the digest by its Python `repr`.
    pub input_data: PyDict,
    /// The operation's output: `{"result": ...}` once it ran, plus whatever
    /// hooks add.
    pub output_data: PyDict,
    /// The gate's score, once the gate ran.
    pub fate_score: Option<FateScore>,
    /// The audit trail, one entry per hook run.
    pub hook_trace: Vec<TraceEntry>,
    /// The operation's error message, if it failed.
    pub error: Option<String>,
    /// Free-form context; `description`, `rationale` and the violation flags
    /// `pii_detected`, `toxicity_detected`, `ethics_violation` feed the gate.
    pub metadata: PyDict,
}

impl HookContext {
    /// A context for `operation_name` with the reference's defaults:
    /// operation type `"unknown"`, no data, no metadata, an empty trace.
    pub fn new(
        execution_id: impl Into<String>,
        timestamp: Option<UtcTimestamp>,
        operation_name: impl Into<String>,
    ) -> Self {
        HookContext {
            execution_id: execution_id.into(),
            timestamp,
            operation_name: operation_name.into(),
            operation_type: "unknown".to_owned(),
            ..HookContext::default()
        }
    }

    /// Increments the logical clock and appends a trace entry for `name`.
    pub fn record_hook(&mut self, name: &Arc<str>, phase: HookPhase, unix_seconds: f64) {
        self.logical_clock += 1;
        self.hook_trace.push(TraceEntry {
            clock: self.logical_clock,
            phase,
            name: Arc::clone(name),
            unix_seconds,
        });
    }

    /// The trace as the reference's strings.
    pub fn trace_strings(&self) -> Vec<String> {
        self.hook_trace.iter().map(ToString::to_string).collect()
    }

    /// Appends the Python `repr` of [`input_data`](Self::input_data).
    pub fn write_input_repr(&self, out: &mut String) {
        out.push('{');
        for (i, (key, value)) in self.input_data.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_str_repr(out, key);
            out.push_str(": ");
            value.write_repr(out);
        }
        out.push('}');
    }

    /// The integrity digest as 64 lower-case hex chars; see
    /// [`digest_bytes`](Self::digest_bytes).
    pub fn digest(&self) -> String {
        let mut hex = String::with_capacity(64);
        push_hex(&mut hex, &self.digest_bytes());
        hex
    }

    /// SHA-256 of `json.dumps({"execution_id", "timestamp",
    /// "operation_name", "input_hash"}, sort_keys=True)`, where `input_hash`
    /// is the first 16 hex chars of SHA-256 of the Python `repr` of the
    /// input data.
    ///
    /// The reference cannot digest a context without a timestamp (it calls
    /// `isoformat()` on `None` and raises); here the timestamp is then JSON
    /// `null`, so every context has a digest.
    pub fn digest_bytes(&self) -> [u8; 32] {
        // One buffer serves both texts; room for a typical input repr.
        let mut buf = String::with_capacity(256 + 16 * self.input_data.len());
        self.write_input_repr(&mut buf);
        let input_hash: [u8; 32] = Sha256::digest(buf.as_bytes()).into();

        // Keys in sorted order: execution_id < input_hash < operation_name < timestamp.
        buf.clear();
        buf.push_str("{\"execution_id\": ");
        write_json_str(&mut buf, &self.execution_id);
        buf.push_str(", \"input_hash\": \"");
        push_hex(&mut buf, &input_hash[..8]);
        buf.push_str("\", \"operation_name\": ");
        write_json_str(&mut buf, &self.operation_name);
        buf.push_str(", \"timestamp\": ");
        match self.timestamp {
            Some(ts) => {
                // ISO text is plain ASCII: no JSON escaping needed.
                buf.push('"');
                ts.write_iso(&mut buf);
                buf.push('"');
            }
            None => buf.push_str("null"),
        }
        buf.push('}');
        Sha256::digest(buf.as_bytes()).into()
    }
}

/// Appends lowercase hex of `bytes` to `out`, laid out on the stack 32
/// bytes at a time (by the crate's hex encoder) and appended at once.
fn push_hex(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.chunks(32) {
        let mut text = [0u8; 64];
        let text = &mut text[..2 * chunk.len()];
        crate::pci::hex_into(chunk, text);
        out.push_str(std::str::from_utf8(text).expect("hex digits"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_entry_prints_the_reference_form() {
        let entry = TraceEntry {
            clock: 3,
            phase: HookPhase::PreExecute,
            name: Arc::from("audit"),
            unix_seconds: 1_770_120_000.062_5,
        };
        // Exactly halfway: rounds to even, as Python's `:.3f` does.
        assert_eq!(entry.to_string(), "3:pre_execute:audit@1770120000.062");
    }

    #[test]
    fn input_repr_matches_the_value_repr() {
        let value = PyValue::from_json(r#"{"b": [1, 2.5, null], "a": "it's"}"#).unwrap();
        let mut ctx = HookContext::new("id", None, "op");
        ctx.input_data = into_dict(value.clone()).unwrap();
        let mut out = String::new();
        ctx.write_input_repr(&mut out);
        assert_eq!(out, value.repr());
    }

    #[test]
    fn hex_is_lowercase_pairs() {
        let mut out = String::from("x");
        push_hex(&mut out, &[0x00, 0x9f, 0xa0, 0xff]);
        assert_eq!(out, "x009fa0ff");
        let long: Vec<u8> = (0..=255).collect();
        let mut all = String::new();
        push_hex(&mut all, &long);
        assert_eq!(all, crate::pci::to_hex(&long));
        assert_eq!(out[1..], crate::pci::to_hex(&[0x00, 0x9f, 0xa0, 0xff]));
    }

    #[test]
    fn digest_without_timestamp_hashes_null() {
        let ctx = HookContext::new("id", None, "op");
        let digest = ctx.digest();
        assert_eq!(digest.len(), 64);
        let with_ts = HookContext::new("id", UtcTimestamp::from_unix_micros(0).ok(), "op");
        assert_ne!(with_ts.digest(), digest);
    }
}
