//! Peer addresses kept short: an IPv4 `a.b.c.d:port` in its canonical
//! spelling (the one `SocketAddrV4` prints, so it reads back to the same
//! text) is stored as its 48 bits in six bytes, instead of its 9 to 21
//! characters of text. Any other address (a host name, IPv6, leading
//! zeros) is kept as given.

use std::net::{Ipv4Addr, SocketAddrV4};

/// Bytes of a packed address.
pub(super) const PACKED_LEN: usize = 6;

/// `address` packed, if it is a canonical IPv4 socket address.
pub(super) fn pack(address: &str) -> Option<[u8; PACKED_LEN]> {
    let parsed: SocketAddrV4 = address.parse().ok()?;
    // Only a spelling that unpacks to the very same text.
    if parsed.to_string() != address {
        return None;
    }
    let mut out = [0u8; PACKED_LEN];
    out[..4].copy_from_slice(&parsed.ip().octets());
    out[4..].copy_from_slice(&parsed.port().to_be_bytes());
    Some(out)
}

/// The address text of a packing (see [`pack`]).
pub(super) fn unpack(packed: [u8; PACKED_LEN]) -> String {
    let [a, b, c, d, hi, lo] = packed;
    SocketAddrV4::new(Ipv4Addr::new(a, b, c, d), u16::from_be_bytes([hi, lo])).to_string()
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
            assert_eq!(unpack(pack(a).unwrap()), a);
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
}
