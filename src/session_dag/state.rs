//! Session states and the reference's allowed transitions.

use std::fmt;
use std::str::FromStr;

use super::DagError;

/// The state of a session at one node of the DAG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SessionState {
    /// Created, not yet started.
    Init,
    /// Running.
    Active,
    /// Computing a result.
    Computing,
    /// The result was validated.
    Validated,
    /// The result was committed.
    Committed,
    /// Paused.
    Suspended,
    /// Resumed after a pause.
    Resumed,
    /// Failed.
    Failed,
    /// Recovered after a failure.
    Recovered,
    /// Ended for good.
    Terminated,
}

impl SessionState {
    /// Every state, in the reference's order.
    pub const ALL: [SessionState; 10] = [
        SessionState::Init,
        SessionState::Active,
        SessionState::Computing,
        SessionState::Validated,
        SessionState::Committed,
        SessionState::Suspended,
        SessionState::Resumed,
        SessionState::Failed,
        SessionState::Recovered,
        SessionState::Terminated,
    ];

    /// The reference's name (`"init"`, `"active"`, ...), which the node
    /// hash covers.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Init => "init",
            SessionState::Active => "active",
            SessionState::Computing => "computing",
            SessionState::Validated => "validated",
            SessionState::Committed => "committed",
            SessionState::Suspended => "suspended",
            SessionState::Resumed => "resumed",
            SessionState::Failed => "failed",
            SessionState::Recovered => "recovered",
            SessionState::Terminated => "terminated",
        }
    }

    /// The states a standard transition may go to from `self`.
    pub fn successors(self) -> &'static [SessionState] {
        use SessionState::*;
        match self {
            Init => &[Active, Terminated],
            Active => &[Computing, Suspended, Failed, Terminated],
            Computing => &[Validated, Failed],
            Validated => &[Committed, Failed],
            Committed => &[Active, Terminated],
            Suspended => &[Resumed, Terminated],
            Resumed => &[Active],
            Failed => &[Recovered, Terminated],
            Recovered => &[Active],
            Terminated => &[],
        }
    }

    /// Whether a standard transition from `self` to `to` is allowed.
    pub fn can_transition_to(self, to: SessionState) -> bool {
        self.successors().contains(&to)
    }
}

impl fmt::Display for SessionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SessionState {
    type Err = DagError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SessionState::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| DagError::UnknownState(s.to_owned()))
    }
}
