//! The peer table: O(1) lookup by id, a compact record per peer, the alive
//! set for sampling, the five most recently seen peers for piggyback, and
//! the health deadlines (see [`super::wheel`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
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

/// One peer, kept small: 72 bytes, its id and address in its chunk's
/// text. The reference never changes `patterns_contributed` of a peer
/// (records from piggyback do not carry it over), so it is always 0 and
/// not stored.
///
/// `text_start` comes first (`repr(C)`): a lookup reads it and the next
/// peer's, which then lies right after this record.
#[derive(Debug, Clone)]
#[repr(C)]
pub(crate) struct Peer {
    /// Where its text starts in the chunk's text, with [`PACKED`] set when
    /// the address is stored packed. The text ends where the next peer's
    /// starts (or the chunk's text ends): the id then the six bytes of a
    /// packed address, or else the id's length (LEB128), the id and the
    /// address as given.
    text_start: u32,
    /// Its index in `alive` when ALIVE, else the slot value of its state:
    /// the state and the alive index share four bytes, since a peer has an
    /// alive index exactly when it is ALIVE.
    slot: u32,
    pub(crate) key: [u8; 32],
    pub(crate) last_seen: i64,
    pub(crate) ihsan_average: f64,
    /// Its place in the health wheel.
    link: Link,
    /// Its incarnation, or [`WIDE`] when that does not fit in 32 bits
    /// (then kept in [`PeerTable::wide`]). Incarnations are counters that
    /// rise by one on each refutation, so four bytes hold them in practice.
    incarnation: i32,
}

/// The flag of [`Peer::text_start`] for a packed address.
const PACKED: u32 = 1 << 31;

/// [`Peer::incarnation`] of a peer whose incarnation is kept aside.
const WIDE: i32 = i32::MIN;

impl Peer {
    /// Where its text starts in its chunk's text.
    fn start(&self) -> usize {
        (self.text_start & !PACKED) as usize
    }

    /// Whether its address is stored packed.
    fn packed(&self) -> bool {
        self.text_start & PACKED != 0
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
    text: Vec<u8>,
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

    /// Where the text of the peer at `k` ends: where the next one starts.
    fn end(&self, k: usize) -> usize {
        self.peers.get(k + 1).map_or(self.text.len(), Peer::start)
    }

    /// The id of the peer at `k`, as bytes.
    fn id_bytes(&self, k: usize) -> &[u8] {
        let p = &self.peers[k];
        let start = p.start();
        if p.packed() {
            let end = self.end(k).saturating_sub(address::PACKED_LEN);
            self.text.get(start..end).unwrap_or_default()
        } else {
            let (len, rest) = read_len(self.text.get(start..).unwrap_or_default());
            rest.get(..len).unwrap_or_default()
        }
    }

    /// The stored address of the peer at `k`.
    fn stored_address(&self, k: usize) -> Stored<'_> {
        let p = &self.peers[k];
        let text = self.text.get(p.start()..self.end(k)).unwrap_or_default();
        if p.packed() {
            let at = text.len().saturating_sub(address::PACKED_LEN);
            match <[u8; address::PACKED_LEN]>::try_from(&text[at..]) {
                Ok(packed) => Stored::Packed(packed),
                Err(_) => Stored::Text(&text[at..]),
            }
        } else {
            let (len, rest) = read_len(text);
            Stored::Text(rest.get(len..).unwrap_or_default())
        }
    }

    /// The id of the peer at `k`.
    fn id(&self, k: usize) -> &str {
        utf8(self.id_bytes(k))
    }

    /// Whether the id of the peer at `k` is `id` (a byte comparison: no
    /// UTF-8 check on the lookup path).
    fn id_is(&self, k: usize, id: &str) -> bool {
        self.id_bytes(k) == id.as_bytes()
    }

    /// The `host:port` of the peer at `k`.
    fn address(&self, k: usize) -> Cow<'_, str> {
        match self.stored_address(k) {
            Stored::Packed(p) => Cow::Owned(address::unpack(p)),
            Stored::Text(t) => Cow::Borrowed(utf8(t)),
        }
    }
}

/// An id's bytes, hashed as `str` hashes them: no length written before
/// the bytes, one byte after (`[u8]`'s own hash writes eight before).
struct IdHash<'a>(&'a [u8]);

impl std::hash::Hash for IdHash<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(self.0);
        state.write_u8(0xff);
    }
}

/// A stored address.
enum Stored<'a> {
    Packed([u8; address::PACKED_LEN]),
    Text(&'a [u8]),
}

/// Text the table stored from a `&str`.
fn utf8(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("the table stores ids and addresses from &str")
}

