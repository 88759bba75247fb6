//! Arbitrary bytes as the heap probe's `heap.json`: no panic; a refusal is
//! a typed error naming the file.

#![no_main]

use harness::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match fuzzing::heap(data).expect("scratch file") {
        Ok(ms) => {
            for m in &ms {
                assert!(
                    m.estimate.is_finite() && (m.signed || m.estimate >= 0.0),
                    "{m:?}"
                );
            }
        }
        Err(e) => assert!(e.to_string().contains("heap.json"), "{e}"),
    }
});
