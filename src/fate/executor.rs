//! The hook chain: pre-validate hooks, the gate, pre-execute hooks, the
//! operation, then post-execute and post-validate hooks.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::{
    Dimension, FateError, FateGate, HookContext, HookError, HookOutcome, HookPhase, HookPriority,
    HookRegistry,
};
use crate::py::PyValue;

/// Where trace timestamps come from; inject a fixed clock for
/// deterministic traces.
pub trait Clock {
    /// Seconds since the Unix epoch (Python's `time.time()`).
    fn unix_seconds(&mut self) -> f64;
}

/// The system wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_seconds(&mut self) -> f64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_secs_f64(),
            Err(before) => -before.duration().as_secs_f64(),
        }
    }
}

/// Any `FnMut() -> f64` is a clock, e.g. a counter for tests.
impl<F: FnMut() -> f64> Clock for F {
    fn unix_seconds(&mut self) -> f64 {
        self()
    }
}

/// What stopped the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockedBy {
    /// A pre-validate hook blocked, or a critical one failed.
    PreValidate,
    /// The gate's score did not pass; the weakest dimension is named.
    FateGate(Dimension),
    /// A pre-execute hook blocked, or a critical one failed.
    PreExecute,
}

impl fmt::Display for BlockedBy {
    /// The reference's `blocked_by` text: `pre_validate`,
    /// `fate_gate:<weakest>` or `pre_execute`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockedBy::PreValidate => f.write_str("pre_validate"),
            BlockedBy::FateGate(weakest) => write!(f, "fate_gate:{weakest}"),
            BlockedBy::PreExecute => f.write_str("pre_execute"),
        }
    }
}

/// How a hook failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// It returned [`HookOutcome::Block`].
    Blocked,
    /// It returned an error.
    Error(HookError),
}

/// One recorded hook failure.
#[derive(Debug, Clone, PartialEq)]
pub struct HookFailure {
    /// The phase it ran in.
    pub phase: HookPhase,
    /// The hook's name.
    pub name: Arc<str>,
    /// Its priority (an error at [`HookPriority::Critical`] blocks).
    pub priority: HookPriority,
    /// How it failed.
    pub kind: FailureKind,
}

/// Per-phase outcomes; `None` for a phase that did not run. A hook phase is
/// `false` when a hook blocked or a critical hook failed; other hook errors
/// are only listed in [`HookResult::failures`], as the reference only logs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhaseResults {
    /// Whether the pre-validate hooks let the chain through.
    pub pre_validate: Option<bool>,
    /// Whether the gate's score passed.
    pub fate_gate: Option<bool>,
    /// Whether the pre-execute hooks let the chain through.
    pub pre_execute: Option<bool>,
    /// Whether the operation returned without error.
    pub execute: Option<bool>,
    /// Whether no post-execute hook blocked (it never stops the chain).
    pub post_execute: Option<bool>,
    /// Whether no post-validate hook blocked (it never stops the chain).
    pub post_validate: Option<bool>,
}

/// The outcome of one run of the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct HookResult {
    /// Whether the operation ran and returned without error.
    pub success: bool,
    /// The context after the run: score, output, trace, error.
    pub context: HookContext,
    /// Which phases ran and how they went.
    pub phases: PhaseResults,
    /// What stopped the chain; `None` on success or when the operation failed.
    pub blocked_by: Option<BlockedBy>,
    /// Every hook that blocked or failed, in run order.
    pub failures: Vec<HookFailure>,
    /// Wall time of the run by the executor's clock, in milliseconds.
    pub execution_time_ms: f64,
}

/// Runs operations through the hook chain and the FATE gate.
#[derive(Debug)]
pub struct HookExecutor<C: Clock = SystemClock> {
    /// The hooks to run.
    pub registry: HookRegistry,
    /// The gate between the pre-validate and pre-execute phases.
    pub gate: FateGate,
    clock: C,
    operation_label: Arc<str>,
}

impl Default for HookExecutor<SystemClock> {
    /// No hooks, a default gate, the system clock.
    fn default() -> Self {
        HookExecutor::new(HookRegistry::new(), FateGate::default(), SystemClock)
    }
}

impl<C: Clock> HookExecutor<C> {
    /// An executor over the given hooks, gate and clock.
    pub fn new(registry: HookRegistry, gate: FateGate, clock: C) -> Self {
        HookExecutor {
            registry,
            gate,
            clock,
            operation_label: Arc::from("operation"),
        }
    }

