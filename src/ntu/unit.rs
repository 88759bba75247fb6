//! The NTU itself: observation, detection and convergence.

use super::window::Window;
use super::{NtuConfig, NtuError, Weights, entropy, exp};

/// First components of the L2-normalised class embeddings: LOW `[0.1, 0.2,
/// 0.7]`, MEDIUM `[0.4, 0.4, 0.2]`, HIGH `[0.8, 0.1, 0.1]`, each
/// `e[0] / sqrt(e[0]^2 + e[1]^2 + e[2]^2)` to the bit (a unit test
/// recomputes them).
const PRIORS: [f64; 3] = [
    f64::from_bits(0x3fc1_6b28_f55d_72d5), // 0.13608276348795437
    f64::from_bits(0x3fe5_5555_5555_5555), // 0.6666666666666666
    f64::from_bits(0x3fef_82ec_882c_0f9a), // 0.9847319278346618
];

#[inline]
fn class_prior(v: f64) -> f64 {
    // The class thresholds (0.33, 0.67) are not the histogram bin edges.
    PRIORS[usize::from(v >= 0.33) + usize::from(v >= 0.67)]
}

/// A config and its weights, shared by every unit built with the default
/// settings (whatever their window) and boxed otherwise.
#[derive(Debug, Clone, PartialEq)]
struct Params {
    config: NtuConfig,
    weights: Weights,
}

/// The default settings: `0.4 + 0.35 + 0.25` is exactly 1.0 in doubles, so
/// the weights are the config's own (a unit test checks it).
static DEFAULT_PARAMS: Params = Params {
    config: NtuConfig {
        window_size: 5,
        alpha: 0.4,
        beta: 0.35,
        gamma: 0.25,
        ihsan_threshold: 0.95,
        epsilon: 0.01,
        max_iterations: 1000,
    },
    weights: Weights {
        alpha: 0.4,
        beta: 0.35,
        gamma: 0.25,
    },
};

/// The state of an NTU after some observations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NtuState {
    /// Belief that the pattern holds, in [0, 1].
    pub belief: f64,
    /// Normalised entropy of the window, in [0, 1].
    pub entropy: f64,
    /// `belief * (1 - entropy)`, in [0, 1].
    pub potential: f64,
    /// Observations since the last reset.
    pub iteration: u64,
}

impl NtuState {
    /// The state before any observation: `(0.5, 1.0, 0.5, 0)`.
    pub const INITIAL: NtuState = NtuState {
        belief: 0.5,
        entropy: 1.0,
        potential: 0.5,
        iteration: 0,
    };
}

/// The outcome of [`Ntu::detect_pattern`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Whether the final belief reached the config's `ihsan_threshold`.
    pub detected: bool,
    /// The state after the last observation.
    pub state: NtuState,
}

/// The outcome of [`Ntu::run_until_convergence`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Convergence {
    /// Whether the belief moved by less than epsilon in one observation.
    pub converged: bool,
    /// Observations made.
    pub iterations: usize,
    /// The state after the last observation.
    pub state: NtuState,
}

/// A NeuroTemporal Unit.
///
/// Kept to 80 bytes plus its window's values: the settings are shared when
/// they are the defaults, and the state keeps only the unclamped belief
/// (entropy and potential follow from it and the window's bin counts).
#[derive(Debug, Clone)]
pub struct Ntu {
    /// `None` for the default settings ([`DEFAULT_PARAMS`]).
    custom: Option<Box<Params>>,
    window: Window,
    /// The belief before clamping: the potential is computed from it.
    raw_belief: f64,
    iteration: u64,
}

/// `x` clamped to [0, 1] for a finite `x` (two compare-and-select
/// instructions; `f64::clamp` also checks its bounds and keeps NaN).
#[inline]
#[allow(clippy::manual_clamp)] // on purpose: `clamp` costs more on the hot path
fn unit_clamp(x: f64) -> f64 {
    debug_assert!(!x.is_nan());
    x.max(0.0).min(1.0)
}

