//! The evaluator, docs/semantics.md §4.
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
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// Cedar's error classes (docs/semantics.md §4.1).
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

/// Deepest expression nesting the evaluator follows: twice the parser's
/// limit on a policy condition's height (256), and small enough that even an
/// unoptimised build (about 2 KiB of stack per level) fits in a 2 MiB thread.
pub const MAX_DEPTH: usize = 512;

pub fn evaluate(e: &Expr, req: &Request, es: &Entities) -> Result<Value, EvalError> {
    Evaluator::new(req, es).evaluate(e)
}

/// `a in b` for entity UIDs (docs/semantics.md §4.5): reflexive, otherwise `b` must be among
/// the (transitively closed) ancestors of `a`; a missing `a` has none.
pub fn entity_in(es: &Entities, a: &EntityUid, b: &EntityUid) -> bool {
    a == b || es.get(a).is_some_and(|e| e.ancestors.contains(b))
}

/// An evaluator for one request, reusable across many expressions (the
/// authorizer evaluates every policy of a set with one).
///
/// Results are `Cow`s: variables and attribute reads borrow from the request
/// and the entity store, so `principal.name like "…"` or `context.a.b == 1`
/// copy nothing; only values built by an operator are owned.
pub struct Evaluator<'a> {
    req: &'a Request,
    es: &'a Entities,
    principal: Value,
    action: Value,
    resource: Value,
}

type R<'s> = Result<Cow<'s, Value>, EvalError>;

fn owned<'s>(v: Value) -> R<'s> {
    Ok(Cow::Owned(v))
}
fn boolean<'s>(b: bool) -> R<'s> {
    Ok(Cow::Owned(Value::Bool(b)))
}

fn type_err(op: &str, want: &str, got: &Value) -> EvalError {
    EvalError::type_error(format!("{op} expects {want}, got {}", got.type_name()))
}

