//! Decoding of string-literal escapes (docs/semantics.md §2.2) and `like`
//! patterns (§2.6). Cedar applies Rust's string-literal escape rules; in a
//! pattern the two characters `\*` are additionally a literal star, while an
//! unescaped `*` (and `\x2a`, `\u{2a}`, which decode to `*`) is a wildcard.

use crate::ast::{Pattern, PatternElem};

/// Decode the raw text between the quotes of a string literal.
pub fn unescape_str(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    decode(raw, false, &mut |c, _| out.push(c))?;
    Ok(out)
}

/// Decode the raw text of a `like` pattern.
pub fn unescape_pattern(raw: &str) -> Result<Pattern, String> {
    let mut out = Vec::with_capacity(raw.len());
    decode(raw, true, &mut |c, escaped_star| {
        out.push(if c == '*' && !escaped_star { PatternElem::Wildcard } else { PatternElem::Char(c) })
    })?;
    Ok(Pattern(out))
}

/// Walk `raw`, calling `emit(char, is_escaped_star)` for each decoded
/// character. `\*` is accepted only when `pattern` is set.
fn decode(raw: &str, pattern: bool, emit: &mut dyn FnMut(char, bool)) -> Result<(), String> {
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\r' => return Err("a raw carriage return is not allowed in a string literal; write `\\r`".into()),
            '\\' => {}
            c => {
                emit(c, false);
                continue;
            }
        }
        let e = it.next().ok_or("string literal ends with a lone backslash")?;
        match e {
            'n' => emit('\n', false),
            'r' => emit('\r', false),
            't' => emit('\t', false),
            '\\' => emit('\\', false),
            '0' => emit('\0', false),
            '\'' => emit('\'', false),
            '"' => emit('"', false),
            '*' if pattern => emit('*', true),
            'x' => {
                let mut v = 0u32;
                for _ in 0..2 {
                    let d = it
                        .next()
                        .and_then(|d| d.to_digit(16))
                        .ok_or("`\\x` escape needs exactly two hexadecimal digits")?;
                    v = v * 16 + d;
                }
                if v > 0x7f {
                    return Err(format!("`\\x{v:02x}` is out of range: `\\x` escapes must be at most 0x7f"));
                }
                emit(char::from(v as u8), false);
            }
            'u' => {
                if it.next() != Some('{') {
                    return Err("`\\u` escape must have the form `\\u{…}`".into());
                }
                let mut v = 0u32;
                let mut digits = 0;
                loop {
                    match it.next() {
                        None => return Err("unterminated `\\u{…}` escape".into()),
                        Some('}') => break,
                        Some('_') if digits > 0 => {}
                        Some('_') => return Err("`\\u{…}` escape may not start with `_`".into()),
                        Some(d) => {
                            let d = d.to_digit(16).ok_or("invalid character in `\\u{…}` escape")?;
                            digits += 1;
                            if digits > 6 {
                                return Err("`\\u{…}` escape has more than six hexadecimal digits".into());
                            }
                            v = v * 16 + d;
                        }
                    }
                }
                if digits == 0 {
                    return Err("empty `\\u{}` escape".into());
                }
                if (0xD800..=0xDFFF).contains(&v) {
                    return Err(format!("`\\u{{{v:x}}}` is a surrogate, not a Unicode scalar value"));
                }
                let c = char::from_u32(v).ok_or_else(|| format!("`\\u{{{v:x}}}` is beyond U+10FFFF"))?;
                emit(c, false);
            }
            other => return Err(format!("unknown escape sequence `\\{other}`")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(unescape_str(r#"a\n\r\t\\\0\'\""#).unwrap(), "a\n\r\t\\\0'\"");
        assert_eq!(unescape_str(r"\x41\x7f").unwrap(), "A\u{7f}");
        assert!(unescape_str(r"\x80").is_err());
        assert!(unescape_str(r"\x4").is_err());
        assert_eq!(unescape_str(r"\u{1_0}").unwrap(), "\u{10}");
        assert_eq!(unescape_str(r"\u{00004a}").unwrap(), "J");
        assert!(unescape_str(r"\u{000004a}").is_err());
        assert!(unescape_str(r"\u{_1}").is_err());
        assert!(unescape_str(r"\u{}").is_err());
        assert!(unescape_str(r"\u{d800}").is_err());
        assert!(unescape_str(r"\u{110000}").is_err());
        assert_eq!(unescape_str(r"\u{10ffff}").unwrap(), "\u{10ffff}");
        assert!(unescape_str(r"\a").is_err());
        assert!(unescape_str(r"\*").is_err());
        assert!(unescape_str("a\rb").is_err());
        assert_eq!(unescape_str("a\nb").unwrap(), "a\nb");
    }

    #[test]
    fn patterns() {
        use PatternElem::*;
        assert_eq!(unescape_pattern(r"a*\*").unwrap().0, vec![Char('a'), Wildcard, Char('*')]);
        assert_eq!(unescape_pattern(r"\x2a\u{2a}").unwrap().0, vec![Wildcard, Wildcard]);
    }
}
