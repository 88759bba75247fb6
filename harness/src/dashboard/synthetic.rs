//! Realistic synthetic histories for the dashboard's tests, screenshots and
//! load-time measurement: runs over commits with messages and dates,
//! per-bench noise, instruction counts beside wall time, a metric missing
//! from the early runs, and one injected step in one bench.

use std::path::Path;

use crate::model::{BenchId, GitInfo, Interval, Machine, Measurement, Metric, Run, Sample};
use crate::stats::rng::Rng;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Number of runs, one per commit.
    pub runs: usize,
    /// Number of benches.
    pub benches: usize,
    /// Seed of the noise.
    pub seed: u64,
    /// Relative wall-time step injected into bench 0 from run `runs * 2 / 3`
    /// on (0.15 is 15 % slower); instruction counts step by half as much.
    pub step: f64,
}

/// A generated commit.
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    /// Full hash (also the git object id when written to a repository).
    pub sha: String,
    /// Message summary.
    pub message: String,
    /// Commit time, seconds since the Unix epoch.
    pub time: i64,
}

const SYSTEMS: [&str; 5] = ["ntu", "gossip", "bft", "pci", "session_dag"];
const OPS: [&str; 6] = ["observe", "merge", "verify", "tally", "encode", "lineage"];
const VERBS: [&str; 8] = [
    "Batch", "Inline", "Cache", "Simplify", "Split", "Reuse", "Bound", "Check",
];
const OBJECTS: [&str; 8] = [
    "signature checks in the ingest path",
    "the vote tally",
    "peer state lookups",
    "datagram decoding",
    "the lineage walk",
    "buffer growth in the encoder",
    "membership digests",
    "error paths in the session store",
];
/// First commit: 2025-09-01T00:00:00Z.
const START: i64 = 1_756_684_800;
/// Six hours between commits, with up to an hour of jitter.
const SPACING: i64 = 6 * 3600;

/// The bench id of bench `i`.
pub fn bench_id(i: usize) -> BenchId {
    let system = SYSTEMS[i % SYSTEMS.len()];
    let op = OPS[(i / SYSTEMS.len()) % OPS.len()];
    let size = 1 << (4 + i / (SYSTEMS.len() * OPS.len()));
    BenchId::parse(&format!("{system}/{op}/w{size}")).expect("generated ids are valid")
}

/// Run index where the injected step begins.
pub fn step_run(spec: &Spec) -> usize {
    spec.runs * 2 / 3
}

/// Seconds since the epoch as RFC 3339 UTC (civil-from-days, H. Hinnant).
pub fn rfc3339(t: i64) -> String {
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The commits, with placeholder hashes (see [`write_repo`] for real ones).
pub fn commits(spec: &Spec) -> Vec<Commit> {
    let mut rng = Rng::new(spec.seed ^ 0x00c0_ffee);
    (0..spec.runs)
        .map(|i| {
            let message = if i == step_run(spec) {
                format!("Switch {} to a copy-on-write map", bench_id(0))
            } else {
                let v = VERBS[(rng.uniform() * VERBS.len() as f64) as usize % VERBS.len()];
                let o = OBJECTS[(rng.uniform() * OBJECTS.len() as f64) as usize % OBJECTS.len()];
                format!("{v} {o}")
            };
            Commit {
                sha: format!("{:040x}", (i as u128 + 1) * 0x9e37_79b9_7f4a_7c15),
                message,
                time: START + i as i64 * SPACING + (rng.uniform() * 3600.0) as i64,
            }
        })
        .collect()
}

/// Writes the commits to a bare repository at `dir` (empty trees, one
/// branch) and returns them with their real hashes.
pub fn write_repo(dir: &Path, commits: &[Commit]) -> Result<Vec<Commit>, git2::Error> {
    let repo = git2::Repository::init_bare(dir)?;
    let tree = repo.find_tree(repo.treebuilder(None)?.write()?)?;
    let mut parent: Option<git2::Commit> = None;
    let mut out = Vec::with_capacity(commits.len());
    for c in commits {
        let sig = git2::Signature::new(
            "Bench Author",
            "author@example.com",
            &git2::Time::new(c.time, 0),
        )?;
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let oid = repo.commit(
            Some("refs/heads/main"),
            &sig,
            &sig,
            &c.message,
            &tree,
            &parents,
        )?;
        parent = Some(repo.find_commit(oid)?);
        out.push(Commit {
            sha: oid.to_string(),
            ..c.clone()
        });
    }
    Ok(out)
}

/// The runs, one per commit. Bench `i` has wall time around 40·(i+1) ns
/// with 1 % noise; every even bench also has instruction counts, missing
/// from the first fifth of the runs (as if valgrind were not yet set up).
pub fn runs(spec: &Spec, commits: &[Commit]) -> Vec<Run> {
    let mut rng = Rng::new(spec.seed);
    let machine = Machine {
        cpu_model: "Synthetic CPU @ 3.0GHz".into(),
        cores: 2,
        os: "linux x86_64".into(),
        rustc: "rustc 1.95.0".into(),
    };
    commits
        .iter()
        .enumerate()
        .map(|(r, c)| {
            let mut measurements = Vec::new();
            for b in 0..spec.benches {
                let id = bench_id(b);
                let stepped = b == 0 && r >= step_run(spec);
                let level = 40.0 * (b + 1) as f64 * if stepped { 1.0 + spec.step } else { 1.0 };
                let samples: Vec<f64> = (0..5)
                    .map(|_| level * (1.0 + 0.01 * rng.normal()))
                    .collect();
                let mean = samples.iter().sum::<f64>() / samples.len() as f64;
                measurements.push(Measurement {
                    bench: id.clone(),
                    metric: Metric::WallTime,
                    unit: Metric::WallTime.unit(),
                    estimate: mean,
                    interval: Some(Interval {
                        lower: mean * 0.99,
                        upper: mean * 1.01,
                        level: 0.95,
                    }),
                    samples: Some(Sample::new(samples).expect("positive samples")),
                    source: "criterion".into(),
                    signed: false,
                    summary: None,
                });
                if b % 2 == 0 && r >= spec.runs / 5 {
                    let ir =
                        1000.0 * (b + 1) as f64 * if stepped { 1.0 + spec.step / 2.0 } else { 1.0 };
                    let ir = (ir * (1.0 + 0.0005 * rng.normal())).round();
                    measurements.push(
                        Measurement::point(id, Metric::Instructions, ir, "gungraun")
                            .expect("positive count"),
                    );
                }
            }
            Run {
                schema: crate::model::SCHEMA_VERSION,
                run_id: format!("{}-{}", c.time + 600, &c.sha[..7]),
                time: rfc3339(c.time + 600),
                git: Some(GitInfo {
                    commit: c.sha.clone(),
                    branch: Some("main".into()),
                    dirty: false,
                    commit_time: c.time,
                    shallow: false,
                }),
                machine: machine.clone(),
                profile: "quick".into(),
                measurements,
                failures: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339(START), "2025-09-01T00:00:00Z");
        assert_eq!(rfc3339(951_827_696), "2000-02-29T12:34:56Z");
    }

    #[test]
    fn the_same_spec_gives_the_same_history() {
        let spec = Spec {
            runs: 30,
            benches: 4,
            seed: 1,
            step: 0.15,
        };
        let a = runs(&spec, &commits(&spec));
        assert_eq!(a, runs(&spec, &commits(&spec)));
        assert_eq!(a.len(), 30);
        assert!(a[0].find(&bench_id(0), &Metric::Instructions).is_none());
        assert!(a[29].find(&bench_id(0), &Metric::Instructions).is_some());
    }
}
