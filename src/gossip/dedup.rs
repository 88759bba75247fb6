//! A set with a fixed capacity that forgets its oldest members first.
//!
//! The reference keeps a `set` and, past 10,000 entries, keeps an
//! arbitrary half of it (`list(set)[-5000:]` follows hash order), so a
//! message seen a moment ago can be forgotten and replayed. Here the set
//! remembers insertion order in a ring and evicts strictly oldest first.

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;

/// A bounded set with oldest-first eviction; every operation is O(1).
#[derive(Debug, Clone)]
pub struct BoundedSet<T: Hash + Eq + Clone> {
    members: HashSet<T>,
    order: VecDeque<T>,
    capacity: usize,
}

impl<T: Hash + Eq + Clone> BoundedSet<T> {
    /// An empty set holding at most `capacity` members (at least one).
    pub fn new(capacity: usize) -> BoundedSet<T> {
        let capacity = capacity.max(1);
        BoundedSet {
            members: HashSet::with_capacity(capacity.min(1 << 16)),
            order: VecDeque::with_capacity(capacity.min(1 << 16)),
            capacity,
        }
    }

    /// Whether `item` is remembered.
    pub fn contains(&self, item: &T) -> bool {
        self.members.contains(item)
    }

    /// Remembers `item`; returns `false` if it already was. When full, the
    /// oldest member is forgotten to make room.
    pub fn insert(&mut self, item: T) -> bool {
        if self.members.contains(&item) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(oldest) = self.order.pop_front()
        {
            self.members.remove(&oldest);
        }
        self.members.insert(item.clone());
        self.order.push_back(item);
        true
    }

    /// How many members are remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Members from oldest to newest.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.order.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_oldest_first() {
        let mut s = BoundedSet::new(3);
        for i in 0..5 {
            assert!(s.insert(i));
        }
        assert!(!s.insert(4));
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert!(!s.contains(&1) && s.contains(&2));
    }
}
