//! Parity with the reference's gossip wire format and signatures: every
//! recorded message of `tests/vectors/gossip.json`.

mod common;

use bizra::gossip::{
    GossipMessage, decode_batch, decode_binary, decode_json, encode_batch, encode_binary,
    encode_json,
};
use bizra::pci::{PublicKey, SigningKey, domain_digest};
use common::Json;

struct Case {
    index: usize,
    private_key: String,
    public_key: String,
    canonical_json: String,
    digest: String,
    signature: String,
    wire: String,
}

fn load() -> Vec<Case> {
    let doc = common::load_vectors("gossip.json");
    let text = |c: &bizra::py::PyValue, k: &str| c.at(k).text().to_owned();
    common::cases(&doc, "gossip.json", "messages")
        .iter()
        .enumerate()
        .map(|(index, c)| Case {
            index,
            private_key: text(c, "private_key"),
            public_key: text(c, "public_key"),
            canonical_json: text(c, "canonical_json"),
            digest: text(c, "digest"),
            signature: text(c, "signature"),
            wire: text(c, "wire"),
        })
        .collect()
}

fn decoded(case: &Case) -> GossipMessage {
    decode_json(case.wire.as_bytes())
        .unwrap_or_else(|e| panic!("message {}: reference wire rejected: {e}", case.index))
}

#[test]
fn canonical_json_and_digest_match() {
    for case in load() {
        let msg = decoded(&case);
        let canonical = msg.canonical_json().unwrap();
        assert_eq!(canonical, case.canonical_json, "message {}", case.index);
        assert_eq!(
            domain_digest(canonical.as_bytes()).to_hex(),
            case.digest,
            "message {}",
            case.index
        );
        assert_eq!(
            msg.digest().unwrap().to_hex(),
            case.digest,
            "message {}",
            case.index
        );
    }
}

#[test]
fn wire_bytes_round_trip_exactly() {
    for case in load() {
        assert!(
            bizra::gossip::decode_json_strict(case.wire.as_bytes()).is_ok(),
            "message {}",
            case.index
        );
        assert_eq!(
            String::from_utf8(encode_json(&decoded(&case))).unwrap(),
            case.wire,
            "message {}",
            case.index
        );
    }
}

#[test]
fn reference_signatures_verify() {
    for case in load() {
        let msg = decoded(&case);
        assert_eq!(msg.signature, case.signature);
        assert!(
            msg.verify_signature(&case.public_key),
            "message {}",
            case.index
        );
    }
}

#[test]
fn our_keys_and_signatures_equal_the_reference() {
    for case in load() {
        let key = SigningKey::from_seed_hex(&case.private_key).unwrap();
        assert_eq!(
            key.public_key().to_hex(),
            case.public_key,
            "message {}",
            case.index
        );
        assert_eq!(
            case.public_key.parse::<PublicKey>().unwrap(),
            key.public_key()
        );
        let mut msg = decoded(&case);
        msg.signature.clear();
        msg.sign(&key).unwrap();
        assert_eq!(msg.signature, case.signature, "message {}", case.index);
        assert_eq!(
            String::from_utf8(encode_json(&msg)).unwrap(),
            case.wire,
            "message {}",
            case.index
        );
    }
}

#[test]
fn message_built_from_fields_serialises_to_the_reference_bytes() {
    for case in load() {
        let parsed = decoded(&case);
        let mut built = GossipMessage {
            msg_type: parsed.msg_type,
            sender_id: parsed.sender_id.clone(),
            sender_address: parsed.sender_address.clone(),
            sequence: parsed.sequence,
            timestamp: parsed.timestamp.clone(),
            payload: parsed.payload.clone(),
            piggyback: parsed.piggyback.clone(),
            signature: String::new(),
        };
        built
            .sign(&SigningKey::from_seed_hex(&case.private_key).unwrap())
            .unwrap();
        assert_eq!(
            encode_json(&built),
            case.wire.as_bytes(),
            "message {}",
            case.index
        );
    }
}

#[test]
fn binary_and_batch_forms_preserve_every_message() {
    let cases = load();
    let messages: Vec<GossipMessage> = cases.iter().map(decoded).collect();
    for (case, msg) in cases.iter().zip(&messages) {
        let back = decode_binary(&encode_binary(msg)).unwrap();
        assert_eq!(&back, msg, "message {}", case.index);
        assert!(back.verify_signature(&case.public_key));
        assert_eq!(encode_json(&back), case.wire.as_bytes());
    }
    assert_eq!(decode_batch(&encode_batch(&messages)).unwrap(), messages);
}
