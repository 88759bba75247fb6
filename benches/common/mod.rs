//! Settings shared by every Criterion bench in `benches/`.
//!
//! One setting chooses the measurement profile: `BIZRA_BENCH_PROFILE=quick`
//! (the default: pull requests, local runs) or `full` (nightly runs). Bench
//! ids follow `system/operation/parameter`, e.g. `ntu/observe/w64`.

#![allow(dead_code)]

mod profiler;

use std::time::Duration;

use criterion::Criterion;

/// The measurement profile named by `BIZRA_BENCH_PROFILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Short warm-up and measurement, fewer samples.
    Quick,
    /// Longer warm-up and measurement, more samples.
    Full,
}

impl Profile {
    /// Reads `BIZRA_BENCH_PROFILE`; unset means quick. An unknown value
    /// stops the bench with a message rather than silently measuring in
    /// the wrong profile.
    pub fn from_env() -> Profile {
        match std::env::var("BIZRA_BENCH_PROFILE").as_deref() {
            Err(_) | Ok("") | Ok("quick") => Profile::Quick,
            Ok("full") => Profile::Full,
            Ok(other) => {
                eprintln!("BIZRA_BENCH_PROFILE={other:?}: expected \"quick\" or \"full\"");
                std::process::exit(2);
            }
        }
    }
}

/// A bench input built on first use. Criterion calls a bench's routine
/// only when its id matches the filter, so an input built inside the
/// routine through `Lazy` costs nothing when the bench is filtered out
/// (`harness compare` measures only the benches still undecided, and a
/// 10^6-peer table takes seconds to build).
pub struct Lazy<T, F: FnOnce() -> T> {
    value: Option<T>,
    make: Option<F>,
}

impl<T, F: FnOnce() -> T> Lazy<T, F> {
    /// An input that `make` builds when first asked for.
    pub fn new(make: F) -> Self {
        Lazy {
            value: None,
            make: Some(make),
        }
    }

    /// The input, built now if this is the first use.
    pub fn get(&mut self) -> &mut T {
        if self.value.is_none() {
            let make = self.make.take().expect("built once");
            self.value = Some(make());
        }
        self.value.as_mut().expect("just built")
    }
}

/// The Criterion configuration for the profile in `BIZRA_BENCH_PROFILE`,
/// with a flamegraph profiler for `--profile-time`.
pub fn criterion() -> Criterion {
    let base = Criterion::default().with_profiler(profiler::FlamegraphProfiler::new(100));
    match Profile::from_env() {
        Profile::Quick => base
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2))
            .sample_size(30),
        Profile::Full => base
            .warm_up_time(Duration::from_secs(3))
            .measurement_time(Duration::from_secs(10))
            .sample_size(100),
    }
    .configure_from_args()
}
