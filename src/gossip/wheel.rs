//! A hierarchical timing wheel of peer health deadlines (Varghese and
//! Lauck 1987; the layout of tokio's timer wheel): six levels of 64 slots,
//! level `l` slots spanning `64^l` microseconds. Ticks are microseconds,
//! the rule's own resolution, so a peer comes due exactly when its state
//! changes: with a coarser tick, every check would also wake the peers
//! that share the current tick, and at a million peers over five seconds
//! a millisecond holds two hundred of them. Each slot is an intrusive
//! doubly-linked list threaded through the peers' [`Link`]s, with a 64-bit
//! occupancy mask per level, so
//!
//! - scheduling, moving and cancelling a peer is O(1) (no stale entries,
//!   no per-entry allocation),
//! - finding the next non-empty slot is a few bit operations per level,
//! - a health check touches only the slots that came due and the peers in
//!   them: O(k + levels) for k due peers, independent of the table size.
//!
//! A slot of a higher level is *cascaded* when time reaches it: its peers
//! move to lower levels (each peer at most once per level), so the work per
//! due peer is bounded by the levels it passed through.
const SLOT_BITS: u32 = 6;
const SLOTS: usize = 1 << SLOT_BITS;
const LEVELS: usize = 6;
/// Deadlines further ahead are scheduled this far ahead instead (about 36
/// minutes; health deadlines are seconds away); they come due early, the
/// caller's rule finds nothing to do and schedules them again. It also keeps
/// every stored tick within 2^31 of `elapsed`, so 32 bits of it suffice.
const MAX_AHEAD: u64 = (1 << 31) - 1;
/// End of a list.
pub(crate) const NIL: u32 = u32::MAX;
/// `Link::next` of a peer that is in no list.
pub(crate) const UNLINKED: u32 = u32::MAX - 1;

/// A peer's place in the wheel: its list neighbours and the low 32 bits of
/// its deadline tick.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Link {
    prev: u32,
    next: u32,
    tick: u32,
}

impl Default for Link {
    fn default() -> Self {
        Link {
            prev: NIL,
            next: UNLINKED,
            tick: 0,
        }
    }
}

impl Link {
    /// Whether the peer is scheduled.
    pub(crate) fn is_linked(&self) -> bool {
        self.next != UNLINKED
    }
}

/// Where the wheel finds each peer's [`Link`].
pub(crate) trait Links {
    /// The link of peer `idx`.
    fn link(&mut self, idx: u32) -> &mut Link;
}

/// A list head: a slot of a level, or the list of peers already due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    Slot(usize, usize),
    Due,
}

/// The wheel. `elapsed` is the tick up to which every slot was processed;
/// peers whose deadline is at or before it wait in the due list.
#[derive(Debug)]
pub(crate) struct Wheel {
    /// Boxed: the table that holds the wheel stays small to move.
    heads: Box<[[u32; SLOTS]; LEVELS]>,
    occupied: [u64; LEVELS],
    due: u32,
    /// Ticks are stored relative to `base`, the first tick the wheel saw.
    base: Option<i64>,
    elapsed: u64,
    len: usize,
    /// Peers of a slot being cascaded (kept to reuse its allocation).
    scratch: Vec<u32>,
}

impl Default for Wheel {
    fn default() -> Self {
        Wheel {
            heads: Box::new([[NIL; SLOTS]; LEVELS]),
            occupied: [0; LEVELS],
            due: NIL,
            base: None,
            elapsed: 0,
            len: 0,
            scratch: Vec::new(),
        }
    }
}

/// The level whose slots separate `elapsed` and `when`.
fn level_for(elapsed: u64, when: u64) -> usize {
    let max = (1u64 << (SLOT_BITS as usize * LEVELS)) - 1;
    let masked = ((elapsed ^ when) | (SLOTS as u64 - 1)).min(max - 1);
    (63 - masked.leading_zeros() as usize) / SLOT_BITS as usize
}

fn slot_for(level: usize, when: u64) -> usize {
    (when >> (level as u32 * SLOT_BITS)) as usize & (SLOTS - 1)
}

