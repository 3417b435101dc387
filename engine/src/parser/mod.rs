//! Cedar policy text → `ast` (OWNER: syntax). Stub: signatures agreed, body to come.
use crate::ast::{Expr, Loc, Policy, PolicySet};
use std::fmt;

/// One rejection, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub loc: Loc,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseErrors(pub Vec<ParseError>);

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
pub fn parse_policy_set(_src: &str) -> Result<PolicySet, ParseErrors> {
    todo!()
}
/// Parse exactly one policy (id `policy0`).
pub fn parse_policy(_src: &str) -> Result<Policy, ParseErrors> {
    todo!()
}
/// Parse one expression.
pub fn parse_expr(_src: &str) -> Result<Expr, ParseErrors> {
    todo!()
}
