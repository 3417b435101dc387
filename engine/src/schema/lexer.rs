//! Tokens of the Cedar schema syntax. Lexing follows the policy language
//! (docs/semantics.md §2.1–2.2): Unicode whitespace, `//` comments, ASCII identifiers, string
//! literals with Rust-style escapes.

use super::error::SchemaError;
use crate::ast::Loc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Ident(String),
    /// A string literal, already unescaped.
    Str(String),
    /// One of `@ { } ( ) [ ] < > , ; : :: = ?`.
    Punct(&'static str),
    Eof,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tok: Tok,
    pub loc: Loc,
}

const PUNCTS: &[&str] = &["@", "{", "}", "(", ")", "[", "]", "<", ">", ",", ";", ":", "=", "?"];

/// The punctuation token at the start of `rest` (all ASCII).
fn punct_at(rest: &[char]) -> Option<&'static str> {
    if rest.len() >= 2 && rest[0] == ':' && rest[1] == ':' {
        return Some("::");
    }
    let c = *rest.first()?;
    PUNCTS.iter().copied().find(|p| p.starts_with(c))
}

pub(crate) fn lex(src: &str) -> Result<Vec<Token>, SchemaError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    // Advance over chars[i..j], tracking line/column.
    let advance = |i: &mut usize, j: usize, line: &mut u32, col: &mut u32| {
        while *i < j {
            if chars[*i] == '\n' {
                *line += 1;
                *col = 1;
            } else {
                *col += 1;
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let loc = Loc { line, col };
        if c.is_whitespace() {
            let j = i + 1;
            advance(&mut i, j, &mut line, &mut col);
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            let mut j = i;
            // A comment ends at a line feed or a carriage return.
            while j < chars.len() && chars[j] != '\n' && chars[j] != '\r' {
                j += 1;
            }
            advance(&mut i, j, &mut line, &mut col);
        } else if c == '_' || c.is_ascii_alphabetic() {
            let mut j = i;
            while j < chars.len() && (chars[j] == '_' || chars[j].is_ascii_alphanumeric()) {
                j += 1;
            }
            out.push(Token { tok: Tok::Ident(chars[i..j].iter().collect()), loc });
            advance(&mut i, j, &mut line, &mut col);
        } else if c == '"' {
            let mut j = i + 1;
            let mut raw = String::new();
            loop {
                match chars.get(j) {
                    None => return Err(SchemaError::at_loc(loc.line, loc.col, "unterminated string literal")),
                    Some('"') => break,
                    Some('\\') => {
                        match chars.get(j + 1) {
                            None => return Err(SchemaError::at_loc(loc.line, loc.col, "unterminated string literal")),
                            Some('\n') | Some('\r') => {
                                return Err(SchemaError::at_loc(
                                    loc.line,
                                    loc.col,
                                    "a backslash may not end a line inside a string",
                                ))
                            }
                            Some(&n) => {
                                raw.push('\\');
                                raw.push(n);
                            }
                        }
                        j += 2;
                    }
                    Some(&ch) => {
                        raw.push(ch);
                        j += 1;
                    }
                }
            }
            let s = unescape(&raw).map_err(|m| SchemaError::at_loc(loc.line, loc.col, m))?;
            out.push(Token { tok: Tok::Str(s), loc });
            advance(&mut i, j + 1, &mut line, &mut col);
        } else if let Some(p) = punct_at(&chars[i..]) {
            out.push(Token { tok: Tok::Punct(p), loc });
            let j = i + p.len();
            advance(&mut i, j, &mut line, &mut col);
        } else {
            return Err(SchemaError::at_loc(line, col, format!("unexpected character `{c}`")));
        }
    }
    out.push(Token { tok: Tok::Eof, loc: Loc { line, col } });
    Ok(out)
}

/// Decode the escapes of a Cedar string literal body (docs/semantics.md §2.2).
pub(crate) fn unescape(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\r' {
            return Err("a raw carriage return is not allowed in a string literal".into());
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('0') => out.push('\0'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('x') => {
                let h: String = (0..2).filter_map(|_| it.next()).collect();
                let v = if h.len() == 2 { u32::from_str_radix(&h, 16).ok() } else { None };
                match v {
                    Some(v) if v <= 0x7f => out.push(char::from_u32(v).unwrap_or('\0')),
                    _ => return Err(format!("invalid escape `\\x{h}` (two hex digits up to 7f)")),
                }
            }
            Some('u') => {
                if it.next() != Some('{') {
                    return Err("invalid unicode escape: expected `\\u{…}`".into());
                }
                let mut digits = String::new();
                loop {
                    match it.next() {
                        Some('}') => break,
                        Some('_') if !digits.is_empty() => {}
                        Some(d) if d.is_ascii_hexdigit() => digits.push(d),
                        _ => return Err("invalid unicode escape".into()),
                    }
                }
                if digits.is_empty() || digits.len() > 6 {
                    return Err("a unicode escape needs 1 to 6 hex digits".into());
                }
                let v = u32::from_str_radix(&digits, 16).map_err(|_| "invalid unicode escape".to_string())?;
                match char::from_u32(v) {
                    Some(ch) => out.push(ch),
                    None => return Err(format!("invalid unicode scalar value {v:x}")),
                }
            }
            Some(o) => return Err(format!("invalid escape `\\{o}`")),
            None => return Err("unterminated escape".into()),
        }
    }
    Ok(out)
}
