//! Statistics as small pure functions over `&[f64]`, one file per method.
//! Each returns `None` (or nothing) on degenerate input: empty, too short,
//! zero spread or non-finite. Each module cites its method and explains
//! its constants.

pub mod changepoints;
pub mod describe;
pub mod fdr;
pub mod growth;
pub mod level;
pub mod noise;
pub mod pulled;
pub mod rng;
pub mod student;
