//! The per-input constant pool (ints, strings, tag keys, extension literals)
//! and the text forms of extension values.
//!
//! Policies, entity data and contexts all draw their constants from one pool,
//! so `principal.age == 42`, `resource.owner == User::"bob"` and
//! `context.ip.isInRange(ip("10.0.0.0/8"))` hold often enough to matter.
//! Extension values are generated as numbers and *formatted* (instead of
//! being parsed from text), so the literal text and the `ExtValue` stored in
//! the data always agree, without depending on the engine's parsers.

use crate::choices::{choose, Choices};
use crate::settings::Settings;
use engine::schema::ExtType;
use engine::value::{ExtValue, IpAddrValue};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One extension literal: its semantic value and how its constructor text
/// is written (formatted on demand: data only needs the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtLit {
    pub ty: ExtType,
    pub value: ExtValue,
    shape: TextShape,
}

/// The textual choices for writing a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct TextShape {
    /// ipaddr: write the prefix even when it is the default.
    ip_prefix: bool,
    /// ipaddr: compress zero groups with `::`.
    ip_compress: bool,
    /// datetime: which of the five accepted shapes (0 = date only).
    dt_shape: u8,
    /// datetime: the written zone offset in minutes (shapes 3 and 4).
    dt_offset_min: i64,
}