fn as_bool(op: &str, v: &Value) -> Result<bool, EvalError> {
    match v {
        Value::Bool(b) => Ok(*b),
        v => Err(type_err(op, "a bool", v)),
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

fn literal(l: &Literal) -> Value {
    match l {
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Long(i) => Value::Long(*i),
        Literal::String(s) => Value::String(s.clone()),
        Literal::EntityUid(u) => Value::EntityUid(u.clone()),
    }
}

/// The UID of an entity literal (cannot fail to evaluate, so checking it
/// without building a value preserves evaluation order and errors).
fn uid_literal(e: &Expr) -> Option<&EntityUid> {
    match &e.kind {
        ExprKind::Lit(Literal::EntityUid(u)) => Some(u),
        _ => None,
    }
}

#[cold]
fn too_deep() -> EvalError {
    EvalError::type_error(format!("expression nested more than {MAX_DEPTH} levels deep"))
}

#[cold]
fn unlinked_slot(s: crate::ast::SlotId) -> EvalError {
    EvalError::type_error(format!("unlinked slot {} (only linked templates can be evaluated)", s.name()))
}

fn overflow(op: &str) -> EvalError {
    EvalError::new(ErrorKind::ArithOverflow, format!("integer overflow in {op}"))
}

/// `attr` of a record or stored entity, borrowed with the lifetime of `v`.
fn attr_of<'v>(es: &'v Entities, v: &'v Value, attr: &str) -> Result<&'v Value, EvalError> {
    match v {
        Value::Record(r) => r
            .get(attr)
            .ok_or_else(|| EvalError::new(ErrorKind::AttrDoesNotExist, format!("record has no attribute `{attr}`"))),
        Value::EntityUid(u) => {
            let ent = es
                .get(u)
                .ok_or_else(|| EvalError::new(ErrorKind::EntityDoesNotExist, format!("entity {u} does not exist")))?;
            ent.attrs.get(attr).ok_or_else(|| {
                EvalError::new(ErrorKind::AttrDoesNotExist, format!("entity {u} has no attribute `{attr}`"))
            })
        }
        v => Err(type_err(&format!("`.{attr}`"), "an entity or record", v)),
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(req: &'a Request, es: &'a Entities) -> Evaluator<'a> {
        Evaluator {
            req,
            es,
            principal: Value::EntityUid(req.principal.clone()),
            action: Value::EntityUid(req.action.clone()),
            resource: Value::EntityUid(req.resource.clone()),
        }
    }

    pub fn evaluate(&self, e: &Expr) -> Result<Value, EvalError> {
        self.eval(e, 0).map(Cow::into_owned)
    }

    /// The recursive step. Kept small: each construct is handled in its own
    /// function so that this frame (the one repeated per nesting level) stays
    /// small even in unoptimised builds.
    fn eval<'s>(&'s self, e: &Expr, depth: usize) -> R<'s> {
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Lit(l) => owned(literal(l)),
            ExprKind::Var(v) => Ok(Cow::Borrowed(match v {
                Var::Principal => &self.principal,
                Var::Action => &self.action,
                Var::Resource => &self.resource,
                Var::Context => &self.req.context,
            })),
            ExprKind::Slot(s) => Err(unlinked_slot(*s)),
            ExprKind::If { cond, then_expr, else_expr } => self.eval_if(cond, then_expr, else_expr, d),
            ExprKind::And(a, b) => self.eval_and_or(true, a, b, d),
            ExprKind::Or(a, b) => self.eval_and_or(false, a, b, d),
            ExprKind::Unary(op, a) => self.eval_unary(*op, a, d),
            ExprKind::Binary(op, a, b) => self.eval_binary(*op, a, b, d),
            ExprKind::GetAttr(a, attr) => self.eval_get_attr(a, attr, d),
            ExprKind::HasAttr(a, attr) => self.eval_has_attr(a, attr, d),
            ExprKind::Like(a, p) => self.eval_like(a, p, d),
            ExprKind::Is(a, ty) => self.eval_is(a, ty, d),
            ExprKind::Set(items) => self.eval_set(items, d),
            ExprKind::Record(fields) => self.eval_record(fields, d),
            ExprKind::ExtCall(name, args) => self.eval_call(name, args, d),
        }
    }

    #[inline(never)]
    fn eval_if<'s>(&'s self, c: &Expr, t: &Expr, e: &Expr, d: usize) -> R<'s> {
        if as_bool("if", &*self.eval(c, d)?)? {
            self.eval(t, d)
        } else {
            self.eval(e, d)
        }
    }

    /// `&&` (`is_and`) or `||`: the left operand decides whether the right
    /// one is evaluated at all.
    #[inline(never)]
    fn eval_and_or<'s>(&'s self, is_and: bool, a: &Expr, b: &Expr, d: usize) -> R<'s> {
        let op = if is_and { "&&" } else { "||" };
        if as_bool(op, &*self.eval(a, d)?)? != is_and {
            return boolean(!is_and);
        }
        boolean(as_bool(op, &*self.eval(b, d)?)?)
    }

    #[inline(never)]
    fn eval_unary<'s>(&'s self, op: UnaryOp, a: &Expr, d: usize) -> R<'s> {
        let v = self.eval(a, d)?;
        match op {
            UnaryOp::Not => boolean(!as_bool("!", &v)?),
            UnaryOp::Neg => {
                owned(Value::Long(as_long("unary -", &v)?.checked_neg().ok_or_else(|| overflow("negation"))?))
            }
            UnaryOp::IsEmpty => boolean(as_set("isEmpty", &v)?.is_empty()),
        }
    }

    #[inline(never)]
    fn eval_binary<'s>(&'s self, op: BinaryOp, a: &Expr, b: &Expr, d: usize) -> R<'s> {
        let va = self.eval(a, d)?;
        // Fast paths for the scope tests every policy starts with
        // (`principal == E`, `principal in E`, `action in [E, …]`): an
        // entity-literal right operand is used in place.
        if matches!(op, BinaryOp::Eq | BinaryOp::In) {
            if let Some(r) = uid_literal(b) {
                return match (op, &*va) {
                    (BinaryOp::Eq, Value::EntityUid(l)) => boolean(l == r),
                    (BinaryOp::Eq, _) => boolean(false),
                    (_, v) => boolean(entity_in(self.es, as_uid("in", v)?, r)),
                };
            }
            if let (BinaryOp::In, ExprKind::Set(items)) = (op, &b.kind) {
                if items.iter().all(|x| uid_literal(x).is_some()) {
                    let l = as_uid("in", &va)?;
                    let ancestors = self.es.get(l).map(|e| &e.ancestors);
                    return boolean(
                        items
                            .iter()
                            .filter_map(uid_literal)
                            .any(|r| r == l || ancestors.is_some_and(|an| an.contains(r))),
                    );
                }
            }
        }
        let vb = self.eval(b, d)?;
        self.binary(op, &va, &vb)
    }

    #[inline(never)]
    fn eval_get_attr<'s>(&'s self, a: &Expr, attr: &str, d: usize) -> R<'s> {
        match self.eval(a, d)? {
            Cow::Borrowed(v) => attr_of(self.es, v, attr).map(Cow::Borrowed),
            Cow::Owned(v) => match v {
                // An owned entity UID still reads from the store.
                Value::EntityUid(ref u) => {
                    let es: &'s Entities = self.es;
                    match es.get(u) {
                        Some(ent) => ent.attrs.get(attr).map(Cow::Borrowed).ok_or_else(|| {
                            EvalError::new(ErrorKind::AttrDoesNotExist, format!("entity {u} has no attribute `{attr}`"))
                        }),
                        None => {
                            Err(EvalError::new(ErrorKind::EntityDoesNotExist, format!("entity {u} does not exist")))
                        }
                    }
                }
                v => attr_of(self.es, &v, attr).map(|x| Cow::Owned(x.clone())),
            },
        }
    }

    #[inline(never)]
    fn eval_has_attr<'s>(&'s self, a: &Expr, attr: &str, d: usize) -> R<'s> {
        let v = self.eval(a, d)?;
        match &*v {
            Value::Record(r) => boolean(r.contains_key(attr)),
            // A missing entity has no attributes (no error).
            Value::EntityUid(u) => boolean(self.es.get(u).is_some_and(|ent| ent.attrs.contains_key(attr))),
            v => Err(type_err("has", "an entity or record", v)),
        }
    }

    #[inline(never)]
    fn eval_like<'s>(&'s self, a: &Expr, p: &crate::ast::Pattern, d: usize) -> R<'s> {
        let v = self.eval(a, d)?;
        boolean(crate::like::matches(as_str("like", &v)?, p))
    }

    #[inline(never)]
    fn eval_is<'s>(&'s self, a: &Expr, ty: &crate::ast::EntityType, d: usize) -> R<'s> {
        let v = self.eval(a, d)?;
        boolean(&as_uid("is", &v)?.ty == ty)
    }

    #[inline(never)]
    fn eval_set<'s>(&'s self, items: &[Expr], d: usize) -> R<'s> {
        let mut out = BTreeSet::new();
        for it in items {
            out.insert(self.eval(it, d)?.into_owned());
        }
        owned(Value::Set(Arc::new(out)))
    }

    #[inline(never)]
    fn eval_record<'s>(&'s self, fields: &BTreeMap<String, Expr>, d: usize) -> R<'s> {
        let mut out = BTreeMap::new();
        for (k, v) in fields {
            out.insert(k.clone(), self.eval(v, d)?.into_owned());
        }
        owned(Value::Record(Arc::new(out)))
    }

    #[inline(never)]
    fn eval_call<'s>(&'s self, name: &str, args: &[Expr], d: usize) -> R<'s> {
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a, d)?.into_owned());
        }
        crate::ext::call(name, &vals).map(Cow::Owned)
    }

    /// Binary operators on evaluated operands (both evaluated first, so the
    /// left operand's error wins).
    fn binary<'s>(&'s self, op: BinaryOp, a: &Value, b: &Value) -> R<'s> {
        use BinaryOp::*;
        match op {
            Eq => boolean(a == b),
            Less | LessEq => {
                let ord = match (a, b) {
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
                boolean(if op == Less { ord.is_lt() } else { ord.is_le() })
            }
            Add | Sub | Mul => {
                let (x, y) = (as_long("arithmetic", a)?, as_long("arithmetic", b)?);
                let (r, name) = match op {
                    Add => (x.checked_add(y), "`+`"),
                    Sub => (x.checked_sub(y), "`-`"),
                    _ => (x.checked_mul(y), "`*`"),
                };
                owned(Value::Long(r.ok_or_else(|| overflow(name))?))
            }
            In => {
                let lhs = as_uid("in", a)?;
                match b {
                    Value::EntityUid(r) => boolean(entity_in(self.es, lhs, r)),
                    Value::Set(s) => {
                        // Every element must be an entity, even if a match
                        // occurs earlier (docs/semantics.md §4.5).
                        for x in s.iter() {
                            as_uid("in", x)?;
                        }
                        let ancestors = self.es.get(lhs).map(|e| &e.ancestors);
                        boolean(s.iter().any(|x| match x {
                            Value::EntityUid(r) => r == lhs || ancestors.is_some_and(|an| an.contains(r)),
                            _ => false,
                        }))
                    }
                    v => Err(type_err("in", "an entity or a set of entities", v)),
                }
            }
            Contains => boolean(as_set("contains", a)?.contains(b)),
            ContainsAll => {
                let (s, t) = (as_set("containsAll", a)?, as_set("containsAll", b)?);
                boolean(t.is_subset(s))
            }
            ContainsAny => {
                let (s, t) = (as_set("containsAny", a)?, as_set("containsAny", b)?);
                let (small, big) = if s.len() <= t.len() { (s, t) } else { (t, s) };
                boolean(small.iter().any(|x| big.contains(x)))
            }
            HasTag | GetTag => {
                let name = if op == HasTag { "hasTag" } else { "getTag" };
                let (u, k) = (as_uid(name, a)?, as_str(name, b)?);
                let ent = self.es.get(u);
                if op == HasTag {
                    return boolean(ent.is_some_and(|e| e.tags.contains_key(k)));
                }
                let ent = ent.ok_or_else(|| {
                    EvalError::new(ErrorKind::EntityDoesNotExist, format!("entity {u} does not exist"))
                })?;
                ent.tags
                    .get(k)
                    .map(Cow::Borrowed)
                    .ok_or_else(|| EvalError::new(ErrorKind::TagDoesNotExist, format!("entity {u} has no tag `{k}`")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{EntityType, Pattern, PatternElem, SlotId};
    use crate::entities::Entity;
    use ErrorKind::*;

    fn uid(t: &str, i: &str) -> EntityUid {
        EntityUid::new(t, i)
    }
    fn store() -> Entities {
        let es = vec![
            Entity::new(uid("User", "alice"))
                .with_parents([uid("Group", "staff")])
                .with_attr("age", Value::Long(30))
                .with_attr("name", Value::String("Alice".into()))
                .with_attr("boss", Value::EntityUid(uid("User", "bob")))
                .with_attr("rec", Value::record([("x".into(), Value::Long(1))]))
                .with_tag("color", Value::String("red".into())),
            Entity::new(uid("User", "bob")),
            Entity::new(uid("Group", "staff")).with_parents([uid("Group", "all")]),
        ];
        Entities::from_entities(es, None).unwrap()
    }
    fn req() -> Request {
        Request {
            principal: uid("User", "alice"),
            action: uid("Action", "view"),
            resource: uid("Doc", "d"),
            context: Value::record([
                ("n".into(), Value::Long(5)),
                ("s".into(), Value::set([Value::Long(1), Value::Long(2)])),
            ]),
        }
    }
    fn run(e: &Expr) -> Result<Value, EvalError> {
        evaluate(e, &req(), &store())
    }
    fn ok(e: Expr) -> Value {
        run(&e).unwrap_or_else(|err| panic!("{e:?}: {err}"))
    }
    fn err(e: Expr) -> ErrorKind {
        run(&e).expect_err("expected an error").kind
    }
    fn t() -> Expr {
        Expr::bool(true)
    }
    fn f() -> Expr {
        Expr::bool(false)
    }
    fn l(i: i64) -> Expr {
        Expr::long(i)
    }
    fn s(x: &str) -> Expr {
        Expr::string(x)
    }
    fn ent(t: &str, i: &str) -> Expr {
        Expr::entity(uid(t, i))
    }
    fn bin(op: BinaryOp, a: Expr, b: Expr) -> Expr {
        Expr::binary(op, a, b)
    }
    fn set(es: Vec<Expr>) -> Expr {
        Expr::set(es)
    }
    fn call(n: &str, args: Vec<Expr>) -> Expr {
        Expr::call(n, args)
    }
    const TRUE: Value = Value::Bool(true);
    const FALSE: Value = Value::Bool(false);

    #[test]
    fn literals_and_vars() {
        assert_eq!(ok(l(3)), Value::Long(3));
        assert_eq!(ok(Expr::var(Var::Principal)), Value::EntityUid(uid("User", "alice")));
        assert_eq!(ok(Expr::var(Var::Action)), Value::EntityUid(uid("Action", "view")));
        assert_eq!(ok(Expr::var(Var::Resource)), Value::EntityUid(uid("Doc", "d")));
        assert_eq!(ok(Expr::var(Var::Context)), req().context);
        assert_eq!(err(Expr::new(ExprKind::Slot(SlotId::Principal))), TypeError);
    }

    #[test]
    fn boolean_short_circuit() {
        assert_eq!(ok(Expr::or(t(), l(1))), TRUE);
        assert_eq!(err(Expr::or(f(), l(1))), TypeError);
        assert_eq!(err(Expr::and(t(), l(1))), TypeError);
        assert_eq!(ok(Expr::and(f(), l(1))), FALSE);
        assert_eq!(err(Expr::and(l(1), f())), TypeError);
        assert_eq!(err(Expr::or(l(1), t())), TypeError);
        assert_eq!(ok(Expr::and(t(), t())), TRUE);
        assert_eq!(ok(Expr::or(f(), f())), FALSE);
        // The right operand's error is not reached.
        let boom = bin(BinaryOp::Add, l(i64::MAX), l(1));
        assert_eq!(ok(Expr::and(f(), boom.clone())), FALSE);
        assert_eq!(ok(Expr::or(t(), boom.clone())), TRUE);
        assert_eq!(err(Expr::and(t(), boom)), ArithOverflow);
        assert_eq!(ok(Expr::not(f())), TRUE);
        assert_eq!(err(Expr::not(l(0))), TypeError);
    }

    #[test]
    fn if_then_else() {
        let bad = bin(BinaryOp::Add, l(1), s("a"));
        assert_eq!(ok(Expr::ite(t(), l(2), bad.clone())), Value::Long(2));
        assert_eq!(err(Expr::ite(t(), bad.clone(), l(2))), TypeError);
        assert_eq!(ok(Expr::ite(f(), bad, l(1))), Value::Long(1));
        assert_eq!(err(Expr::ite(l(1), l(1), l(1))), TypeError);
    }

    #[test]
    fn arithmetic() {
        assert_eq!(ok(bin(BinaryOp::Add, l(2), l(3))), Value::Long(5));
        assert_eq!(ok(bin(BinaryOp::Sub, l(2), l(3))), Value::Long(-1));
        assert_eq!(ok(bin(BinaryOp::Mul, l(-2), l(3))), Value::Long(-6));
        assert_eq!(err(bin(BinaryOp::Add, l(i64::MAX), l(1))), ArithOverflow);
        assert_eq!(err(bin(BinaryOp::Sub, l(i64::MIN), l(1))), ArithOverflow);
        assert_eq!(err(bin(BinaryOp::Mul, l(i64::MAX), l(2))), ArithOverflow);
        assert_eq!(ok(Expr::unary(UnaryOp::Neg, l(i64::MAX))), Value::Long(-i64::MAX));
        assert_eq!(err(Expr::unary(UnaryOp::Neg, l(i64::MIN))), ArithOverflow);
        assert_eq!(err(Expr::unary(UnaryOp::Neg, s("1"))), TypeError);
        assert_eq!(err(bin(BinaryOp::Add, l(1), s("1"))), TypeError);
        assert_eq!(err(bin(BinaryOp::Mul, t(), l(1))), TypeError);
        // Operands are both evaluated before type checks: the first error wins.
        let e = run(&bin(BinaryOp::Add, s("x"), bin(BinaryOp::Add, l(i64::MAX), l(1)))).unwrap_err();
        assert_eq!(e.kind, ArithOverflow);
    }

    #[test]
    fn comparisons() {
        assert_eq!(ok(bin(BinaryOp::Less, l(1), l(2))), TRUE);
        assert_eq!(ok(bin(BinaryOp::LessEq, l(2), l(2))), TRUE);
        assert_eq!(ok(bin(BinaryOp::Less, l(2), l(2))), FALSE);
        let dt = |x: &str| call("datetime", vec![s(x)]);
        let dur = |x: &str| call("duration", vec![s(x)]);
        let dec = |x: &str| call("decimal", vec![s(x)]);
        assert_eq!(ok(bin(BinaryOp::Less, dt("2020-01-01"), dt("2021-01-01"))), TRUE);
        assert_eq!(ok(bin(BinaryOp::LessEq, dur("1h"), dur("60m"))), TRUE);
        assert_eq!(err(bin(BinaryOp::Less, dt("2020-01-01"), dur("1h"))), TypeError);
        assert_eq!(err(bin(BinaryOp::Less, dec("1.0"), dec("2.0"))), TypeError);
        assert_eq!(err(bin(BinaryOp::Less, s("a"), s("b"))), TypeError);
        assert_eq!(err(bin(BinaryOp::Less, l(1), s("b"))), TypeError);
        let ip = call("ip", vec![s("1.2.3.4")]);
        assert_eq!(err(bin(BinaryOp::LessEq, ip.clone(), ip)), TypeError);
    }

    #[test]
    fn equality() {
        let eq = |a, b| ok(bin(BinaryOp::Eq, a, b));
        assert_eq!(eq(set(vec![l(1), l(2)]), set(vec![l(2), l(1), l(1)])), TRUE);
        assert_eq!(eq(s("a"), l(1)), FALSE);
        assert_eq!(eq(call("decimal", vec![s("1.0")]), call("decimal", vec![s("1.0000")])), TRUE);
        assert_eq!(eq(call("decimal", vec![s("1.0")]), s("1.0")), FALSE);
        assert_eq!(
            eq(
                call("datetime", vec![s("2024-10-15T01:00:00+0100")]),
                call("datetime", vec![s("2024-10-15T00:00:00Z")])
            ),
            TRUE
        );
        assert_eq!(eq(call("datetime", vec![s("1970-01-01")]), call("duration", vec![s("0ms")])), FALSE);
        assert_eq!(eq(call("duration", vec![s("1d")]), call("duration", vec![s("24h")])), TRUE);
        assert_eq!(eq(call("ip", vec![s("10.0.0.1/24")]), call("ip", vec![s("10.0.0.0/24")])), FALSE);
        assert_eq!(eq(call("ip", vec![s("1.2.3.4")]), call("ip", vec![s("1.2.3.4/32")])), TRUE);
        assert_eq!(eq(ent("User", "a"), ent("User", "a")), TRUE);
        assert_eq!(eq(ent("User", "a"), ent("Admin", "a")), FALSE);
        let rec = |v: i64| Expr::record([("a".to_string(), l(v))].into_iter().collect());
        assert_eq!(eq(rec(1), rec(1)), TRUE);
        assert_eq!(eq(rec(1), rec(2)), FALSE);
        // Equality never errors on mixed types.
        assert_eq!(eq(set(vec![]), Expr::record(Default::default())), FALSE);
    }

    #[test]
    fn hierarchy_in() {
        let inn = |a, b| bin(BinaryOp::In, a, b);
        assert_eq!(ok(inn(ent("User", "alice"), ent("Group", "staff"))), TRUE);
        assert_eq!(ok(inn(ent("User", "alice"), ent("Group", "all"))), TRUE);
        assert_eq!(ok(inn(ent("User", "alice"), ent("Group", "other"))), FALSE);
        assert_eq!(ok(inn(ent("User", "bob"), ent("User", "bob"))), TRUE);
        // Reflexive for missing entities; missing LHS is no error.
        assert_eq!(ok(inn(ent("User", "ghost"), ent("User", "ghost"))), TRUE);
        assert_eq!(ok(inn(ent("User", "ghost"), ent("Group", "all"))), FALSE);
        assert_eq!(ok(inn(ent("User", "alice"), set(vec![ent("Group", "x"), ent("Group", "all")]))), TRUE);
        assert_eq!(ok(inn(ent("User", "alice"), set(vec![]))), FALSE);
        // A non-entity element is a type error even when a match exists.
        assert_eq!(err(inn(ent("User", "alice"), set(vec![ent("Group", "staff"), l(1)]))), TypeError);
        assert_eq!(err(inn(l(1), ent("Group", "staff"))), TypeError);
        assert_eq!(err(inn(ent("User", "alice"), s("Group"))), TypeError);
    }

    #[test]
    fn set_operations() {
        let ctx_s = Expr::get_attr(Expr::var(Var::Context), "s");
        assert_eq!(ok(bin(BinaryOp::Contains, ctx_s.clone(), l(2))), TRUE);
        assert_eq!(ok(bin(BinaryOp::Contains, ctx_s.clone(), s("2"))), FALSE);
        assert_eq!(err(bin(BinaryOp::Contains, l(1), l(1))), TypeError);
        assert_eq!(ok(bin(BinaryOp::ContainsAll, ctx_s.clone(), set(vec![l(1)]))), TRUE);
        assert_eq!(ok(bin(BinaryOp::ContainsAll, ctx_s.clone(), set(vec![]))), TRUE);
        assert_eq!(ok(bin(BinaryOp::ContainsAll, ctx_s.clone(), set(vec![l(1), l(3)]))), FALSE);
        assert_eq!(err(bin(BinaryOp::ContainsAll, ctx_s.clone(), l(1))), TypeError);
        assert_eq!(ok(bin(BinaryOp::ContainsAny, ctx_s.clone(), set(vec![l(3), l(2)]))), TRUE);
        assert_eq!(ok(bin(BinaryOp::ContainsAny, set(vec![l(1)]), set(vec![]))), FALSE);
        assert_eq!(err(bin(BinaryOp::ContainsAny, s("a"), set(vec![]))), TypeError);
        assert_eq!(ok(Expr::unary(UnaryOp::IsEmpty, set(vec![]))), TRUE);
        assert_eq!(ok(Expr::unary(UnaryOp::IsEmpty, ctx_s)), FALSE);
        assert_eq!(err(Expr::unary(UnaryOp::IsEmpty, l(1))), TypeError);
        assert_eq!(ok(set(vec![l(1), l(1), s("a")])), Value::set([Value::Long(1), Value::String("a".into())]));
        assert_eq!(err(set(vec![l(1), bin(BinaryOp::Add, l(1), t())])), TypeError);
    }

    #[test]
    fn attributes() {
        let p = || Expr::var(Var::Principal);
        assert_eq!(ok(Expr::get_attr(p(), "age")), Value::Long(30));
        assert_eq!(err(Expr::get_attr(p(), "nope")), AttrDoesNotExist);
        assert_eq!(err(Expr::get_attr(ent("User", "ghost"), "age")), EntityDoesNotExist);
        assert_eq!(err(Expr::get_attr(l(1), "age")), TypeError);
        assert_eq!(ok(Expr::get_attr(Expr::get_attr(p(), "rec"), "x")), Value::Long(1));
        assert_eq!(err(Expr::get_attr(Expr::get_attr(p(), "rec"), "y")), AttrDoesNotExist);
        // Attribute of an attribute entity that exists but lacks it.
        assert_eq!(err(Expr::get_attr(Expr::get_attr(p(), "boss"), "age")), AttrDoesNotExist);
        assert_eq!(ok(Expr::has_attr(p(), "age")), TRUE);
        assert_eq!(ok(Expr::has_attr(p(), "nope")), FALSE);
        assert_eq!(ok(Expr::has_attr(ent("User", "ghost"), "age")), FALSE);
        assert_eq!(ok(Expr::has_attr(Expr::var(Var::Context), "n")), TRUE);
        assert_eq!(err(Expr::has_attr(l(1), "x")), TypeError);
        // Extended `has` desugaring: `principal has age.x` → type error.
        let ext_has = Expr::and(Expr::has_attr(p(), "age"), Expr::has_attr(Expr::get_attr(p(), "age"), "x"));
        assert_eq!(err(ext_has), TypeError);
        // Tags and attributes are separate namespaces.
        assert_eq!(err(Expr::get_attr(p(), "color")), AttrDoesNotExist);
    }

    #[test]
    fn tags() {
        let p = || Expr::var(Var::Principal);
        assert_eq!(ok(bin(BinaryOp::HasTag, p(), s("color"))), TRUE);
        assert_eq!(ok(bin(BinaryOp::HasTag, p(), s("age"))), FALSE);
        assert_eq!(ok(bin(BinaryOp::HasTag, ent("User", "ghost"), s("color"))), FALSE);
        assert_eq!(ok(bin(BinaryOp::GetTag, p(), s("color"))), Value::String("red".into()));
        assert_eq!(err(bin(BinaryOp::GetTag, p(), s("age"))), TagDoesNotExist);
        assert_eq!(err(bin(BinaryOp::GetTag, ent("User", "ghost"), s("color"))), EntityDoesNotExist);
        // Types are checked before the store lookup.
        assert_eq!(err(bin(BinaryOp::GetTag, ent("User", "ghost"), l(1))), TypeError);
        assert_eq!(err(bin(BinaryOp::HasTag, Expr::var(Var::Context), s("x"))), TypeError);
    }

    #[test]
    fn like_and_is() {
        let pat = |elems: Vec<PatternElem>| Pattern(elems);
        use PatternElem::{Char, Wildcard};
        assert_eq!(ok(Expr::like(s("abc"), pat(vec![Char('a'), Wildcard]))), TRUE);
        assert_eq!(ok(Expr::like(s("abc"), pat(vec![Char('b'), Wildcard]))), FALSE);
        assert_eq!(ok(Expr::like(s("a*"), pat(vec![Char('a'), Char('*')]))), TRUE);
        assert_eq!(err(Expr::like(l(1), pat(vec![Wildcard]))), TypeError);
        assert_eq!(ok(Expr::is(Expr::var(Var::Principal), EntityType::new("User"))), TRUE);
        assert_eq!(ok(Expr::is(ent("NS::User", "a"), EntityType::new("User"))), FALSE);
        assert_eq!(err(Expr::is(l(1), EntityType::new("User"))), TypeError);
        // `principal is Photo in 1`: false for a non-Photo, type error for a Photo.
        let is_in =
            |who: Expr| Expr::and(Expr::is(who.clone(), EntityType::new("Photo")), bin(BinaryOp::In, who, l(1)));
        assert_eq!(ok(is_in(Expr::var(Var::Principal))), FALSE);
        assert_eq!(err(is_in(ent("Photo", "p"))), TypeError);
    }

    #[test]
    fn records() {
        let r = Expr::record([("b".to_string(), l(2)), ("a".to_string(), s("x"))].into_iter().collect());
        assert_eq!(ok(r), Value::record([("a".into(), Value::String("x".into())), ("b".into(), Value::Long(2))]));
        let bad = Expr::record([("a".to_string(), Expr::get_attr(l(1), "x"))].into_iter().collect());
        assert_eq!(err(bad), TypeError);
    }

    #[test]
    fn extension_calls() {
        assert_eq!(ok(call("lessThan", vec![call("decimal", vec![s("1.0")]), call("decimal", vec![s("1.5")])])), TRUE);
        // Arguments are evaluated before the arity check.
        let e = run(&call("decimal", vec![bin(BinaryOp::Add, l(i64::MAX), l(1)), s("1.0")])).unwrap_err();
        assert_eq!(e.kind, ArithOverflow);
        assert_eq!(err(call("decimal", vec![s("1.0"), s("1.0")])), TypeError);
        assert_eq!(err(call("decimal", vec![l(1)])), TypeError);
        assert_eq!(err(call("decimal", vec![s("x")])), ExtensionError);
        assert_eq!(
            ok(call("offset", vec![call("datetime", vec![s("1970-01-01")]), call("duration", vec![s("1s")])])),
            Value::Ext(ExtValue::Datetime(1000))
        );
    }

    #[test]
    fn policy_condition_evaluates() {
        use crate::ast::{
            ActionConstraint, Condition, ConditionKind, Effect, EntityOrSlot, Policy, PolicyId, ScopeConstraint,
        };
        let p = Policy {
            id: PolicyId("p".into()),
            annotations: Default::default(),
            effect: Effect::Permit,
            principal: ScopeConstraint::In(EntityOrSlot::Entity(uid("Group", "all"))),
            action: ActionConstraint::In(vec![uid("Action", "view")]),
            resource: ScopeConstraint::Is(EntityType::new("Doc")),
            conditions: vec![Condition {
                kind: ConditionKind::Unless,
                body: bin(BinaryOp::Less, Expr::get_attr(Expr::var(Var::Context), "n"), l(3)),
            }],
            loc: None,
        };
        assert_eq!(ok(p.condition()), TRUE);
    }

    #[test]
    fn deep_ast_is_an_error_not_a_crash() {
        // Run on a thread with the default 2 MiB test stack to show the limit fits.
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(|| {
                let mut e = l(0);
                for _ in 0..(MAX_DEPTH + 10) {
                    e = Expr::unary(UnaryOp::Neg, e);
                }
                assert_eq!(err(e.clone()), TypeError);
                let mut ok_e = l(0);
                for _ in 0..(MAX_DEPTH - 1) {
                    ok_e = Expr::not(ok_e);
                }
                // Within the limit: evaluates (to a type error from `!0`, but
                // through the whole depth).
                assert!(run(&ok_e).unwrap_err().message.contains("bool"));
                let mut deep = l(1);
                for _ in 0..(MAX_DEPTH - 1) {
                    deep = bin(BinaryOp::Add, l(1), deep);
                }
                assert_eq!(ok(deep), Value::Long(MAX_DEPTH as i64));
                // Drop iteratively-ish: leaking avoids recursive drops of
                // deep boxes counting against this test.
                std::mem::forget(e);
            })
            .unwrap()
            .join()
            .unwrap();
    }
}

/// Rough throughput check (run with
/// `cargo test --release -p engine --lib eval_throughput -- --ignored --nocapture`).
#[cfg(test)]
mod bench {
    use super::*;
    use crate::ast::{
        ActionConstraint, Condition, ConditionKind, Effect, EntityOrSlot, EntityType, Policy, PolicyId, PolicySet,
        ScopeConstraint,
    };
    use crate::authorizer::Authorizer;
    use crate::entities::Entity;

    #[test]
    #[ignore]
    fn eval_throughput() {
        let uid = |t: &str, i: String| EntityUid::new(t, i);
        let mut es = Vec::new();
        for i in 0..200 {
            es.push(
                Entity::new(uid("User", format!("u{i}")))
                    .with_parents([uid("Group", format!("g{}", i % 10))])
                    .with_attr("age", Value::Long(i))
                    .with_attr("name", Value::String(format!("user number {i}"))),
            );
        }
        for g in 0..10 {
            es.push(Entity::new(uid("Group", format!("g{g}"))).with_parents([uid("Group", "all".into())]));
        }
        let store = Entities::from_entities(es, None).unwrap();
        let mut policies = Vec::new();
        for i in 0..100 {
            policies.push(Policy {
                id: PolicyId(format!("p{i}")),
                annotations: Default::default(),
                effect: if i % 10 == 7 { Effect::Forbid } else { Effect::Permit },
                principal: ScopeConstraint::In(EntityOrSlot::Entity(uid("Group", format!("g{}", i % 10)))),
                action: ActionConstraint::In(vec![uid("Action", format!("a{}", i % 5)), uid("Action", "all".into())]),
                resource: ScopeConstraint::Is(EntityType::new("Doc")),
                conditions: vec![Condition {
                    kind: ConditionKind::When,
                    body: Expr::and(
                        Expr::binary(BinaryOp::Less, Expr::get_attr(Expr::var(Var::Principal), "age"), Expr::long(150)),
                        Expr::like(
                            Expr::get_attr(Expr::var(Var::Principal), "name"),
                            crate::ast::Pattern(vec![
                                crate::ast::PatternElem::Wildcard,
                                crate::ast::PatternElem::Char('1'),
                            ]),
                        ),
                    ),
                }],
                loc: None,
            });
        }
        let auth = Authorizer::new(&PolicySet { policies, links: vec![] }).unwrap();
        let n = 20_000;
        // CPU time of this thread (ns), so that a loaded machine does not
        // distort the figure.
        let cpu = || -> f64 {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse().ok()))
                .unwrap_or(0.0)
        };
        let cpu0 = cpu();
        let start = std::time::Instant::now();
        let mut allows = 0;
        for i in 0..n {
            let req = Request::new(
                uid("User", format!("u{}", i % 200)),
                uid("Action", format!("a{}", i % 5)),
                uid("Doc", "d".into()),
            );
            if auth.is_authorized(&req, &store).decision == crate::authorizer::Decision::Allow {
                allows += 1;
            }
        }
        let el = start.elapsed();
        let cpu_us = (cpu() - cpu0) / 1e3;
        eprintln!(
            "{n} requests x 100 policies: wall {el:?}, cpu {:.1} us/request ({allows} allows)",
            cpu_us / n as f64
        );
    }
}

/// Corner cases written in Cedar syntax (docs/semantics.md §4, §5); each
/// expectation was also checked against cedar-policy 4.14.1.
#[cfg(test)]
mod text_tests {
    use super::*;
    use crate::parser::parse_expr;

    const ENTITIES: &str = r#"[
     {"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30, "rec": {"x": 1}, "boss": {"__entity": {"type": "User", "id": "bob"}}},
      "parents": [{"type": "Group", "id": "staff"}], "tags": {"color": "red"}},
     {"uid": {"type": "User", "id": "bob"}, "attrs": {}, "parents": []},
     {"uid": {"type": "Group", "id": "staff"}, "attrs": {}, "parents": [{"type": "Group", "id": "all"}]}
    ]"#;

    /// `Ok(text)`: evaluates to the value `text` evaluates to; `Err(kind)`.
    fn check(cases: &[(&str, Result<&str, ErrorKind>)]) {
        let es = Entities::from_json_str(ENTITIES, None).unwrap();
        let mut req = Request::new(
            EntityUid::new("User", "alice"),
            EntityUid::new("Action", "view"),
            EntityUid::new("Photo", "p"),
        );
        req.context = Value::record([("n".into(), Value::Long(5))]);
        let run = |src: &str| {
            let e = parse_expr(src).unwrap_or_else(|e| panic!("`{src}` does not parse: {e}"));
            evaluate(&e, &req, &es)
        };
        for (src, want) in cases {
            let got = run(src);
            match want {
                Ok(v) => {
                    let want_v = run(v).unwrap_or_else(|e| panic!("expected value `{v}` errs: {e}"));
                    match &got {
                        Ok(g) => assert_eq!(g, &want_v, "`{src}` gave {g:?}"),
                        Err(e) => panic!("`{src}`: expected {v}, got error {e}"),
                    }
                }
                Err(k) => match &got {
                    Err(e) => assert_eq!(e.kind, *k, "`{src}`: {e}"),
                    Ok(g) => panic!("`{src}`: expected {k:?}, got {g:?}"),
                },
            }
        }
    }

    use ErrorKind::*;

    #[test]
    fn core_corner_cases() {
        check(&[
            ("true || 1", Ok("true")),
            ("false || 1", Err(TypeError)),
            ("true && 1", Err(TypeError)),
            ("1 && false", Err(TypeError)),
            ("if true then 2 else 1 + \"a\"", Ok("2")),
            ("principal is Photo in 1", Ok("false")),
            ("resource is Photo in 1", Err(TypeError)),
            ("[1, 2] == [2, 1, 1]", Ok("true")),
            ("\"a\" == 1", Ok("false")),
            ("{a: 1, b: 2} == {b: 2, a: 1}", Ok("true")),
            ("9223372036854775807 + 1", Err(ArithOverflow)),
            ("-9223372036854775808", Ok("-9223372036854775807 - 1")),
            ("--9223372036854775808", Err(ArithOverflow)),
            ("1 != 2", Ok("true")),
            ("3 > 2 && 2 >= 2", Ok("true")),
            ("\"a\" < \"b\"", Err(TypeError)),
            ("User::\"alice\" in [Group::\"staff\", 1]", Err(TypeError)),
            ("User::\"alice\" in Group::\"all\"", Ok("true")),
            ("User::\"nobody\" in User::\"nobody\"", Ok("true")),
            ("User::\"nobody\" in Group::\"all\"", Ok("false")),
            ("User::\"a\" in Photo::\"p\"", Ok("false")),
            ("[1].containsAny([])", Ok("false")),
            ("[1, \"a\"].contains(\"a\")", Ok("true")),
            ("[1, 2].containsAll([2])", Ok("true")),
            ("[].isEmpty()", Ok("true")),
        ]);
    }

    #[test]
    fn attributes_and_tags() {
        check(&[
            ("principal has age", Ok("true")),
            ("User::\"ghost\" has age", Ok("false")),
            ("User::\"ghost\".age", Err(EntityDoesNotExist)),
            ("principal.nope", Err(AttrDoesNotExist)),
            ("principal[\"age\"]", Ok("30")),
            ("principal has age.x", Err(TypeError)),
            ("principal has rec.x", Ok("true")),
            ("principal has rec.y", Ok("false")),
            ("principal has boss.age", Ok("false")),
            ("principal.boss.age", Err(AttrDoesNotExist)),
            ("context has n", Ok("true")),
            ("context.m", Err(AttrDoesNotExist)),
            ("1 has a", Err(TypeError)),
            ("{\"if\": 1}[\"if\"]", Ok("1")),
            ("principal.hasTag(\"color\")", Ok("true")),
            ("principal.getTag(\"color\")", Ok("\"red\"")),
            ("principal.getTag(\"nope\")", Err(TagDoesNotExist)),
            ("User::\"ghost\".hasTag(\"color\")", Ok("false")),
            ("User::\"ghost\".getTag(\"color\")", Err(EntityDoesNotExist)),
            ("principal.color", Err(AttrDoesNotExist)),
            ("principal.getTag(1)", Err(TypeError)),
        ]);
    }

    #[test]
    fn like_patterns() {
        check(&[
            ("\"\" like \"\"", Ok("true")),
            ("\"\" like \"*\"", Ok("true")),
            ("\"ab\" like \"a**b\"", Ok("true")),
            ("\"a\nb\" like \"a*b\"", Ok("true")),
            ("\"abc\" like \"a?c\"", Ok("false")),
            ("\"a*c\" like \"a\\*c\"", Ok("true")),
            ("\"abc\" like \"a\\*c\"", Ok("false")),
            ("\"abc\" like \"a\\u{2a}\"", Ok("true")),
            ("\"Ab\" like \"ab\"", Ok("false")),
            ("1 like \"*\"", Err(TypeError)),
        ]);
    }

    #[test]
    fn extensions() {
        check(&[
            ("decimal(\"1.0\") == decimal(\"1.0000\")", Ok("true")),
            ("decimal(\"-0.0\") == decimal(\"0.0\")", Ok("true")),
            ("decimal(\"1.00001\")", Err(ExtensionError)),
            ("decimal(\"01.0\").lessThan(decimal(\"1.5\"))", Ok("true")),
            ("decimal(\"1.0\") < decimal(\"2.0\")", Err(TypeError)),
            ("decimal(\"1.0\") == \"1.0\"", Ok("false")),
            ("decimal(1)", Err(TypeError)),
            ("decimal(\"1.0\", \"2.0\")", Err(TypeError)),
            ("ip(\"10.0.0.1/24\") == ip(\"10.0.0.0/24\")", Ok("false")),
            ("ip(\"1.2.3.4\") == ip(\"1.2.3.4/32\")", Ok("true")),
            ("ip(\"10.0.0.1/24\").isInRange(ip(\"10.0.0.0/24\"))", Ok("true")),
            ("ip(\"10.0.0.0/24\").isInRange(ip(\"10.0.0.1/32\"))", Ok("false")),
            ("ip(\"127.0.0.1/7\").isLoopback()", Ok("false")),
            ("ip(\"224.0.0.1/3\").isMulticast()", Ok("false")),
            ("ip(\"::ffff:1.2.3.4\")", Err(ExtensionError)),
            ("ip(\"1.2.3.4\").isInRange(ip(\"::/0\"))", Ok("false")),
            ("ip(\"1.2.3.4\").isInRange(ip(\"::/0\"), ip(\"::/0\"))", Err(TypeError)),
            ("ip(\"1.2.3.4\") < ip(\"1.2.3.5\")", Err(TypeError)),
            ("datetime(\"2024-10-15T01:00:00+0100\") == datetime(\"2024-10-15T00:00:00Z\")", Ok("true")),
            ("datetime(\"1970-01-01\") == duration(\"0ms\")", Ok("false")),
            ("datetime(\"2023-02-29\")", Err(ExtensionError)),
            ("datetime(\"2024-10-15T11:38:02\")", Err(ExtensionError)),
            ("datetime(\"1969-12-31T23:59:59Z\").toDate() == datetime(\"1969-12-31\")", Ok("true")),
            ("datetime(\"1969-12-31T23:59:59Z\").toTime()", Ok("duration(\"86399s\")")),
            ("datetime(\"2024-01-01\") < datetime(\"2024-01-02\")", Ok("true")),
            ("datetime(\"2024-01-01\") < duration(\"1d\")", Err(TypeError)),
            ("datetime(\"2024-01-01\").offset(duration(\"1d\")) == datetime(\"2024-01-02\")", Ok("true")),
            ("datetime(\"2024-01-02\").durationSince(datetime(\"2024-01-01\"))", Ok("duration(\"24h\")")),
            (
                "datetime(\"1970-01-01\").offset(duration(\"9223372036854775807ms\")).offset(duration(\"1ms\"))",
                Err(ExtensionError),
            ),
            ("duration(\"1d\") == duration(\"24h\")", Ok("true")),
            ("duration(\"-1ms\").toSeconds()", Ok("0")),
            ("duration(\"-90m\").toHours()", Ok("-1")),
            ("duration(\"1m1ms\").toMilliseconds()", Ok("60001")),
            ("duration(\"9223372036854775808ms\")", Err(ExtensionError)),
            ("duration(\"1h\") <= duration(\"60m\")", Ok("true")),
        ]);
    }
}
