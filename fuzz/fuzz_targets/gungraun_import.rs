//! Arbitrary bytes as one gungraun `summary.json`: no panic; a refusal is
//! a typed error naming the file.

#![no_main]

use harness::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match fuzzing::gungraun(data).expect("scratch file") {
        Ok(m) => assert!(m.estimate.is_finite(), "{m:?}"),
        Err(e) => assert!(e.to_string().contains("summary.json"), "{e}"),
    }
});
