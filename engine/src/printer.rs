//! `ast` → Cedar text that re-parses to an equal AST (OWNER: syntax). Stub.
use crate::ast::{Expr, Policy, PolicySet};

/// All policies and templates in order (links are not expressible in text).
pub fn policy_set_to_text(_ps: &PolicySet) -> String {
    todo!()
}
pub fn policy_to_text(_p: &Policy) -> String {
    todo!()
}
pub fn expr_to_text(_e: &Expr) -> String {
    todo!()
}
