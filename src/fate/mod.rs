//! The FATE gate and hook chain.
//!
//! FATE stands for fidelity, accountability, transparency and ethics: four
//! scores in `[0, 1]` whose weighted geometric mean decides whether an
//! operation may run. This is a port of the reference's `core/elite/hooks.py`
//! and gives its answers (see `tests/fate_parity.rs`):
//!
//! - [`FateScore`]: the four dimensions, [`overall`](FateScore::overall),
//!   [`passed`](FateScore::passed) and [`weakest`](FateScore::weakest).
//! - [`FateGate::validate`]: the scoring rules, without allocating.
//! - [`HookContext`]: what travels through the chain, and its SHA-256
//!   [`digest`](HookContext::digest) over Python's `repr` and `json.dumps`.
//! - [`HookRegistry`] and [`HookExecutor`]: hooks sorted by priority and
//!   run around the gate and the operation, with a logical-clock trace.
//!
//! Deliberate departures from the reference, each for bad input it mishandles:
//! a NaN or infinite SNR score is a [`FateError`] (the reference scores NaN
//! as perfect ethics), a context without a timestamp digests it as `null`
//! (the reference raises), and hooks cannot be registered for the execute
//! phase (the reference accepts them and never runs them).

mod context;
mod executor;
mod gate;
mod hooks;
mod rules;
mod score;
mod timestamp;
mod words;

pub use context::{HookContext, PyDict, TraceEntry, dict_get, into_dict};
pub use executor::{
    BlockedBy, Clock, FailureKind, HookExecutor, HookFailure, HookResult, PhaseResults, SystemClock,
};
pub use gate::{FateError, FateGate, GateConfig, GateStats, HISTORY_LEN};
pub use hooks::{
    HookError, HookFn, HookOutcome, HookPhase, HookPriority, HookRegistry, RegisteredHook,
    RegistryError,
};
pub use score::{Dimension, FateScore, PASS_THRESHOLD};
pub use timestamp::{TimestampError, UtcTimestamp};
pub use words::is_py_whitespace;
