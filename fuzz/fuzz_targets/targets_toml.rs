//! Arbitrary bytes as `targets.toml`: no panic; a refusal is a typed error
//! naming the file.

#![no_main]

use harness::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = fuzzing::targets(data).expect("scratch file") {
        assert!(e.to_string().contains("targets.toml"), "{e}");
    }
});