    /// Runs `operation` on `ctx` through the whole chain.
    ///
    /// Blocking stops the chain and is reported in the result, not as an
    /// error; the only error is a NaN or infinite `snr_score`, refused
    /// before any hook runs.
    pub fn run<F>(
        &mut self,
        mut ctx: HookContext,
        declared_intent: Option<&str>,
        snr_score: Option<f64>,
        operation: F,
    ) -> Result<HookResult, FateError>
    where
        F: FnOnce(&HookContext) -> Result<PyValue, HookError>,
    {
        if let Some(value) = snr_score.filter(|v| !v.is_finite()) {
            return Err(FateError::NonFiniteSnr { value });
        }
        let start = self.clock.unix_seconds();
        let mut phases = PhaseResults::default();
        let mut failures = Vec::new();
        // One entry per hook plus the operation: grow the trace once.
        ctx.hook_trace.reserve(self.registry.len() + 1);

        let ok = self.run_phase(HookPhase::PreValidate, &mut ctx, &mut failures);
        phases.pre_validate = Some(ok);
        if !ok {
            return Ok(self.finish(start, ctx, phases, failures, Some(BlockedBy::PreValidate)));
        }

        let score = self.gate.validate(&ctx, declared_intent, snr_score)?;
        ctx.fate_score = Some(score);
        phases.fate_gate = Some(score.passed());
        if !score.passed() {
            let blocked = BlockedBy::FateGate(score.weakest());
            return Ok(self.finish(start, ctx, phases, failures, Some(blocked)));
        }

        let ok = self.run_phase(HookPhase::PreExecute, &mut ctx, &mut failures);
        phases.pre_execute = Some(ok);
        if !ok {
            return Ok(self.finish(start, ctx, phases, failures, Some(BlockedBy::PreExecute)));
        }

        let now = self.clock.unix_seconds();
        ctx.record_hook(&self.operation_label, HookPhase::Execute, now);
        match operation(&ctx) {
            Ok(result) => {
                ctx.output_data = vec![("result".to_owned(), result)];
                phases.execute = Some(true);
            }
            Err(error) => {
                // As in the reference: the run fails, nothing is blamed.
                ctx.error = Some(error.message);
                phases.execute = Some(false);
                return Ok(self.finish(start, ctx, phases, failures, None));
            }
        }

        // Post phases record their failures but never stop the chain.
        phases.post_execute = Some(self.run_phase(HookPhase::PostExecute, &mut ctx, &mut failures));
        phases.post_validate =
            Some(self.run_phase(HookPhase::PostValidate, &mut ctx, &mut failures));
        Ok(self.finish(start, ctx, phases, failures, None))
    }

    /// Runs the enabled hooks of `phase` in order. Returns false when one
    /// blocks or a critical one fails; other failures are recorded and the
    /// phase goes on.
    fn run_phase(
        &mut self,
        phase: HookPhase,
        ctx: &mut HookContext,
        failures: &mut Vec<HookFailure>,
    ) -> bool {
        let clock = &mut self.clock;
        for hook in self.registry.hooks_mut(phase) {
            if !hook.enabled {
                continue;
            }
            ctx.record_hook(&hook.name, phase, clock.unix_seconds());
            hook.invocations += 1;
            let kind = match (hook.function)(ctx) {
                Ok(HookOutcome::Continue) => continue,
                Ok(HookOutcome::Block) => FailureKind::Blocked,
                Err(error) => FailureKind::Error(error),
            };
            hook.failures += 1;
            let stops = kind == FailureKind::Blocked || hook.priority == HookPriority::Critical;
            failures.push(HookFailure {
                phase,
                name: Arc::clone(&hook.name),
                priority: hook.priority,
                kind,
            });
            if stops {
                return false;
            }
        }
        true
    }

    fn finish(
        &mut self,
        start: f64,
        context: HookContext,
        phases: PhaseResults,
        failures: Vec<HookFailure>,
        blocked_by: Option<BlockedBy>,
    ) -> HookResult {
        let elapsed = self.clock.unix_seconds() - start;
        HookResult {
            success: blocked_by.is_none() && context.error.is_none(),
            context,
            phases,
            blocked_by,
            failures,
            execution_time_ms: elapsed * 1000.0,
        }
    }
}
