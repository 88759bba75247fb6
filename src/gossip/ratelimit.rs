//! The per-sender sliding-window rate limit (the reference's SEC-018):
//! at most `limit` accepted messages per sender in any window.

use std::collections::{HashMap, VecDeque};

/// Above this many tracked senders, stale ones are swept (at most
/// [`SWEEP_BATCH`] per call), as the reference does, so forged sender ids
/// cannot grow the table without bound for long.
pub const SWEEP_ABOVE: usize = 1000;
/// Stale senders removed per sweep.
pub const SWEEP_BATCH: usize = 100;

/// Sliding-window counters per sender id.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    windows: HashMap<Box<str>, VecDeque<i64>>,
    limit: usize,
    window: i64,
}

impl RateLimiter {
    /// At most `limit` messages per `window` microseconds per sender.
    pub fn new(limit: usize, window: i64) -> RateLimiter {
        RateLimiter {
            windows: HashMap::new(),
            limit,
            window,
        }
    }

    /// Counts a message from `sender` at `now`; `false` when the sender is
    /// over the limit (that message is not counted).
    pub fn admit(&mut self, sender: &str, now: i64) -> bool {
        let start = now - self.window;
        if !self.windows.contains_key(sender) {
            self.windows.insert(sender.into(), VecDeque::new());
        }
        let times = self.windows.get_mut(sender).expect("inserted above");
        // The reference keeps timestamps strictly inside the window.
        times.retain(|&t| t > start);
        if times.len() >= self.limit {
            return false;
        }
        times.push_back(now);
        if self.windows.len() > SWEEP_ABOVE {
            let stale: Vec<Box<str>> = self
                .windows
                .iter()
                .filter(|(_, ts)| ts.iter().all(|&t| t < start))
                .map(|(k, _)| k.clone())
                .take(SWEEP_BATCH)
                .collect();
            for k in stale {
                self.windows.remove(&k);
            }
        }
        true
    }

    /// Senders tracked.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    /// Whether no sender is tracked.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleventh_message_in_a_second_is_refused_and_window_slides() {
        let mut r = RateLimiter::new(10, 1_000_000);
        for i in 0..10 {
            assert!(r.admit("a", i));
        }
        assert!(!r.admit("a", 999_999));
        assert!(r.admit("b", 999_999));
        // The window keeps times strictly after now - 1 s, so the first
        // message (t = 0) has left it at exactly t = 1 s.
        assert!(r.admit("a", 1_000_000));
        assert!(!r.admit("a", 1_000_000));
    }
}