fn check_finite(values: &[f64]) -> Result<(), NtuError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(NtuError::NonFinite {
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

impl Ntu {
    /// A fresh unit; fails when the config is invalid (see
    /// [`NtuConfig::validate`]).
    pub fn new(config: NtuConfig) -> Result<Ntu, NtuError> {
        let weights = config.validate()?;
        let shared = NtuConfig {
            window_size: DEFAULT_PARAMS.config.window_size,
            ..config
        };
        let custom =
            (shared != DEFAULT_PARAMS.config).then(|| Box::new(Params { config, weights }));
        Ok(Ntu {
            custom,
            window: Window::new(config.window_size),
            raw_belief: NtuState::INITIAL.belief,
            iteration: 0,
        })
    }

    #[inline]
    fn params(&self) -> &Params {
        self.custom.as_deref().unwrap_or(&DEFAULT_PARAMS)
    }

    /// The config the unit was built with.
    pub fn config(&self) -> NtuConfig {
        NtuConfig {
            window_size: self.window.capacity(),
            ..self.params().config
        }
    }

    /// The weights in use, after normalisation.
    pub fn weights(&self) -> Weights {
        self.params().weights
    }

    /// The current state.
    pub fn state(&self) -> NtuState {
        if self.iteration == 0 {
            return NtuState::INITIAL;
        }
        self.state_from(self.raw_belief, entropy::lookup(self.window.bins()))
    }

    /// The state for an unclamped belief and entropy: the potential from
    /// both unclamped, then all three clamped to [0, 1].
    #[inline]
    fn state_from(&self, belief: f64, entropy: f64) -> NtuState {
        let potential = belief * (1.0 - entropy);
        NtuState {
            belief: unit_clamp(belief),
            entropy: unit_clamp(entropy),
            potential: unit_clamp(potential),
            iteration: self.iteration,
        }
    }

    /// The sliding window of clamped observations.
    pub fn window(&self) -> &Window {
        &self.window
    }

    /// Back to the initial state with an empty window.
    pub fn reset(&mut self) {
        self.window.clear();
        self.raw_belief = NtuState::INITIAL.belief;
        self.iteration = 0;
    }

    /// Observes one value: clamps it to [0, 1], slides the window and
    /// updates the state. O(1) in the window size. A NaN or infinite value
    /// is refused and leaves the unit unchanged.
    #[inline]
    pub fn observe(&mut self, value: f64) -> Result<NtuState, NtuError> {
        // `abs() <= MAX` is `is_finite()` (false for NaN) in three
        // instructions instead of six integer ones.
        if value.abs() <= f64::MAX {
            Ok(self.observe_finite(unit_clamp(value)))
        } else {
            Err(NtuError::NonFinite { index: 0, value })
        }
    }

    #[inline(always)]
    fn observe_finite(&mut self, v: f64) -> NtuState {
        // The order keeps few values alive across the entropy table's and
        // libm's (cold) calls: whatever is alive there is saved on the
        // stack even when the call is not taken.
        self.window.push(v);
        let entropy = entropy::lookup(self.window.bins());
        let temporal = if self.window.len() < 2 {
            0.5
        } else {
            let (variance, trend) = self.window.variance_and_trend();
            0.7 * exp::exp_minus_4x(variance) + 0.3 * trend
        };
        let previous = unit_clamp(self.raw_belief);
        let Weights { alpha, beta, gamma } = self.params().weights;
        let belief = alpha * temporal + beta * class_prior(v) + gamma * previous;
        self.raw_belief = belief;
        self.iteration += 1;
        self.state_from(belief, entropy)
    }

    /// Resets, observes every value, and reports whether the final belief
    /// reached `ihsan_threshold`. Non-finite input is refused before any
    /// change to the unit.
    pub fn detect_pattern(&mut self, values: &[f64]) -> Result<Detection, NtuError> {
        check_finite(values)?;
        self.reset();
        for &v in values {
            self.observe_finite(v.clamp(0.0, 1.0));
        }
        Ok(Detection {
            detected: self.state().belief >= self.params().config.ihsan_threshold,
            state: self.state(),
        })
    }

    /// Resets, then cycles through `values` for at most `max_iterations`
    /// observations until the belief moves by less than `epsilon` (the
    /// config's when `None` or 0). The previous belief starts at 0.5.
    pub fn run_until_convergence(
        &mut self,
        values: &[f64],
        epsilon: Option<f64>,
    ) -> Result<Convergence, NtuError> {
        if values.is_empty() {
            return Err(NtuError::EmptyInput);
        }
        check_finite(values)?;
        let config = self.config();
        let epsilon = match epsilon {
            None => config.epsilon,
            Some(0.0) => config.epsilon,
            Some(e) if e.is_finite() && e > 0.0 => e,
            Some(value) => {
                return Err(NtuError::BadParameter {
                    name: "epsilon",
                    range: "(0, inf)",
                    value,
                });
            }
        };
        self.reset();
        let mut previous = 0.5;
        for (i, &v) in values
            .iter()
            .cycle()
            .take(config.max_iterations)
            .enumerate()
        {
            let state = self.observe_finite(v.clamp(0.0, 1.0));
            if (state.belief - previous).abs() < epsilon {
                return Ok(Convergence {
                    converged: true,
                    iterations: i + 1,
                    state,
                });
            }
            previous = state.belief;
        }
        Ok(Convergence {
            converged: false,
            iterations: self.iteration as usize,
            state: self.state(),
        })
    }
}

/// The stationary distribution of the NTU's class transition matrix
/// `[[0.5, 0.4, 0.1], [0.2, 0.4, 0.4], [0.05, 0.15, 0.8]]`: the solution of
/// `pi P = pi`, `sum(pi) = 1`, which is `[12/75, 19/75, 44/75]`.
pub fn stationary_distribution() -> [f64; 3] {
    const P: [[f64; 3]; 3] = [[0.5, 0.4, 0.1], [0.2, 0.4, 0.4], [0.05, 0.15, 0.8]];
    // Power iteration from the uniform distribution; the chain is regular,
    // so it converges geometrically (second eigenvalue modulus < 0.5).
    let mut pi = [1.0 / 3.0; 3];
    for _ in 0..200 {
        let mut next = [0.0; 3];
        for (i, row) in P.iter().enumerate() {
            for j in 0..3 {
                next[j] += pi[i] * row[j];
            }
        }
        let s: f64 = next.iter().sum();
        pi = next.map(|x| x / s);
    }
    pi
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priors_are_the_normalised_first_components() {
        let first = |e: [f64; 3]| e[0] / (e[0] * e[0] + e[1] * e[1] + e[2] * e[2]).sqrt();
        let want = [
            first([0.1, 0.2, 0.7]),
            first([0.4, 0.4, 0.2]),
            first([0.8, 0.1, 0.1]),
        ];
        for (got, want) in PRIORS.iter().zip(want) {
            assert_eq!(got.to_bits(), want.to_bits());
        }
        assert_eq!(class_prior(0.3299), PRIORS[0]);
        assert_eq!(class_prior(0.33), PRIORS[1]);
        assert_eq!(class_prior(0.67), PRIORS[2]);
    }

    #[test]
    fn default_params_are_what_validation_gives() {
        let config = NtuConfig::default();
        assert_eq!(DEFAULT_PARAMS.config, config);
        assert_eq!(DEFAULT_PARAMS.weights, config.validate().unwrap());
        // Any window shares them; other settings get their own.
        assert!(
            Ntu::new(NtuConfig::with_window(64))
                .unwrap()
                .custom
                .is_none()
        );
        let other = NtuConfig {
            alpha: 0.8,
            ..NtuConfig::default()
        };
        let unit = Ntu::new(other).unwrap();
        assert_eq!(unit.config(), other);
        assert_eq!(unit.weights(), other.validate().unwrap());
    }

    #[test]
    fn windows_beyond_the_exact_sums_are_refused() {
        use crate::ntu::window::MAX_CAPACITY;
        assert!(Ntu::new(NtuConfig::with_window(MAX_CAPACITY)).is_ok());
        assert_eq!(
            Ntu::new(NtuConfig::with_window(MAX_CAPACITY + 1)).unwrap_err(),
            NtuError::WindowTooLarge {
                size: MAX_CAPACITY + 1,
                max: MAX_CAPACITY
            }
        );
    }

    #[test]
    fn a_unit_stays_small() {
        assert!(
            std::mem::size_of::<Ntu>() <= 80,
            "{}",
            std::mem::size_of::<Ntu>()
        );
    }

    #[test]
    fn state_after_reset_is_the_initial_one() {
        let mut unit = Ntu::new(NtuConfig::default()).unwrap();
        let seen = unit.observe(0.9).unwrap();
        assert_eq!(unit.state(), seen);
        unit.reset();
        assert_eq!(unit.state(), NtuState::INITIAL);
    }
}
