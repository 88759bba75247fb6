//! `--shard K/N`: a deterministic slice of the bench jobs, so that a CI
//! matrix of N runners covers every job exactly once.

use std::fmt;
use std::str::FromStr;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, 1..=count.
    pub index: u32,
    /// How many shards.
    pub count: u32,
}

/// Why a `K/N` text is not a shard.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("shard {text:?}: expected K/N with 1 <= K <= N, e.g. 2/4")]
pub struct ShardError {
    /// The text given.
    pub text: String,
}

impl FromStr for Shard {
    type Err = ShardError;
    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let err = || ShardError { text: text.into() };
        let (k, n) = text.split_once('/').ok_or_else(err)?;
        let index: u32 = k.trim().parse().map_err(|_| err())?;
        let count: u32 = n.trim().parse().map_err(|_| err())?;
        if index == 0 || index > count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The jobs of this shard. Jobs are sorted by name first and dealt
    /// round-robin, so the slice depends only on the set of names (not on
    /// directory order) and shard sizes differ by at most one.
    pub fn select<'a>(&self, jobs: &'a [String]) -> Vec<&'a String> {
        let mut sorted: Vec<&String> = jobs.iter().collect();
        sorted.sort();
        sorted.dedup();
        sorted
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i as u64 % u64::from(self.count) == u64::from(self.index - 1))
            .map(|(_, j)| j)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn shards_partition_the_jobs_whatever_their_order() {
        let jobs = names(&["ntu", "fate", "gossip", "heap", "instructions", "snr"]);
        let mut reversed = jobs.clone();
        reversed.reverse();
        let mut seen = Vec::new();
        for k in 1..=4 {
            let s = Shard { index: k, count: 4 };
            let a = s.select(&jobs);
            assert_eq!(a, s.select(&reversed), "order must not matter");
            assert!((1..=2).contains(&a.len()));
            seen.extend(a.into_iter().cloned());
        }
        seen.sort();
        let mut all = jobs.clone();
        all.sort();
        assert_eq!(seen, all);
    }

    #[test]
    fn parse_refuses_out_of_range_shards() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
