//! Node hashes, byte for byte as the reference computes them.

use sha2::{Digest, Sha256};

use crate::pci::to_hex as hex;
use crate::py::{JsonStyle, PyValue};

/// SHA-256 hex of `json.dumps(data, sort_keys=True)`.
pub fn data_hash(data: &PyValue) -> String {
    hex(&Sha256::digest(
        data.to_json(JsonStyle::PYTHON_SORTED).as_bytes(),
    ))
}

/// The node hash: SHA-256 hex of `json.dumps({"parents": sorted(parents),
/// "state": state, "data_hash": data_hash(data), "timestamp": timestamp},
/// sort_keys=True)`.
pub fn node_hash(parents: &[&str], state: &str, data: &PyValue, timestamp: &str) -> String {
    let mut sorted: Vec<&str> = parents.to_vec();
    sorted.sort_unstable();
    let doc = PyValue::Dict(vec![
        (
            "parents".to_owned(),
            PyValue::List(
                sorted
                    .into_iter()
                    .map(|p| PyValue::Str(p.to_owned()))
                    .collect(),
            ),
        ),
        ("state".to_owned(), PyValue::Str(state.to_owned())),
        ("data_hash".to_owned(), PyValue::Str(data_hash(data))),
        ("timestamp".to_owned(), PyValue::Str(timestamp.to_owned())),
    ]);
    hex(&Sha256::digest(
        doc.to_json(JsonStyle::PYTHON_SORTED).as_bytes(),
    ))
}
