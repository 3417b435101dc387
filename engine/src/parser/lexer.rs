//! Tokenizer for Cedar policy text (docs/semantics.md §2.1–2.2).
//!
//! The whole input is tokenized up front into a vector. A lexing error does
//! not abort immediately: it becomes a final `Tok::Error` token, so that the
//! parser reports whichever problem comes first in the source (a syntax error
//! before a bad character further down is reported as the syntax error).
//!
//! Keywords are *not* separate tokens: they are `Ident`s, and the parser
//! decides from context whether `principal` is a variable, an entity type or
//! a record key (Cedar allows all three).

use crate::ast::Loc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Ident(String),
    /// Digits of an integer literal, already read as an unsigned 64-bit value.
    Int(u64),
    /// The raw text between the quotes (escapes still undecoded, because
    /// `like` patterns decode `\*` differently from ordinary strings).
    Str(String),
    /// `?name` (the parser accepts only `?principal` / `?resource`).
    Slot(String),
    At,
    Dot,
    Comma,
    Semi,
    Colon,
    ColonColon,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    OrOr,
    AndAnd,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Bang,
    Eof,
    /// A lexing error; always the last token.
    Error(String),
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Int(n) => format!("integer `{n}`"),
            Tok::Str(_) => "string literal".to_string(),
            Tok::Slot(s) => format!("`?{s}`"),
            Tok::Eof => "end of input".to_string(),
            Tok::Error(m) => m.clone(),
            t => format!("`{}`", t.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::At => "@",
            Tok::Dot => ".",
            Tok::Comma => ",",
            Tok::Semi => ";",
            Tok::Colon => ":",
            Tok::ColonColon => "::",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::EqEq => "==",
            Tok::NotEq => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::OrOr => "||",
            Tok::AndAnd => "&&",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Percent => "%",
            Tok::Bang => "!",
            _ => "?",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub loc: Loc,
}

/// Character cursor tracking line and column (columns count characters).
struct Cursor<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    col: u32,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }
    fn peek2(&self) -> Option<char> {
        let mut it = self.src[self.pos..].chars();
        it.next();
        it.next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }
    fn loc(&self) -> Loc {
        Loc { line: self.line, col: self.col }
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}
fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// Tokenize `src`. The result always ends with `Eof` or `Error`.
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut cur = Cursor { src, pos: 0, line: 1, col: 1 };
    let mut out = Vec::new();
    loop {
        // Whitespace (Unicode White_Space, which is what `char::is_whitespace`
        // implements) and `//` comments.
        loop {
            match cur.peek() {
                Some(c) if c.is_whitespace() => {
                    cur.bump();
                }
                Some('/') if cur.peek2() == Some('/') => {
                    while let Some(c) = cur.peek() {
                        if c == '\n' {
                            break;
                        }
                        cur.bump();
                    }
                }
                _ => break,
            }
        }
        let loc = cur.loc();
        let c = match cur.peek() {
            None => {
                out.push(Token { tok: Tok::Eof, loc });
                return out;
            }
            Some(c) => c,
        };
        let tok = if is_ident_start(c) {
            let start = cur.pos;
            while cur.peek().is_some_and(is_ident_char) {
                cur.bump();
            }
            Tok::Ident(src[start..cur.pos].to_string())
        } else if c.is_ascii_digit() {
            let start = cur.pos;
            while cur.peek().is_some_and(|c| c.is_ascii_digit()) {
                cur.bump();
            }
            match src[start..cur.pos].parse::<u64>() {
                Ok(n) => Tok::Int(n),
                Err(_) => Tok::Error(format!("integer literal `{}` is too large", &src[start..cur.pos])),
            }
        } else if c == '"' {
            cur.bump();
            let start = cur.pos;
            let mut err = None;
            loop {
                match cur.peek() {
                    None => {
                        err = Some("unterminated string literal".to_string());
                        break;
                    }
                    Some('"') => break,
                    Some('\\') => {
                        cur.bump();
                        match cur.peek() {
                            None => {
                                err = Some("unterminated string literal".to_string());
                                break;
                            }
                            Some('\n') | Some('\r') => {
                                err = Some(
                                    "a backslash may not be followed by a line break in a string literal".to_string(),
                                );
                                break;
                            }
                            Some(_) => {
                                cur.bump();
                            }
                        }
                    }
                    Some(_) => {
                        cur.bump();
                    }
                }
            }
            match err {
                Some(m) => Tok::Error(m),
                None => {
                    let s = src[start..cur.pos].to_string();
                    cur.bump(); // closing quote
                    Tok::Str(s)
                }
            }
        } else if c == '?' {
            cur.bump();
            if cur.peek().is_some_and(is_ident_start) {
                let start = cur.pos;
                while cur.peek().is_some_and(is_ident_char) {
                    cur.bump();
                }
                Tok::Slot(src[start..cur.pos].to_string())
            } else {
                Tok::Error("`?` must be followed by a slot name (`?principal` or `?resource`)".to_string())
            }
        } else {
            cur.bump();
            let next = cur.peek();
            let two = |t: Tok, cur: &mut Cursor| {
                cur.bump();
                t
            };
            match (c, next) {
                ('@', _) => Tok::At,
                ('.', _) => Tok::Dot,
                (',', _) => Tok::Comma,
                (';', _) => Tok::Semi,
                (':', Some(':')) => two(Tok::ColonColon, &mut cur),
                (':', _) => Tok::Colon,
                ('(', _) => Tok::LParen,
                (')', _) => Tok::RParen,
                ('{', _) => Tok::LBrace,
                ('}', _) => Tok::RBrace,
                ('[', _) => Tok::LBracket,
                (']', _) => Tok::RBracket,
                ('=', Some('=')) => two(Tok::EqEq, &mut cur),
                ('=', _) => Tok::Error("`=` is not an operator; use `==` for equality".to_string()),
                ('!', Some('=')) => two(Tok::NotEq, &mut cur),
                ('!', _) => Tok::Bang,
                ('<', Some('=')) => two(Tok::Le, &mut cur),
                ('<', _) => Tok::Lt,
                ('>', Some('=')) => two(Tok::Ge, &mut cur),
                ('>', _) => Tok::Gt,
                ('|', Some('|')) => two(Tok::OrOr, &mut cur),
                ('|', _) => Tok::Error("`|` is not an operator; use `||`".to_string()),
                ('&', Some('&')) => two(Tok::AndAnd, &mut cur),
                ('&', _) => Tok::Error("`&` is not an operator; use `&&`".to_string()),
                ('+', _) => Tok::Plus,
                ('-', _) => Tok::Minus,
                ('*', _) => Tok::Star,
                ('/', Some('*')) => Tok::Error("block comments `/* */` are not supported; use `//`".to_string()),
                ('/', _) => Tok::Slash,
                ('%', _) => Tok::Percent,
                (c, _) => Tok::Error(format!("unexpected character {c:?}")),
            }
        };
        let is_err = matches!(tok, Tok::Error(_));
        out.push(Token { tok, loc });
        if is_err {
            return out;
        }
    }
}
