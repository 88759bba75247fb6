//! This machine's calibration as prior knowledge of each bench's
//! round-to-round noise in `compare`.
//!
//! A comparison of a dozen rounds estimates each bench's spread on a
//! dozen degrees of freedom, and at the whole-run budget's small per-bench
//! α the Student quantile on so few is large (t at 10⁻⁴ is 5.3 on 9 df,
//! 4.2 on 18, 3.7 on ∞). The calibration measured the same quantity (σ of
//! the log ratio of two back-to-back runs of identical code) on the same
//! machine and profile over its own rounds, so the two estimates are
//! pooled, as the two samples of a pooled-variance t test are:
//! s̃² = (d₀·σ₀² + d·s²)/(d₀ + d) on d₀ + d degrees of freedom.
//!
//! Two guards keep the pooling honest when today is not the calibration
//! day:
//!
//! - **The machine's noise now.** Every bench's σ₀² is scaled by κ², the
//!   ratio of the spread seen now to the calibrated one over all
//!   calibrated benches of this comparison: a noisier runner raises every
//!   prior. Each bench's ratio sᵢ²/σ̂₀ᵢ² is κ² times an F(dᵢ, d₀ᵢ)
//!   variate, so κ² is the median over benches of the ratio divided by
//!   that F distribution's median: consistent, and one erratic bench
//!   does not move it.
//! - **The calibration weighs at most as much as the rounds**
//!   (d₀ is capped at d): early looks, whose few rounds cannot yet show
//!   that a bench is noisier than calibrated, lean on it least.
//! - **One bench noisier than calibrated** (the head's change made it
//!   erratic, or a neighbour hit it): when s²/(κ²σ₀²) exceeds the F
//!   distribution's 99.9 % quantile on (d, d₀) degrees of freedom, that
//!   bench's prior is dropped and it is judged on its own rounds.
//!
//! The false-alarm rate this gives on identical code, with and without a
//! calibration, is measured by `cargo run --release -p harness --example
//! compare_eval` (harness/README.md, "Pull requests").

use std::collections::BTreeMap;

use statrs::distribution::{ContinuousCDF, FisherSnedecor};

use super::calibration::Calibration;
use super::paired::Pairs;

/// Fewest calibration rounds whose spread is used as a prior.
pub const MIN_ROUNDS: usize = 5;

/// Upper-tail level of the test that drops a bench's prior.
const DROP_LEVEL: f64 = 0.001;

/// A bench's noise known before its rounds: variance of the log ratio of
/// a round and its degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prior {
    /// Variance of one round's log ratio, scaled to the machine now.
    pub var: f64,
    /// Degrees of freedom of `var`.
    pub df: f64,
}

/// The priors of one comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Priors {
    /// κ²: the machine's noise now over its calibrated noise.
    pub scale: f64,
    /// Per (bench, metric): calibrated σ₀² and its degrees of freedom.
    known: BTreeMap<(String, String), (f64, f64)>,
}

/// Variance of the log ratios and its degrees of freedom.
pub(crate) fn log_spread(p: &Pairs) -> Option<(f64, f64)> {
    let logs = p.logs();
    let sd = crate::stats::describe::std_dev(&logs)?;
    Some((sd * sd, logs.len() as f64 - 1.0))
}

impl Priors {
    /// The priors from `cal` for the noisy `pairs` of a comparison; `None`
    /// when no paired bench is calibrated over enough rounds or none has
    /// a spread to scale by.
    pub fn new(cal: &Calibration, pairs: &[Pairs]) -> Option<Priors> {
        let mut known = BTreeMap::new();
        let mut ratios = Vec::new();
        for p in pairs.iter().filter(|p| p.sampled) {
            let Some(b) = cal.find(&p.bench, &p.metric) else {
                continue;
            };
            let Some(sigma) = b.sigma_pair.filter(|s| *s > 0.0 && s.is_finite()) else {
                continue;
            };
            if b.rounds < MIN_ROUNDS {
                continue;
            }
            let (var0, df0) = (sigma * sigma, b.rounds as f64 - 1.0);
            known.insert((p.bench.clone(), p.metric.to_string()), (var0, df0));
            let Some((var, df)) = log_spread(p).filter(|(_, df)| *df >= 1.0) else {
                continue;
            };
            let Some(median) = FisherSnedecor::new(df, df0)
                .ok()
                .map(|f| f.inverse_cdf(0.5))
            else {
                continue;
            };
            ratios.push(var / var0 / median);
        }
        let scale = crate::stats::describe::median(&ratios)?;
        (scale.is_finite() && scale > 0.0).then_some(Priors { scale, known })
    }

    /// The prior of one bench, unless it has none or its rounds are
    /// noisier than its scaled calibration allows (see the module).
    pub fn of(&self, p: &Pairs) -> Option<Prior> {
        let (var0, df0) = *self.known.get(&(p.bench.clone(), p.metric.to_string()))?;
        let own = log_spread(p);
        // The calibration weighs at most as much as the rounds themselves:
        // early looks, whose few rounds cannot yet show a bench noisier
        // than calibrated, lean on it least.
        let prior = Prior {
            var: var0 * self.scale,
            df: own.map_or(0.0, |(_, df)| df.min(df0)),
        };
        if !(prior.var > 0.0 && prior.var.is_finite() && prior.df >= 1.0) {
            return None;
        }
        match own {
            Some((var, df)) => {
                let limit = FisherSnedecor::new(df, df0)
                    .ok()?
                    .inverse_cdf(1.0 - DROP_LEVEL);
                (var / prior.var <= limit).then_some(prior)
            }
            None => None,
        }
    }
}