impl Wheel {
    /// Peers scheduled.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The tick of `micros` relative to the wheel's base (set by the first).
    fn rel(&mut self, micros: i64) -> u64 {
        let tick = micros;
        let base = *self.base.get_or_insert(tick);
        tick.saturating_sub(base).max(0) as u64
    }

    /// Schedules peer `idx` (not scheduled now) at `due` micros.
    fn link_at(&mut self, links: &mut impl Links, idx: u32, due: i64) {
        let when = self.rel(due).min(self.elapsed + MAX_AHEAD);
        let list = if when <= self.elapsed {
            List::Due
        } else {
            let level = level_for(self.elapsed, when);
            List::Slot(level, slot_for(level, when))
        };
        self.push(links, idx, when, list);
    }

    fn head(&mut self, list: List) -> &mut u32 {
        match list {
            List::Slot(l, s) => &mut self.heads[l][s],
            List::Due => &mut self.due,
        }
    }

    fn push(&mut self, links: &mut impl Links, idx: u32, when: u64, list: List) {
        let head = *self.head(list);
        if head != NIL {
            links.link(head).prev = idx;
        }
        *links.link(idx) = Link {
            prev: NIL,
            next: head,
            tick: when as u32,
        };
        *self.head(list) = idx;
        if let List::Slot(l, s) = list {
            self.occupied[l] |= 1 << s;
        }
        self.len += 1;
    }

    /// The list a linked peer is in, from its tick.
    fn list_of(&self, link: &Link) -> List {
        let when = self.full_tick(link.tick);
        if when <= self.elapsed {
            return List::Due;
        }
        let level = level_for(self.elapsed, when);
        List::Slot(level, slot_for(level, when))
    }

    /// The full relative tick of a stored low half: the tick within 2^31
    /// of `elapsed` with those low bits.
    fn full_tick(&self, low: u32) -> u64 {
        let delta = low.wrapping_sub(self.elapsed as u32) as i32;
        self.elapsed.wrapping_add_signed(i64::from(delta))
    }

    /// Takes peer `idx` out of its list, if it is in one.
    pub(crate) fn unlink(&mut self, links: &mut impl Links, idx: u32) {
        let link = *links.link(idx);
        if !link.is_linked() {
            return;
        }
        if link.prev == NIL {
            let list = self.list_of(&link);
            *self.head(list) = link.next;
            if let (List::Slot(l, s), NIL) = (list, link.next) {
                self.occupied[l] &= !(1 << s);
            }
        } else {
            links.link(link.prev).next = link.next;
        }
        if link.next != NIL {
            links.link(link.next).prev = link.prev;
        }
        *links.link(idx) = Link::default();
        self.len -= 1;
    }

    /// Schedules `idx` at `due` micros unless it is scheduled at or before
    /// that tick already (an earlier deadline only makes the caller look
    /// again sooner); moves it when `due` is earlier.
    pub(crate) fn schedule(&mut self, links: &mut impl Links, idx: u32, due: i64) {
        let link = *links.link(idx);
        if link.is_linked() {
            let when = self.rel(due).min(self.elapsed + MAX_AHEAD);
            if self.full_tick(link.tick) <= when.max(self.elapsed) {
                return;
            }
            self.unlink(links, idx);
        }
        self.link_at(links, idx, due);
    }

    /// The earliest non-empty slot: (level, slot, its first tick).
    fn next_slot(&self) -> Option<(usize, usize, u64)> {
        (0..LEVELS).find_map(|level| {
            let occupied = self.occupied[level];
            if occupied == 0 {
                return None;
            }
            let shift = level as u32 * SLOT_BITS;
            let now_slot = (self.elapsed >> shift) as u32 & (SLOTS as u32 - 1);
            let zeros = occupied.rotate_right(now_slot).trailing_zeros();
            let slot = (zeros + now_slot) as usize % SLOTS;
            let level_range = 1u64 << (shift + SLOT_BITS);
            let level_start = self.elapsed & !(level_range - 1);
            let mut deadline = level_start + ((slot as u64) << shift);
            if deadline <= self.elapsed {
                // Only the top level wraps round.
                deadline += level_range;
            }
            Some((level, slot, deadline))
        })
    }

