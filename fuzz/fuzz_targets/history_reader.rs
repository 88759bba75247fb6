//! Arbitrary bytes as a history file, read strictly and with damaged lines
//! skipped: no panic, and every refusal is a typed error naming the file.

#![no_main]

use harness::fuzzing;
use harness::history::HistoryError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for skip_damaged in [false, true] {
        match fuzzing::history(data, skip_damaged).expect("scratch file") {
            Ok(loaded) => {
                for run in &loaded.runs {
                    for m in &run.measurements {
                        assert!(m.estimate.is_finite(), "{m:?}");
                    }
                }
                assert_eq!(loaded.warnings.len(), loaded.skipped);
            }
            Err(e) => {
                assert!(e.to_string().contains("history.jsonl"), "{e}");
                // Skipping damaged lines means no damaged-line error.
                assert!(
                    !(skip_damaged && matches!(e, HistoryError::Damaged { .. })),
                    "{e}"
                );
            }
        }
    }
});
