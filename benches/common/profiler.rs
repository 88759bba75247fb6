//! A Criterion profiler that writes a flamegraph per bench.
//!
//! `cargo bench --bench ntu -- --profile-time 5` runs each bench for five
//! seconds under a sampling profiler and writes
//! `target/criterion/<bench id>/profile/flamegraph.svg`. pprof's own
//! `criterion` feature pins an older Criterion, hence this small adapter.

use std::fs::File;
use std::path::Path;

use criterion::profiler::Profiler;
use pprof::ProfilerGuard;

/// Samples the stack at `frequency` Hz while Criterion profiles a bench.
pub struct FlamegraphProfiler<'a> {
    frequency: i32,
    active: Option<ProfilerGuard<'a>>,
}

impl FlamegraphProfiler<'_> {
    /// A profiler sampling at `frequency` Hz (100 is plenty for a
    /// five-second run).
    pub fn new(frequency: i32) -> Self {
        FlamegraphProfiler {
            frequency,
            active: None,
        }
    }
}

impl Profiler for FlamegraphProfiler<'_> {
    fn start_profiling(&mut self, benchmark_id: &str, _benchmark_dir: &Path) {
        match ProfilerGuard::new(self.frequency) {
            Ok(guard) => self.active = Some(guard),
            Err(e) => eprintln!("{benchmark_id}: cannot start the profiler: {e}"),
        }
    }

    fn stop_profiling(&mut self, benchmark_id: &str, benchmark_dir: &Path) {
        let Some(guard) = self.active.take() else {
            return;
        };
        let result = (|| -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
            let report = guard.report().build()?;
            std::fs::create_dir_all(benchmark_dir)?;
            let path = benchmark_dir.join("flamegraph.svg");
            // Write beside, then rename: a reader never sees half an SVG.
            let partial = benchmark_dir.join("flamegraph.svg.partial");
            report.flamegraph(File::create(&partial)?)?;
            std::fs::rename(&partial, &path)?;
            Ok(path)
        })();
        match result {
            Ok(path) => eprintln!("{benchmark_id}: flamegraph written to {}", path.display()),
            Err(e) => eprintln!("{benchmark_id}: no flamegraph: {e}"),
        }
    }
}
