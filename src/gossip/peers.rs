//! The peer table: O(1) lookup by id, a compact record per peer, the alive
//! set for sampling, the five most recently seen peers for piggyback, and
//! the health deadlines (see [`super::wheel`]).

use std::borrow::Cow;
use std::hash::{BuildHasher, RandomState};

use hashbrown::HashTable;

use super::address;
use super::health::{Timeouts, Transition, next_due, rule};
use super::message::PeerUpdate;
use super::time::UnixMicros;
use super::types::NodeState;
use super::wheel::{Link, Links, Wheel};

/// How many peers piggyback on each outgoing message (the reference's
/// `_collect_piggyback(max_items=5)`).
pub const PIGGYBACK_PEERS: usize = 5;

/// [`Peer::slot`] values of a peer that is not ALIVE, one per state; an
/// ALIVE peer's slot is its index in `alive`, always below these.
const SUSPECT_SLOT: u32 = u32::MAX;
const DEAD_SLOT: u32 = u32::MAX - 1;
const LEFT_SLOT: u32 = u32::MAX - 2;

/// One peer, kept small: 80 bytes, its id and address text in its chunk's
/// text. The reference never changes `patterns_contributed` of a peer
/// (records from piggyback do not carry it over), so it is always 0 and
/// not stored.
#[derive(Debug, Clone)]
pub(crate) struct Peer {
    pub(crate) key: [u8; 32],
    pub(crate) last_seen: i64,
    pub(crate) ihsan_average: f64,
    pub(crate) incarnation: i64,
    /// Its place in the health wheel.
    link: Link,
    /// Its index in `alive` when ALIVE, else the slot value of its state:
    /// the state and the alive index share four bytes, since a peer has an
    /// alive index exactly when it is ALIVE.
    slot: u32,
    /// Where its id starts in the chunk's text; the address follows the
    /// id and ends where the next peer's text starts (or the text ends).
    text_start: u32,
    /// Bytes of the text that are the id, with [`PACKED`] set when the
    /// address is stored packed (see [`address`]).
    id_len: u32,
}

/// The flag of [`Peer::id_len`] for a packed address.
const PACKED: u32 = 1 << 31;

impl Peer {
    /// Bytes of the text that are the id.
    fn id_len(&self) -> usize {
        (self.id_len & !PACKED) as usize
    }

    /// What we believe about the peer.
    pub(crate) fn state(&self) -> NodeState {
        match self.slot {
            SUSPECT_SLOT => NodeState::Suspect,
            DEAD_SLOT => NodeState::Dead,
            LEFT_SLOT => NodeState::Left,
            _ => NodeState::Alive,
        }
    }
}

/// The slot value of a state that is not ALIVE.
fn slot_of(state: NodeState) -> u32 {
    match state {
        NodeState::Suspect => SUSPECT_SLOT,
        NodeState::Dead => DEAD_SLOT,
        NodeState::Left | NodeState::Alive => LEFT_SLOT,
    }
}

/// Up to [`CHUNK`] peers and their texts (id then address, back to back,
/// in insertion order): one allocation for all the texts of a chunk, with
/// no pointer and length per peer, and no spare room once the chunk is full.
#[derive(Debug, Default)]
struct Chunk {
    peers: Vec<Peer>,
    text: String,
}

/// Records a chunk grows by at a time: the last chunk holds at most this
/// many spare records (a whole chunk's room reserved at once left up to
/// 4,095 spare, and doubling up to half the chunk), and each record is
/// copied at most `CHUNK / CHUNK_STEP` times while its chunk fills.
const CHUNK_STEP: usize = CHUNK / 8;

/// Bytes a chunk's text grows by at least, for the same reason.
const TEXT_STEP: usize = 8 << 10;

impl Chunk {
    /// Room for one more peer whose texts take at most `text` bytes.
    fn make_room(&mut self, text: usize) {
        if self.peers.len() == self.peers.capacity() {
            self.peers
                .reserve_exact(CHUNK_STEP.min(CHUNK - self.peers.len()).max(1));
        }
        if self.text.capacity() - self.text.len() < text {
            self.text.reserve_exact(text.max(TEXT_STEP));
        }
    }

    /// The id and address text of the peer at `k`.
    fn text(&self, k: usize) -> &str {
        let start = self.peers[k].text_start as usize;
        let end = self
            .peers
            .get(k + 1)
            .map_or(self.text.len(), |p| p.text_start as usize);
        &self.text[start..end]
    }

    /// The id of the peer at `k`.
    fn id(&self, k: usize) -> &str {
        &self.text(k)[..self.peers[k].id_len()]
    }

