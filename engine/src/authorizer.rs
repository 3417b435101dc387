//! The authorizer, docs/semantics.md §7.
//!
//! Every effective policy (static policies and template links) is evaluated;
//! a policy is satisfied iff its condition is exactly `true`, and erroring
//! policies are skipped (recorded in `errors`, never deciding anything).
//! Allow iff some permit is satisfied and no forbid is.
use crate::ast::{Effect, Expr, PolicyId, PolicySet};
use crate::entities::Entities;
use crate::eval::Evaluator;
use crate::request::Request;
use crate::value::Value;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

impl Decision {
    /// `"allow"` / `"deny"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub id: PolicyId,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub decision: Decision,
    pub reason: BTreeSet<PolicyId>,
    pub errors: Vec<PolicyError>,
}

impl Response {
    /// `{"decision": "allow"|"deny", "reason": [ids], "errors": [{"policy": id, "message": …}]}`.
    pub fn to_json(&self) -> Json {
        json!({
            "decision": self.decision.as_str(),
            "reason": self.reason.iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
            "errors": self.errors.iter().map(|e| json!({"policy": e.id.0, "message": e.message})).collect::<Vec<_>>(),
        })
    }
}

/// One prepared policy: its id, effect and condition expression.
struct Prepared {
    id: PolicyId,
    effect: Effect,
    condition: Expr,
}

/// A policy set prepared for repeated authorization (links instantiated,
/// conditions built once).
pub struct Authorizer {
    policies: Vec<Prepared>,
}

impl Authorizer {
    pub fn new(ps: &PolicySet) -> Result<Authorizer, String> {
        let policies = ps
            .effective_policies()?
            .into_iter()
            .map(|p| Prepared { condition: p.condition(), id: p.id, effect: p.effect })
            .collect();
        Ok(Authorizer { policies })
    }

    pub fn is_authorized(&self, req: &Request, es: &Entities) -> Response {
        let mut permits = BTreeSet::new();
        let mut forbids = BTreeSet::new();
        let mut errors = Vec::new();
        let ev = Evaluator::new(req, es);
        for p in &self.policies {
            match ev.evaluate(&p.condition) {
                Ok(Value::Bool(true)) => {
                    match p.effect {
                        Effect::Permit => permits.insert(p.id.clone()),
                        Effect::Forbid => forbids.insert(p.id.clone()),
                    };
                }
                // `false`, or (impossible: the condition's top operator is
                // `&&`) a non-boolean: not applicable.
                Ok(_) => {}
                Err(e) => errors.push(PolicyError { id: p.id.clone(), message: e.to_string() }),
            }
        }
        let (decision, reason) = if forbids.is_empty() && !permits.is_empty() {
            (Decision::Allow, permits)
        } else {
            (Decision::Deny, forbids)
        };
        Response { decision, reason, errors }
    }
}

