//! Arbitrary bytes into the JSON wire decoder and the engine: no panic, and
//! a refused message leaves the engine's state as it was.

#![no_main]

use bizra::gossip::{GossipConfig, GossipEngine, UnixMicros, decode_json, encode_json};
use bizra::pci::{SigningKey, SplitMix64};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = decode_json(data) {
        // Whatever decodes re-encodes and decodes to the same message.
        let again = decode_json(&encode_json(&msg)).expect("our own encoding decodes");
        assert_eq!(again, msg);
    }
    let mut engine = GossipEngine::new(
        "fuzz",
        "127.0.0.1:1",
        SigningKey::from_seed(&[1; 32]),
        GossipConfig::default(),
        Box::new(SplitMix64::new(0)),
    );
    let before = engine.snapshot();
    if engine.handle_message(data, UnixMicros(1_770_120_000_000_000)).is_err() {
        assert_eq!(engine.snapshot(), before);
    }
});
