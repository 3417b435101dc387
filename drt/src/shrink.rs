//! Structural shrinking: greedily apply the first one-step simplification
//! (drop a request, policy, link, entity, attribute, parent, tag or context
//! field; widen a scope; drop a condition; replace a subexpression by one of
//! its children or a boolean literal) that keeps the finding, until none
//! does or the budget runs out.

use crate::case::{AuthCase, AuthParts, EvalCase, EvalParts};
use engine::ast::{ActionConstraint, Expr, ExprKind, PolicySet, ScopeConstraint};
use engine::entities::Entities;
use engine::request::Request;
use engine::value::Value;
use std::time::{Duration, Instant};

/// Read a rendered case back into syntax trees (policies from the JSON form,
/// with the text parser as fallback).
pub fn auth_parts(c: &AuthCase) -> Result<AuthParts, String> {
    let policies = match engine::est::policy_set_from_json(&c.policies_json) {
        Ok(p) => p,
        Err(e) => {
            let mut p = engine::parser::parse_policy_set(&c.policies_text)
                .map_err(|e2| format!("policies: JSON: {e}; text: {e2}"))?;
            p.links = crate::ours::read_links(&c.policies_json)?;
            p
        }
    };
    // The JSON keeps static policies and templates in separate maps: put
    // them back in text order (`policyN` by position) so a re-rendered
    // case gives every policy the id it had.
    let mut policies = policies;
    let pos = |id: &engine::ast::PolicyId| {
        id.0.strip_prefix("policy").and_then(|n| n.parse::<u64>().ok()).unwrap_or(u64::MAX)
    };
    policies.policies.sort_by(|a, b| pos(&a.id).cmp(&pos(&b.id)).then_with(|| a.id.cmp(&b.id)));
    let schema_def = match &c.schema {
        Some(text) => Some(engine::schema::Schema::from_cedar_str(text).map_err(|e| format!("schema: {e}"))?),
        None => None,
    };
    Ok(AuthParts {
        schema: c.schema.clone(),
        schema_def,
        policies,
        entities: Entities::from_json(&c.entities, None).map_err(|e| format!("entities: {e}"))?,
        requests: c
            .requests
            .iter()
            .map(|r| Request::from_json(r, None).map_err(|e| format!("request: {e}")))
            .collect::<Result<_, _>>()?,
        text_seed: c.text_seed,
        render_seed: c.render_seed,
    })
}

pub fn eval_parts(c: &EvalCase) -> Result<EvalParts, String> {
    let expr = match engine::est::expr_from_json(&c.expr_json) {
        Ok(e) => e,
        Err(e) => {
            engine::parser::parse_expr(&c.expr_text).map_err(|e2| format!("expression: JSON: {e}; text: {e2}"))?
        }
    };
    Ok(EvalParts {
        schema: c.schema.clone(),
        expr,
        entities: Entities::from_json(&c.entities, None).map_err(|e| format!("entities: {e}"))?,
        request: Request::from_json(&c.request, None).map_err(|e| format!("request: {e}"))?,
        text_seed: c.text_seed,
        render_seed: c.render_seed,
    })
}

pub struct Budget {
    pub checks: usize,
    pub deadline: Instant,
}

impl Budget {
    pub fn new(checks: usize, time: Duration) -> Budget {
        Budget { checks, deadline: Instant::now() + time }
    }
    fn spend(&mut self) -> bool {
        if self.checks == 0 || Instant::now() > self.deadline {
            return false;
        }
        self.checks -= 1;
        true
    }
}

/// Greedy shrinking: take the first candidate that keeps the property, start
/// again from it, stop when no candidate keeps it or the budget is spent.
fn shrink_with<P>(mut p: P, candidates: impl Fn(&P) -> Vec<P>, mut keeps: impl FnMut(&P) -> bool, b: &mut Budget) -> P {
    'outer: loop {
        for c in candidates(&p) {
            if !b.spend() {
                break 'outer;
            }
            if keeps(&c) {
                p = c;
                continue 'outer;
            }
        }
        break;
    }
    p
}

/// Shrink while `keeps` holds; returns the smallest input found.
pub fn shrink_auth(p: AuthParts, keeps: impl FnMut(&AuthParts) -> bool, b: &mut Budget) -> AuthParts {
    shrink_with(p, auth_candidates, keeps, b)
}

pub fn shrink_eval(p: EvalParts, keeps: impl FnMut(&EvalParts) -> bool, b: &mut Budget) -> EvalParts {
    shrink_with(p, eval_candidates, keeps, b)
}