    /// Advances the wheel to `now` and returns every peer whose deadline
    /// tick is at or before it, unlinked, in no particular order. The
    /// caller applies its rule and schedules each again if needed.
    pub(crate) fn advance(&mut self, links: &mut impl Links, now: i64) -> Vec<u32> {
        let now = self.rel(now);
        let mut out = Vec::new();
        self.drain(links, List::Due, &mut out);
        while let Some((level, slot, deadline)) = self.next_slot() {
            if deadline > now {
                break;
            }
            self.elapsed = deadline;
            let mut moved = std::mem::take(&mut self.scratch);
            self.drain(links, List::Slot(level, slot), &mut moved);
            for &idx in &moved {
                // Relinking puts a peer due now in the due list, others one
                // level lower.
                let when = self.full_tick(links.link(idx).tick);
                let list = if when <= self.elapsed {
                    List::Due
                } else {
                    let l = level_for(self.elapsed, when);
                    List::Slot(l, slot_for(l, when))
                };
                self.push(links, idx, when, list);
            }
            moved.clear();
            self.scratch = moved;
            self.drain(links, List::Due, &mut out);
        }
        if now > self.elapsed {
            self.elapsed = now;
        }
        out
    }

    fn drain(&mut self, links: &mut impl Links, list: List, out: &mut Vec<u32>) {
        let mut at = std::mem::replace(self.head(list), NIL);
        if let List::Slot(l, s) = list {
            self.occupied[l] &= !(1 << s);
        }
        while at != NIL {
            let link = links.link(at);
            let next = link.next;
            // Unlinked, but the tick stays: a cascading peer needs it.
            (link.prev, link.next) = (NIL, UNLINKED);
            self.len -= 1;
            out.push(at);
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Table(Vec<Link>);

    impl Links for Table {
        fn link(&mut self, idx: u32) -> &mut Link {
            &mut self.0[idx as usize]
        }
    }

    const T: i64 = 1000;

    #[test]
    fn peers_come_due_at_their_tick_across_levels() {
        let mut links = Table(vec![Link::default(); 6]);
        let mut w = Wheel::default();
        let dues = [5 * T, 70 * T, 5000 * T, 300_000 * T, 2_000_000 * T, T];
        w.advance(&mut links, 0);
        for (i, d) in dues.iter().enumerate() {
            w.schedule(&mut links, i as u32, *d);
        }
        assert_eq!(w.len(), 6);
        let mut order = Vec::new();
        for d in dues
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
        {
            let early = w.advance(&mut links, d - 1);
            assert!(early.is_empty(), "early at {d}: {early:?} {:?}", w.elapsed);
            let got = w.advance(&mut links, d);
            assert_eq!(got.len(), 1, "at {d}");
            order.push(dues[got[0] as usize]);
        }
        assert!(order.windows(2).all(|p| p[0] < p[1]));
        assert_eq!(w.len(), 0);
    }

    #[test]
    fn moving_earlier_and_cancelling() {
        let mut links = Table(vec![Link::default(); 3]);
        let mut w = Wheel::default();
        w.advance(&mut links, 0);
        w.schedule(&mut links, 0, 9000 * T);
        w.schedule(&mut links, 1, 9000 * T);
        w.schedule(&mut links, 2, 9000 * T);
        w.schedule(&mut links, 1, 100 * T); // earlier: moves
        w.schedule(&mut links, 2, 20_000 * T); // later: stays
        w.unlink(&mut links, 0);
        assert_eq!(w.advance(&mut links, 100 * T), vec![1]);
        assert_eq!(w.advance(&mut links, 9000 * T), vec![2]);
        assert_eq!(w.len(), 0);
        // A deadline in the past is due at once.
        w.schedule(&mut links, 0, 5 * T);
        assert_eq!(w.advance(&mut links, 9000 * T), vec![0]);
    }
}
