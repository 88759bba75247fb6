//! A small injectable random source, so gossip target selection and
//! proposal ids are reproducible in tests and simulations.

/// Where the engines draw their randomness. Not for key generation: keys
/// come from seeds the caller supplies.
pub trait RandomSource {
    /// The next 64 uniformly distributed bits.
    fn next_u64(&mut self) -> u64;

    /// A uniform index below `bound` (which must be non-zero). Uses the
    /// multiply-shift reduction; its bias (< bound / 2^64) is negligible for
    /// peer sampling.
    fn below(&mut self, bound: usize) -> usize {
        debug_assert!(bound > 0, "below(0) has no answer");
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): tiny state, passes BigCrush,
/// and any seed is a good seed.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }
}

impl RandomSource for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range_and_seeds_repeat() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..1000 {
            let x = a.below(3);
            assert!(x < 3);
            assert_eq!(x, b.below(3));
        }
    }
}
