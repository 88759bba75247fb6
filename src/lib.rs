//! Rust ports of the components of the BIZRA federation that the performance
//! harness measures.
//!
//! Each module is one system under test. They give the Python reference's
//! answers (the parity tests in `tests/` load the recorded reference vectors)
//! and are built for speed. None of them knows anything about the harness.
//!
//! - [`ntu`]: the NeuroTemporal Unit pattern detector.
//! - [`fate`]: the FATE gate, its score and the hook chain.
//! - [`snr`]: the signal-to-noise ratio v2 scorer.
//! - [`session_dag`]: the session state DAG with lineage queries.
//! - [`gossip`]: SWIM-style gossip membership.
//! - [`consensus`]: BFT consensus voting.
//! - [`pci`]: canonical JSON, domain-separated digests and signatures.
//! - [`py`]: Python-compatible text forms (`repr`, `json.dumps`) the digests hash.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod consensus;
pub mod fate;
pub mod gossip;
pub mod ntu;
pub mod pci;
pub mod py;
pub mod session_dag;
pub mod snr;