/// Appends `n` as LEB128: seven bits a byte, low first, the high bit set
/// on every byte but the last.
fn write_len(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A length written by [`write_len`] and the bytes after it.
fn read_len(bytes: &[u8]) -> (usize, &[u8]) {
    let mut n = 0usize;
    // At most ten bytes: a `usize` has 64 bits.
    for (i, &b) in bytes.iter().enumerate().take(10) {
        n |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (n, &bytes[i + 1..]);
        }
    }
    (n, &[])
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
    /// Incarnations that do not fit in a record's 32 bits, by index.
    wide: BTreeMap<u32, i64>,
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
        let hash = self.hasher.hash_one(IdHash(id.as_bytes()));
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

    /// The incarnation of the peer at `idx`.
    pub(crate) fn incarnation(&self, idx: u32) -> i64 {
        match self.get(idx).incarnation {
            WIDE => self.wide.get(&idx).copied().unwrap_or(i64::from(WIDE)),
            n => i64::from(n),
        }
    }

    fn set_incarnation(&mut self, idx: u32, value: i64) {
        match i32::try_from(value) {
            Ok(n) if n != WIDE => {
                if self.get(idx).incarnation == WIDE {
                    self.wide.remove(&idx);
                }
                self.get_mut(idx).incarnation = n;
            }
            _ => {
                self.get_mut(idx).incarnation = WIDE;
                self.wide.insert(idx, value);
            }
        }
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
        let hash = hasher.hash_one(IdHash(id.as_bytes()));
        self.index.insert_unique(hash, idx, |&i| {
            let i = i as usize;
            hasher.hash_one(IdHash(chunks[i / CHUNK].id_bytes(i % CHUNK)))
        });
        let chunk = self.chunks.last_mut().expect("pushed above");
        let packed = address::pack(address);
        // At most ten bytes of LEB128 length.
        chunk.make_room(id.len() + address.len() + 10);
        let start = u32::try_from(chunk.text.len())
            .ok()
            .filter(|&n| n < PACKED)
            .expect("a chunk's texts shorter than 2 GiB");
        match packed {
            Some(p) => {
                chunk.text.extend_from_slice(id.as_bytes());
                chunk.text.extend_from_slice(&p);
            }
            None => {
                write_len(&mut chunk.text, id.len());
                chunk.text.extend_from_slice(id.as_bytes());
                chunk.text.extend_from_slice(address.as_bytes());
            }
        }
        if chunk.peers.len() + 1 == CHUNK {
            // Full: give back the growth's spare room.
            chunk.text.shrink_to_fit();
        }
        chunk.peers.push(Peer {
            text_start: if packed.is_some() {
                start | PACKED
            } else {
                start
            },
            slot: LEFT_SLOT,
            key,
            last_seen: now.0,
            ihsan_average: 0.95,
            link: Link::default(),
            incarnation: 0,
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
        self.set_incarnation(idx, update.incarnation);
        self.get_mut(idx).ihsan_average = update.ihsan_average;
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
            incarnation: self.incarnation(idx),
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
    fn a_record_takes_72_bytes() {
        assert_eq!(std::mem::size_of::<Peer>(), 72);
    }

    #[test]
    fn ids_of_any_length_read_back_with_either_address() {
        let mut t = PeerTable::default();
        let lens = [0, 1, 126, 127, 128, 300, 16_383, 16_384, 70_000];
        for (i, &n) in lens.iter().enumerate() {
            let id = format!("{i}{}", "é".repeat(n / 2));
            let address = if i % 2 == 0 {
                "10.1.2.3:80"
            } else {
                "host.example:80"
            };
            let idx = t.add(&id, address, [0; 32], UnixMicros(0)).unwrap();
            assert_eq!(t.id(idx), id);
            assert_eq!(t.address(idx), address);
        }
        for (i, &n) in lens.iter().enumerate() {
            let id = format!("{i}{}", "é".repeat(n / 2));
            assert_eq!(t.lookup(&id), Some(i as u32));
            // A prefix of a stored id is another id.
            let mut prefix = id.clone();
            prefix.pop();
            assert_eq!(t.lookup(&prefix), None);
        }
    }

    #[test]
    fn incarnations_beyond_32_bits_are_kept_exactly() {
        let mut t = PeerTable::default();
        let idx = t.add("p", "a:1", [0; 32], UnixMicros(0)).unwrap();
        let update = |incarnation| PeerUpdate {
            node_id: "p".into(),
            address: "a:1".into(),
            public_key: String::new(),
            state: NodeState::Alive,
            incarnation,
            ihsan_average: 0.5,
            patterns_contributed: 0,
        };
        for v in [
            7,
            i64::MAX,
            i64::from(i32::MIN),
            i64::from(i32::MIN) + 1,
            -7,
            i64::from(i32::MAX) + 1,
            i64::MIN,
            3,
        ] {
            t.apply_update(idx, &update(v), UnixMicros(0));
            assert_eq!(t.incarnation(idx), v);
            assert_eq!(t.record(idx).incarnation, v);
        }
        assert!(t.wide.is_empty(), "a narrow value frees its wide entry");
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
