//! The NeuroTemporal Unit (NTU): a pattern detector over a sliding window of
//! observations in `[0, 1]`.
//!
//! Each [`Ntu::observe`] updates a state `(belief, entropy, potential)` from
//! the window's temporal consistency, a class prior and a 3-bin entropy.
//! The port keeps running integer sums of the window (see [`window`]), so an
//! observation costs the same at window 5 and window 1024 and never drifts.
//!
//! ```
//! use bizra::ntu::{Ntu, NtuConfig};
//!
//! let mut ntu = Ntu::new(NtuConfig::default())?;
//! for v in [0.9, 0.95, 0.97] {
//!     ntu.observe(v)?;
//! }
//! assert!(ntu.state().belief > 0.5);
//! # Ok::<(), bizra::ntu::NtuError>(())
//! ```

mod config;
mod entropy;
mod error;
mod exp;
mod unit;
pub mod window;

pub use config::{NtuConfig, Weights};
pub use error::NtuError;
pub use unit::{Convergence, Detection, Ntu, NtuState, stationary_distribution};
