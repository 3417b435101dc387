//! The strict typechecker for one request environment (docs/semantics.md §9.4,
//! §9.5). Follows upstream's Lean `typeOf` rule by rule, with the Rust validator's
//! error recovery: after an error, checking continues so that every error in
//! the expression is reported, and a failed sub-expression may still carry a
//! "recovery" type (e.g. the declared type of an unsafely accessed attribute).

use super::describe::describe;
use super::env::{Index, RequestEnv};
use super::types::{AttrType, BoolType, Expected, Type};
use super::ValidationError;
use crate::ast::{BinaryOp, EntityUid, Expr, ExprKind, Literal, Loc, PolicyId, UnaryOp, Var};
use crate::schema::ExtType;
use std::collections::BTreeMap;

/// Bound on expression nesting; deeper expressions are reported instead of
/// risking the stack. The same bound as the evaluator's; the parser never
/// builds conditions deeper than 256.
pub(crate) const MAX_EXPR_DEPTH: usize = crate::eval::MAX_DEPTH;

/// A capability (docs/semantics.md §9.5): evidence that an attribute or tag is present.
/// Expressions compare structurally (`Expr`'s equality ignores locations).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cap<'e> {
    Attr(&'e Expr, &'e str),
    Tag(&'e Expr, &'e Expr),
}

type Caps<'e> = Vec<Cap<'e>>;

fn union<'e>(a: &[Cap<'e>], b: &[Cap<'e>]) -> Caps<'e> {
    let mut out = a.to_vec();
    for c in b {
        if !out.contains(c) {
            out.push(*c);
        }
    }
    out
}

fn intersect<'e>(a: &[Cap<'e>], b: &[Cap<'e>]) -> Caps<'e> {
    a.iter().filter(|c| b.contains(c)).copied().collect()
}

/// The answer for one expression: its (possibly recovery) type, the
/// capabilities it produces when true, and whether it typechecked.
/// Invariant: a failed answer carries no capabilities.
struct Ans<'e> {
    ty: Option<Type>,
    caps: Caps<'e>,
    ok: bool,
}

impl<'e> Ans<'e> {
    fn ok(ty: Type) -> Self {
        Ans { ty: Some(ty), caps: Vec::new(), ok: true }
    }
    fn ok_caps(ty: Type, caps: Caps<'e>) -> Self {
        Ans { ty: Some(ty), caps, ok: true }
    }
    fn fail(ty: Option<Type>) -> Self {
        Ans { ty, caps: Vec::new(), ok: false }
    }
    /// Mark as failed if `ok` is false (the Rust `then_typecheck` on a
    /// failed operand).
    fn and_ok(mut self, ok: bool) -> Self {
        if !ok {
            self.ok = false;
            self.caps.clear();
        }
        self
    }
    fn bool(&self) -> Option<BoolType> {
        match self.ty {
            Some(Type::Bool(b)) => Some(b),
            _ => None,
        }
    }
}

/// Parameter and result types of the extension functions (docs/semantics.md §5.6).
fn signature(name: &str) -> Option<(Vec<Type>, Type, bool)> {
    use ExtType::*;
    let d = Type::Ext(Decimal);
    let ip = Type::Ext(IpAddr);
    let dt = Type::Ext(Datetime);
    let dur = Type::Ext(Duration);
    let b = Type::bool_any();
    Some(match name {
        "decimal" => (vec![Type::String], d, true),
        "ip" => (vec![Type::String], ip, true),
        "datetime" => (vec![Type::String], dt, true),
        "duration" => (vec![Type::String], dur, true),
        "lessThan" | "lessThanOrEqual" | "greaterThan" | "greaterThanOrEqual" => (vec![d.clone(), d], b, false),
        "isIpv4" | "isIpv6" | "isLoopback" | "isMulticast" => (vec![ip], b, false),
        "isInRange" => (vec![ip.clone(), ip], b, false),
        "offset" => (vec![dt.clone(), dur], dt, false),
        "durationSince" => (vec![dt.clone(), dt], dur, false),
        "toDate" => (vec![dt.clone()], dt, false),
        "toTime" => (vec![dt], dur, false),
        "toMilliseconds" | "toSeconds" | "toMinutes" | "toHours" | "toDays" => (vec![dur], Type::Long, false),
        _ => return None,
    })
}

