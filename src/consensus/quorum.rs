//! The BFT quorum: with `n = 3f + 1` nodes, `2f + 1` agreeing votes
//! tolerate `f` Byzantine ones.

/// A quorum asked for no nodes at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a quorum needs at least one node, got {n}")]
pub struct QuorumError {
    /// The node count given.
    pub n: usize,
}

/// `2f + 1` with `f = (n - 1) div 3`, as the reference's
/// `get_quorum_size`. For `n = 0` the reference computes `(−1)//3 = −1`
/// and a quorum of −1 (any vote commits); here it is an error.
pub fn quorum_size(n: usize) -> Result<usize, QuorumError> {
    if n == 0 {
        return Err(QuorumError { n });
    }
    Ok(2 * ((n - 1) / 3) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_nodes_is_an_error() {
        assert_eq!(quorum_size(0), Err(QuorumError { n: 0 }));
        assert_eq!(quorum_size(4), Ok(3));
    }
}
