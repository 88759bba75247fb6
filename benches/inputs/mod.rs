//! Inputs shared by the Criterion and the instruction-count suites, so both
//! measure the very same work under the same bench ids.

#![allow(dead_code)]

pub mod consensus;
pub mod fate;
pub mod gossip;
pub mod ntu;
pub mod session_dag;
pub mod snr;
