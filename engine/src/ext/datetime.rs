//! The `datetime` and `duration` extension types (docs/semantics.md §5.4–5.5).
//! Both are `i64` milliseconds (datetime: since the Unix epoch, UTC).

const MS_PER_SEC: i64 = 1_000;
const MS_PER_MIN: i64 = 60 * MS_PER_SEC;
const MS_PER_HOUR: i64 = 60 * MS_PER_MIN;
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Parse `datetime(...)` text. Accepted shapes (ASCII digits, uppercase `T`
/// and `Z`): `YYYY-MM-DD`, then optionally `Thh:mm:ss`, optional `.SSS`, and
/// a mandatory zone `Z` or `±hhmm` whenever a time is present.
pub fn parse_datetime(s: &str) -> Result<i64, String> {
    let bad = |why: &str| Err(format!("`{s}` is not a valid datetime: {why}"));
    let b = s.as_bytes();
    // `num(i, n)`: the n ASCII digits at i as a number.
    let num = |i: usize, n: usize| -> Option<i64> {
        let d = b.get(i..i + n)?;
        d.iter().all(u8::is_ascii_digit).then(|| d.iter().fold(0i64, |a, &c| a * 10 + (c - b'0') as i64))
    };
    let lit = |i: usize, c: u8| b.get(i) == Some(&c);
    let (Some(year), true, Some(month), true, Some(day)) =
        (num(0, 4), lit(4, b'-'), num(5, 2), lit(7, b'-'), num(8, 2))
    else {
        return bad("expected a date `YYYY-MM-DD`");
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return bad("no such date");
    }
    let days = days_from_civil(year, month, day);
    if b.len() == 10 {
        return Ok(days * MS_PER_DAY);
    }
    let (true, Some(h), true, Some(mi), true, Some(sec)) =
        (lit(10, b'T'), num(11, 2), lit(13, b':'), num(14, 2), lit(16, b':'), num(17, 2))
    else {
        return bad("expected a time `Thh:mm:ss`");
    };
    if h > 23 || mi > 59 || sec > 59 {
        return bad("time out of range");
    }
    let mut i = 19;
    let mut millis = 0;
    if lit(i, b'.') {
        let Some(ms) = num(i + 1, 3) else {
            return bad("milliseconds must be exactly three digits");
        };
        millis = ms;
        i += 4;
    }
    let offset = match b.get(i) {
        Some(b'Z') if b.len() == i + 1 => 0,
        Some(&sign @ (b'+' | b'-')) if b.len() == i + 5 => {
            let (Some(oh), Some(om)) = (num(i + 1, 2), num(i + 3, 2)) else {
                return bad("offset must be `±hhmm`");
            };
            if oh >= 24 || om >= 60 {
                return bad("offset out of range");
            }
            let o = oh * MS_PER_HOUR + om * MS_PER_MIN;
            if sign == b'+' {
                o
            } else {
                -o
            }
        }
        _ => return bad("expected a zone `Z` or `±hhmm` after the time"),
    };
    // Years are 0000–9999, so this cannot overflow i64.
    Ok(days * MS_PER_DAY + h * MS_PER_HOUR + mi * MS_PER_MIN + sec * MS_PER_SEC + millis - offset)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic-Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parse `duration(...)` text: `-?(Nd)?(Nh)?(Nm)?(Ns)?(Nms)?`, at least one
/// component, units in that order and each at most once; a leading `-`
/// negates every component.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let bad = |why: &str| Err(format!("`{s}` is not a valid duration: {why}"));
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if body.is_empty() {
        return bad("no components");
    }
    const UNITS: [(&str, i128); 5] =
        [("d", MS_PER_DAY as i128), ("h", MS_PER_HOUR as i128), ("m", MS_PER_MIN as i128), ("s", 1000), ("ms", 1)];
    let b = body.as_bytes();
    let mut i = 0;
    let mut next_unit = 0; // index into UNITS of the smallest unit still allowed
    let mut total: i128 = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return bad("expected digits");
        }
        let Ok(q) = body[start..i].parse::<u64>() else {
            return bad("quantity too large");
        };
        let unit = if body[i..].starts_with("ms") {
            4
        } else {
            match b.get(i) {
                Some(b'd') => 0,
                Some(b'h') => 1,
                Some(b'm') => 2,
                Some(b's') => 3,
                _ => return bad("expected a unit d, h, m, s or ms after a number"),
            }
        };
        if unit < next_unit {
            return bad("units must appear in the order d, h, m, s, ms, each at most once");
        }
        i += UNITS[unit].0.len();
        next_unit = unit + 1;
        // u64 × 86 400 000 and a sum of five such terms fit easily in i128;
        // components share one sign, so checking the total is checking
        // every step.
        total += q as i128 * UNITS[unit].1;
    }
    let total = if neg { -total } else { total };
    i64::try_from(total).or_else(|_| bad("out of range"))
}

