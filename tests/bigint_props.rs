//! Integers beyond 64 bits survive every route from text to hash.
//!
//! The reference's `json.dumps` writes a Python `int` of any size exactly,
//! so vector files and gossip payloads can hold them. These tests build the
//! expected bytes test-side (see `common::pygen`) and check that loading,
//! canonical JSON, digests and the gossip wire keep every digit: a loader
//! or codec that passed an integer through `f64` would collapse neighbours
//! such as 2^64 and 2^64 + 1 and fail here.

mod common;

use bizra::gossip::{GossipMessage, MsgType, decode_json, encode_json};
use bizra::pci::{SigningKey, canonical_json, domain_digest};
use bizra::py::PyValue;
use common::Json;
use common::pygen::{self, CANONICAL, Gen, PYTHON};
use proptest::prelude::*;

/// BLAKE3 of `"bizra-pci-v1:"` + `text`, hex: the reference's rule.
fn reference_digest(text: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(b"bizra-pci-v1:");
    h.update(text.as_bytes());
    pygen::hex(h.finalize().as_bytes())
}

fn parsed(value: &Gen) -> PyValue {
    PyValue::from_json(&value.json(PYTHON)).expect("generated JSON parses")
}

/// A signed PATTERN_SHARE message carrying `payload`.
fn message(payload: &Gen, key: &SigningKey) -> GossipMessage {
    let PyValue::Dict(payload) = parsed(payload) else {
        unreachable!("payloads are dicts")
    };
    let mut msg = GossipMessage {
        msg_type: MsgType::PatternShare,
        sender_id: "node-1".into(),
        sender_address: "127.0.0.1:7001".into(),
        sequence: 1,
        timestamp: String::new(),
        payload,
        piggyback: Vec::new(),
        signature: String::new(),
    };
    msg.sign(key).expect("finite payload");
    msg
}

proptest! {
    #[test]
    fn canonical_json_is_the_exact_sorted_text(value in pygen::value()) {
        let text = canonical_json(&parsed(&value)).unwrap();
        prop_assert_eq!(&text, &value.json(CANONICAL));
        prop_assert_eq!(domain_digest(text.as_bytes()).to_hex(), reference_digest(&text));
    }

    #[test]
    fn gossip_signatures_cover_integers_beyond_64_bits(
        payload in pygen::dict_with_big_int(),
        big in pygen::big_int_text(),
    ) {
        prop_assert!(payload.has_big_int());
        let key = SigningKey::from_seed(&[7; 32]);
        let msg = message(&payload, &key);
        let canonical = msg.canonical_json().unwrap();
        let want = format!(
            "{{\"msg_type\":\"PATTERN_SHARE\",\"payload\":{},\"piggyback\":[],\"sender_address\":\"127.0.0.1:7001\",\"sender_id\":\"node-1\",\"sequence\":1,\"timestamp\":\"\"}}",
            payload.json(CANONICAL)
        );
        prop_assert_eq!(&canonical, &want);
        prop_assert_eq!(msg.digest().unwrap().to_hex(), reference_digest(&want));

        // Through the wire and back: the same digits, so the signature holds.
        let back = decode_json(&encode_json(&msg)).expect("our own wire decodes");
        prop_assert_eq!(back.canonical_json().unwrap(), canonical);
        prop_assert!(back.verify_signature(&key.public_key().to_hex()));

        // A neighbour integer (equal as a double) is a different message.
        let one = |int: &str| Gen::Dict(vec![("n".into(), Gen::Int(int.into()))]);
        let a = message(&one(&big), &key);
        let b = message(&one(&pygen::neighbour(&big)), &key);
        prop_assert_ne!(a.digest().unwrap(), b.digest().unwrap());
    }

    #[test]
    fn the_vector_loader_keeps_every_digit(value in pygen::dict_with_big_int()) {
        let doc = common::parse_vectors(&value.json(PYTHON), "generated");
        prop_assert_eq!(doc.repr(), value.repr());
    }
}

/// Every integer of the FATE vectors, as loaded for the parity tests, is
/// written back with exactly the digits of the file (some lie beyond 64
/// bits: the reference's `json.dumps` writes them exactly).
#[test]
fn vector_files_load_without_loss() {
    fn ints(v: &PyValue, out: &mut Vec<String>) {
        match v {
            PyValue::Int(i) => out.push(i.to_string()),
            PyValue::List(items) => items.iter().for_each(|x| ints(x, out)),
            PyValue::Dict(entries) => entries.iter().for_each(|(_, x)| ints(x, out)),
            _ => {}
        }
    }
    for file in ["fate.json", "consensus.json"] {
        let text = std::fs::read_to_string(common::vectors_dir().join(file)).unwrap();
        let doc = common::load_vectors(file);
        let mut found = Vec::new();
        ints(&doc, &mut found);
        let big: Vec<&String> = found.iter().filter(|t| t.parse::<i64>().is_err()).collect();
        assert!(
            !big.is_empty(),
            "{file}: no integer beyond 64 bits to guard"
        );
        for t in big {
            // Delimited on both sides, so a prefix of a longer number or a
            // digit run inside a hex string does not count.
            let delimited = [" ", "[", "\n"].iter().any(|pre| {
                [",", "]", "}", "\n"]
                    .iter()
                    .any(|post| text.contains(&format!("{pre}{t}{post}")))
            });
            assert!(
                delimited,
                "{file}: integer {t} is not in the file as loaded"
            );
        }
        assert!(doc.field("about").is_some(), "{file}: loaded as a document");
    }
}