    /// Whether the id of the peer at `k` is `id` (a byte comparison: no
    /// char-boundary check on the lookup path).
    fn id_is(&self, k: usize, id: &str) -> bool {
        let p = &self.peers[k];
        let start = p.text_start as usize;
        self.text.as_bytes().get(start..start + p.id_len()) == Some(id.as_bytes())
    }

    /// The `host:port` of the peer at `k`.
    fn address(&self, k: usize) -> Cow<'_, str> {
        let p = &self.peers[k];
        let stored = &self.text(k)[p.id_len()..];
        if p.id_len & PACKED != 0 {
            address::unpack(stored)
        } else {
            Cow::Borrowed(stored)
        }
    }
}

/// A read-only view of one peer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerView {
    /// The peer's id.
    pub node_id: String,
    /// Its `host:port`.
    pub address: String,
    /// Its key, lowercase hex.
    pub public_key: String,
    /// What we believe about it.
    pub state: NodeState,
    /// Its incarnation.
    pub incarnation: i64,
    /// When we last heard from it (or learnt of it).
    pub last_seen: UnixMicros,
    /// Its average Ihsān score.
    pub ihsan_average: f64,
    /// Patterns it contributed.
    pub patterns_contributed: i64,
}

/// Peers per storage chunk: the table grows a chunk at a time, so it never
/// holds more than one chunk of spare room (a doubling `Vec` can hold as
/// much spare as data) and never copies the whole table to grow.
const CHUNK: usize = 4096;

/// Peers interned to dense `u32` indices. Peers are never removed (the
/// reference never forgets one either), so an index names a peer forever
/// and index order is insertion order. The id index is a hash table of
/// bare `u32`s hashed by the id stored in the peer (4 bytes a slot instead
/// of a map's key copy), with SipHash keyed per table, so ids chosen by an
/// attacker cannot force collisions.
#[derive(Debug, Default)]
pub struct PeerTable {
    index: HashTable<u32>,
    hasher: RandomState,
    chunks: Vec<Chunk>,
    len: usize,
    alive: Vec<u32>,
    /// (last_seen, index) of the most recently seen peers, newest first,
    /// ties in insertion order (Python's stable `sorted(reverse=True)`).
    recent: Vec<(i64, u32)>,
    /// Health deadlines, threaded through the peers' links.
    wheel: Wheel,
    pub(crate) timeouts: Timeouts,
}

/// The peers' wheel links, for the wheel to follow.
struct PeerLinks<'a>(&'a mut Vec<Chunk>);

impl Links for PeerLinks<'_> {
    fn link(&mut self, idx: u32) -> &mut Link {
        let i = idx as usize;
        &mut self.0[i / CHUNK].peers[i % CHUNK].link
    }
}

impl PeerTable {
    /// The index of `id`, if known. O(1).
    pub fn lookup(&self, id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(id);
        self.index
            .find(hash, |&i| {
                let i = i as usize;
                self.chunks[i / CHUNK].id_is(i % CHUNK, id)
            })
            .copied()
    }

    /// How many peers are known.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no peer is known.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many peers are ALIVE.
    pub fn alive_count(&self) -> usize {
        self.alive.len()
    }

    /// The id interned at `idx`.
    pub fn id(&self, idx: u32) -> &str {
        let i = idx as usize;
        self.chunks[i / CHUNK].id(i % CHUNK)
    }

