//! Arbitrary bytes as one Criterion bench folder: `new/benchmark.json`,
//! `new/estimates.json` and `new/sample.json` are the input's parts split
//! at 0xFF. No panic; a refusal is a typed error naming the file.

#![no_main]

use harness::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match fuzzing::criterion(data).expect("scratch files") {
        Ok(bench) => {
            let m = &bench.measurement;
            assert!(m.estimate.is_finite(), "{m:?}");
        }
        Err(e) => assert!(e.to_string().contains("/criterion"), "{e}"),
    }
});
