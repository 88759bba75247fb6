//! Statistics as small pure functions over `&[f64]`, one file per method.
//! Each returns `None` (or nothing) on degenerate input: empty, too short,
//! zero spread or non-finite. Each module cites its method and explains
//! its constants.

pub mod bootstrap;
pub mod changepoint;
pub mod cusum;
pub mod describe;
pub mod ewma;
pub mod growth;
pub mod individuals;
pub mod level;
pub mod mann_whitney;
pub mod noise;
pub mod rng;
pub mod welch;
pub mod western_electric;
pub mod wilcoxon;
