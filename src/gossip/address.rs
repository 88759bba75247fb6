//! Peer addresses kept short: an IPv4 `a.b.c.d:port` in its canonical
//! spelling (the one `SocketAddrV4` prints, so it reads back to the same
//! text) is stored as its 48 bits in eight ASCII characters, 6 bits each,
//! instead of its 9 to 21 characters of text. Any other address (a host
//! name, IPv6, leading zeros) is kept as given.

use std::borrow::Cow;
use std::net::{Ipv4Addr, SocketAddrV4};

/// Characters of a packed address.
const PACKED_LEN: usize = 8;

/// The 64 characters of the packing, one per 6-bit group.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `address` packed, if it is a canonical IPv4 socket address.
pub(super) fn pack(address: &str) -> Option<[u8; PACKED_LEN]> {
    let parsed: SocketAddrV4 = address.parse().ok()?;
    // Only a spelling that unpacks to the very same text.
    if parsed.to_string() != address {
        return None;
    }
    let bits = (u64::from(parsed.ip().to_bits()) << 16) | u64::from(parsed.port());
    let mut out = [0u8; PACKED_LEN];
    for (i, c) in out.iter_mut().enumerate() {
        *c = DIGITS[(bits >> (6 * (PACKED_LEN - 1 - i)) & 63) as usize];
    }
    Some(out)
}

/// The address text of a packed `stored` text (see [`pack`]). Text that is
/// not a packing (which the table never stores) is returned as it is.
pub(super) fn unpack(stored: &str) -> Cow<'_, str> {
    let mut bits = 0u64;
    for &c in stored.as_bytes() {
        let Some(d) = DIGITS.iter().position(|&x| x == c) else {
            return Cow::Borrowed(stored);
        };
        bits = (bits << 6) | d as u64;
    }
    if stored.len() != PACKED_LEN {
        return Cow::Borrowed(stored);
    }
    let ip = Ipv4Addr::from_bits((bits >> 16) as u32);
    Cow::Owned(SocketAddrV4::new(ip, bits as u16).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ipv4_addresses_round_trip() {
        for a in [
            "10.0.0.3:7654",
            "0.0.0.0:0",
            "255.255.255.255:65535",
            "192.168.1.23:80",
            "127.0.0.1:7000",
        ] {
            let packed = pack(a).unwrap();
            let text = std::str::from_utf8(&packed).unwrap();
            assert_eq!(unpack(text), a);
        }
    }

    #[test]
    fn other_spellings_are_not_packed() {
        for a in [
            "010.0.0.3:7654",
            "10.0.0.3:07654",
            "10.0.0.3",
            "host:7654",
            "[::1]:7654",
            "10.0.0.256:1",
            "10.0.0.3:7654 ",
            "",
        ] {
            assert_eq!(pack(a), None, "{a}");
        }
    }

    #[test]
    fn text_that_is_no_packing_reads_as_itself() {
        assert_eq!(unpack("short"), "short");
        assert_eq!(unpack("not-a-packing"), "not-a-packing");
        assert_eq!(unpack("ABCD:EFG"), "ABCD:EFG");
    }
}
