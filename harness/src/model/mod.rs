//! The data model every collector produces and every report consumes: a
//! [`Run`] of [`Measurement`]s, schema-versioned.

mod bench_id;
mod metric;
mod run;
mod sample;
mod summary;
mod valid;

pub use bench_id::{BenchId, BenchIdError};
pub use metric::{Metric, Unit};
pub use run::{FailedTarget, GitInfo, Interval, Machine, Measurement, Run, SCHEMA_VERSION};
pub use sample::{Sample, ValueError, check_finite, check_value};
pub use summary::{Summary, summarise};
pub use valid::{InvalidRun, MAX_COMMIT_TIME, MIN_COMMIT_TIME, is_commit_hash, is_rfc3339};

/// Why a run record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Not JSON, or not the shape of a run.
    #[error("not a run record: {0}")]
    Json(#[from] serde_json::Error),
    /// No `schema` field.
    #[error("run record has no \"schema\" field")]
    NoSchema,
    /// The shape of a run, breaking a rule of [`Run::validate`].
    #[error("{0}")]
    Invalid(#[from] InvalidRun),
    /// Written by a newer harness.
    #[error("run record has schema {found}, newer than {SCHEMA_VERSION} which this build reads")]
    TooNew {
        /// The version found.
        found: u64,
    },
}

/// Reads one run record of any schema version up to [`SCHEMA_VERSION`].
///
/// Version 1 is the current shape. A future version 2 adds a migration
/// arm here that upgrades the JSON value of an older record first.
pub fn read_run(text: &str) -> Result<Run, RunError> {
    read_run_value(serde_json::from_str(text)?)
}

/// Reads one run record as [`read_run`] does, but one without
/// measurements is accepted: a store's index line lists a run without
/// them.
pub(crate) fn read_run_header(text: &str) -> Result<Run, RunError> {
    let value: serde_json::Value = serde_json::from_str(text)?;
    match schema(&value)? {
        1 => {
            let raw: run::RawRun = serde_json::from_value(value)?;
            Ok(Run::header_from_raw(raw)?)
        }
        found => Err(RunError::TooNew { found }),
    }
}

fn schema(value: &serde_json::Value) -> Result<u64, RunError> {
    value
        .get("schema")
        .and_then(serde_json::Value::as_u64)
        .ok_or(RunError::NoSchema)
}

/// Reads one run record already parsed as JSON, as [`read_run`] does.
pub fn read_run_value(value: serde_json::Value) -> Result<Run, RunError> {
    match schema(&value)? {
        1 => {
            let raw: run::RawRun = serde_json::from_value(value)?;
            Ok(Run::try_from(raw)?)
        }
        found => Err(RunError::TooNew { found }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A v1 record frozen when the schema was introduced: must keep reading.
    const FROZEN_V1: &str = include_str!("../../tests/data/model/run.v1.json");

    #[test]
    fn frozen_v1_record_still_reads() {
        let run = read_run(FROZEN_V1).unwrap();
        assert_eq!(run.schema, 1);
        let id = BenchId::parse("ntu/observe/w5").unwrap();
        let m = run.find(&id, &Metric::WallTime).unwrap();
        assert_eq!(m.unit, Unit::Nanoseconds);
        assert_eq!(m.samples.as_ref().unwrap().len(), 5);
        let ir = run.find(&id, &Metric::Instructions).unwrap();
        assert_eq!(ir.estimate, 412.0);
        assert_eq!(run.machine.fingerprint(), run.machine.clone().fingerprint());
    }

    #[test]
    fn round_trips_through_json() {
        let run = read_run(FROZEN_V1).unwrap();
        let text = serde_json::to_string(&run).unwrap();
        assert_eq!(read_run(&text).unwrap(), run);
    }

    #[test]
    fn newer_or_unversioned_records_are_refused() {
        assert!(matches!(
            read_run("{\"schema\": 99}"),
            Err(RunError::TooNew { found: 99 })
        ));
        assert!(matches!(read_run("{}"), Err(RunError::NoSchema)));
        assert!(matches!(read_run("{"), Err(RunError::Json(_))));
    }

    #[test]
    fn negative_estimates_are_refused_on_read() {
        let bad = FROZEN_V1.replacen("\"estimate\": 412.0", "\"estimate\": -1.0", 1);
        assert!(read_run(&bad).is_err());
    }

    /// The frozen record with its instruction count turned into a custom
    /// metric whose estimate is `estimate`, plus `extra` fields.
    fn custom_metric(estimate: &str, extra: &str) -> String {
        FROZEN_V1.replacen(
            "\"metric\": \"instructions\",\n      \"unit\": \"count\",\n      \"estimate\": 412.0,",
            &format!("\"metric\": \"score_delta\",\n      \"unit\": \"count\",\n      \"estimate\": {estimate},{extra}"),
            1,
        )
    }

    fn error_text(text: &str) -> String {
        read_run(text).unwrap_err().to_string()
    }

    #[test]
    fn a_negative_custom_metric_marked_signed_reads() {
        let text = custom_metric("-3.5", " \"signed\": true,");
        let run = read_run(&text).unwrap();
        let id = BenchId::parse("ntu/observe/w5").unwrap();
        let m = run.find(&id, &Metric::Other("score_delta".into())).unwrap();
        assert!(m.signed);
        assert_eq!(m.estimate, -3.5);
        // Written back with its flag, and read again unchanged.
        let back = serde_json::to_string(&run).unwrap();
        assert!(back.contains("\"signed\":true"), "{back}");
        assert_eq!(read_run(&back).unwrap(), run);
    }

    #[test]
    fn a_negative_custom_metric_without_signed_is_refused_naming_the_value() {
        let err = error_text(&custom_metric("-3.5", ""));
        assert!(err.contains("value -3.5 is negative"), "{err}");
        let err = error_text(&custom_metric("-3.5", " \"signed\": false,"));
        assert!(err.contains("value -3.5 is negative"), "{err}");
    }

    #[test]
    fn a_negative_sample_without_signed_is_refused_naming_the_value() {
        let bad = FROZEN_V1.replacen("41.3, 40.8", "41.3, -40.8", 1);
        let err = error_text(&bad);
        assert!(err.contains("value -40.8 is negative"), "{err}");
    }

    #[test]
    fn signed_wall_time_is_refused() {
        let bad = FROZEN_V1.replacen(
            "\"source\": \"criterion\"",
            "\"source\": \"criterion\", \"signed\": true",
            1,
        );
        let err = error_text(&bad);
        assert!(
            err.contains("metric wall_time_ns is never negative"),
            "{err}"
        );
    }

    #[test]
    fn an_unsigned_record_serialises_without_a_signed_key() {
        let run = read_run(FROZEN_V1).unwrap();
        assert!(run.measurements.iter().all(|m| !m.signed));
        let text = serde_json::to_string(&run).unwrap();
        assert!(!text.contains("signed"), "{text}");
        // Byte for byte the shape written before the field existed.
        let id = BenchId::parse("ntu/observe/w5").unwrap();
        let ir = run.find(&id, &Metric::Instructions).unwrap();
        assert_eq!(
            serde_json::to_string(ir).unwrap(),
            "{\"bench\":\"ntu/observe/w5\",\"metric\":\"instructions\",\"unit\":\"count\",\
             \"estimate\":412.0,\"interval\":null,\"samples\":null,\"source\":\"gungraun\"}"
        );
    }
}