    /// The `host:port` of the peer at `idx`.
    fn address(&self, idx: u32) -> Cow<'_, str> {
        let i = idx as usize;
        self.chunks[i / CHUNK].address(i % CHUNK)
    }

    pub(crate) fn get(&self, idx: u32) -> &Peer {
        let i = idx as usize;
        &self.chunks[i / CHUNK].peers[i % CHUNK]
    }

    fn get_mut(&mut self, idx: u32) -> &mut Peer {
        let i = idx as usize;
        &mut self.chunks[i / CHUNK].peers[i % CHUNK]
    }

    /// Indices of ALIVE peers (in no particular order).
    pub fn alive(&self) -> &[u32] {
        &self.alive
    }

    /// Adds a new ALIVE peer seen at `now`; `None` if `id` is known already.
    pub fn add(&mut self, id: &str, address: &str, key: [u8; 32], now: UnixMicros) -> Option<u32> {
        if self.lookup(id).is_some() {
            return None;
        }
        Some(self.insert(id, address, key, now))
    }

    /// Adds a peer seen (or learnt of) at `now`. The caller checks it is new.
    pub(crate) fn insert(
        &mut self,
        id: &str,
        address: &str,
        key: [u8; 32],
        now: UnixMicros,
    ) -> u32 {
        // Indices stay below the slot values of the states.
        let idx = u32::try_from(self.len)
            .ok()
            .filter(|&i| i < LEFT_SLOT)
            .expect("fewer than 2^32 - 3 peers");
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Chunk::default());
        }
        let chunks = &self.chunks;
        let hasher = &self.hasher;
        let hash = hasher.hash_one(id);
        self.index.insert_unique(hash, idx, |&i| {
            let i = i as usize;
            hasher.hash_one(chunks[i / CHUNK].id(i % CHUNK))
        });
        let chunk = self.chunks.last_mut().expect("pushed above");
        chunk.make_room(id.len() + address.len());
        let text_start =
            u32::try_from(chunk.text.len()).expect("a chunk's texts shorter than 4 GiB");
        chunk.text.push_str(id);
        let packed = address::pack(address);
        match packed {
            // ASCII: one char a byte.
            Some(p) => chunk.text.extend(p.iter().map(|&b| char::from(b))),
            None => chunk.text.push_str(address),
        }
        let id_len = u32::try_from(id.len())
            .ok()
            .filter(|&n| n < PACKED)
            .expect("an id shorter than 2 GiB");
        if chunk.peers.len() + 1 == CHUNK {
            // Full: give back the doubling's spare room.
            chunk.text.shrink_to_fit();
        }
        chunk.peers.push(Peer {
            key,
            last_seen: now.0,
            ihsan_average: 0.95,
            incarnation: 0,
            link: Link::default(),
            slot: LEFT_SLOT,
            text_start,
            id_len: if packed.is_some() {
                id_len | PACKED
            } else {
                id_len
            },
        });
        self.len += 1;
        self.set_state(idx, NodeState::Alive, now);
        self.note_seen(idx);
        idx
    }

    /// Marks a peer heard from at `now`: ALIVE, `last_seen = now`.
    pub fn touch(&mut self, idx: u32, now: UnixMicros) {
        let peer = self.get_mut(idx);
        let went_back = now.0 < peer.last_seen;
        peer.last_seen = now.0;
        self.set_state(idx, NodeState::Alive, now);
        if went_back {
            self.rebuild_recent();
        } else {
            self.note_seen(idx);
        }
    }

    /// Applies a piggybacked record to a known peer (the caller checked the
    /// incarnation is higher).
    pub(crate) fn apply_update(&mut self, idx: u32, update: &PeerUpdate, now: UnixMicros) {
        let peer = self.get_mut(idx);
        peer.incarnation = update.incarnation;
        peer.ihsan_average = update.ihsan_average;
        self.set_state(idx, update.state, now);
    }

    /// Sets a state, keeping the alive set and the health schedule right.
    pub fn set_state(&mut self, idx: u32, state: NodeState, now: UnixMicros) {
        let alive_len = self.alive.len() as u32;
        let peer = self.get_mut(idx);
        let was_alive = peer.state() == NodeState::Alive;
        if state == NodeState::Alive {
            if !was_alive {
                peer.slot = alive_len;
                if self.alive.len() == self.alive.capacity() {
                    // A chunk's worth at a time, not doubling: at most
                    // 16 kB spare instead of up to half the list.
                    self.alive.reserve_exact(CHUNK);
                }
                self.alive.push(idx);
            }
        } else {
            let pos = peer.slot as usize;
            peer.slot = slot_of(state);
            if was_alive {
                self.alive.swap_remove(pos);
                if let Some(&moved) = self.alive.get(pos) {
                    self.get_mut(moved).slot = pos as u32;
                }
            }
        }
        let peer = self.get(idx);
        let due = next_due(&self.timeouts, peer.state(), peer.last_seen, now.0);
        let links = &mut PeerLinks(&mut self.chunks);
        match due {
            // A later deadline leaves the peer where it is: it comes due
            // early, the rule finds nothing to do and it moves on.
            Some(due) => self.wheel.schedule(links, idx, due),
            None => self.wheel.unlink(links, idx),
        }
    }

    fn note_seen(&mut self, idx: u32) {
        let t = self.get(idx).last_seen;
        self.recent.retain(|&(_, i)| i != idx);
        let at = self
            .recent
            .iter()
            .position(|&(rt, ri)| t > rt || (t == rt && idx < ri))
            .unwrap_or(self.recent.len());
        self.recent.insert(at, (t, idx));
        self.recent.truncate(PIGGYBACK_PEERS);
    }

    fn rebuild_recent(&mut self) {
        let mut all: Vec<(i64, u32)> = (0..self.len as u32)
            .map(|i| (self.get(i).last_seen, i))
            .collect();
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(PIGGYBACK_PEERS);
        self.recent = all;
    }

    /// The most recently seen peers, newest first (at most five).
    pub fn recent(&self) -> impl Iterator<Item = u32> + '_ {
        self.recent.iter().map(|&(_, i)| i)
    }

    /// The peer at `idx` as a piggyback record.
    pub fn record(&self, idx: u32) -> PeerUpdate {
        let p = self.get(idx);
        PeerUpdate {
            node_id: self.id(idx).to_string(),
            address: self.address(idx).into_owned(),
            public_key: crate::pci::to_hex(&p.key),
            state: p.state(),
            incarnation: p.incarnation,
            ihsan_average: p.ihsan_average,
            patterns_contributed: 0,
        }
    }

    /// The peer at `idx` as a view.
    pub fn view(&self, idx: u32) -> PeerView {
        let r = self.record(idx);
        PeerView {
            node_id: r.node_id,
            address: r.address,
            public_key: r.public_key,
            state: r.state,
            incarnation: r.incarnation,
            last_seen: UnixMicros(self.get(idx).last_seen),
            ihsan_average: r.ihsan_average,
            patterns_contributed: r.patterns_contributed,
        }
    }

    /// Every peer in insertion order.
    pub fn views(&self) -> Vec<PeerView> {
        (0..self.len as u32).map(|i| self.view(i)).collect()
    }
}

