//! The `ipaddr` extension type (docs/semantics.md §5.3).
//!
//! Addresses are parsed by `std::net`, whose rules agree with Cedar's (Cedar
//! itself uses `std::net`): IPv4 octets without leading zeros, IPv6 groups of
//! 1–4 hex digits, `::` standing for at least one group. Where Cedar adds
//! rules of its own we follow Cedar, not `std`/`ipnet`:
//! * inputs longer than 43 bytes are refused;
//! * any text with two or more `:` *and* two or more `.` is refused, so
//!   IPv4-embedded IPv6 (`::ffff:1.2.3.4`), which `std` accepts, is an error;
//! * the prefix is Cedar's own grammar (1–2 digits for v4, 1–3 for v6, no
//!   leading zero, no sign), stricter than `u8::from_str` (`+8`) and than
//!   `ipnet` (which also masks host bits — Cedar keeps the address as
//!   written, so `ip("10.0.0.1/24") != ip("10.0.0.0/24")`);
//! * `isLoopback`/`isMulticast` require the *whole range* to be special
//!   (the prefix at least as long as the special network's), unlike
//!   `IpAddr::is_loopback`; `::ffff:7f00:1` is not loopback (std agrees);
//! * `isInRange` across families is `false`, not an error.
use crate::value::IpAddrValue;
use std::net::IpAddr;

/// Parse Cedar `ip(...)` text.
pub fn parse(s: &str) -> Result<IpAddrValue, String> {
    let bad = |why: &str| Err(format!("`{s}` is not a valid IP address: {why}"));
    if s.len() > 43 {
        return bad("longer than 43 bytes");
    }
    if s.matches(':').nth(1).is_some() && s.matches('.').nth(1).is_some() {
        return bad("IPv4 addresses embedded in IPv6 are not accepted (write them in hex)");
    }
    let (addr_text, prefix_text) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(addr) = addr_text.parse::<IpAddr>() else {
        return bad("malformed address");
    };
    let (max_digits, max_prefix) = if addr.is_ipv4() { (2, 32) } else { (3, 128) };
    let prefix = match prefix_text {
        None => max_prefix,
        Some(p) => {
            if p.is_empty() || p.len() > max_digits || !p.bytes().all(|b| b.is_ascii_digit()) {
                return bad("malformed prefix length");
            }
            if p.len() > 1 && p.starts_with('0') {
                return bad("leading zero in prefix length");
            }
            // At most three ASCII digits: cannot overflow u16.
            let n: u16 = p.parse().unwrap_or(u16::MAX);
            if n > max_prefix as u16 {
                return bad("prefix length too large");
            }
            n as u8
        }
    };
    Ok(IpAddrValue { addr, prefix })
}

/// `addr/prefix` text that [`parse`] reads back to the same value. IPv6 is
/// printed in hex only: `std`'s `Display` writes IPv4-mapped addresses as
/// `::ffff:1.2.3.4`, which Cedar refuses to read.
pub fn format(v: &IpAddrValue) -> String {
    match v.addr {
        IpAddr::V4(a) => format!("{a}/{}", v.prefix),
        IpAddr::V6(a) => {
            let g = a.segments();
            // Longest run (≥ 2) of zero groups, compressed as `::` (RFC 5952).
            let (mut best, mut best_len, mut i) = (0, 0, 0);
            while i < 8 {
                if g[i] == 0 {
                    let start = i;
                    while i < 8 && g[i] == 0 {
                        i += 1;
                    }
                    if i - start > best_len {
                        best = start;
                        best_len = i - start;
                    }
                } else {
                    i += 1;
                }
            }
            let hex = |r: &[u16]| r.iter().map(|x| format!("{x:x}")).collect::<Vec<_>>().join(":");
            let text =
                if best_len >= 2 { format!("{}::{}", hex(&g[..best]), hex(&g[best + best_len..])) } else { hex(&g) };
            format!("{text}/{}", v.prefix)
        }
    }
}

/// The address range as (first, last) in a common u128 space, with the
/// family, using the value's own prefix.
fn range(v: &IpAddrValue) -> (bool, u128, u128) {
    let (is_v4, bits, width) = match v.addr {
        IpAddr::V4(a) => (true, u32::from(a) as u128, 32u32),
        IpAddr::V6(a) => (false, u128::from(a), 128u32),
    };
    let host_bits = width - v.prefix as u32;
    let host_mask: u128 = if host_bits == 128 { u128::MAX } else { (1u128 << host_bits) - 1 };
    (is_v4, bits & !host_mask, bits | host_mask)
}

