//! The evaluator (OWNER: semantics), language doc §3.
//!
//! Strict, left-to-right evaluation: every operand of an operator is
//! evaluated before any type check, so the first error in evaluation order
//! wins; `&&`, `||` and `if` short-circuit. Recursion is bounded by
//! [`MAX_DEPTH`] so that a hand-built, very deep AST yields an error instead
//! of overflowing the stack.
use crate::ast::{BinaryOp, EntityUid, Expr, ExprKind, Literal, UnaryOp, Var};
use crate::entities::Entities;
use crate::request::Request;
use crate::value::{ExtValue, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

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

impl ErrorKind {
    /// The Lean/model-runner name of the class (`typeError`, …).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::TypeError => "typeError",
            ErrorKind::EntityDoesNotExist => "entityDoesNotExist",
            ErrorKind::AttrDoesNotExist => "attrDoesNotExist",
            ErrorKind::TagDoesNotExist => "tagDoesNotExist",
            ErrorKind::ArithOverflow => "arithBoundsError",
            ErrorKind::ExtensionError => "extensionError",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub kind: ErrorKind,
    pub message: String,
}

impl EvalError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> EvalError {
        EvalError { kind, message: message.into() }
    }
    pub fn type_error(message: impl Into<String>) -> EvalError {
        EvalError::new(ErrorKind::TypeError, message)
    }
    pub fn extension(message: impl Into<String>) -> EvalError {
        EvalError::new(ErrorKind::ExtensionError, message)
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}
impl std::error::Error for EvalError {}

/// Deepest expression nesting the evaluator follows. Far above anything the
/// parser accepts, far below what would exhaust a 2 MiB thread stack.
pub const MAX_DEPTH: usize = 1_000;

pub fn evaluate(e: &Expr, req: &Request, es: &Entities) -> Result<Value, EvalError> {
    Evaluator { req, es }.eval(e, 0)
}

/// `a in b` for entity UIDs (§3.4): reflexive, otherwise `b` must be among
/// the (transitively closed) ancestors of `a`; a missing `a` has none.
pub fn entity_in(es: &Entities, a: &EntityUid, b: &EntityUid) -> bool {
    a == b || es.get(a).is_some_and(|e| e.ancestors.contains(b))
}

struct Evaluator<'a> {
    req: &'a Request,
    es: &'a Entities,
}

fn type_err(op: &str, want: &str, got: &Value) -> EvalError {
    EvalError::type_error(format!("{op} expects {want}, got {}", got.type_name()))
}

fn as_bool(op: &str, v: Value) -> Result<bool, EvalError> {
    match v {
        Value::Bool(b) => Ok(b),
        v => Err(type_err(op, "a bool", &v)),
    }
}
fn as_long(op: &str, v: &Value) -> Result<i64, EvalError> {
    match v {
        Value::Long(i) => Ok(*i),
        v => Err(type_err(op, "a long", v)),
    }
}
fn as_set<'v>(op: &str, v: &'v Value) -> Result<&'v BTreeSet<Value>, EvalError> {
    match v {
        Value::Set(s) => Ok(s),
        v => Err(type_err(op, "a set", v)),
    }
}
fn as_uid<'v>(op: &str, v: &'v Value) -> Result<&'v EntityUid, EvalError> {
    match v {
        Value::EntityUid(u) => Ok(u),
        v => Err(type_err(op, "an entity", v)),
    }
}
fn as_str<'v>(op: &str, v: &'v Value) -> Result<&'v str, EvalError> {
    match v {
        Value::String(s) => Ok(s),
        v => Err(type_err(op, "a string", v)),
    }
}

fn overflow(op: &str) -> EvalError {
    EvalError::new(ErrorKind::ArithOverflow, format!("integer overflow in {op}"))
}

