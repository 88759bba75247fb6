//! Statistical process control over one bench's history.
//!
//! The reference is the runs before the latest (at most the last 30): an
//! individuals chart with robust limits (median, median moving range).
//! The whole series, standardised by those limits, goes through the
//! Western Electric rules, CUSUM (k = 0.5σ, h = 5σ) and EWMA (λ = 0.2,
//! L = 2.962). Drift is reported when a signal is active at the latest
//! run in the slower/bigger direction; improvements are only noted. A
//! binary-segmentation change point names the run where a step began.

use crate::stats::changepoint::change_points;
use crate::stats::cusum::{Cusum, H, K};
use crate::stats::ewma::{Ewma, L, LAMBDA};
use crate::stats::individuals::robust_limits;
use crate::stats::western_electric::western_electric;

/// Fewest earlier runs needed before control limits mean anything.
pub const MIN_REFERENCE: usize = 8;

/// How many earlier runs set the limits.
pub const REFERENCE_WINDOW: usize = 30;

/// How many recent runs the charts and the change-point search cover.
const ANALYSED: usize = 2 * REFERENCE_WINDOW;

/// What the control charts say about the latest point.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DriftReport {
    /// Status text for the table.
    pub status: String,
    /// Reasons for a drift verdict (empty when in control).
    pub drift: Vec<String>,
    /// The latest change point, as the label of the run that began it.
    pub change_point: Option<String>,
}

