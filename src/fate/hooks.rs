//! Hook phases, priorities and the registry that keeps hooks in run order.

use std::fmt;
use std::sync::Arc;

use super::HookContext;

/// A phase of the hook chain, in run order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookPhase {
    /// Schema and format checks, before the gate.
    PreValidate,
    /// Business-logic checks, after the gate and before the operation.
    PreExecute,
    /// The operation itself. No hooks run here: the executor records the
    /// operation under this phase, as the reference does.
    Execute,
    /// Clean-up after the operation; failures never block.
    PostExecute,
    /// Final quality checks; failures never block.
    PostValidate,
}

impl HookPhase {
    /// The phases that run registered hooks, in run order.
    pub const HOOKED: [HookPhase; 4] = [
        HookPhase::PreValidate,
        HookPhase::PreExecute,
        HookPhase::PostExecute,
        HookPhase::PostValidate,
    ];

    /// The reference's name, e.g. `"pre_validate"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HookPhase::PreValidate => "pre_validate",
            HookPhase::PreExecute => "pre_execute",
            HookPhase::Execute => "execute",
            HookPhase::PostExecute => "post_execute",
            HookPhase::PostValidate => "post_validate",
        }
    }

    /// Index into per-phase tables; `None` for [`HookPhase::Execute`].
    fn slot(self) -> Option<usize> {
        HookPhase::HOOKED.iter().position(|&p| p == self)
    }
}

impl fmt::Display for HookPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a hook runs within its phase: lower values run earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HookPriority {
    /// Security and ethics; an error here blocks the chain.
    Critical = 0,
    /// Quality gates.
    High = 10,
    /// Standard hooks.
    Normal = 50,
    /// Logging and metrics.
    Low = 90,
    /// Non-blocking clean-up.
    Deferred = 100,
}

impl HookPriority {
    /// The reference's numeric value: 0, 10, 50, 90 or 100.
    pub fn value(self) -> u8 {
        self as u8
    }
}

/// What a hook that ran without error decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookOutcome {
    /// Go on with the next hook.
    Continue,
    /// Stop this phase and count it as failed (the reference's `False` or
    /// `{"_blocked": True}`).
    Block,
}

/// An error raised by a hook (the reference's exception).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HookError {
    /// What went wrong.
    pub message: String,
}

impl HookError {
    /// An error with the given message.
    pub fn new(message: impl Into<String>) -> Self {
        HookError {
            message: message.into(),
        }
    }
}

/// A hook: a closure over the context that may change it.
pub type HookFn = Box<dyn FnMut(&mut HookContext) -> Result<HookOutcome, HookError> + Send>;

/// Why a hook could not be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// Hooks cannot be registered for [`HookPhase::Execute`]; that phase is
    /// the operation itself and the reference never runs hooks there.
    #[error("hook {name:?}: the execute phase runs the operation, not hooks")]
    ExecutePhase {
        /// The offending hook's name.
        name: String,
    },
}

/// A registered hook with its run statistics.
pub struct RegisteredHook {
    /// The hook's name, as written in the trace.
    pub name: Arc<str>,
    /// Its priority within its phase.
    pub priority: HookPriority,
    /// Disabled hooks stay registered but do not run.
    pub enabled: bool,
    /// How many times it ran.
    pub invocations: u64,
    /// How many of those runs blocked or failed with an error.
    pub failures: u64,
    pub(crate) function: HookFn,
}

impl fmt::Debug for RegisteredHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisteredHook")
            .field("name", &self.name)
            .field("priority", &self.priority)
            .field("enabled", &self.enabled)
            .field("invocations", &self.invocations)
            .field("failures", &self.failures)
            .finish_non_exhaustive()
    }
}

/// Hooks per phase, each phase kept sorted by priority. Hooks of equal
/// priority run in registration order (a stable sort, as Python's).
#[derive(Debug, Default)]
pub struct HookRegistry {
    phases: [Vec<RegisteredHook>; 4],
}

