//! The health rule and each peer's deadline. The peers wait in a timing
//! wheel ([`super::wheel`]), so a health check touches only peers whose
//! deadline passed — O(k) for k due peers instead of the reference's O(n)
//! scan.
//!
//! A peer's *due time* is the first microsecond at which the reference's
//! rule (silent > dead timeout → DEAD, else silent > suspect timeout →
//! SUSPECT, LEFT untouched) would change its state. The wheel's deadline
//! only ever underestimates it: a peer that comes due early has the rule
//! re-applied (a no-op) and is scheduled again. Hearing from a peer moves
//! its real due time later and costs no wheel operation.

use super::types::NodeState;

/// The two silence timeouts, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Silence after which a peer is SUSPECT (reference: 5 s).
    pub suspect_after: i64,
    /// Silence after which a peer is DEAD (reference: 15 s).
    pub dead_after: i64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            suspect_after: 5_000_000,
            dead_after: 15_000_000,
        }
    }
}

/// A state change made by a health check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The peer's id.
    pub node_id: String,
    /// Its state before.
    pub from: NodeState,
    /// Its state after.
    pub to: NodeState,
}

/// The reference's rule for one peer at `now`, or `None` for no change.
pub(crate) fn rule(t: &Timeouts, state: NodeState, last_seen: i64, now: i64) -> Option<NodeState> {
    let silence = now.saturating_sub(last_seen);
    match state {
        NodeState::Left => None,
        NodeState::Dead if silence > t.dead_after => None,
        _ if silence > t.dead_after => Some(NodeState::Dead),
        NodeState::Suspect => None,
        _ if silence > t.suspect_after => Some(NodeState::Suspect),
        _ => None,
    }
}

/// The first microsecond after which [`rule`] changes the peer, if any.
pub(crate) fn next_due(t: &Timeouts, state: NodeState, last_seen: i64, now: i64) -> Option<i64> {
    let silence = now.saturating_sub(last_seen);
    match state {
        NodeState::Left => None,
        NodeState::Alive => Some(last_seen.saturating_add(t.suspect_after + 1)),
        NodeState::Suspect => Some(last_seen.saturating_add(t.dead_after + 1)),
        // A DEAD peer (set by piggyback while recently heard) becomes
        // SUSPECT once silent past the suspect timeout, as in the reference.
        NodeState::Dead if silence <= t.suspect_after => {
            Some(last_seen.saturating_add(t.suspect_after + 1))
        }
        NodeState::Dead if silence <= t.dead_after => Some(now),
        NodeState::Dead => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_time_is_when_the_rule_first_changes_the_state() {
        let t = Timeouts::default();
        for state in NodeState::ALL {
            for start in [0i64, 3_000_000, 6_000_000, 16_000_000] {
                if let Some(due) = next_due(&t, *state, 0, start) {
                    assert_eq!(rule(&t, *state, 0, due - 1).filter(|_| due > start), None);
                    assert!(rule(&t, *state, 0, due).is_some(), "{state:?} {start}");
                } else {
                    assert_eq!(rule(&t, *state, 0, i64::MAX / 2), None);
                }
            }
        }
    }
}