impl ExtLit {
    /// The constructor argument that denotes `value`.
    pub fn text(&self) -> String {
        match self.value {
            ExtValue::Decimal(v) => format_decimal(v),
            ExtValue::IpAddr(ip) => format_ip(ip.addr, ip.prefix, self.shape.ip_prefix, self.shape.ip_compress),
            ExtValue::Datetime(ms) => format_datetime(ms, self.shape.dt_shape, self.shape.dt_offset_min),
            ExtValue::Duration(ms) => format_duration(ms),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub ints: Vec<i64>,
    pub strings: Vec<String>,
    pub tag_keys: Vec<String>,
    /// Indexed by `ext_index`.
    pub exts: [Vec<ExtLit>; 4],
    /// Whether `int` sometimes gives an i64 extreme.
    int_extremes: bool,
}

pub const EXT_TYPES: [ExtType; 4] = [ExtType::Decimal, ExtType::IpAddr, ExtType::Datetime, ExtType::Duration];

pub fn ext_index(t: ExtType) -> usize {
    match t {
        ExtType::Decimal => 0,
        ExtType::IpAddr => 1,
        ExtType::Datetime => 2,
        ExtType::Duration => 3,
    }
}

const BASE_INTS: &[i64] = &[0, 1, 2, 3, 7, 10, 42, 100, -1, -5];
/// Rarely used: make overflow (`arithBoundsError`) reachable.
const EXTREME_INTS: &[i64] = &[i64::MAX, i64::MIN, 4_611_686_018_427_387_904, -9_223_372_036_854_775_807];
const BASE_STRINGS: &[&str] =
    &["", "a", "ab", "abc", "alice", "bob", "admin", "read", "x y", "a*b", "*", "é", "日本", "quote\"d", "tab\tnl\n"];
/// Characters a writer or reader must escape or decode with care: quote,
/// backslash, control characters, a non-BMP character (a UTF-16 surrogate
/// pair), NUL.
pub const SPECIAL_STRINGS: &[&str] =
    &["q\"uo\"te", "back\\slash", "ctl\u{1}\u{7f}", "😀", "a\0b", "\\u{41}", "\u{10FFFF}"];
const TAG_KEYS: &[&str] = &["owner", "region", "level", "t"];

impl Pool {
    pub fn new<C: Choices>(c: &mut C, s: &Settings) -> Pool {
        let with_exts = s.extensions;
        // A small per-input selection, so that data and literals often coincide.
        let mut ints: Vec<i64> = (0..4).map(|_| *c.pick(BASE_INTS)).collect();
        ints.push(c.below(2001) as i64 - 1000);
        let mut strings: Vec<String> = (0..5).map(|_| c.pick(BASE_STRINGS).to_string()).collect();
        if s.special_chars && c.flip(0.5) {
            strings[c.below(5)] = c.pick(SPECIAL_STRINGS).to_string();
        }
        if s.capitals && c.flip(0.5) {
            // The same letters in the other case: equal only to a case-blind comparison.
            let i = c.below(5);
            strings.push(swap_case(&strings[i]));
        }
        // A string built from pieces of others, so `like` patterns made from
        // one pool string sometimes match another.
        let a = c.below(strings.len());
        let b = c.below(strings.len());
        let joined = format!("{}{}", strings[a], strings[b]);
        strings.push(joined);
        let tag_keys = TAG_KEYS.iter().map(|s| s.to_string()).collect();
        let mut exts: [Vec<ExtLit>; 4] = Default::default();
        if with_exts {
            for t in EXT_TYPES {
                let n = 2 + c.below(3);
                for _ in 0..n {
                    exts[ext_index(t)].push(gen_ext(c, t));
                }
            }
        } else {
            // Still fill the pool (values of declared types must exist even
            // when policies do not use extension functions).
            for t in EXT_TYPES {
                exts[ext_index(t)].push(gen_ext(c, t));
            }
        }
        Pool { ints, strings, tag_keys, exts, int_extremes: s.int_extremes }
    }

    pub fn int<C: Choices>(&self, c: &mut C) -> i64 {
        if self.int_extremes && c.flip(0.04) {
            *c.pick(EXTREME_INTS)
        } else {
            *c.pick(&self.ints)
        }
    }
    pub fn string<C: Choices>(&self, c: &mut C) -> String {
        c.pick(&self.strings).clone()
    }
    pub fn tag_key<C: Choices>(&self, c: &mut C) -> String {
        c.pick(&self.tag_keys).clone()
    }
    pub fn ext<C: Choices>(&self, c: &mut C, t: ExtType) -> ExtLit {
        *c.pick(&self.exts[ext_index(t)])
    }
}

/// `s` with ASCII letters in the other case (`Alice` → `aLICE`).
pub fn swap_case(s: &str) -> String {
    s.chars()
        .map(|ch| if ch.is_ascii_lowercase() { ch.to_ascii_uppercase() } else { ch.to_ascii_lowercase() })
        .collect()
}

/// True for the integers `int` draws only as extremes.
pub fn is_extreme(i: i64) -> bool {
    EXTREME_INTS.contains(&i)
}

/// A fresh valid extension literal of type `t`.
pub fn gen_ext<C: Choices>(c: &mut C, t: ExtType) -> ExtLit {
    match t {
        ExtType::Decimal => {
            // Mostly small values with few digits; sometimes the extremes.
            let v = choose!(c,
                6 => (c.below(2001) as i64 - 1000) * 100,
                3 => c.below(20_000_001) as i64 - 10_000_000,
                1 => *c.pick(&[i64::MAX, i64::MIN, 0, 1, -1]),
            );
            ExtLit { ty: t, value: ExtValue::Decimal(v), shape: TextShape::default() }
        }
        ExtType::IpAddr => {
            let (addr, prefix, with_prefix) = gen_ip(c);
            let shape = TextShape { ip_prefix: with_prefix, ip_compress: c.flip(0.5), ..Default::default() };
            ExtLit { ty: t, value: ExtValue::IpAddr(IpAddrValue { addr, prefix }), shape }
        }
        ExtType::Datetime => {
            let (ms, dt_shape, dt_offset_min) = gen_datetime(c);
            let shape = TextShape { dt_shape, dt_offset_min, ..Default::default() };
            ExtLit { ty: t, value: ExtValue::Datetime(ms), shape }
        }
        ExtType::Duration => {
            let ms: i64 = choose!(c,
                2 => 0,
                4 => (c.below(48) as i64 - 24) * 3_600_000,
                3 => c.below(200_000_000) as i64 - 100_000_000,
                1 => *c.pick(&[i64::MAX, i64::MIN, 86_400_000 * 365, -1]),
            );
            ExtLit { ty: t, value: ExtValue::Duration(ms), shape: TextShape::default() }
        }
    }
}

/// `v` scaled by 10⁴ → `"-12.5"`, `"0.0"` (trailing zeros dropped, one kept).
pub fn format_decimal(v: i64) -> String {
    let abs = v.unsigned_abs();
    let int = abs / 10_000;
    let frac = abs % 10_000;
    let mut f = format!("{frac:04}");
    while f.len() > 1 && f.ends_with('0') {
        f.pop();
    }
    format!("{}{}.{}", if v < 0 { "-" } else { "" }, int, f)
}

fn gen_ip<C: Choices>(c: &mut C) -> (IpAddr, u8, bool) {
    if c.flip(0.7) {
        let octets: [u8; 4] = choose!(c,
            3 => [10, 0, c.below(2) as u8, c.below(4) as u8],
            2 => [192, 168, c.below(3) as u8, c.below(256) as u8],
            2 => [127, 0, 0, 1 + c.below(2) as u8],
            1 => [224 + c.below(16) as u8, 0, 0, c.below(256) as u8],
            2 => [c.below(256) as u8, c.below(256) as u8, c.below(256) as u8, c.below(256) as u8],
        );
        let with_prefix = c.flip(0.5);
        let prefix = if with_prefix { *c.pick(&[0u8, 8, 16, 24, 32, 3, 7, 31]) } else { 32 };
        (IpAddr::V4(Ipv4Addr::from(octets)), prefix, with_prefix)
    } else {
        let segs: [u16; 8] = choose!(c,
            2 => [0, 0, 0, 0, 0, 0, 0, 1],
            // Zero groups up to the end: `::` and `fe80::`.
            1 => [0, 0, 0, 0, 0, 0, 0, 0],
            1 => [0xfe80, 0, 0, 0, 0, 0, 0, 0],
            2 => [0xff02, 0, 0, 0, 0, 0, 0, 1 + c.below(3) as u16],
            2 => [0x2001, 0xdb8, c.below(3) as u16, 0, 0, 0, 0, c.below(65536) as u16],
            2 => {
                let mut s = [0u16; 8];
                for x in s.iter_mut() {
                    *x = c.below(65536) as u16;
                }
                s
            },
        );
        let with_prefix = c.flip(0.5);
        let prefix = if with_prefix { *c.pick(&[0u8, 8, 16, 32, 64, 127, 128]) } else { 128 };
        (IpAddr::V6(Ipv6Addr::from(segs)), prefix, with_prefix)
    }
}

/// IPv6 is written by hand (std would print v4-mapped addresses in dotted
/// form, which Cedar rejects). `compress` uses `::` for the first run of two
/// or more zero groups.
pub fn format_ip(addr: IpAddr, prefix: u8, with_prefix: bool, compress: bool) -> String {
    let mut s = match addr {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => {
            let g = a.segments();
            let run = if compress {
                // First run of ≥ 2 zero groups.
                let mut found = None;
                let mut i = 0;
                while i < 8 {
                    if g[i] == 0 {
                        let mut j = i;
                        while j < 8 && g[j] == 0 {
                            j += 1;
                        }
                        if j - i >= 2 {
                            found = Some((i, j));
                            break;
                        }
                        i = j;
                    } else {
                        i += 1;
                    }
                }
                found
            } else {
                None
            };
            let hex = |xs: &[u16]| xs.iter().map(|x| format!("{x:x}")).collect::<Vec<_>>().join(":");
            match run {
                Some((i, j)) => format!("{}::{}", hex(&g[..i]), hex(&g[j..])),
                None => hex(&g),
            }
        }
    };
    if with_prefix {
        s.push_str(&format!("/{prefix}"));
    }
    s
}

const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A datetime between 1950 and 2050: (ms since the epoch, shape, offset).
fn gen_datetime<C: Choices>(c: &mut C) -> (i64, u8, i64) {
    // Days clustered around a few dates so that equalities and orderings mix.
    let day: i64 = choose!(c,
        3 => 0,
        2 => 20_000 + c.below(10) as i64, // 2024-10-04 …
        2 => c.below(36_500) as i64 - 7_300,
        // 2000-02-29: a leap day only because 2000 is divisible by 400.
        1 => 11_016,
    );
    let shape = c.below(5) as u8;
    if shape == 0 {
        return (day * DAY_MS, 0, 0);
    }
    let time_ms = if c.flip(0.3) { 0 } else { c.below(DAY_MS as usize) as i64 };
    let with_ms = shape == 2 || shape == 4;
    let time_ms = if with_ms { time_ms } else { time_ms - time_ms % 1000 };
    let offset_min: i64 = if shape >= 3 { c.below(24 * 60 * 2 - 1) as i64 - (24 * 60 - 1) } else { 0 };
    (day * DAY_MS + time_ms, shape, offset_min)
}

/// Write `utc` ms in one of the five accepted shapes: 0 `YYYY-MM-DD` (the
/// value must be a whole day), 1 `…Thh:mm:ssZ`, 2 `…Thh:mm:ss.SSSZ`,
/// 3 `…Thh:mm:ss±hhmm`, 4 `…Thh:mm:ss.SSS±hhmm` (shapes without
/// milliseconds need a whole second; the offset must be within ±23:59).
pub fn format_datetime(utc: i64, shape: u8, offset_min: i64) -> String {
    if shape == 0 {
        let (y, m, d) = civil_from_days(utc.div_euclid(DAY_MS));
        return format!("{y:04}-{m:02}-{d:02}");
    }
    let local = utc + if shape >= 3 { offset_min * 60_000 } else { 0 };
    let (y, m, d) = civil_from_days(local.div_euclid(DAY_MS));
    let t = local.rem_euclid(DAY_MS);
    let (hh, mm, ss, sss) = (t / 3_600_000, (t / 60_000) % 60, (t / 1000) % 60, t % 1000);
    let mut s = format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}");
    if shape == 2 || shape == 4 {
        s.push_str(&format!(".{sss:03}"));
    }
    if shape >= 3 {
        let sign = if offset_min < 0 { '-' } else { '+' };
        let o = offset_min.abs();
        s.push_str(&format!("{sign}{:02}{:02}", o / 60, o % 60));
    } else {
        s.push('Z');
    }
    s
}

/// Milliseconds → `"1d2h3m4s5ms"` (negative: one leading `-`).
pub fn format_duration(ms: i64) -> String {
    if ms == 0 {
        return "0ms".into();
    }
    let mut a = ms.unsigned_abs();
    let mut s = String::new();
    if ms < 0 {
        s.push('-');
    }
    for (unit, size) in [("d", 86_400_000u64), ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] {
        if a >= size {
            s.push_str(&format!("{}{}", a / size, unit));
            a %= size;
        }
    }
    s
}

/// A string the constructor of `t` rejects (every choice is invalid for
/// every type: a trailing letter, a leading space, or a known-bad shape).
pub fn malform<C: Choices>(c: &mut C, t: ExtType, valid: &str) -> String {
    match c.below(3) {
        0 => format!("{valid}x"),
        1 => format!(" {valid}"),
        _ => {
            let bad: &[&str] = match t {
                ExtType::Decimal => &["1.23456", "1", ".5", "+1.0", "1e3", "922337203685478.0"],
                // "/+8" and "/08": prefixes a number parser would take.
                ExtType::IpAddr => &[
                    "01.1.1.1",
                    "1.2.3.4/33",
                    "::ffff:1.2.3.4",
                    "1::2::3",
                    "1.2.3.4/",
                    "256.0.0.1",
                    "10.0.0.1/+8",
                    "10.0.0.1/08",
                ],
                ExtType::Datetime => &[
                    "2023-02-29",
                    // Not leap years: divisible by 100 but not by 400.
                    "1900-02-29",
                    "0100-02-29",
                    "2024-04-31",
                    // No month 13 or 0, no day 0.
                    "2024-13-01",
                    "2024-00-10",
                    "2024-01-00",
                    "2024-01-01T10:00:00",
                    "2024-1-01",
                    "2024-01-01T24:00:00Z",
                    "2024-01-01T10:60:00Z",
                    "2024-01-01T10:00:60Z",
                    "2024-01-01T00:00:00+01:00",
                    // Offsets out of range: hour 24, minute 60.
                    "2024-01-01T00:00:00+2400",
                    "2024-01-01T00:00:00-0060",
                ],
                // "1d2" and "-15": digits with no unit after them; "1h1h": a unit twice.
                ExtType::Duration => &["1h1d", "", "-", "1.5h", "1H", "9223372036854775808ms", "1d2", "-15", "1h1h"],
            };
            c.pick(bad).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choices::SeededSource;

    #[test]
    fn formats() {
        assert_eq!(format_decimal(15_000), "1.5");
        assert_eq!(format_decimal(-5000), "-0.5");
        assert_eq!(format_decimal(0), "0.0");
        assert_eq!(format_decimal(i64::MIN), "-922337203685477.5808");
        assert_eq!(format_decimal(123_456), "12.3456");
        assert_eq!(format_duration(0), "0ms");
        assert_eq!(format_duration(-93_784_005), "-1d2h3m4s5ms");
        assert_eq!(format_duration(i64::MIN), "-106751991167d7h12m55s808ms");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(format_datetime(0, 0, 0), "1970-01-01");
        assert_eq!(format_datetime(-1000, 1, 0), "1969-12-31T23:59:59Z");
        assert_eq!(format_datetime(1_728_992_282_000, 1, 0), "2024-10-15T11:38:02Z");
        assert_eq!(format_datetime(1_728_992_282_005, 4, 60), "2024-10-15T12:38:02.005+0100");
        assert_eq!(format_datetime(0, 3, -90), "1969-12-31T22:30:00-0130");
        let v6: IpAddr = "ff02::1".parse().unwrap();
        assert_eq!(format_ip(v6, 128, false, true), "ff02::1");
        assert_eq!(format_ip(v6, 8, true, false), "ff02:0:0:0:0:0:0:1/8");
        let v6: IpAddr = "::1".parse().unwrap();
        assert_eq!(format_ip(v6, 128, false, true), "::1");
    }

    #[test]
    fn generated_literals_reparse_with_std() {
        // Check text/value agreement for the shapes std can parse.
        let mut c = SeededSource::new(7);
        for _ in 0..500 {
            let l = gen_ext(&mut c, ExtType::IpAddr);
            let ExtValue::IpAddr(v) = l.value else { panic!() };
            let text = l.text();
            let addr = text.split('/').next().unwrap();
            assert_eq!(addr.parse::<IpAddr>().unwrap(), v.addr, "{text}");
            let d = gen_ext(&mut c, ExtType::Datetime).text();
            assert!(d.len() == 10 || d.len() >= 20, "{d}");
        }
    }
}
