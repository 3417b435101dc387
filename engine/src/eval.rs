//! The evaluator (OWNER: semantics). Stub.
use crate::ast::Expr;
use crate::entities::Entities;
use crate::request::Request;
use crate::value::Value;

/// Cedar's error classes (language doc §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorKind {
    TypeError,
    EntityDoesNotExist,
    AttrDoesNotExist,
    TagDoesNotExist,
    ArithOverflow,
    ExtensionError,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub kind: ErrorKind,
    pub message: String,
}

pub fn evaluate(_e: &Expr, _req: &Request, _es: &Entities) -> Result<Value, EvalError> {
    todo!()
}