/// Judges `values` (run order, latest last) labelled by `labels`. Drift
/// also needs the latest value `min_drift` (a fraction) above the center.
pub fn drift(values: &[f64], labels: &[String], min_drift: f64) -> DriftReport {
    // Only the recent past matters: the charts run over the last
    // `ANALYSED` runs so that a level left long ago cannot raise an alarm.
    let skip = values.len().saturating_sub(ANALYSED);
    let (values, labels) = (&values[skip..], &labels[skip..]);
    let n = values.len();
    if n < MIN_REFERENCE + 1 {
        return DriftReport {
            status: format!("{} runs: too few for limits", n),
            ..Default::default()
        };
    }
    let reference = &values[(n - 1).saturating_sub(REFERENCE_WINDOW)..n - 1];
    let Some(limits) = robust_limits(reference) else {
        return DriftReport {
            status: "no run-to-run spread".into(),
            ..Default::default()
        };
    };
    let zs: Vec<f64> = values.iter().map(|&v| limits.z(v)).collect();
    let last = n - 1;
    let mut report = DriftReport::default();
    let up = zs[last] > 0.0;
    for s in western_electric(&zs).into_iter().filter(|s| s.end == last) {
        let text = format!("Western Electric rule {} since {}", s.rule, labels[s.start]);
        if up {
            report.drift.push(text)
        } else {
            report.status.push_str(&format!("{text} (faster); "))
        }
    }
    let mut cusum = Cusum::new(K, H);
    let mut alarm = None;
    for &z in &zs {
        alarm = cusum.step(z);
    }
    if let Some(a) = alarm {
        let text = format!("CUSUM since {}", labels[a.since]);
        if a.upward {
            report.drift.push(text)
        } else {
            report.status.push_str(&format!("{text} (faster); "))
        }
    }
    // The EWMA excursion still open at the latest run began where the
    // statistic last crossed its limit.
    let mut ewma = Ewma::new(LAMBDA, L);
    let mut since = None;
    for (i, &z) in zs.iter().enumerate() {
        since = match (ewma.step(z), since) {
            (Some(_), None) => Some(i),
            (Some(_), open) => open,
            (None, _) => None,
        };
    }
    if let Some(i) = since {
        if ewma.value() > 0.0 {
            report.drift.push(format!("EWMA since {}", labels[i]));
        } else {
            report
                .status
                .push_str(&format!("EWMA since {} (faster); ", labels[i]));
        }
    }
    report.change_point = change_points(values).last().map(|&i| labels[i].clone());
    let departure = values[last] / limits.center - 1.0;
    if !report.drift.is_empty() && departure < min_drift {
        report.status = format!(
            "{} but only {:+.2}% from the center (below the {:.1}% minimum drift); ",
            report.drift.join(", "),
            departure * 100.0,
            min_drift * 100.0
        );
        report.drift.clear();
    }
    if report.drift.is_empty() {
        report
            .status
            .push_str(&format!("in control (z={:+.1})", zs[last]));
    } else {
        report.status = format!("{} (z={:+.1})", report.drift.join(", "), zs[last]);
    }
    if let Some(cp) = &report.change_point {
        report.status.push_str(&format!("; step at {cp}"));
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::rng::Rng;

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("r{i}")).collect()
    }

    #[test]
    fn stable_history_is_in_control() {
        let mut rng = Rng::new(1);
        let xs: Vec<f64> = (0..20).map(|_| 100.0 + rng.normal()).collect();
        let r = drift(&xs, &labels(20), 0.0);
        assert!(r.drift.is_empty(), "{r:?}");
        assert!(r.status.starts_with("in control"));
    }

    #[test]
    fn a_jump_and_a_creep_are_drift() {
        let mut rng = Rng::new(2);
        let mut xs: Vec<f64> = (0..20).map(|_| 100.0 + rng.normal()).collect();
        xs.push(110.0);
        let r = drift(&xs, &labels(21), 0.0);
        assert!(
            r.drift.iter().any(|d| d.contains("rule 1 since r20")),
            "{r:?}"
        );
        let mut creep: Vec<f64> = (0..15).map(|_| 100.0 + rng.normal()).collect();
        creep.extend((0..10).map(|i| 101.5 + 0.1 * i as f64 + 0.3 * rng.normal()));
        let r = drift(&creep, &labels(25), 0.0);
        assert!(!r.drift.is_empty(), "{r:?}");
        assert_eq!(r.change_point.as_deref(), Some("r15"), "{r:?}");
    }

    #[test]
    fn a_tiny_departure_is_not_drift() {
        let mut rng = Rng::new(3);
        let mut xs: Vec<f64> = (0..20).map(|_| 100.0 + 0.01 * rng.normal()).collect();
        xs.push(100.5);
        let r = drift(&xs, &labels(21), 0.01);
        assert!(
            r.drift.is_empty() && r.status.contains("minimum drift"),
            "{r:?}"
        );
    }

    #[test]
    fn an_old_slow_period_is_forgotten() {
        let mut rng = Rng::new(4);
        let mut xs: Vec<f64> = (0..30).map(|_| 120.0 + rng.normal()).collect();
        xs.extend((0..70).map(|_| 100.0 + rng.normal()));
        let r = drift(&xs, &labels(100), 0.0);
        assert!(r.drift.is_empty() && r.change_point.is_none(), "{r:?}");
    }

    #[test]
    fn short_or_flat_history_has_no_limits() {
        assert!(drift(&[1.0; 5], &labels(5), 0.0).status.contains("too few"));
        assert!(
            drift(&[1.0; 12], &labels(12), 0.0)
                .status
                .contains("no run-to-run spread")
        );
    }
}

#[cfg(test)]
mod false_alarms {
    use super::*;
    use crate::stats::rng::Rng;

    /// The chance that one in-control run is flagged as drift, over 30
    /// earlier runs of normal noise: measured by simulation, so the report
    /// can state it. Four rules and two charts together alarm more often
    /// than any one of them; the upward-only and minimum-drift conditions
    /// pull the rate back down.
    #[test]
    fn per_run_false_alarm_rate_is_small() {
        let mut rng = Rng::new(77);
        let labels: Vec<String> = (0..31).map(|i| i.to_string()).collect();
        let trials = 4000;
        let rate = |sigma_pct: f64, rng: &mut Rng| {
            let alarms = (0..trials)
                .filter(|_| {
                    let xs: Vec<f64> = (0..31)
                        .map(|_| 100.0 * (1.0 + sigma_pct / 100.0 * rng.normal()))
                        .collect();
                    !drift(&xs, &labels, 0.01).drift.is_empty()
                })
                .count();
            alarms as f64 / trials as f64
        };
        let noisy = rate(2.0, &mut rng);
        let quiet = rate(0.2, &mut rng);
        eprintln!("false drift per run: σ = 2 %: {noisy:.4}; σ = 0.2 %: {quiet:.4}");
        assert!(noisy < 0.03, "{noisy}");
        assert!(quiet < 0.001, "{quiet}");
    }
}
