//! Criterion output: `target/criterion/<id…>/new/{benchmark,estimates,sample}.json`.
//!
//! Criterion (0.3 to 0.8) keeps, per bench, a `new/` folder with the latest
//! measurement, `base/` with the previous one and `change/` with its
//! comparison. `benchmark.json` holds the full id; `estimates.json` the
//! bootstrap estimates in nanoseconds; `sample.json` the raw samples as
//! `iters[i]` iterations taking `times[i]` nanoseconds in total, so one
//! iteration took `times[i] / iters[i]`.

use std::path::Path;
use std::time::SystemTime;

use super::json::Doc;
use super::{CollectError, find_files, read_json};
use crate::model::{BenchId, Interval, Measurement, Metric, Sample, Unit};

/// Criterion's own comparison of `new` against `base` (`change/estimates.json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Relative change of the mean, e.g. -0.0003 for 0.03 % faster.
    pub mean: f64,
    /// Its confidence interval.
    pub interval: Interval,
}

/// One bench read from its folder.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionBench {
    /// The `new/` measurement.
    pub measurement: Measurement,
    /// Criterion's change estimate, when a `change/` folder exists.
    pub change: Option<Change>,
}

/// Reads every bench at or below `root` (a `target/criterion` folder, a
/// folder containing one, or one bench's folder).
pub fn collect(root: &Path) -> Result<Vec<CriterionBench>, CollectError> {
    collect_since(root, None)
}

/// Like [`collect`], keeping only benches whose `new/benchmark.json` was
/// written at or after `since` (Criterion never deletes old benches).
pub fn collect_since(
    root: &Path,
    since: Option<SystemTime>,
) -> Result<Vec<CriterionBench>, CollectError> {
    let files = find_files(root, "benchmark.json", &["report", "base", "change"])?;
    let benches: Vec<_> = files
        .iter()
        .filter(|f| super::modified_since(f, since))
        .filter(|f| {
            f.parent()
                .and_then(Path::file_name)
                .is_some_and(|n| n == "new")
        })
        .filter_map(|f| f.parent()?.parent())
        .map(read_bench)
        .collect::<Result<_, _>>()?;
    if benches.is_empty() {
        return Err(CollectError::NothingFound {
            path: root.display().to_string(),
            tool: "Criterion",
        });
    }
    Ok(benches)
}

/// Reads one bench folder (the one holding `new/`).
pub fn read_bench(dir: &Path) -> Result<CriterionBench, CollectError> {
    let new = dir.join("new");
    let bench_path = new.join("benchmark.json");
    let bench_json = read_json(&bench_path)?;
    let bench_doc = Doc {
        path: &bench_path,
        value: &bench_json,
    };
    let raw_id = bench_doc
        .get("full_id")
        .or_else(|| bench_doc.get("title"))
        .and_then(|v| v.as_str())
        .ok_or_else(|| bench_doc.error("full_id", "missing"))?;
    let bench = BenchId::parse(raw_id).map_err(|e| bench_doc.error("full_id", e.to_string()))?;

    let est_path = new.join("estimates.json");
    let est_json = read_json(&est_path)?;
    let est = Doc {
        path: &est_path,
        value: &est_json,
    };
    let estimate = est.time("mean.point_estimate")?;
    let interval = Interval {
        lower: est.time("mean.confidence_interval.lower_bound")?,
        upper: est.time("mean.confidence_interval.upper_bound")?,
        level: est.time("mean.confidence_interval.confidence_level")?,
    };

    let sample_path = new.join("sample.json");
    let sample_json = read_json(&sample_path)?;
    let sample = Doc {
        path: &sample_path,
        value: &sample_json,
    };
    let iters = sample.times("iters")?;
    let times = sample.times("times")?;
    if iters.len() != times.len() {
        return Err(sample.error(
            "times",
            format!("{} times for {} iteration counts", times.len(), iters.len()),
        ));
    }
    let per_iter = iters
        .iter()
        .zip(&times)
        .enumerate()
        .map(|(i, (&n, &t))| {
            if n > 0.0 {
                Ok(t / n)
            } else {
                Err(sample.error(&format!("iters[{i}]"), "zero iterations"))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let samples = Sample::new(per_iter).map_err(|e| sample.error("times", e.to_string()))?;

    Ok(CriterionBench {
        measurement: Measurement {
            bench,
            metric: Metric::WallTime,
            unit: Unit::Nanoseconds,
            estimate,
            interval: Some(interval),
            samples: Some(samples),
            source: "criterion".to_owned(),
            signed: false,
            summary: None,
        },
        change: read_change(dir)?,
    })
}

/// Reads `change/estimates.json` when present. Changes may be negative.
fn read_change(dir: &Path) -> Result<Option<Change>, CollectError> {
    let path = dir.join("change").join("estimates.json");
    if !path.exists() {
        return Ok(None);
    }
    let json = read_json(&path)?;
    let doc = Doc {
        path: &path,
        value: &json,
    };
    let signed = |field: &str| {
        doc.get(field)
            .and_then(super::json::number)
            .filter(|x| x.is_finite())
            .ok_or_else(|| doc.error(field, "missing or not a finite number"))
    };
    Ok(Some(Change {
        mean: signed("mean.point_estimate")?,
        interval: Interval {
            lower: signed("mean.confidence_interval.lower_bound")?,
            upper: signed("mean.confidence_interval.upper_bound")?,
            level: signed("mean.confidence_interval.confidence_level")?,
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/criterion/dougch_criterion_gettingstarted"
    );

    #[test]
    fn reads_the_criterion_0_3_fixture_with_spaces_in_ids() {
        let benches = collect(Path::new(FIXTURE)).unwrap();
        let ids: Vec<_> = benches
            .iter()
            .map(|b| b.measurement.bench.to_string())
            .collect();
        assert_eq!(ids, ["fib 20 - fast", "fib 20 - slow"]);
        let fast = &benches[0];
        assert!((fast.measurement.estimate - 4.8577).abs() < 5e-5);
        assert!((fast.change.as_ref().unwrap().mean - -0.000317).abs() < 5e-7);
        let samples = fast.measurement.samples.as_ref().unwrap();
        assert_eq!(samples.len(), 100);
        // First sample: 1044826 ns over 202638 iterations.
        assert!((samples.values()[0] - 1_044_826.0 / 202_638.0).abs() < 1e-9);
    }

    #[test]
    fn nan_and_negative_times_name_the_file_and_field() {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(FIXTURE).join("target/criterion/fib 20 - fast");
        let bench = dir.path().join("b");
        std::fs::create_dir_all(bench.join("new")).unwrap();
        for f in ["benchmark.json", "estimates.json"] {
            std::fs::copy(src.join("new").join(f), bench.join("new").join(f)).unwrap();
        }
        std::fs::write(
            bench.join("new/sample.json"),
            r#"{"iters":[1,2],"times":[5,-3]}"#,
        )
        .unwrap();
        let err = collect(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("sample.json") && err.contains("times[1]") && err.contains("negative"),
            "{err}"
        );
        std::fs::write(
            bench.join("new/sample.json"),
            r#"{"iters":[1,2],"times":[5,"NaN"]}"#,
        )
        .unwrap();
        let err = collect(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not finite"), "{err}");
    }

    #[test]
    fn an_empty_folder_has_nothing_to_import() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            collect(dir.path()),
            Err(CollectError::NothingFound { .. })
        ));
    }
}
