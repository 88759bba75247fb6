//! One run of the suites: where and when it ran, and what it measured.

use serde::{Deserialize, Serialize};

use super::{
    BenchId, InvalidRun, Metric, Sample, Summary, Unit, ValueError, check_finite, check_value,
};

/// The schema version this build writes. Bump it when a field changes
/// meaning; [`super::read_run`] keeps reading every older version.
pub const SCHEMA_VERSION: u32 = 1;

/// One run of one or more suites on one machine at one commit. Reading
/// one checks [`Run::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRun")]
pub struct Run {
    /// Schema version of this record.
    pub schema: u32,
    /// Unique id: start time, short commit and process id.
    pub run_id: String,
    /// Start time, RFC 3339 in UTC.
    pub time: String,
    /// The checked-out commit; `None` outside a git repository.
    pub git: Option<GitInfo>,
    /// The machine the run was measured on.
    pub machine: Machine,
    /// Measurement profile (`quick`, `full`, or `import`).
    pub profile: String,
    /// Every bench and metric measured.
    pub measurements: Vec<Measurement>,
    /// Bench targets that failed in this run (a panic, a build error): their
    /// benches are missing from `measurements` because they broke, not
    /// because they were removed. Written only when some failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<FailedTarget>,
}

/// A bench target that failed during a run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailedTarget {
    /// `package/target`.
    pub target: String,
    /// What went wrong, with the panic message when there is one.
    pub message: String,
}

/// The unchecked shape of [`Run`] on disk.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRun {
    schema: u32,
    run_id: String,
    time: String,
    git: Option<GitInfo>,
    machine: Machine,
    profile: String,
    measurements: Vec<Measurement>,
    #[serde(default)]
    failures: Vec<FailedTarget>,
}

impl TryFrom<RawRun> for Run {
    type Error = InvalidRun;
    fn try_from(r: RawRun) -> Result<Self, InvalidRun> {
        let run = Run::from_raw(r);
        run.validate()?;
        Ok(run)
    }
}

impl Run {
    /// A run listed without its measurements (a store's index line):
    /// every rule of [`Run::validate`] but the one asking for a
    /// measurement.
    pub(super) fn header_from_raw(r: RawRun) -> Result<Run, InvalidRun> {
        let run = Run::from_raw(r);
        run.validate_header()?;
        Ok(run)
    }

    fn from_raw(r: RawRun) -> Run {
        Run {
            schema: r.schema,
            run_id: r.run_id,
            time: r.time,
            git: r.git,
            machine: r.machine,
            profile: r.profile,
            measurements: r.measurements,
            failures: r.failures,
        }
    }
}

impl Run {
    /// The measurement of `bench` and `metric`, if any.
    pub fn find(&self, bench: &BenchId, metric: &Metric) -> Option<&Measurement> {
        self.measurements
            .iter()
            .find(|m| &m.bench == bench && &m.metric == metric)
    }

    /// A short label for tables: the short commit, else the run id.
    pub fn label(&self) -> String {
        match &self.git {
            Some(g) => g.commit.chars().take(10).collect(),
            None => self.run_id.clone(),
        }
    }
}

/// The git state the run measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitInfo {
    /// Full commit hash.
    pub commit: String,
    /// Branch name; `None` on a detached head.
    pub branch: Option<String>,
    /// Uncommitted changes to tracked files.
    pub dirty: bool,
    /// Commit time, seconds since the Unix epoch.
    pub commit_time: i64,
    /// The repository is a shallow clone (history-based judging is partial).
    #[serde(default)]
    pub shallow: bool,
}

/// What identifies a machine for comparing runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    /// CPU model name.
    pub cpu_model: String,
    /// Logical cores.
    pub cores: u32,
    /// Operating system and architecture.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
}

impl Machine {
    /// A stable 16-hex-digit hash of every field (FNV-1a 64: simple, no
    /// dependency, and stable across Rust versions unlike `DefaultHasher`).
    pub fn fingerprint(&self) -> String {
        let text = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.cpu_model, self.cores, self.os, self.rustc
        );
        // FNV-1a 64-bit offset basis and prime (Fowler, Noll, Vo).
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in text.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

/// A confidence interval around a point estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
}

/// One bench and metric in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawMeasurement")]
pub struct Measurement {
    /// Which bench.
    pub bench: BenchId,
    /// Which quantity.
    pub metric: Metric,
    /// Unit of `estimate`, `interval` and `samples`.
    pub unit: Unit,
    /// Point estimate (for wall time, the mean per-iteration time).
    pub estimate: f64,
    /// Confidence interval of the estimate, where the tool gave one.
    pub interval: Option<Interval>,
    /// Per-iteration raw values, where the tool records them.
    pub samples: Option<Sample>,
    /// The tool that produced it (`criterion`, `gungraun`, `heap`).
    pub source: String,
    /// The metric may be negative (a custom metric such as a score delta
    /// or a signed error). Written only when true, so records of metrics
    /// that are never negative keep their old shape.
    #[serde(skip_serializing_if = "is_false")]
    pub signed: bool,
    /// The statistics of samples that were left out: set only on a run
    /// read from the history store's index (`samples` is then `None`), so
    /// that charts and gates still see the samples' median, mean, p99
    /// and max. Written only when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The unchecked shape of [`Measurement`] on disk.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasurement {
    bench: BenchId,
    metric: Metric,
    unit: Unit,
    estimate: f64,
    interval: Option<Interval>,
    samples: Option<Sample>,
    source: String,
    #[serde(default)]
    signed: bool,
    #[serde(default)]
    summary: Option<Summary>,
}