/// The standard deviation of a round's log ratio and its degrees of
/// freedom: the rounds' own, pooled with the prior when there is one.
pub(crate) fn pooled(own: Option<(f64, f64)>, prior: Option<Prior>) -> Option<(f64, f64)> {
    match (own, prior) {
        (Some((var, df)), Some(p)) => {
            let total = df + p.df;
            Some((((df * var + p.df * p.var) / total).sqrt(), total))
        }
        (Some((var, df)), None) if df >= 1.0 => Some((var.sqrt(), df)),
        (None, Some(p)) => Some((p.var.sqrt(), p.df)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::calibration::{BenchNoise, SCHEMA};
    use crate::model::{Machine, Metric, Unit};

    fn cal(sigmas: &[(&str, f64)], rounds: usize) -> Calibration {
        Calibration {
            schema: SCHEMA,
            machine: Machine {
                cpu_model: "cpu".into(),
                cores: 2,
                os: "linux".into(),
                rustc: "rustc".into(),
            },
            profile: "round".into(),
            time: String::new(),
            rounds,
            benches: sigmas
                .iter()
                .map(|(b, s)| BenchNoise {
                    bench: (*b).into(),
                    metric: Metric::WallTime,
                    sigma_pair: Some(*s),
                    sigma_run: Some(*s),
                    rounds,
                })
                .collect(),
        }
    }

    fn pairs(bench: &str, ratios: &[f64]) -> Pairs {
        Pairs {
            bench: bench.into(),
            metric: Metric::WallTime,
            unit: Unit::Nanoseconds,
            sampled: true,
            base: vec![100.0; ratios.len()],
            head: ratios.iter().map(|r| 100.0 * r).collect(),
        }
    }

    #[test]
    fn the_prior_follows_the_machine_noise_now() {
        // Every bench twice as noisy now (in σ) as calibrated: κ² near 4.
        let c = cal(&[("a", 0.01), ("b", 0.02), ("c", 0.01)], 10);
        let a = pairs("a", &[1.02, 0.98, 1.02, 0.98, 1.02, 0.98]);
        let b = pairs("b", &[1.04, 0.96, 1.04, 0.96, 1.04, 0.96]);
        let c2 = pairs("c", &[1.02, 0.98, 1.02, 0.98, 1.02, 0.98]);
        let pr = Priors::new(&c, &[a.clone(), b, c2]).unwrap();
        let (va, _) = log_spread(&a).unwrap();
        let f_median = FisherSnedecor::new(5.0, 9.0).unwrap().inverse_cdf(0.5);
        assert!((pr.scale - va / 1e-4 / f_median).abs() < 1e-9, "{pr:?}");
        assert!(pr.scale > 4.0 && pr.scale < 6.0, "{pr:?}");
        // At most as many degrees of freedom as the rounds' own (5).
        let p = pr.of(&a).unwrap();
        assert_eq!(p.df, 5.0);
        let (sd, df) = pooled(log_spread(&a), Some(p)).unwrap();
        assert_eq!(df, 10.0);
        let want = ((5.0 * va + 5.0 * p.var) / 10.0).sqrt();
        assert!((sd - want).abs() < 1e-12, "{sd} vs {want}");
    }

    #[test]
    fn a_bench_far_noisier_than_calibrated_loses_its_prior() {
        let c = cal(
            &[
                ("calm1", 0.01),
                ("calm2", 0.01),
                ("calm3", 0.01),
                ("wild", 0.01),
            ],
            10,
        );
        let calm = |b: &str| pairs(b, &[1.01, 0.99, 1.005, 0.995, 1.0, 1.01]);
        let wild = pairs("wild", &[1.3, 0.7, 1.25, 0.75, 1.3, 0.7]);
        let all = [calm("calm1"), calm("calm2"), calm("calm3"), wild.clone()];
        let pr = Priors::new(&c, &all).unwrap();
        assert!(pr.of(&all[0]).is_some());
        assert_eq!(pr.of(&wild), None, "{pr:?}");
    }

    #[test]
    fn too_short_a_calibration_or_an_unknown_bench_gives_no_prior() {
        let a = pairs("a", &[1.01, 0.99, 1.0]);
        assert_eq!(
            Priors::new(
                &cal(&[("a", 0.01)], MIN_ROUNDS - 1),
                std::slice::from_ref(&a)
            ),
            None
        );
        assert_eq!(
            Priors::new(&cal(&[("other", 0.01)], 10), std::slice::from_ref(&a)),
            None
        );
        let pr = Priors::new(
            &cal(&[("a", 0.01), ("z", 0.01)], 10),
            std::slice::from_ref(&a),
        )
        .unwrap();
        assert_eq!(pr.of(&a).map(|p| p.df), Some(2.0));
        assert_eq!(
            pr.of(&pairs("z", &[1.0, 1.01])),
            None,
            "not in this comparison"
        );
    }
}