pub fn is_loopback(v: &IpAddrValue) -> bool {
    match v.addr {
        IpAddr::V4(a) => a.octets()[0] == 127 && v.prefix >= 8,
        IpAddr::V6(a) => a == std::net::Ipv6Addr::LOCALHOST && v.prefix == 128,
    }
}

pub fn is_multicast(v: &IpAddrValue) -> bool {
    match v.addr {
        IpAddr::V4(a) => (224..=239).contains(&a.octets()[0]) && v.prefix >= 4,
        IpAddr::V6(a) => a.octets()[0] == 0xff && v.prefix >= 8,
    }
}

/// `a.isInRange(b)`: `a`'s whole range lies inside `b`'s.
pub fn is_in_range(a: &IpAddrValue, b: &IpAddrValue) -> bool {
    let (a4, a_lo, a_hi) = range(a);
    let (b4, b_lo, b_hi) = range(b);
    a4 == b4 && b_lo <= a_lo && a_hi <= b_hi
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddrValue {
        parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn accepts() {
        assert_eq!(ip("1.2.3.4"), ip("1.2.3.4/32"));
        assert_eq!(ip("::1"), ip("::1/128"));
        assert_ne!(ip("10.0.0.1/24"), ip("10.0.0.0/24"));
        for s in ["0.0.0.0/0", "::/0", "1:2:3:4:5:6:7::", "::ffff:102:304", "FFFF::1/64", "0001::1", "10.0.0.0/8"] {
            ip(s);
        }
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "01.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "256.0.0.0",
            "1.2.3.4/",
            "1.2.3.4/01",
            "1.2.3.4/033",
            "1.2.3.4/33",
            "1.2.3.4/32/1",
            "::/129",
            "::/0128",
            "::ffff:1.2.3.4",
            "::1.2.3.4",
            "1:2:3:4:5:6:7::8",
            "1::2::3",
            "12345::",
            " 1.2.3.4",
            "1.2.3.4 ",
            "1.2.3.4/+8",
            "fe80::1%eth0",
            "1.2.3.4/-0",
            "1111:2222:3333:4444:5555:6666:7777:8888/128x",
        ] {
            assert!(parse(s).is_err(), "{s:?} should be rejected");
        }
        // 44 bytes.
        assert!(parse("0000:0000:0000:0000:0000:0000:0000:0000/0128").is_err());
    }

    #[test]
    fn methods() {
        assert!(is_in_range(&ip("10.0.0.1/24"), &ip("10.0.0.0/24")));
        assert!(!is_in_range(&ip("10.0.0.0/24"), &ip("10.0.0.1/32")));
        assert!(is_in_range(&ip("10.1.2.3"), &ip("10.0.0.0/8")));
        assert!(!is_in_range(&ip("10.1.2.3"), &ip("::/0")));
        assert!(is_in_range(&ip("::1"), &ip("::/0")));
        assert!(is_loopback(&ip("127.0.0.1")));
        assert!(!is_loopback(&ip("127.0.0.1/7")));
        assert!(is_loopback(&ip("127.255.0.0/8")));
        assert!(is_loopback(&ip("::1")));
        assert!(!is_loopback(&ip("::1/127")));
        assert!(!is_loopback(&ip("::ffff:7f00:1")));
        assert!(is_multicast(&ip("224.0.0.1/4")));
        assert!(!is_multicast(&ip("224.0.0.1/3")));
        assert!(is_multicast(&ip("ff02::1")));
        assert!(!is_multicast(&ip("ff02::1/7")));
    }

    #[test]
    fn format_round_trips() {
        for s in ["1.2.3.4/24", "::", "::1", "1:2:3:4:5:6:7:8", "::ffff:102:304", "1:0:0:2::/64", "ffff::/128"] {
            let v = ip(s);
            assert_eq!(ip(&format(&v)), v, "{s} -> {}", format(&v));
        }
        assert_eq!(format(&ip("::ffff:102:304")), "::ffff:102:304/128");
    }
}