impl TryFrom<RawMeasurement> for Measurement {
    type Error = ValueError;
    fn try_from(r: RawMeasurement) -> Result<Self, ValueError> {
        let samples = r.samples.as_ref().map_or(&[][..], Sample::values);
        if let Some(s) = &r.summary {
            s.check()?;
        }
        let summarised = r.summary.as_ref().map(Summary::values);
        check_sign(
            &r.metric,
            r.signed,
            std::iter::once(&r.estimate)
                .chain(samples)
                .chain(summarised.iter().flatten()),
        )?;
        // Samples, when present, are what is judged: a summary beside
        // them would be a second, possibly stale, copy.
        let summary = if r.samples.is_none() { r.summary } else { None };
        Ok(Measurement {
            bench: r.bench,
            metric: r.metric,
            unit: r.unit,
            estimate: r.estimate,
            interval: r.interval,
            samples: r.samples,
            source: r.source,
            signed: r.signed,
            summary,
        })
    }
}

/// Checks `values` against the sign rule: without `signed`, every value
/// is non-negative; with it, every value is finite and the metric is a
/// custom one, since times, instruction counts and bytes are never
/// negative.
fn check_sign<'a>(
    metric: &Metric,
    signed: bool,
    values: impl IntoIterator<Item = &'a f64>,
) -> Result<(), ValueError> {
    if signed && !matches!(metric, Metric::Other(_)) {
        return Err(ValueError::NeverNegative(metric.clone()));
    }
    let check = if signed { check_finite } else { check_value };
    values.into_iter().try_for_each(|&v| check(v).map(drop))
}

impl Measurement {
    /// A single-valued measurement (instruction count, heap bytes): the
    /// value must be non-negative.
    pub fn point(
        bench: BenchId,
        metric: Metric,
        value: f64,
        source: &str,
    ) -> Result<Self, ValueError> {
        Self::point_with_sign(bench, metric, value, source, false)
    }

    /// A single-valued measurement of a custom metric ([`Metric::Other`])
    /// that may be negative, such as a score delta.
    pub fn signed_point(
        bench: BenchId,
        metric: Metric,
        value: f64,
        source: &str,
    ) -> Result<Self, ValueError> {
        Self::point_with_sign(bench, metric, value, source, true)
    }

    fn point_with_sign(
        bench: BenchId,
        metric: Metric,
        value: f64,
        source: &str,
        signed: bool,
    ) -> Result<Self, ValueError> {
        check_sign(&metric, signed, [&value])?;
        Ok(Measurement {
            unit: metric.unit(),
            bench,
            metric,
            estimate: value,
            interval: None,
            samples: None,
            source: source.to_owned(),
            signed,
            summary: None,
        })
    }

    /// The values to judge: the raw samples, or the estimate alone.
    pub fn values(&self) -> Vec<f64> {
        match &self.samples {
            Some(s) => s.values().to_vec(),
            None => vec![self.estimate],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> BenchId {
        BenchId::parse("a/b/c").unwrap()
    }

    fn score() -> Metric {
        Metric::Other("score_delta".into())
    }

    /// Records without failures keep their old shape; a failure is read
    /// back as written.
    #[test]
    fn failures_are_written_only_when_a_target_failed() {
        let mut run = Run {
            schema: SCHEMA_VERSION,
            run_id: "r".into(),
            time: "2026-01-01T00:00:00Z".into(),
            git: None,
            machine: Machine {
                cpu_model: "cpu".into(),
                cores: 2,
                os: "linux".into(),
                rustc: "rustc".into(),
            },
            profile: "quick".into(),
            measurements: vec![
                Measurement::point(id(), Metric::Instructions, 5.0, "gungraun").unwrap(),
            ],
            failures: Vec::new(),
        };
        assert!(!serde_json::to_string(&run).unwrap().contains("failures"));
        run.failures.push(FailedTarget {
            target: "pkg/boom".into(),
            message: "exit status: 101: the disk is on fire".into(),
        });
        let text = serde_json::to_string(&run).unwrap();
        assert_eq!(serde_json::from_str::<Run>(&text).unwrap(), run);
    }

    #[test]
    fn point_refuses_a_negative_value() {
        assert_eq!(
            Measurement::point(id(), score(), -1.5, "json"),
            Err(ValueError::Negative(-1.5))
        );
    }

    #[test]
    fn signed_point_allows_a_negative_custom_metric() {
        let m = Measurement::signed_point(id(), score(), -1.5, "json").unwrap();
        assert!(m.signed);
        assert_eq!(m.values(), [-1.5]);
        assert!(matches!(
            Measurement::signed_point(id(), score(), f64::NAN, "json"),
            Err(ValueError::NotFinite(_))
        ));
    }

    #[test]
    fn signed_point_refuses_metrics_that_are_never_negative() {
        for metric in [Metric::WallTime, Metric::Instructions, Metric::HeapBytes] {
            assert_eq!(
                Measurement::signed_point(id(), metric.clone(), 1.0, "json"),
                Err(ValueError::NeverNegative(metric))
            );
        }
    }
}
