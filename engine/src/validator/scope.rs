//! The validator passes that run once per policy rather than per request
//! environment (docs/semantics.md §9.1 a–d): unknown entity types, unknown
//! actions, invalid enum ids, and "no action can apply to this scope".

use super::describe::describe;
use super::env::Index;
use super::ValidationError;
use crate::ast::{
    ActionConstraint, EntityOrSlot, EntityType, EntityUid, Expr, ExprKind, Literal, Loc, Policy, ScopeConstraint,
};
use std::collections::BTreeSet;

fn error(p: &Policy, loc: Option<Loc>, kind: &str, message: String) -> ValidationError {
    ValidationError { policy_id: p.id.clone(), loc: loc.or(p.loc), kind: kind.to_string(), message }
}

/// Passes (a), (b), (c) over every entity literal and `is` type of the
/// policy (scope and conditions). Iterative, so deep expressions are fine.
pub(crate) fn check_literals(idx: &Index, p: &Policy, out: &mut Vec<ValidationError>) {
    let cond = p.condition();
    let mut stack: Vec<&Expr> = vec![&cond];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Lit(Literal::EntityUid(u)) => check_uid(idx, p, u, e.loc, out),
            ExprKind::Is(x, t) => {
                if !t.is_action() && !idx.is_entity_type(t) {
                    out.push(error(
                        p,
                        e.loc,
                        "UnrecognizedEntityType",
                        format!("in `{}`: unrecognized entity type `{t}`", describe(e)),
                    ));
                }
                stack.push(x);
            }
            ExprKind::Lit(_) | ExprKind::Var(_) | ExprKind::Slot(_) => {}
            ExprKind::If { cond, then_expr, else_expr } => {
                stack.push(else_expr);
                stack.push(then_expr);
                stack.push(cond);
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Binary(_, a, b) => {
                stack.push(b);
                stack.push(a);
            }
            ExprKind::Unary(_, a) | ExprKind::GetAttr(a, _) | ExprKind::HasAttr(a, _) | ExprKind::Like(a, _) => {
                stack.push(a)
            }
            ExprKind::Set(es) | ExprKind::ExtCall(_, es) => stack.extend(es.iter().rev()),
            ExprKind::Record(fs) => stack.extend(fs.values().rev()),
        }
    }
}

fn check_uid(idx: &Index, p: &Policy, u: &EntityUid, loc: Option<Loc>, out: &mut Vec<ValidationError>) {
    if u.ty.is_action() {
        if !idx.is_action(u) {
            out.push(error(p, loc, "UnrecognizedActionId", format!("unrecognized action `{u}`")));
        }
        return;
    }
    match idx.schema.entity_types.get(&u.ty) {
        None => {
            out.push(error(p, loc, "UnrecognizedEntityType", format!("unrecognized entity type `{}` in `{u}`", u.ty)))
        }
        Some(def) => {
            if let Some(ids) = &def.enum_ids {
                if !ids.contains(&u.id) {
                    let allowed: Vec<String> = ids.iter().map(|i| crate::ast::quote_string(i)).collect();
                    out.push(error(
                        p,
                        loc,
                        "InvalidEnumEntity",
                        format!(
                            "`{u}` is not a valid entity of enumerated type `{}` (allowed ids: {})",
                            u.ty,
                            allowed.join(", ")
                        ),
                    ));
                }
            }
        }
    }
}

/// Entity types a principal/resource scope constraint admits (docs/semantics.md §9.1 d).
fn scope_types(idx: &Index, c: &ScopeConstraint) -> BTreeSet<EntityType> {
    let all = || idx.schema.entity_types.keys().cloned().collect::<BTreeSet<_>>();
    let known =
        |t: &EntityType| if idx.is_entity_type(t) { [t.clone()].into_iter().collect() } else { BTreeSet::new() };
    match c {
        ScopeConstraint::Any => all(),
        ScopeConstraint::Eq(EntityOrSlot::Entity(u)) => [u.ty.clone()].into_iter().collect(),
        ScopeConstraint::In(EntityOrSlot::Entity(u)) => {
            let mut s = idx.types_in(&u.ty);
            s.insert(u.ty.clone());
            s
        }
        ScopeConstraint::Eq(EntityOrSlot::Slot(_)) | ScopeConstraint::In(EntityOrSlot::Slot(_)) => all(),
        ScopeConstraint::Is(t) | ScopeConstraint::IsIn(t, EntityOrSlot::Slot(_)) => known(t),
        ScopeConstraint::IsIn(t, EntityOrSlot::Entity(u)) => {
            let mut s = idx.types_in(&u.ty);
            s.insert(u.ty.clone());
            s.into_iter().filter(|x| x == t).collect()
        }
    }
}

/// Pass (d): `InvalidActionApplication` unless some admitted action applies
/// to some admitted principal type and some admitted resource type.
pub(crate) fn check_action_application(idx: &Index, p: &Policy, out: &mut Vec<ValidationError>) {
    let actions: Vec<EntityUid> = match &p.action {
        ActionConstraint::Any => idx.schema.actions.keys().cloned().collect(),
        ActionConstraint::Eq(a) => vec![a.clone()],
        ActionConstraint::In(list) => idx.actions_in_set(list.iter()).unwrap_or_default().into_iter().collect(),
    };
    let ps = scope_types(idx, &p.principal);
    let rs = scope_types(idx, &p.resource);
    let applies = actions.iter().filter_map(|a| idx.schema.actions.get(a)?.applies_to.as_ref()).any(|app| {
        app.principal_types.iter().any(|t| ps.contains(t)) && app.resource_types.iter().any(|t| rs.contains(t))
    });
    if !applies {
        out.push(error(
            p,
            None,
            "InvalidActionApplication",
            format!("policy `{}` can never apply: no action in its scope applies to the principal and resource types its scope allows", p.id),
        ));
    }
}