/// One-shot convenience: prepare `ps` and authorize one request.
pub fn is_authorized(ps: &PolicySet, req: &Request, es: &Entities) -> Result<Response, String> {
    Ok(Authorizer::new(ps)?.is_authorized(req, es))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{
        ActionConstraint, Condition, ConditionKind, EntityOrSlot, EntityUid, Policy, ScopeConstraint, SlotId,
        TemplateLink, Var,
    };
    use crate::entities::Entity;

    fn uid(t: &str, i: &str) -> EntityUid {
        EntityUid::new(t, i)
    }
    impl Response {
        fn error_ids(&self) -> BTreeSet<PolicyId> {
            self.errors.iter().map(|e| e.id.clone()).collect()
        }
    }
    fn policy(id: &str, effect: Effect, when: Option<Expr>) -> Policy {
        Policy {
            id: PolicyId(id.into()),
            annotations: Default::default(),
            effect,
            principal: ScopeConstraint::Any,
            action: ActionConstraint::Any,
            resource: ScopeConstraint::Any,
            conditions: when.into_iter().map(|body| Condition { kind: ConditionKind::When, body }).collect(),
            loc: None,
        }
    }
    fn ids(xs: &[&str]) -> BTreeSet<PolicyId> {
        xs.iter().map(|x| PolicyId(x.to_string())).collect()
    }
    fn req() -> Request {
        Request::new(uid("User", "alice"), uid("Action", "view"), uid("Doc", "d"))
    }
    fn es() -> Entities {
        Entities::from_entities(vec![Entity::new(uid("User", "alice")).with_parents([uid("Group", "g")])], None)
            .unwrap()
    }
    fn run(ps: Vec<Policy>) -> Response {
        is_authorized(&PolicySet { policies: ps, links: vec![] }, &req(), &es()).unwrap()
    }
    fn error_expr() -> Expr {
        Expr::get_attr(Expr::var(Var::Principal), "missing")
    }

    #[test]
    fn default_deny_and_permit() {
        let r = run(vec![]);
        assert_eq!((r.decision, r.reason.clone(), r.errors.len()), (Decision::Deny, ids(&[]), 0));
        let r = run(vec![policy("p", Effect::Permit, None)]);
        assert_eq!((r.decision, r.reason), (Decision::Allow, ids(&["p"])));
        let r = run(vec![policy("p", Effect::Permit, Some(Expr::bool(false)))]);
        assert_eq!((r.decision, r.reason), (Decision::Deny, ids(&[])));
    }

    #[test]
    fn forbid_overrides_and_errors_skip() {
        let r = run(vec![
            policy("p1", Effect::Permit, None),
            policy("p2", Effect::Permit, None),
            policy("f", Effect::Forbid, None),
        ]);
        assert_eq!((r.decision, r.reason), (Decision::Deny, ids(&["f"])));
        // An erroring forbid does not deny; an erroring permit does not allow.
        let r = run(vec![policy("p", Effect::Permit, None), policy("f", Effect::Forbid, Some(error_expr()))]);
        assert_eq!((r.decision, r.reason.clone(), r.error_ids()), (Decision::Allow, ids(&["p"]), ids(&["f"])));
        assert!(r.errors[0].message.contains("attrDoesNotExist"), "{:?}", r.errors);
        let r = run(vec![policy("p", Effect::Permit, Some(error_expr()))]);
        assert_eq!((r.decision, r.reason.clone(), r.error_ids()), (Decision::Deny, ids(&[]), ids(&["p"])));
        // A non-boolean condition body errors (the `&&` wrapper checks it).
        let r = run(vec![policy("p", Effect::Permit, Some(Expr::long(1)))]);
        assert_eq!((r.decision, r.error_ids()), (Decision::Deny, ids(&["p"])));
        let j = r.to_json();
        assert_eq!(j["decision"], "deny");
        assert_eq!(j["errors"][0]["policy"], "p");
    }

    #[test]
    fn templates_are_linked_not_evaluated() {
        let mut t = policy("t", Effect::Permit, None);
        t.principal = ScopeConstraint::In(EntityOrSlot::Slot(SlotId::Principal));
        let link = |new: &str, g: &str| TemplateLink {
            new_id: PolicyId(new.into()),
            template_id: PolicyId("t".into()),
            values: [(SlotId::Principal, uid("Group", g))].into_iter().collect(),
        };
        let ps = PolicySet { policies: vec![t.clone()], links: vec![link("l1", "other"), link("l2", "g")] };
        let r = is_authorized(&ps, &req(), &es()).unwrap();
        assert_eq!((r.decision, r.reason.clone(), r.errors.len()), (Decision::Allow, ids(&["l2"]), 0));
        // A bare template is not evaluated.
        let ps = PolicySet { policies: vec![t.clone()], links: vec![] };
        let r = is_authorized(&ps, &req(), &es()).unwrap();
        assert_eq!((r.decision, r.errors.len()), (Decision::Deny, 0));
        // Linking errors surface from `new`.
        let mut bad = link("l3", "g");
        bad.template_id = PolicyId("nope".into());
        assert!(Authorizer::new(&PolicySet { policies: vec![t], links: vec![bad] }).is_err());
    }

    #[test]
    fn scope_constraints() {
        let mut p = policy("p", Effect::Permit, None);
        p.principal = ScopeConstraint::In(EntityOrSlot::Entity(uid("Group", "g")));
        p.action = ActionConstraint::In(vec![uid("Action", "view"), uid("Action", "edit")]);
        p.resource = ScopeConstraint::Eq(EntityOrSlot::Entity(uid("Doc", "d")));
        assert_eq!(run(vec![p.clone()]).decision, Decision::Allow);
        p.resource = ScopeConstraint::Eq(EntityOrSlot::Entity(uid("Doc", "other")));
        assert_eq!(run(vec![p]).decision, Decision::Deny);
    }
}
