//! Arbitrary bytes into the binary and LZ4 batch decoders: no panic, no
//! runaway allocation, and whatever decodes round-trips.

#![no_main]

use bizra::gossip::{decode_batch, decode_binary, encode_batch, encode_binary};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = decode_binary(data) {
        assert_eq!(encode_binary(&msg), data, "only the canonical encoding decodes");
    }
    if let Ok(batch) = decode_batch(data) {
        assert_eq!(decode_batch(&encode_batch(&batch)).expect("our own batch decodes"), batch);
    }
});
