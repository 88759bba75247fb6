//! Lowercase hex, the text form of keys, digests and signatures.

/// Why a hex string could not be decoded into a fixed number of bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    /// The text has the wrong number of characters.
    #[error("expected {expected} hex characters, got {got}")]
    Length {
        /// Characters required.
        expected: usize,
        /// Characters given.
        got: usize,
    },
    /// A character is not a hex digit.
    #[error("{ch:?} at {at} is not a hex digit")]
    Digit {
        /// The offending character.
        ch: char,
        /// Its byte offset.
        at: usize,
    },
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    encode_into(bytes, &mut out);
    String::from_utf8(out).expect("hex digits are ASCII")
}

/// Writes lowercase hex of `bytes` into `out`, which is twice as long.
pub(crate) fn encode_into(bytes: &[u8], out: &mut [u8]) {
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 15)];
    }
}

fn nibble(text: &str, at: usize) -> Result<u8, HexError> {
    let b = text.as_bytes()[at];
    match b {
        b'0'..=b'9' => Ok(b - b'0'),
        b'a'..=b'f' => Ok(b - b'a' + 10),
        b'A'..=b'F' => Ok(b - b'A' + 10),
        _ => Err(HexError::Digit {
            ch: text[at..].chars().next().unwrap_or('\u{fffd}'),
            at,
        }),
    }
}

/// Decodes exactly `N` bytes from `2N` hex digits of either case, as
/// Python's `bytes.fromhex` accepts them (without its whitespace skipping).
pub fn decode<const N: usize>(text: &str) -> Result<[u8; N], HexError> {
    if text.len() != 2 * N {
        return Err(HexError::Length {
            expected: 2 * N,
            got: text.chars().count(),
        });
    }
    let mut out = [0u8; N];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = (nibble(text, 2 * i)? << 4) | nibble(text, 2 * i + 1)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        assert_eq!(encode(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(decode::<2>("aBfF"), Ok([0xab, 0xff]));
        assert_eq!(
            decode::<2>("abc"),
            Err(HexError::Length {
                expected: 4,
                got: 3
            })
        );
        assert_eq!(decode::<2>("abé"), Err(HexError::Digit { ch: 'é', at: 2 }));
        assert_eq!(decode::<1>("g0"), Err(HexError::Digit { ch: 'g', at: 0 }));
    }
}
