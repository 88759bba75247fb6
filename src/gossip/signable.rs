//! The canonical JSON of a message's signed fields, written straight from
//! the message: the same bytes as `canonical_json(&msg.signable_value())`
//! without building (and cloning into) a value tree first. Every signature
//! check and every outgoing message hashes these bytes, so this is on the
//! hot path of `handle_message`.

use std::fmt::Write;

use crate::pci::{self, CanonicalError};
use crate::py::{PyValue, write_float_repr, write_json_str};

use super::message::{GossipMessage, PeerUpdate};

/// Appends the canonical JSON of `msg`'s signed fields (sorted keys,
/// `,`/`:` separators, ASCII-only) to `out`. On error `out` may hold a
/// partial text; callers discard it.
pub(super) fn write_signable(out: &mut String, msg: &GossipMessage) -> Result<(), CanonicalError> {
    // Keys in sorted order: msg_type, payload, piggyback, sender_address,
    // sender_id, sequence, timestamp.
    out.push_str("{\"msg_type\":");
    write_json_str(out, msg.msg_type.as_str());
    out.push_str(",\"payload\":");
    write_dict(out, &msg.payload)?;
    out.push_str(",\"piggyback\":[");
    for (i, update) in msg.piggyback.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_update(out, update)?;
    }
    out.push_str("],\"sender_address\":");
    write_json_str(out, &msg.sender_address);
    out.push_str(",\"sender_id\":");
    write_json_str(out, &msg.sender_id);
    let _ = write!(out, ",\"sequence\":{},\"timestamp\":", msg.sequence);
    write_json_str(out, &msg.timestamp);
    out.push('}');
    Ok(())
}

/// A payload object: keys sorted by code point (Rust's `str` order), each
/// value through the shared canonical writer.
fn write_dict(out: &mut String, entries: &[(String, PyValue)]) -> Result<(), CanonicalError> {
    let mut order: Vec<&(String, PyValue)> = entries.iter().collect();
    order.sort_by(|a, b| a.0.cmp(&b.0));
    out.push('{');
    for (i, (key, value)) in order.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_str(out, key);
        out.push(':');
        pci::write_canonical_json(out, value)?;
    }
    out.push('}');
    Ok(())
}

/// One piggyback record, keys sorted: address, ihsan_average, incarnation,
/// node_id, patterns_contributed, public_key, state.
fn write_update(out: &mut String, u: &PeerUpdate) -> Result<(), CanonicalError> {
    if !u.ihsan_average.is_finite() {
        return Err(CanonicalError::NonFinite {
            value: u.ihsan_average,
        });
    }
    out.push_str("{\"address\":");
    write_json_str(out, &u.address);
    out.push_str(",\"ihsan_average\":");
    write_float_repr(out, u.ihsan_average);
    let _ = write!(out, ",\"incarnation\":{},\"node_id\":", u.incarnation);
    write_json_str(out, &u.node_id);
    let _ = write!(
        out,
        ",\"patterns_contributed\":{},\"public_key\":",
        u.patterns_contributed
    );
    write_json_str(out, &u.public_key);
    out.push_str(",\"state\":");
    write_json_str(out, u.state.as_str());
    out.push('}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gossip::{MsgType, NodeState};
    use crate::py::PyInt;

    fn message(payload: Vec<(String, PyValue)>, ihsan: f64, sequence: u64) -> GossipMessage {
        GossipMessage {
            msg_type: MsgType::PatternShare,
            sender_id: "n\u{e9}\"1".into(),
            sender_address: "10.0.0.1:7654".into(),
            sequence,
            timestamp: "2026-02-03T12:00:00+00:00".into(),
            payload,
            piggyback: vec![PeerUpdate {
                node_id: "p\u{1F600}".into(),
                address: "x".into(),
                public_key: "ab".repeat(32),
                state: NodeState::Suspect,
                incarnation: -7,
                ihsan_average: ihsan,
                patterns_contributed: 3,
            }],
            signature: String::new(),
        }
    }

    fn slow(msg: &GossipMessage) -> Result<String, CanonicalError> {
        pci::canonical_json(&msg.signable_value())
    }

    fn fast(msg: &GossipMessage) -> Result<String, CanonicalError> {
        let mut out = String::new();
        write_signable(&mut out, msg).map(|()| out)
    }

    #[test]
    fn same_bytes_as_the_value_tree() {
        let payload = vec![
            ("z".into(), PyValue::Float(1e16)),
            ("a\u{0}".into(), PyValue::List(vec![PyValue::None])),
            (
                "big".into(),
                PyValue::Int("-1004639749848046373151".parse::<PyInt>().unwrap()),
            ),
            (
                "A".into(),
                PyValue::Dict(vec![("y".into(), PyValue::Bool(true))]),
            ),
        ];
        for (ihsan, seq) in [(0.95, 1), (-0.0, u64::MAX), (1e-7, 0)] {
            let msg = message(payload.clone(), ihsan, seq);
            assert_eq!(fast(&msg), slow(&msg));
        }
    }

    #[test]
    fn non_finite_values_are_refused_as_before() {
        let msg = message(vec![], f64::NAN, 1);
        assert!(fast(&msg).is_err() && slow(&msg).is_err());
        let msg = message(vec![("x".into(), PyValue::Float(f64::INFINITY))], 0.5, 1);
        assert_eq!(fast(&msg), slow(&msg));
    }
}