/// Text for a duration that [`parse_duration`] reads back: `<n>ms`.
pub fn format_duration(ms: i64) -> String {
    format!("{ms}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_accepts() {
        assert_eq!(parse_datetime("1970-01-01"), Ok(0));
        assert_eq!(parse_datetime("1970-01-02"), Ok(MS_PER_DAY));
        assert_eq!(parse_datetime("1969-12-31"), Ok(-MS_PER_DAY));
        assert_eq!(parse_datetime("1970-01-01T00:00:01Z"), Ok(1000));
        assert_eq!(parse_datetime("1970-01-01T00:00:00.001Z"), Ok(1));
        assert_eq!(parse_datetime("1970-01-01T01:00:00+0100"), Ok(0));
        assert_eq!(parse_datetime("1970-01-01T00:00:00.000-0001"), Ok(60_000));
        assert_eq!(parse_datetime("2024-10-15T01:00:00+0100"), parse_datetime("2024-10-15T00:00:00Z"));
        assert_eq!(parse_datetime("2024-02-29"), Ok(1_709_164_800_000));
        assert!(parse_datetime("0000-01-01").is_ok());
        assert!(parse_datetime("9999-12-31T23:59:59.999+2359").is_ok());
        assert!(parse_datetime("2000-02-29").is_ok());
    }

    #[test]
    fn datetime_rejects() {
        for s in [
            "",
            "2024-1-01",
            "24-01-01",
            "+2024-01-01",
            "20240-01-01",
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-01",
            "2024-01-00",
            "2024-04-31",
            "2024-01-01T",
            "2024-01-01T11:38:02",
            "2024-01-01t11:38:02Z",
            "2024-01-01T11:38:02z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T23:60:00Z",
            "2024-01-01T23:59:60Z",
            "2024-01-01T11:38:02.1Z",
            "2024-01-01T11:38:02.1234Z",
            "2024-01-01T11:38:02+01:00",
            "2024-01-01T11:38:02+2400",
            "2024-01-01T11:38:02+1260",
            "2024-01-01T11:38:02+01",
            "2024-01-01 11:38:02Z",
            "2024-01-01Z",
            " 2024-01-01",
            "2024-01-01 ",
            "２０２４-01-01",
            "2024-01-01T11:38:02.123",
        ] {
            assert!(parse_datetime(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn duration_accepts() {
        assert_eq!(parse_duration("1d"), parse_duration("24h"));
        assert_eq!(parse_duration("1m1ms"), Ok(60_001));
        assert_eq!(parse_duration("-1d2h"), Ok(-26 * MS_PER_HOUR));
        assert_eq!(parse_duration("0ms"), Ok(0));
        assert_eq!(parse_duration("-0ms"), Ok(0));
        assert_eq!(parse_duration("1d2h3m4s5ms"), Ok(MS_PER_DAY + 2 * MS_PER_HOUR + 3 * MS_PER_MIN + 4005));
        assert_eq!(parse_duration("-9223372036854775808ms"), Ok(i64::MIN));
        assert_eq!(parse_duration("9223372036854775807ms"), Ok(i64::MAX));
        assert_eq!(parse_duration("007s"), Ok(7000));
    }

    #[test]
    fn duration_rejects() {
        for s in [
            "",
            "-",
            "1",
            "d",
            "1D",
            "1.5h",
            "+1h",
            "1h1d",
            "1d1d",
            "1s1m",
            "1ms1s",
            " 1h",
            "1h ",
            "1 h",
            "--1h",
            "9223372036854775808ms",
            "106751991168d",
            "18446744073709551616ms",
            "1h-1m",
            "1x",
            "1msms",
        ] {
            assert!(parse_duration(s).is_err(), "{s:?} should be rejected");
        }
    }
}