/// One-step simplifications, coarsest first.
fn auth_candidates(p: &AuthParts) -> Vec<AuthParts> {
    let mut out = Vec::new();
    let with = |f: &dyn Fn(&mut AuthParts)| {
        let mut c = p.clone();
        f(&mut c);
        c
    };
    if p.requests.len() > 1 {
        for i in 0..p.requests.len() {
            out.push(with(&|c| {
                c.requests.remove(i);
            }));
        }
    }
    for i in 0..p.policies.policies.len() {
        out.push(with(&|c| {
            let id = c.policies.policies.remove(i).id;
            c.policies.links.retain(|l| l.template_id != id);
        }));
    }
    for i in 0..p.policies.links.len() {
        out.push(with(&|c| {
            c.policies.links.remove(i);
        }));
    }
    out.extend(
        entity_candidates(&p.entities, p.actions_from_schema())
            .into_iter()
            .map(|es| AuthParts { entities: es, ..p.clone() }),
    );
    for i in 0..p.requests.len() {
        for ctx in context_candidates(&p.requests[i].context) {
            let mut c = p.clone();
            c.requests[i].context = ctx;
            out.push(c);
        }
    }
    for ps in policy_candidates(&p.policies) {
        out.push(AuthParts { policies: ps, ..p.clone() });
    }
    out
}

fn eval_candidates(p: &EvalParts) -> Vec<EvalParts> {
    let mut out: Vec<EvalParts> =
        expr_candidates(&p.expr).into_iter().map(|e| EvalParts { expr: e, ..p.clone() }).collect();
    out.extend(
        entity_candidates(&p.entities, p.schema.is_some())
            .into_iter()
            .map(|es| EvalParts { entities: es, ..p.clone() }),
    );
    for ctx in context_candidates(&p.request.context) {
        let mut c = p.clone();
        c.request.context = ctx;
        out.push(c);
    }
    out
}

/// With `keep_actions` (`AuthParts::actions_from_schema`), action entities
/// are left as they are: some engines take them from the schema then, so
/// changing them would make a different finding, not a smaller one.
fn entity_candidates(es: &Entities, keep_actions: bool) -> Vec<Entities> {
    let mut out = Vec::new();
    let mut uids: Vec<_> =
        es.map.keys().filter(|u| !(keep_actions && crate::case::is_action_type(&u.ty.0))).cloned().collect();
    uids.sort();
    for u in &uids {
        let mut c = es.clone();
        c.map.remove(u);
        out.push(c);
    }
    for u in &uids {
        let e = &es.map[u];
        for k in e.attrs.keys() {
            let mut c = es.clone();
            c.map.get_mut(u).unwrap().attrs.remove(k);
            out.push(c);
        }
        // Entities JSON lists the closed ancestor set as `parents`, so an
        // edge is gone only when it leaves both sets.
        for par in e.parents.union(&e.ancestors) {
            let mut c = es.clone();
            let ent = c.map.get_mut(u).unwrap();
            ent.parents.remove(par);
            ent.ancestors.remove(par);
            out.push(c);
        }
        for k in e.tags.keys() {
            let mut c = es.clone();
            c.map.get_mut(u).unwrap().tags.remove(k);
            out.push(c);
        }
    }
    out
}

fn context_candidates(ctx: &Value) -> Vec<Value> {
    match ctx {
        Value::Record(m) => m
            .keys()
            .map(|k| {
                let mut m2 = (**m).clone();
                m2.remove(k);
                Value::Record(std::sync::Arc::new(m2))
            })
            .collect(),
        _ => vec![],
    }
}

fn policy_candidates(ps: &PolicySet) -> Vec<PolicySet> {
    let mut out = Vec::new();
    for (i, pol) in ps.policies.iter().enumerate() {
        let mut push = |f: &dyn Fn(&mut engine::ast::Policy)| {
            let mut c = ps.clone();
            f(&mut c.policies[i]);
            if c != *ps {
                out.push(c);
            }
        };
        // Templates keep their slots (links need them).
        if !pol.is_template() {
            push(&|p| p.principal = ScopeConstraint::Any);
            push(&|p| p.resource = ScopeConstraint::Any);
        }
        push(&|p| p.action = ActionConstraint::Any);
        push(&|p| p.annotations.clear());
        for j in 0..pol.conditions.len() {
            push(&|p| {
                p.conditions.remove(j);
            });
        }
        for j in 0..pol.conditions.len() {
            for e in expr_candidates(&pol.conditions[j].body) {
                let mut c = ps.clone();
                c.policies[i].conditions[j].body = e;
                out.push(c);
            }
        }
    }
    out
}

fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Lit(_) | ExprKind::Var(_) | ExprKind::Slot(_) => vec![],
        ExprKind::If { cond, then_expr, else_expr } => vec![cond, then_expr, else_expr],
        ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Binary(_, a, b) => vec![a, b],
        ExprKind::Unary(_, a)
        | ExprKind::GetAttr(a, _)
        | ExprKind::HasAttr(a, _)
        | ExprKind::Like(a, _)
        | ExprKind::Is(a, _) => {
            vec![a]
        }
        ExprKind::Set(es) | ExprKind::ExtCall(_, es) => es.iter().collect(),
        ExprKind::Record(m) => m.values().collect(),
    }
}

/// The node at preorder index `k` replaced by `rep`.
fn replace_at(e: &Expr, k: &mut usize, rep: &Expr) -> Expr {
    if *k == 0 {
        *k = usize::MAX;
        return rep.clone();
    }
    *k -= 1;
    let mut r = |x: &Expr| replace_at(x, k, rep);
    let kind = match &e.kind {
        ExprKind::If { cond, then_expr, else_expr } => ExprKind::If {
            cond: Box::new(r(cond)),
            then_expr: Box::new(r(then_expr)),
            else_expr: Box::new(r(else_expr)),
        },
        ExprKind::And(a, b) => ExprKind::And(Box::new(r(a)), Box::new(r(b))),
        ExprKind::Or(a, b) => ExprKind::Or(Box::new(r(a)), Box::new(r(b))),
        ExprKind::Binary(op, a, b) => ExprKind::Binary(*op, Box::new(r(a)), Box::new(r(b))),
        ExprKind::Unary(op, a) => ExprKind::Unary(*op, Box::new(r(a))),
        ExprKind::GetAttr(a, s) => ExprKind::GetAttr(Box::new(r(a)), s.clone()),
        ExprKind::HasAttr(a, s) => ExprKind::HasAttr(Box::new(r(a)), s.clone()),
        ExprKind::Like(a, p) => ExprKind::Like(Box::new(r(a)), p.clone()),
        ExprKind::Is(a, t) => ExprKind::Is(Box::new(r(a)), t.clone()),
        ExprKind::Set(es) => ExprKind::Set(es.iter().map(r).collect()),
        ExprKind::ExtCall(n, es) => ExprKind::ExtCall(n.clone(), es.iter().map(r).collect()),
        ExprKind::Record(m) => ExprKind::Record(m.iter().map(|(k2, v)| (k2.clone(), r(v))).collect()),
        other => other.clone(),
    };
    Expr::with_loc(kind, e.loc)
}

fn preorder<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    out.push(e);
    for c in children(e) {
        preorder(c, out);
    }
}

/// Every expression one simplification away from `e`.
pub fn expr_candidates(e: &Expr) -> Vec<Expr> {
    let mut nodes = Vec::new();
    preorder(e, &mut nodes);
    let mut out = Vec::new();
    for (k, n) in nodes.iter().enumerate() {
        let mut reps: Vec<Expr> = children(n).into_iter().cloned().collect();
        for b in [true, false] {
            if !matches!(n.kind, ExprKind::Lit(_)) {
                reps.push(Expr::bool(b));
            }
        }
        // Drop one element of a set or record literal.
        match &n.kind {
            ExprKind::Set(es) => {
                for i in 0..es.len() {
                    let mut es2 = es.clone();
                    es2.remove(i);
                    reps.push(Expr::set(es2));
                }
            }
            ExprKind::Record(m) => {
                for key in m.keys() {
                    let mut m2 = m.clone();
                    m2.remove(key);
                    reps.push(Expr::record(m2));
                }
            }
            _ => {}
        }
        for rep in reps {
            let mut i = k;
            out.push(replace_at(e, &mut i, &rep));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::ast::{BinaryOp, Var};

    #[test]
    fn shrinks_expression_to_the_culprit() {
        // The "bug" needs a `Mul` node; everything else should go.
        let e = Expr::and(
            Expr::or(Expr::bool(true), Expr::var(Var::Context)),
            Expr::binary(BinaryOp::Eq, Expr::binary(BinaryOp::Mul, Expr::long(2), Expr::long(3)), Expr::long(6)),
        );
        let has_mul = |e: &Expr| {
            let mut v = Vec::new();
            preorder(e, &mut v);
            v.iter().any(|n| matches!(n.kind, ExprKind::Binary(BinaryOp::Mul, _, _)))
        };
        let mut cur = e;
        while let Some(c) = expr_candidates(&cur).into_iter().find(|c| has_mul(c)) {
            cur = c;
        }
        assert_eq!(cur, Expr::binary(BinaryOp::Mul, Expr::long(2), Expr::long(3)));
    }
}