impl Evaluator<'_> {
    fn eval(&self, e: &Expr, depth: usize) -> Result<Value, EvalError> {
        if depth > MAX_DEPTH {
            return Err(EvalError::type_error(format!("expression nested more than {MAX_DEPTH} levels deep")));
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Lit(l) => Ok(match l {
                Literal::Bool(b) => Value::Bool(*b),
                Literal::Long(i) => Value::Long(*i),
                Literal::String(s) => Value::String(s.clone()),
                Literal::EntityUid(u) => Value::EntityUid(u.clone()),
            }),
            ExprKind::Var(v) => Ok(match v {
                Var::Principal => Value::EntityUid(self.req.principal.clone()),
                Var::Action => Value::EntityUid(self.req.action.clone()),
                Var::Resource => Value::EntityUid(self.req.resource.clone()),
                Var::Context => self.req.context.clone(),
            }),
            ExprKind::Slot(s) => Err(EvalError::type_error(format!(
                "unlinked slot {} (only linked templates can be evaluated)",
                s.name()
            ))),
            ExprKind::If { cond, then_expr, else_expr } => {
                if as_bool("if", self.eval(cond, d)?)? {
                    self.eval(then_expr, d)
                } else {
                    self.eval(else_expr, d)
                }
            }
            ExprKind::And(a, b) => {
                if !as_bool("&&", self.eval(a, d)?)? {
                    return Ok(Value::Bool(false));
                }
                Ok(Value::Bool(as_bool("&&", self.eval(b, d)?)?))
            }
            ExprKind::Or(a, b) => {
                if as_bool("||", self.eval(a, d)?)? {
                    return Ok(Value::Bool(true));
                }
                Ok(Value::Bool(as_bool("||", self.eval(b, d)?)?))
            }
            ExprKind::Unary(op, a) => {
                let v = self.eval(a, d)?;
                match op {
                    UnaryOp::Not => Ok(Value::Bool(!as_bool("!", v)?)),
                    UnaryOp::Neg => {
                        as_long("unary -", &v)?.checked_neg().map(Value::Long).ok_or_else(|| overflow("negation"))
                    }
                    UnaryOp::IsEmpty => Ok(Value::Bool(as_set("isEmpty", &v)?.is_empty())),
                }
            }
            ExprKind::Binary(op, a, b) => {
                let va = self.eval(a, d)?;
                let vb = self.eval(b, d)?;
                self.binary(*op, va, vb)
            }
            ExprKind::GetAttr(a, attr) => {
                let v = self.eval(a, d)?;
                self.get_attr(&v, attr)
            }
            ExprKind::HasAttr(a, attr) => {
                let v = self.eval(a, d)?;
                match &v {
                    Value::Record(r) => Ok(Value::Bool(r.contains_key(attr))),
                    Value::EntityUid(u) => {
                        Ok(Value::Bool(self.es.get(u).is_some_and(|ent| ent.attrs.contains_key(attr))))
                    }
                    v => Err(type_err("has", "an entity or record", v)),
                }
            }
            ExprKind::Like(a, p) => {
                let v = self.eval(a, d)?;
                Ok(Value::Bool(crate::like::matches(as_str("like", &v)?, p)))
            }
            ExprKind::Is(a, ty) => {
                let v = self.eval(a, d)?;
                Ok(Value::Bool(&as_uid("is", &v)?.ty == ty))
            }
            ExprKind::Set(items) => {
                let mut out = BTreeSet::new();
                for it in items {
                    out.insert(self.eval(it, d)?);
                }
                Ok(Value::Set(Arc::new(out)))
            }
            ExprKind::Record(fields) => {
                let mut out = BTreeMap::new();
                for (k, v) in fields {
                    out.insert(k.clone(), self.eval(v, d)?);
                }
                Ok(Value::Record(Arc::new(out)))
            }
            ExprKind::ExtCall(name, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    vals.push(self.eval(a, d)?);
                }
                crate::ext::call(name, &vals)
            }
        }
    }

    fn get_attr(&self, v: &Value, attr: &str) -> Result<Value, EvalError> {
        match v {
            Value::Record(r) => r
                .get(attr)
                .cloned()
                .ok_or_else(|| EvalError::new(ErrorKind::AttrDoesNotExist, format!("record has no attribute `{attr}`"))),
            Value::EntityUid(u) => {
                let ent = self.es.get(u).ok_or_else(|| {
                    EvalError::new(ErrorKind::EntityDoesNotExist, format!("entity {u} does not exist"))
                })?;
                ent.attrs.get(attr).cloned().ok_or_else(|| {
                    EvalError::new(ErrorKind::AttrDoesNotExist, format!("entity {u} has no attribute `{attr}`"))
                })
            }
            v => Err(type_err(&format!("`.{attr}`"), "an entity or record", v)),
        }
    }

    fn binary(&self, op: BinaryOp, a: Value, b: Value) -> Result<Value, EvalError> {
        use BinaryOp::*;
        let bool_ = |x: bool| Ok(Value::Bool(x));
        match op {
            Eq => bool_(a == b),
            Less | LessEq => {
                let ord = match (&a, &b) {
                    (Value::Long(x), Value::Long(y)) => x.cmp(y),
                    (Value::Ext(ExtValue::Datetime(x)), Value::Ext(ExtValue::Datetime(y))) => x.cmp(y),
                    (Value::Ext(ExtValue::Duration(x)), Value::Ext(ExtValue::Duration(y))) => x.cmp(y),
                    _ => {
                        return Err(EvalError::type_error(format!(
                            "`<`/`<=` need two longs, two datetimes or two durations, got {} and {}",
                            a.type_name(),
                            b.type_name()
                        )))
                    }
                };
                bool_(if op == Less { ord.is_lt() } else { ord.is_le() })
            }
            Add | Sub | Mul => {
                let (x, y) = (as_long("arithmetic", &a)?, as_long("arithmetic", &b)?);
                let (r, name) = match op {
                    Add => (x.checked_add(y), "`+`"),
                    Sub => (x.checked_sub(y), "`-`"),
                    _ => (x.checked_mul(y), "`*`"),
                };
                r.map(Value::Long).ok_or_else(|| overflow(name))
            }
            In => {
                let lhs = as_uid("in", &a)?;
                match &b {
                    Value::EntityUid(r) => bool_(entity_in(self.es, lhs, r)),
                    Value::Set(s) => {
                        // Every element must be an entity, even if a match
                        // occurs earlier (§3.4, §10.5).
                        for x in s.iter() {
                            as_uid("in", x)?;
                        }
                        let ancestors = self.es.get(lhs).map(|e| &e.ancestors);
                        bool_(s.iter().any(|x| match x {
                            Value::EntityUid(r) => r == lhs || ancestors.is_some_and(|an| an.contains(r)),
                            _ => false,
                        }))
                    }
                    v => Err(type_err("in", "an entity or a set of entities", v)),
                }
            }
            Contains => bool_(as_set("contains", &a)?.contains(&b)),
            ContainsAll => {
                let (s, t) = (as_set("containsAll", &a)?, as_set("containsAll", &b)?);
                bool_(t.is_subset(s))
            }
            ContainsAny => {
                let (s, t) = (as_set("containsAny", &a)?, as_set("containsAny", &b)?);
                let (small, big) = if s.len() <= t.len() { (s, t) } else { (t, s) };
                bool_(small.iter().any(|x| big.contains(x)))
            }
            HasTag | GetTag => {
                let name = if op == HasTag { "hasTag" } else { "getTag" };
                let (u, k) = (as_uid(name, &a)?, as_str(name, &b)?);
                let ent = self.es.get(u);
                if op == HasTag {
                    return bool_(ent.is_some_and(|e| e.tags.contains_key(k)));
                }
                let ent = ent.ok_or_else(|| {
                    EvalError::new(ErrorKind::EntityDoesNotExist, format!("entity {u} does not exist"))
                })?;
                ent.tags
                    .get(k)
                    .cloned()
                    .ok_or_else(|| EvalError::new(ErrorKind::TagDoesNotExist, format!("entity {u} has no tag `{k}`")))
            }
        }
    }
}