fn expected_of(t: &Type) -> Expected {
    match t {
        Type::Bool(_) => Expected::Bool,
        Type::Long => Expected::Long,
        Type::String => Expected::String,
        Type::Ext(e) => Expected::Ext(*e),
        Type::Entity(_) => Expected::AnyEntity,
        Type::Set(_) => Expected::AnySet,
        Type::Record(_) => Expected::AnyRecord,
    }
}

pub(crate) struct Checker<'a, 's> {
    pub idx: &'a Index<'s>,
    pub env: &'a RequestEnv<'s>,
    pub policy_id: &'a PolicyId,
    pub policy_loc: Option<Loc>,
    pub errors: Vec<ValidationError>,
}

impl<'a, 's> Checker<'a, 's> {
    fn err(&mut self, kind: &str, e: &Expr, message: String) {
        self.errors.push(ValidationError {
            policy_id: self.policy_id.clone(),
            loc: e.loc.or(self.policy_loc),
            kind: kind.to_string(),
            message: format!("in `{}`: {message}", describe(e)),
        });
    }

    /// Type the whole policy condition, which must be a Bool. Returns its
    /// type (if any) — `Bool(False)` means the policy cannot apply here.
    pub fn check_policy(&mut self, cond: &Expr) -> Option<Type> {
        self.expect(&[], cond, &[Expected::Bool], 0).ty
    }

