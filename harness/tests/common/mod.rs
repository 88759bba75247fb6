//! Builders for synthetic run records and histories, so that the binary
//! is tested without running any bench.

#![allow(dead_code)]

pub mod fake_github;
pub mod repo;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

/// The harness binary, run in `dir`.
pub fn harness(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("harness").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// A machine description; `cpu` distinguishes machines.
pub fn machine(cpu: &str) -> Value {
    json!({"cpu_model": cpu, "cores": 2, "os": "linux x86_64", "rustc": "rustc 1.95.0"})
}

/// Deterministic pseudo-noise in [-1, 1] (a linear congruential step), so
/// tests need no random generator.
pub fn wobble(seed: u64, n: usize) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        })
        .collect()
}

/// A wall-time measurement with 30 samples around `center` (±1 %).
pub fn wall(bench: &str, center: f64, seed: u64) -> Value {
    let samples: Vec<f64> = wobble(seed, 30)
        .iter()
        .map(|w| center * (1.0 + 0.01 * w))
        .collect();
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    json!({
        "bench": bench, "metric": "wall_time_ns", "unit": "ns", "estimate": mean,
        "interval": {"lower": mean * 0.995, "upper": mean * 1.005, "level": 0.95},
        "samples": samples, "source": "criterion"
    })
}

/// An instruction-count measurement.
pub fn instructions(bench: &str, count: f64) -> Value {
    json!({"bench": bench, "metric": "instructions", "unit": "count", "estimate": count,
           "interval": null, "samples": null, "source": "gungraun"})
}

/// The commit hash a synthetic run `id` is recorded at: the id's bytes in
/// hexadecimal, padded with zeros to 40 digits.
pub fn commit_of(id: &str) -> String {
    let hex: String = id.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{hex:0<40}").chars().take(40).collect()
}

/// A run record.
pub fn run(id: &str, cpu: &str, measurements: Vec<Value>) -> Value {
    json!({
        "schema": 1, "run_id": id, "time": "2026-01-01T00:00:00Z",
        "git": {"commit": commit_of(id), "branch": "main", "dirty": false, "commit_time": 0, "shallow": false},
        "machine": machine(cpu), "profile": "quick", "measurements": measurements
    })
}

/// Writes `runs` as a history file and returns its path.
pub fn write_history(dir: &Path, runs: &[Value]) -> PathBuf {
    let path = dir.join("history.jsonl");
    let text: String = runs.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(&path, text).unwrap();
    path
}

/// Writes one run record and returns its path.
pub fn write_run(dir: &Path, name: &str, run: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(run).unwrap()).unwrap();
    path
}

/// A stable history of `n` runs of one bench around 100 ns with 1000
/// instructions.
pub fn stable_history(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let center = 100.0 * (1.0 + 0.01 * wobble(1000 + i as u64, 1)[0]);
            run(
                &format!("r{i:02}"),
                "cpu-a",
                vec![
                    wall("ntu/observe/w5", center, i as u64),
                    instructions("ntu/observe/w5", 1000.0),
                ],
            )
        })
        .collect()
}