impl PeerTable {
    /// The reference's `check_peer_health` at `now`, touching only peers
    /// whose deadline passed. Returns the changes made.
    pub fn check_health(&mut self, now: UnixMicros) -> Vec<Transition> {
        let mut due = self.wheel.advance(&mut PeerLinks(&mut self.chunks), now.0);
        // The reference scans its peers in insertion order.
        due.sort_unstable();
        let mut changes = Vec::new();
        for idx in due {
            let peer = self.get(idx);
            let (from, last_seen) = (peer.state(), peer.last_seen);
            match rule(&self.timeouts, from, last_seen, now.0) {
                Some(to) => {
                    self.set_state(idx, to, now);
                    changes.push(Transition {
                        node_id: self.id(idx).to_string(),
                        from,
                        to,
                    });
                }
                // Came due early (a tick's rounding, or the peer was heard
                // from since): schedule it at its real deadline.
                None => self.set_state(idx, from, now),
            }
        }
        changes
    }

    /// Peers in the health wheel, for tests and benches.
    pub fn scheduled(&self) -> usize {
        self.wheel.len()
    }

    /// A table whose health timeouts are `timeouts`.
    pub fn with_timeouts(timeouts: Timeouts) -> PeerTable {
        PeerTable {
            timeouts,
            ..PeerTable::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Host names, canonical IPv4 (packed) and non-canonical IPv4 (kept).
    fn addr(i: usize) -> String {
        match i % 3 {
            0 => format!("h{i}:{}", i % 100),
            1 => format!("10.0.{}.{}:{}", i >> 8 & 255, i & 255, 7000 + i % 9),
            _ => format!("10.0.0.0{}:7654", i % 10),
        }
    }

    #[test]
    fn texts_read_back_across_chunks() {
        let mut t = PeerTable::default();
        let n = CHUNK + 3;
        for i in 0..n {
            // Ids and addresses of varying lengths, some not ASCII.
            let id = format!("n{}é", "x".repeat(i % 7));
            let id = format!("{id}{i}");
            t.add(&id, &addr(i), [0; 32], UnixMicros(0));
        }
        assert_eq!(t.chunks[0].text.capacity(), t.chunks[0].text.len());
        for i in [0, 1, 2, CHUNK - 1, CHUNK, n - 1] {
            let idx = t.lookup(&format!("n{}é{i}", "x".repeat(i % 7))).unwrap();
            assert_eq!(idx as usize, i);
            let r = t.record(idx);
            assert_eq!(r.address, addr(i));
            assert_eq!(r.node_id, t.id(idx));
        }
    }

    #[test]
    fn state_and_alive_index_share_a_slot() {
        let mut t = PeerTable::default();
        for i in 0..4 {
            t.add(&format!("p{i}"), "a:1", [0; 32], UnixMicros(0));
        }
        let now = UnixMicros(0);
        t.set_state(0, NodeState::Suspect, now);
        t.set_state(2, NodeState::Dead, now);
        t.set_state(3, NodeState::Left, now);
        assert_eq!(t.alive(), &[1]);
        let states: Vec<_> = (0..4).map(|i| t.get(i).state()).collect();
        use NodeState::*;
        assert_eq!(states, [Suspect, Alive, Dead, Left]);
        t.set_state(3, Alive, now);
        t.set_state(1, Dead, now);
        assert_eq!(t.alive(), &[3]);
        assert_eq!(t.get(3).slot, 0);
        assert_eq!(t.get(1).state(), Dead);
    }
}