impl HookRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        HookRegistry::default()
    }

    /// Registers `function` as `name` in `phase` at `priority`, after every
    /// hook of the same or a more urgent priority already there.
    pub fn register<F>(
        &mut self,
        name: &str,
        phase: HookPhase,
        priority: HookPriority,
        function: F,
    ) -> Result<(), RegistryError>
    where
        F: FnMut(&mut HookContext) -> Result<HookOutcome, HookError> + Send + 'static,
    {
        let slot = phase.slot().ok_or_else(|| RegistryError::ExecutePhase {
            name: name.to_owned(),
        })?;
        let hooks = &mut self.phases[slot];
        let at = hooks.partition_point(|h| h.priority <= priority);
        hooks.insert(
            at,
            RegisteredHook {
                name: Arc::from(name),
                priority,
                enabled: true,
                invocations: 0,
                failures: 0,
                function: Box::new(function),
            },
        );
        Ok(())
    }

    /// Removes every hook called `name`; returns how many were removed.
    pub fn unregister(&mut self, name: &str) -> usize {
        let mut removed = 0;
        for hooks in &mut self.phases {
            let before = hooks.len();
            hooks.retain(|h| &*h.name != name);
            removed += before - hooks.len();
        }
        removed
    }

    /// Enables or disables every hook called `name`; returns how many matched.
    pub fn set_enabled(&mut self, name: &str, enabled: bool) -> usize {
        let mut matched = 0;
        for hook in self.phases.iter_mut().flatten() {
            if &*hook.name == name {
                hook.enabled = enabled;
                matched += 1;
            }
        }
        matched
    }

    /// The hooks of `phase` in run order, disabled ones included (empty for
    /// [`HookPhase::Execute`]).
    pub fn hooks(&self, phase: HookPhase) -> &[RegisteredHook] {
        phase.slot().map_or(&[], |slot| &self.phases[slot])
    }

    /// Mutable access for the executor.
    pub(crate) fn hooks_mut(&mut self, phase: HookPhase) -> &mut [RegisteredHook] {
        match phase.slot() {
            Some(slot) => &mut self.phases[slot],
            None => &mut [],
        }
    }

    /// How many hooks are registered across all phases.
    pub fn len(&self) -> usize {
        self.phases.iter().map(Vec::len).sum()
    }

    /// Whether no hook is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(_: &mut HookContext) -> Result<HookOutcome, HookError> {
        Ok(HookOutcome::Continue)
    }

    fn names(registry: &HookRegistry, phase: HookPhase) -> Vec<String> {
        registry
            .hooks(phase)
            .iter()
            .map(|h| h.name.to_string())
            .collect()
    }

    #[test]
    fn keeps_priority_order_and_registration_order_within_a_priority() {
        let mut r = HookRegistry::new();
        let phase = HookPhase::PreExecute;
        r.register("low", phase, HookPriority::Low, ok).unwrap();
        r.register("n1", phase, HookPriority::Normal, ok).unwrap();
        r.register("crit", phase, HookPriority::Critical, ok)
            .unwrap();
        r.register("n2", phase, HookPriority::Normal, ok).unwrap();
        assert_eq!(names(&r, phase), ["crit", "n1", "n2", "low"]);
        assert!(r.hooks(HookPhase::PostExecute).is_empty());
    }

    #[test]
    fn execute_phase_is_reserved_for_the_operation() {
        let mut r = HookRegistry::new();
        let err = r
            .register("x", HookPhase::Execute, HookPriority::Normal, ok)
            .unwrap_err();
        assert_eq!(err, RegistryError::ExecutePhase { name: "x".into() });
        assert!(r.is_empty());
    }

    #[test]
    fn unregister_and_disable_by_name() {
        let mut r = HookRegistry::new();
        r.register("a", HookPhase::PreValidate, HookPriority::High, ok)
            .unwrap();
        r.register("a", HookPhase::PostValidate, HookPriority::High, ok)
            .unwrap();
        r.register("b", HookPhase::PostValidate, HookPriority::Low, ok)
            .unwrap();
        assert_eq!(r.set_enabled("b", false), 1);
        assert!(!r.hooks(HookPhase::PostValidate)[1].enabled);
        assert_eq!(r.unregister("a"), 2);
        assert_eq!(r.len(), 1);
        assert_eq!(HookPriority::Deferred.value(), 100);
    }
}
