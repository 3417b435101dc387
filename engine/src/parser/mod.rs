//! Cedar policy text → `ast` (docs/semantics.md §2).
//!
//! `lexer` turns text into tokens, `grammar` is the recursive-descent parser
//! (with all of Cedar's "parses but is rejected" rules and the §2.7
//! desugarings), `unescape` decodes string escapes and `like` patterns.
//! Every rejection carries a line/column and a reason; nesting is bounded
//! (`grammar::MAX_NESTING`, `desugar::MAX_EXPR_HEIGHT`) so that no input can
//! overflow the stack here or in any later pass over the AST.

mod grammar;
mod lexer;
mod unescape;

pub use crate::desugar::{MAX_EXPR_HEIGHT, MAX_POLICY_HEIGHT};
pub use grammar::{is_plain_ident, is_reserved, MAX_NESTING};
pub use unescape::{unescape_pattern, unescape_str};

use crate::ast::{Expr, Loc, Policy, PolicyId, PolicySet};
use grammar::Parser;
use std::fmt;

/// Grammar precedence levels, loosest first (docs/semantics.md §2.4): the
/// parser's binary-operator loop and the printer's parenthesisation compare
/// these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Expr,
    Or,
    And,
    Relation,
    Add,
    Mult,
    Unary,
    Member,
    Primary,
}

/// One rejection, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub loc: Loc,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseErrors(pub Vec<ParseError>);

impl ParseErrors {
    /// The first (and, from this parser, only) error.
    pub fn first(&self) -> &ParseError {
        &self.0[0]
    }
}

impl From<ParseError> for ParseErrors {
    fn from(e: ParseError) -> Self {
        ParseErrors(vec![e])
    }
}

impl fmt::Display for ParseErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}", e.loc, e.message)?;
        }
        Ok(())
    }
}
impl std::error::Error for ParseErrors {}

/// Parse a policy set; policies and templates get ids `policy0`, `policy1`, … in order.
pub fn parse_policy_set(src: &str) -> Result<PolicySet, ParseErrors> {
    let mut p = Parser::new(lexer::tokenize(src), false);
    let mut policies = Vec::new();
    while !p.at_eof() {
        let id = PolicyId(format!("policy{}", policies.len()));
        policies.push(p.policy(id)?);
    }
    Ok(PolicySet { policies, links: Vec::new() })
}

/// Like [`parse_policy_set`] but from raw bytes: invalid UTF-8 is refused
/// with the byte offset of the first bad sequence.
pub fn parse_policy_set_bytes(src: &[u8]) -> Result<PolicySet, ParseErrors> {
    let text = std::str::from_utf8(src).map_err(|e| {
        let off = e.valid_up_to();
        // Report the position in characters of the valid prefix, too.
        let valid = std::str::from_utf8(&src[..off]).unwrap_or("");
        let line = valid.matches('\n').count() as u32 + 1;
        let col = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
        ParseErrors::from(ParseError { loc: Loc { line, col }, message: format!("invalid UTF-8 at byte offset {off}") })
    })?;
    parse_policy_set(text)
}

/// Parse exactly one policy (id `policy0`).
pub fn parse_policy(src: &str) -> Result<Policy, ParseErrors> {
    let mut ps = parse_policy_set(src)?;
    match ps.policies.len() {
        1 => Ok(ps.policies.pop().expect("one policy")),
        0 => Err(ParseError { loc: Loc { line: 1, col: 1 }, message: "expected one policy, found none".into() }.into()),
        n => Err(ParseError {
            loc: ps.policies[1].loc.unwrap_or(Loc { line: 1, col: 1 }),
            message: format!("expected exactly one policy, found {n}"),
        }
        .into()),
    }
}

/// Parse one expression. Template slots are accepted here (they are only
/// rejected inside policy conditions).
pub fn parse_expr(src: &str) -> Result<Expr, ParseErrors> {
    let mut p = Parser::new(lexer::tokenize(src), true);
    let e = p.expr()?;
    if !p.at_eof() {
        return Err(p.trailing_error().into());
    }
    Ok(e.e)
}
