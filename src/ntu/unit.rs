//! The NTU itself: observation, detection and convergence.

use super::window::Window;
use super::{NtuConfig, NtuError, Weights, entropy};

/// First components of the L2-normalised class embeddings: LOW `[0.1, 0.2,
/// 0.7]`, MEDIUM `[0.4, 0.4, 0.2]`, HIGH `[0.8, 0.1, 0.1]`. Computed once,
/// exactly as `v / norm(v)` would give them.
fn class_prior(v: f64) -> f64 {
    fn first_normalised(e: [f64; 3]) -> f64 {
        e[0] / (e[0] * e[0] + e[1] * e[1] + e[2] * e[2]).sqrt()
    }
    use std::sync::OnceLock;
    static PRIORS: OnceLock<[f64; 3]> = OnceLock::new();
    let p = PRIORS.get_or_init(|| {
        [
            first_normalised([0.1, 0.2, 0.7]),
            first_normalised([0.4, 0.4, 0.2]),
            first_normalised([0.8, 0.1, 0.1]),
        ]
    });
    // The class thresholds (0.33, 0.67) are not the histogram bin edges.
    if v < 0.33 {
        p[0]
    } else if v < 0.67 {
        p[1]
    } else {
        p[2]
    }
}

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
#[derive(Debug, Clone)]
pub struct Ntu {
    config: NtuConfig,
    weights: Weights,
    window: Window,
    state: NtuState,
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
        Ok(Ntu {
            config,
            weights,
            window: Window::new(config.window_size),
            state: NtuState::INITIAL,
        })
    }

    /// The config the unit was built with.
    pub fn config(&self) -> &NtuConfig {
        &self.config
    }

    /// The weights in use, after normalisation.
    pub fn weights(&self) -> Weights {
        self.weights
    }

    /// The current state.
    pub fn state(&self) -> NtuState {
        self.state
    }

    /// The sliding window of clamped observations.
    pub fn window(&self) -> &Window {
        &self.window
    }

    /// Back to the initial state with an empty window.
    pub fn reset(&mut self) {
        self.window.clear();
        self.state = NtuState::INITIAL;
    }

    /// Observes one value: clamps it to [0, 1], slides the window and
    /// updates the state. O(1) in the window size. A NaN or infinite value
    /// is refused and leaves the unit unchanged.
    #[inline]
    pub fn observe(&mut self, value: f64) -> Result<NtuState, NtuError> {
        if !value.is_finite() {
            return Err(NtuError::NonFinite { index: 0, value });
        }
        self.observe_finite(value.clamp(0.0, 1.0));
        Ok(self.state)
    }

    fn observe_finite(&mut self, v: f64) {
        let w = &mut self.window;
        w.push(v);
        let temporal = if w.len() < 2 {
            0.5
        } else {
            0.7 * (-4.0 * w.variance()).exp() + 0.3 * w.trend()
        };
        let Weights { alpha, beta, gamma } = self.weights;
        let belief = alpha * temporal + beta * class_prior(v) + gamma * self.state.belief;
        let entropy = entropy::lookup(w.bins());
        let potential = belief * (1.0 - entropy);
        self.state = NtuState {
            belief: belief.clamp(0.0, 1.0),
            entropy: entropy.clamp(0.0, 1.0),
            potential: potential.clamp(0.0, 1.0),
            iteration: self.state.iteration + 1,
        };
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
            detected: self.state.belief >= self.config.ihsan_threshold,
            state: self.state,
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
        let epsilon = match epsilon {
            None => self.config.epsilon,
            Some(0.0) => self.config.epsilon,
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
            .take(self.config.max_iterations)
            .enumerate()
        {
            self.observe_finite(v.clamp(0.0, 1.0));
            if (self.state.belief - previous).abs() < epsilon {
                return Ok(Convergence {
                    converged: true,
                    iterations: i + 1,
                    state: self.state,
                });
            }
            previous = self.state.belief;
        }
        Ok(Convergence {
            converged: false,
            iterations: self.state.iteration as usize,
            state: self.state,
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
