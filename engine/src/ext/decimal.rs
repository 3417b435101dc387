//! The `decimal` extension type (docs/semantics.md §5.2): fixed point with four
//! fractional digits, stored as an `i64` scaled by 10⁴.

/// 10⁴: one unit of the decimal's integer part.
const SCALE: i64 = 10_000;

/// Parse Cedar decimal text: `^-?[0-9]+\.[0-9]{1,4}$` (ASCII digits), the
/// value computed with checked arithmetic. The fraction takes the sign of the
/// integer-part *text*, so `"-0.5"` is −0.5 (not +0.5 as a naive
/// `int * 10⁴ + frac` would give).
pub fn parse(s: &str) -> Result<i64, String> {
    let bad = |why: &str| Err(format!("`{s}` is not a valid decimal: {why}"));
    let Some((int_text, frac_text)) = s.split_once('.') else {
        return bad("a decimal point is required");
    };
    let digits = int_text.strip_prefix('-').unwrap_or(int_text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return bad("the integer part must be one or more digits, optionally preceded by `-`");
    }
    if frac_text.is_empty() || !frac_text.bytes().all(|b| b.is_ascii_digit()) {
        return bad("the fractional part must be one or more digits");
    }
    if frac_text.len() > 4 {
        return bad("at most four fractional digits are allowed");
    }
    // `digits` is ASCII digits only, so parsing can fail only by overflow.
    let Ok(int) = int_text.parse::<i64>() else {
        return bad("out of range");
    };
    let mut frac: i64 = frac_text.parse().unwrap_or(0);
    for _ in frac_text.len()..4 {
        frac *= 10;
    }
    let scaled = int.checked_mul(SCALE);
    let total = if int_text.starts_with('-') {
        scaled.and_then(|v| v.checked_sub(frac))
    } else {
        scaled.and_then(|v| v.checked_add(frac))
    };
    match total {
        Some(v) => Ok(v),
        None => bad("out of range"),
    }
}

/// Canonical text (`-1.5000`) that [`parse`] reads back to the same value.
pub fn format(v: i64) -> String {
    let abs = (v as i128).abs();
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{:04}", abs / SCALE as i128, abs % SCALE as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts() {
        assert_eq!(parse("1.0"), Ok(10_000));
        assert_eq!(parse("1.0000"), Ok(10_000));
        assert_eq!(parse("01.5"), Ok(15_000));
        assert_eq!(parse("-0.5"), Ok(-5_000));
        assert_eq!(parse("-0.0"), Ok(0));
        assert_eq!(parse("-1.0001"), Ok(-10_001));
        assert_eq!(parse("922337203685477.5807"), Ok(i64::MAX));
        assert_eq!(parse("-922337203685477.5808"), Ok(i64::MIN));
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "1",
            "1.",
            ".5",
            "+1.0",
            "1.00001",
            "1.0.0",
            "1e3",
            " 1.0",
            "1.0 ",
            "1_0.0",
            "--1.0",
            "922337203685477.5808",
            "-922337203685477.5809",
            "99999999999999999999.0",
            "١.٠",
            "-.5",
        ] {
            assert!(parse(s).is_err(), "{s:?} should be rejected");
        }
    }

    #[test]
    fn format_round_trips() {
        for v in [0, 1, -1, 5_000, -5_000, 123_456_789, i64::MAX, i64::MIN] {
            assert_eq!(parse(&format(v)), Ok(v), "{v}");
        }
        assert_eq!(format(-5_000), "-0.5000");
    }
}