    /// Type `e` and require one of the `expected` shapes (else
    /// `UnexpectedType`; the answer then has no type).
    fn expect<'e>(&mut self, caps: &[Cap<'e>], e: &'e Expr, expected: &[Expected], depth: usize) -> Ans<'e> {
        let a = self.tc(caps, e, depth);
        match &a.ty {
            Some(t) if !expected.iter().any(|x| x.admits(t)) => {
                let want: Vec<String> = expected.iter().map(|x| x.to_string()).collect();
                let msg = format!("expected {}, found {t}", want.join(" or "));
                self.err("UnexpectedType", e, msg);
                Ans::fail(None)
            }
            Some(_) => a,
            None => Ans::fail(None),
        }
    }

    /// `action` is known in each environment: read it as the literal.
    fn as_uid<'e>(&self, e: &'e Expr) -> Option<&'e EntityUid>
    where
        's: 'e,
        'a: 'e,
    {
        match &e.kind {
            ExprKind::Lit(Literal::EntityUid(u)) => Some(u),
            ExprKind::Var(Var::Action) => Some(self.env.action),
            _ => None,
        }
    }

    /// If both are literals (with `action` read as the environment's
    /// action), whether they are equal.
    fn literals_equal<'x>(&self, a: &'x Expr, b: &'x Expr) -> Option<bool> {
        enum L<'y> {
            Lit(&'y Literal),
            Action,
        }
        let lit = |e: &'x Expr| -> Option<L<'x>> {
            match &e.kind {
                ExprKind::Lit(l) => Some(L::Lit(l)),
                ExprKind::Var(Var::Action) => Some(L::Action),
                _ => None,
            }
        };
        let uid_eq = |l: &Literal| matches!(l, Literal::EntityUid(u) if u == self.env.action);
        Some(match (lit(a)?, lit(b)?) {
            (L::Lit(x), L::Lit(y)) => x == y,
            (L::Action, L::Action) => true,
            (L::Action, L::Lit(y)) | (L::Lit(y), L::Action) => uid_eq(y),
        })
    }

    fn tc<'e>(&mut self, caps: &[Cap<'e>], e: &'e Expr, depth: usize) -> Ans<'e> {
        if depth > MAX_EXPR_DEPTH {
            self.err("InternalInvariantViolation", e, format!("expression nested deeper than {MAX_EXPR_DEPTH} levels"));
            return Ans::fail(None);
        }
        let d = depth + 1;
        match &e.kind {
            ExprKind::Lit(Literal::Bool(b)) => Ans::ok(Type::Bool(BoolType::of(*b))),
            ExprKind::Lit(Literal::Long(_)) => Ans::ok(Type::Long),
            ExprKind::Lit(Literal::String(_)) => Ans::ok(Type::String),
            ExprKind::Lit(Literal::EntityUid(u)) => {
                // Unknown types/actions are reported by the separate literal
                // passes; here typing just fails silently.
                let known = if u.ty.is_action() { self.idx.is_action(u) } else { self.idx.is_entity_type(&u.ty) };
                if known {
                    Ans::ok(Type::Entity(u.ty.clone()))
                } else {
                    Ans::fail(None)
                }
            }
            ExprKind::Var(Var::Principal) => Ans::ok(Type::Entity(self.env.principal.clone())),
            ExprKind::Var(Var::Action) => Ans::ok(Type::Entity(self.env.action.ty.clone())),
            ExprKind::Var(Var::Resource) => Ans::ok(Type::Entity(self.env.resource.clone())),
            ExprKind::Var(Var::Context) => Ans::ok(self.env.context.clone()),
            ExprKind::Slot(s) => {
                let t = match s {
                    crate::ast::SlotId::Principal => &self.env.principal_slot,
                    crate::ast::SlotId::Resource => &self.env.resource_slot,
                };
                match t {
                    Some(t) => Ans::ok(Type::Entity(t.clone())),
                    None => Ans::fail(None),
                }
            }
            ExprKind::If { cond, then_expr, else_expr } => self.tc_if(caps, e, cond, then_expr, else_expr, d),
            ExprKind::And(l, r) => self.tc_and(caps, l, r, d),
            ExprKind::Or(l, r) => self.tc_or(caps, l, r, d),
            ExprKind::Unary(op, a) => match op {
                UnaryOp::Not => {
                    let x = self.expect(caps, a, &[Expected::Bool], d);
                    let ok = x.ok;
                    match x.bool() {
                        Some(b) => Ans::ok(Type::Bool(b.not())).and_ok(ok),
                        None => Ans::fail(Some(Type::bool_any())),
                    }
                }
                UnaryOp::Neg => {
                    let x = self.expect(caps, a, &[Expected::Long], d);
                    Ans::ok(Type::Long).and_ok(x.ok)
                }
                UnaryOp::IsEmpty => {
                    let x = self.expect(caps, a, &[Expected::AnySet], d);
                    Ans::ok(Type::bool_any()).and_ok(x.ok)
                }
            },
            ExprKind::Binary(op, a, b) => self.tc_binary(caps, e, *op, a, b, d),
            ExprKind::GetAttr(x, attr) => {
                let r = self.expect(caps, x, &[Expected::AnyEntity, Expected::AnyRecord], d);
                let ok = r.ok;
                let Some(t) = r.ty else { return Ans::fail(None) };
                match self.lookup_attr(&t, attr) {
                    Some(at) => {
                        if at.required || caps.contains(&Cap::Attr(x, attr)) {
                            Ans::ok(at.ty).and_ok(ok)
                        } else {
                            let msg =
                                format!("attribute `{attr}` of {} is optional; guard the access with `has`", owner(&t));
                            self.err("UnsafeOptionalAttributeAccess", e, msg);
                            Ans::fail(Some(at.ty))
                        }
                    }
                    None => {
                        let msg = format!("{} has no attribute `{attr}`", owner(&t));
                        self.err("UnsafeAttributeAccess", e, msg);
                        Ans::fail(None)
                    }
                }
            }
            ExprKind::HasAttr(x, attr) => {
                let r = self.expect(caps, x, &[Expected::AnyEntity, Expected::AnyRecord], d);
                let ok = r.ok;
                let Some(t) = r.ty else { return Ans::fail(Some(Type::bool_any())) };
                let known = caps.contains(&Cap::Attr(x, attr));
                match self.lookup_attr(&t, attr) {
                    Some(at) => {
                        let is_record = matches!(t, Type::Record(_));
                        let b = if known || (at.required && is_record) { BoolType::True } else { BoolType::Any };
                        Ans::ok_caps(Type::Bool(b), vec![Cap::Attr(x, attr)]).and_ok(ok)
                    }
                    None => Ans::ok(Type::Bool(BoolType::False)).and_ok(ok),
                }
            }
            ExprKind::Like(x, _) => {
                let r = self.expect(caps, x, &[Expected::String], d);
                Ans::ok(Type::bool_any()).and_ok(r.ok)
            }
            ExprKind::Is(x, t) => {
                let r = self.expect(caps, x, &[Expected::AnyEntity], d);
                match &r.ty {
                    Some(Type::Entity(actual)) => Ans::ok(Type::Bool(BoolType::of(actual == t))).and_ok(r.ok),
                    _ => Ans::fail(Some(Type::bool_any())),
                }
            }
            ExprKind::Set(es) => {
                let answers: Vec<Ans> = es.iter().map(|x| self.tc(caps, x, d)).collect();
                let all_ok = answers.iter().all(|a| a.ok);
                if es.is_empty() {
                    self.err("EmptySetForbidden", e, "empty set literals are forbidden in strict validation".into());
                    return Ans::fail(None);
                }
                let tys: Option<Vec<Type>> = answers.into_iter().map(|a| a.ty).collect();
                let Some(tys) = tys else { return Ans::fail(None) };
                match self.lub_all(e, &tys, "set elements") {
                    Some(t) => Ans::ok(Type::Set(Box::new(t))).and_ok(all_ok),
                    None => Ans::fail(None),
                }
            }
            ExprKind::Record(fields) => {
                let mut out = BTreeMap::new();
                let mut ok = true;
                let mut typed = true;
                for (k, x) in fields {
                    let a = self.tc(caps, x, d);
                    ok &= a.ok;
                    match a.ty {
                        Some(t) => {
                            out.insert(k.clone(), AttrType { ty: t, required: true });
                        }
                        None => typed = false,
                    }
                }
                if typed {
                    Ans::ok(Type::Record(std::sync::Arc::new(out))).and_ok(ok)
                } else {
                    Ans::fail(None)
                }
            }
            ExprKind::ExtCall(name, args) => self.tc_call(caps, e, name, args, d),
        }
    }

    fn lub_all(&mut self, e: &Expr, tys: &[Type], what: &str) -> Option<Type> {
        let mut acc = tys.first()?.clone();
        for t in &tys[1..] {
            match Type::lub(&acc, t) {
                Some(l) => acc = l,
                None => {
                    let shown: Vec<String> = tys.iter().map(|t| t.to_string()).collect();
                    self.err("IncompatibleTypes", e, format!("{what} have incompatible types: {}", shown.join(", ")));
                    return None;
                }
            }
        }
        Some(acc)
    }

    fn lookup_attr(&self, t: &Type, attr: &str) -> Option<AttrType> {
        match t {
            Type::Record(r) => r.get(attr).cloned(),
            Type::Entity(et) => match self.idx.attrs(et) {
                Some(Type::Record(r)) => r.get(attr).cloned(),
                _ => None,
            },
            _ => None,
        }
    }

    fn tc_if<'e>(&mut self, caps: &[Cap<'e>], e: &'e Expr, c: &'e Expr, t: &'e Expr, f: &'e Expr, d: usize) -> Ans<'e> {
        let g = self.expect(caps, c, &[Expected::Bool], d);
        match g.bool() {
            Some(BoolType::True) => {
                let a = self.tc(&union(caps, &g.caps), t, d);
                let caps_out = union(&a.caps, &g.caps);
                Ans { ty: a.ty, caps: caps_out, ok: a.ok }.and_ok(g.ok)
            }
            Some(BoolType::False) => {
                let b = self.tc(caps, f, d);
                b.and_ok(g.ok)
            }
            _ => {
                let a = self.tc(&union(caps, &g.caps), t, d);
                let a_caps = union(&a.caps, &g.caps);
                let b = self.tc(caps, f, d);
                let ok = g.ok && a.ok && b.ok;
                match (&a.ty, &b.ty) {
                    (Some(ta), Some(tb)) => match Type::lub(ta, tb) {
                        Some(l) => {
                            let caps_out = if a.ok { intersect(&b.caps, &a_caps) } else { Vec::new() };
                            Ans::ok_caps(l, caps_out).and_ok(ok)
                        }
                        None => {
                            let msg = format!("the branches have incompatible types {ta} and {tb}");
                            self.err("IncompatibleTypes", e, msg);
                            Ans::fail(None)
                        }
                    },
                    _ => Ans::fail(None),
                }
            }
        }
    }

    fn tc_and<'e>(&mut self, caps: &[Cap<'e>], l: &'e Expr, r: &'e Expr, d: usize) -> Ans<'e> {
        let a = self.expect(caps, l, &[Expected::Bool], d);
        if a.bool() == Some(BoolType::False) {
            // `r` is not typechecked at all.
            return Ans::ok(Type::Bool(BoolType::False)).and_ok(a.ok);
        }
        let b = self.expect(&union(caps, &a.caps), r, &[Expected::Bool], d);
        let ok = a.ok && b.ok;
        match (a.bool(), b.bool()) {
            (Some(_), Some(BoolType::False)) => Ans::ok(Type::Bool(BoolType::False)).and_ok(ok),
            (Some(ta), Some(BoolType::True)) => Ans::ok_caps(Type::Bool(ta), union(&a.caps, &b.caps)).and_ok(ok),
            (Some(BoolType::True), Some(tb)) => Ans::ok_caps(Type::Bool(tb), b.caps).and_ok(ok),
            (Some(_), Some(_)) => Ans::ok_caps(Type::bool_any(), union(&a.caps, &b.caps)).and_ok(ok),
            _ => Ans::fail(Some(Type::bool_any())),
        }
    }

    fn tc_or<'e>(&mut self, caps: &[Cap<'e>], l: &'e Expr, r: &'e Expr, d: usize) -> Ans<'e> {
        let a = self.expect(caps, l, &[Expected::Bool], d);
        if a.bool() == Some(BoolType::True) {
            return Ans { ty: Some(Type::Bool(BoolType::True)), caps: a.caps, ok: a.ok }.and_ok(a.ok);
        }
        let b = self.expect(caps, r, &[Expected::Bool], d);
        let ok = a.ok && b.ok;
        match (a.bool(), b.bool()) {
            (Some(_), Some(BoolType::True)) => Ans::ok_caps(Type::Bool(BoolType::True), b.caps).and_ok(ok),
            (Some(ta), Some(BoolType::False)) => Ans::ok_caps(Type::Bool(ta), a.caps).and_ok(ok),
            (Some(BoolType::False), Some(tb)) => Ans::ok_caps(Type::Bool(tb), b.caps).and_ok(ok),
            (Some(_), Some(_)) => Ans::ok_caps(Type::bool_any(), intersect(&b.caps, &a.caps)).and_ok(ok),
            _ => Ans::fail(Some(Type::bool_any())),
        }
    }

    fn tc_binary<'e>(
        &mut self,
        caps: &[Cap<'e>],
        e: &'e Expr,
        op: BinaryOp,
        a: &'e Expr,
        b: &'e Expr,
        d: usize,
    ) -> Ans<'e> {
        match op {
            BinaryOp::Eq => {
                let x = self.tc(caps, a, d);
                let y = self.tc(caps, b, d);
                let ok = x.ok && y.ok;
                let disjoint = matches!((&x.ty, &y.ty), (Some(Type::Entity(p)), Some(Type::Entity(q))) if p != q);
                let ty = if disjoint {
                    BoolType::False
                } else if let Some(eq) = self.literals_equal(a, b) {
                    BoolType::of(eq)
                } else {
                    BoolType::Any
                };
                if ty == BoolType::Any {
                    if let (Some(tx), Some(ty2)) = (&x.ty, &y.ty) {
                        if Type::lub(tx, ty2).is_none() {
                            self.err(
                                "IncompatibleTypes",
                                e,
                                format!("the operands of `==` have incompatible types {tx} and {ty2}"),
                            );
                            return Ans::fail(Some(Type::bool_any()));
                        }
                    }
                }
                Ans::ok(Type::Bool(ty)).and_ok(ok)
            }
            BinaryOp::Less | BinaryOp::LessEq => {
                let x = self.tc(caps, a, d);
                let y = self.tc(caps, b, d);
                let ok = x.ok && y.ok;
                let res = Type::bool_any();
                let valid =
                    |t: &Type| matches!(t, Type::Long | Type::Ext(ExtType::Datetime) | Type::Ext(ExtType::Duration));
                let (Some(t1), Some(t2)) = (&x.ty, &y.ty) else { return Ans::fail(Some(res)) };
                if t1 == t2 && valid(t1) {
                    return Ans::ok(res).and_ok(ok);
                }
                let what = "Long, datetime or duration";
                match (t1, t2) {
                    (Type::Long, other) => self.err("UnexpectedType", b, format!("expected Long, found {other}")),
                    (other, Type::Long) => self.err("UnexpectedType", a, format!("expected Long, found {other}")),
                    (l, r) if valid(l) => self.err("UnexpectedType", b, format!("expected {l}, found {r}")),
                    (l, r) if valid(r) => self.err("UnexpectedType", a, format!("expected {r}, found {l}")),
                    (l, r) => {
                        self.err("UnexpectedType", a, format!("expected {what}, found {l}"));
                        self.err("UnexpectedType", b, format!("expected {what}, found {r}"));
                    }
                }
                Ans::fail(Some(res))
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => {
                let x = self.expect(caps, a, &[Expected::Long], d);
                let y = self.expect(caps, b, &[Expected::Long], d);
                Ans::ok(Type::Long).and_ok(x.ok && y.ok)
            }
            BinaryOp::In => self.tc_in(caps, e, a, b, d),
            BinaryOp::Contains => {
                let x = self.expect(caps, a, &[Expected::AnySet], d);
                let y = self.tc(caps, b, d);
                let ok = x.ok && y.ok;
                if let (Some(Type::Set(el)), Some(ty)) = (&x.ty, &y.ty) {
                    if Type::lub(el, ty).is_none() {
                        self.err("IncompatibleTypes", e, format!("a set of {el} cannot contain a {ty}"));
                        return Ans::fail(Some(Type::bool_any()));
                    }
                }
                Ans::ok(Type::bool_any()).and_ok(ok)
            }
            BinaryOp::ContainsAll | BinaryOp::ContainsAny => {
                let x = self.expect(caps, a, &[Expected::AnySet], d);
                let y = self.expect(caps, b, &[Expected::AnySet], d);
                let ok = x.ok && y.ok;
                if let (Some(tx), Some(ty)) = (&x.ty, &y.ty) {
                    if Type::lub(tx, ty).is_none() {
                        self.err("IncompatibleTypes", e, format!("the sets have incompatible types {tx} and {ty}"));
                        return Ans::fail(Some(Type::bool_any()));
                    }
                }
                Ans::ok(Type::bool_any()).and_ok(ok)
            }
            BinaryOp::HasTag => {
                let x = self.expect(caps, a, &[Expected::AnyEntity], d);
                let y = self.expect(caps, b, &[Expected::String], d);
                let ok = x.ok && y.ok;
                let Some(Type::Entity(et)) = &x.ty else { return Ans::fail(None) };
                let cap = Cap::Tag(a, b);
                let ty = if self.idx.tag_type(et).is_none() {
                    BoolType::False
                } else if caps.contains(&cap) {
                    BoolType::True
                } else {
                    BoolType::Any
                };
                Ans::ok_caps(Type::Bool(ty), vec![cap]).and_ok(ok)
            }
            BinaryOp::GetTag => {
                let x = self.expect(caps, a, &[Expected::AnyEntity], d);
                let y = self.expect(caps, b, &[Expected::String], d);
                let ok = x.ok && y.ok;
                let Some(Type::Entity(et)) = &x.ty else { return Ans::fail(None) };
                if !caps.contains(&Cap::Tag(a, b)) {
                    let msg =
                        format!("the tag `{}` of `{et}` may not exist; guard the access with `hasTag`", describe(b));
                    self.err("UnsafeTagAccess", e, msg);
                    return Ans::fail(None);
                }
                match self.idx.tag_type(et) {
                    Some(t) => Ans::ok(Type::from_schema(t)).and_ok(ok),
                    None => {
                        self.err("NoTagsAllowed", e, format!("entity type `{et}` has no tags"));
                        Ans::fail(None)
                    }
                }
            }
        }
    }

    fn tc_in<'e>(&mut self, caps: &[Cap<'e>], e: &'e Expr, a: &'e Expr, b: &'e Expr, d: usize) -> Ans<'e> {
        let x = self.expect(caps, a, &[Expected::AnyEntity], d);
        let y = self.expect(caps, b, &[Expected::SetOfEntities, Expected::AnyEntity], d);
        if !x.ok || !y.ok {
            return Ans::fail(Some(Type::bool_any()));
        }
        let lhs_uid = self.as_uid(a);
        let rhs_uids: Option<Vec<&EntityUid>> = match self.as_uid(b) {
            Some(u) => Some(vec![u]),
            None => match &b.kind {
                ExprKind::Set(es) => es.iter().map(|x| self.as_uid(x)).collect(),
                _ => None,
            },
        };
        if let (Some(l), Some(rs)) = (lhs_uid, &rhs_uids) {
            if l.ty.is_action() {
                let actions: Vec<&EntityUid> = rs.iter().copied().filter(|u| u.ty.is_action()).collect();
                if actions.is_empty() {
                    return Ans::ok(Type::Bool(BoolType::False));
                }
                return match self.idx.actions_in_set(actions) {
                    Some(desc) => Ans::ok(Type::Bool(BoolType::of(desc.contains(l)))),
                    // An undeclared action: reported by the literal pass.
                    None => Ans::fail(Some(Type::bool_any())),
                };
            }
        }
        let _ = e;
        let lhs_ty = match &x.ty {
            Some(Type::Entity(t)) => Some(t),
            _ => None,
        };
        let rhs_ty = match &y.ty {
            Some(Type::Entity(t)) => Some(t),
            Some(Type::Set(el)) => match &**el {
                Type::Entity(t) => Some(t),
                _ => None,
            },
            _ => None,
        };
        match (lhs_ty, rhs_ty) {
            (Some(l), Some(r)) if !self.idx.descendant_of(l, r) => Ans::ok(Type::Bool(BoolType::False)),
            _ => Ans::ok(Type::bool_any()),
        }
    }

    fn tc_call<'e>(&mut self, caps: &[Cap<'e>], e: &'e Expr, name: &str, args: &'e [Expr], d: usize) -> Ans<'e> {
        let Some((params, ret, constructor)) = signature(name) else {
            self.err("UndefinedFunction", e, format!("undefined extension function `{name}`"));
            for x in args {
                self.tc(caps, x, d);
            }
            return Ans::fail(None);
        };
        let mut failed = false;
        if args.len() != params.len() {
            let msg = format!("`{name}` takes {} argument(s), {} given", params.len(), args.len());
            self.err("WrongNumberArguments", e, msg);
            failed = true;
        }
        if constructor {
            if let Some(Expr { kind: ExprKind::Lit(Literal::String(s)), .. }) = args.first() {
                if let Err(why) = super::ext_args::check_constructor_arg(name, s) {
                    self.err("FunctionArgumentValidation", e, format!("invalid argument to `{name}`: {why}"));
                    failed = true;
                }
            }
            if !args.iter().all(|x| matches!(x.kind, ExprKind::Lit(_))) {
                self.err("NonLitExtConstructor", e, format!("`{name}` must be applied to a literal"));
                failed = true;
            }
        }
        if failed {
            for x in args {
                self.tc(caps, x, d);
            }
            return Ans::fail(Some(ret));
        }
        let mut ok = true;
        for (x, p) in args.iter().zip(&params) {
            ok &= self.expect(caps, x, &[expected_of(p)], d).ok;
        }
        Ans::ok(ret).and_ok(ok)
    }
}

fn owner(t: &Type) -> String {
    match t {
        Type::Entity(e) => format!("entity type `{e}`"),
        other => format!("record type {other}"),
    }
}
