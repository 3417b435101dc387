//! Policies (static, templates and their links), requests, and evaluation
//! inputs — the second half of the chain, built on a generated world.
//!
//! A type-directed policy starts from one request environment (an action that
//! applies to principal type P and resource type R). Its scope is chosen
//! consistently with that environment; where the scope does not pin the
//! principal/resource type or the action, a first `when` clause
//! (`principal is P`, `action == A`) does, so the body type-checks in every
//! environment the validator tries (the guard types as `False` elsewhere and
//! the body is not checked there).

use crate::choices::{choose, Choices};
use crate::expr::Env;
use crate::world::Gen;
use crate::Mode;
use engine::ast::{
    ActionConstraint, BinaryOp, Condition, ConditionKind, Effect, EntityOrSlot, EntityType, EntityUid, Expr, ExprKind,
    Policy, PolicyId, PolicySet, ScopeConstraint, SlotId, TemplateLink, Var,
};
use engine::entities::Entities;
use engine::request::Request;
use engine::schema::{AppliesTo, SchemaType};
use engine::value::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// A policy's request environment and (linked) scope, to aim requests at.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    action: EntityUid,
    at: Rc<AppliesTo>,
    principal: EntityType,
    resource: EntityType,
    pscope: ScopeConstraint,
    rscope: ScopeConstraint,
    permit: bool,
}

/// What a slot of a template may be linked to.
struct SlotInfo {
    slot: SlotId,
    types: Vec<EntityType>,
}

impl<C: Choices> Gen<'_, C> {
    /// An applicable action with one of its principal and resource types and its context.
    pub fn pick_env_types(&mut self) -> (EntityUid, EntityType, EntityType, Rc<AppliesTo>) {
        let (a, at) = self.applicable[self.c.below(self.applicable.len())].clone();
        let p = at.principal_types[self.c.below(at.principal_types.len())].clone();
        let r = at.resource_types[self.c.below(at.resource_types.len())].clone();
        (a, p, r, at)
    }

    pub fn gen_policy_set(&mut self) -> PolicySet {
        let mut ps = PolicySet::default();
        let n = self.c.range(1, (self.s.policies as usize).max(1));
        let p_template = if self.mode == Mode::Rbac { 0.4 } else { 0.2 };
        for i in 0..n {
            let template = self.s.templates && self.c.flip(p_template);
            // Positional ids, as a text parser assigns them to policies and templates alike.
            let id = PolicyId(format!("policy{i}"));
            let (policy, slots, target) = self.gen_policy(id.clone(), template);
            if !template {
                self.targets.push(Rc::new(target.clone()));
            }
            if template {
                let k = self.c.range(1, (self.s.links as usize).max(1));
                for j in 0..k {
                    let mut values = BTreeMap::new();
                    for si in &slots {
                        let t = si.types[self.c.below(si.types.len())].clone();
                        let mut uid = self.uid_of(&t, false);
                        // A link to an undeclared id of an enumerated type
                        // (no draw unless the rate is set and the type is one).
                        let is_enum = self.schema.entity_types.get(&t).is_some_and(|d| d.enum_ids.is_some());
                        if is_enum && self.s.schema_mistakes > 0.0 && self.c.flip(self.s.schema_mistakes) {
                            self.counts.schema_mistakes += 1;
                            uid = EntityUid::new(t.0.as_str(), "zzNotInTheEnum");
                        }
                        values.insert(si.slot, uid);
                    }
                    let new_id = PolicyId(format!("link{i}_{j}"));
                    if let Ok(linked) = policy.link(new_id.clone(), &values) {
                        self.targets.push(Rc::new(Target {
                            pscope: linked.principal,
                            rscope: linked.resource,
                            ..target.clone()
                        }));
                    }
                    ps.links.push(TemplateLink { new_id, template_id: id.clone(), values });
                }
            }
            ps.policies.push(policy);
        }
        ps
    }

    /// A principal/resource scope for variable type `t`. Returns the
    /// constraint, whether it pins the variable's type, and slot info.
    fn scope(&mut self, t: &EntityType, slot: Option<SlotId>) -> (ScopeConstraint, bool, Option<SlotInfo>) {
        let anc = self.anc_or_self.get(t).cloned().unwrap_or_else(|| vec![t.clone()]);
        if let Some(slot) = slot {
            let is = if self.s.is { 1 } else { 0 };
            return choose!(self.c,
                1 => (
                    ScopeConstraint::Eq(EntityOrSlot::Slot(slot)),
                    false,
                    Some(SlotInfo { slot, types: vec![t.clone()] }),
                ),
                1 => (ScopeConstraint::In(EntityOrSlot::Slot(slot)), false, Some(SlotInfo { slot, types: anc })),
                is => (
                    ScopeConstraint::IsIn(t.clone(), EntityOrSlot::Slot(slot)),
                    true,
                    Some(SlotInfo { slot, types: anc }),
                ),
            );
        }
        let is = if self.s.is { 2 } else { 0 };
        choose!(self.c,
            3 => (ScopeConstraint::Any, false, None),
            2 => (ScopeConstraint::Eq(EntityOrSlot::Entity(self.uid_of(t, false))), true, None),
            3 => {
                let b = self.ancestor_type(t, &anc);
                (ScopeConstraint::In(EntityOrSlot::Entity(self.uid_of(&b, false))), false, None)
            },
            is => (ScopeConstraint::Is(t.clone()), true, None),
            is => {
                let b = self.ancestor_type(t, &anc);
                (ScopeConstraint::IsIn(t.clone(), EntityOrSlot::Entity(self.uid_of(&b, false))), true, None)
            },
        )
    }

    /// A type `t` may be `in`: mostly a proper ancestor type (a real hierarchy
    /// step), sometimes `t` itself.
    fn ancestor_type(&mut self, t: &EntityType, anc: &[EntityType]) -> EntityType {
        let proper: Vec<&EntityType> = anc.iter().filter(|x| *x != t).collect();
        if !proper.is_empty() && self.c.flip(0.75) {
            proper[self.c.below(proper.len())].clone()
        } else {
            anc[self.c.below(anc.len())].clone()
        }
    }

    fn action_scope(&mut self, a: &EntityUid) -> (ActionConstraint, bool) {
        let groups_of_a: Vec<EntityUid> = self.schema.actions[a].member_of.clone();
        let g = if groups_of_a.is_empty() { 0 } else { 2 };
        choose!(self.c,
            2 => (ActionConstraint::Any, false),
            4 => (ActionConstraint::Eq(a.clone()), true),
            g => (ActionConstraint::In(vec![groups_of_a[self.c.below(groups_of_a.len())].clone()]), false),
            1 => {
                let acts: Vec<EntityUid> = self.schema.actions.keys().cloned().collect();
                let other = acts[self.c.below(acts.len())].clone();
                let mut v = vec![a.clone()];
                if other != *a {
                    v.push(other);
                }
                (ActionConstraint::In(v), false)
            },
        )
    }

    fn gen_policy(&mut self, id: PolicyId, template: bool) -> (Policy, Vec<SlotInfo>, Target) {
        // Policies of one input often share an environment, so that several
        // apply to the same request (and forbid-overrides-permit matters).
        let shared = if !self.targets.is_empty() && self.c.flip(0.6) {
            Some(self.targets[self.c.below(self.targets.len())].clone())
        } else {
            None
        };
        let (a, pt, rt, ctx) = match &shared {
            Some(t) => (t.action.clone(), t.principal.clone(), t.resource.clone(), t.at.clone()),
            None => self.pick_env_types(),
        };
        let mut target = Target {
            action: a.clone(),
            at: ctx.clone(),
            principal: pt.clone(),
            resource: rt.clone(),
            pscope: ScopeConstraint::Any,
            rscope: ScopeConstraint::Any,
            permit: true,
        };
        let effect = if self.c.flip(self.s.forbid) { Effect::Forbid } else { Effect::Permit };
        target.permit = effect == Effect::Permit;
        let (action, pinned_a) = self.action_scope(&a);
        let (pslot, rslot) = if template {
            match self.c.below(3) {
                0 => (Some(SlotId::Principal), None),
                1 => (None, Some(SlotId::Resource)),
                _ => (Some(SlotId::Principal), Some(SlotId::Resource)),
            }
        } else {
            (None, None)
        };
        let (mut principal, mut pinned_p, pslot) = self.scope(&pt, pslot);
        let (mut resource, mut pinned_r, rslot) = self.scope(&rt, rslot);
        // Sometimes also share the other policy's principal or resource scope.
        if let Some(t) = &shared {
            if pslot.is_none() && self.c.flip(0.3) {
                principal = t.pscope.clone();
                pinned_p =
                    matches!(principal, ScopeConstraint::Eq(_) | ScopeConstraint::Is(_) | ScopeConstraint::IsIn(..));
            }
            if rslot.is_none() && self.c.flip(0.3) {
                resource = t.rscope.clone();
                pinned_r =
                    matches!(resource, ScopeConstraint::Eq(_) | ScopeConstraint::Is(_) | ScopeConstraint::IsIn(..));
            }
        }
        let slots: Vec<SlotInfo> = pslot.into_iter().chain(rslot).collect();

        // Guards that pin the environment the body is typed in.
        let mut guards = Vec::new();
        let typed = self.mode != Mode::Abac || self.c.flip(0.5);
        if typed && self.s.is {
            if !pinned_p {
                guards.push(Expr::is(Expr::var(Var::Principal), pt.clone()));
            }
            if !pinned_r {
                guards.push(Expr::is(Expr::var(Var::Resource), rt.clone()));
            }
        }
        let use_ctx = if pinned_a {
            true
        } else if typed && self.c.flip(0.5) {
            guards.push(Expr::binary(BinaryOp::Eq, Expr::var(Var::Action), Expr::entity(a.clone())));
            true
        } else {
            !typed
        };
        let env = self.env(a, pt, rt, if use_ctx { Some(&ctx.context) } else { None });

        let mut conditions = Vec::new();
        if let Some(g) = guards.into_iter().reduce(Expr::and) {
            conditions.push(Condition { kind: ConditionKind::When, body: g });
        }
        let (n, depth) = match self.mode {
            Mode::Rbac => (if self.c.flip(0.35) { 1 } else { 0 }, self.s.max_depth.min(2)),
            _ => (if self.c.flip(0.2) { 2 } else { 1 }, self.s.max_depth),
        };
        for _ in 0..n {
            self.ill_budget = u32::from(self.c.flip(self.s.ill_typed) && self.mode != Mode::Abac);
            let mut body = self.top_bool(&env, depth);
            // (No draw at all when the rate is zero: other profiles keep
            // their random stream.)
            if self.s.schema_mistakes > 0.0 && self.c.flip(self.s.schema_mistakes) {
                body = Expr::and(body, self.schema_mistake(&env));
            }
            // Conjunctions (often guarded reads) are mostly false: as `unless`
            // they keep the policy applicable about as often as other bodies.
            let p_unless = if matches!(body.kind, ExprKind::And(..)) { 0.6 } else { 0.2 };
            let kind = if self.c.flip(p_unless) { ConditionKind::Unless } else { ConditionKind::When };
            conditions.push(Condition { kind, body });
        }
        // An rbac policy without any constraint would be trivial: constrain the principal.
        if conditions.is_empty()
            && principal == ScopeConstraint::Any
            && resource == ScopeConstraint::Any
            && action == ActionConstraint::Any
        {
            let body = self.top_bool(&env, 1);
            conditions.push(Condition { kind: ConditionKind::When, body });
        }
        let mut annotations = BTreeMap::new();
        if self.s.annotations && self.c.flip(0.1) {
            if self.c.flip(0.5) {
                annotations.insert("id".to_string(), Some(format!("{} \"quoted\"", id.0)));
            } else {
                annotations.insert("advice".to_string(), None);
            }
        }
        target.pscope = principal.clone();
        target.rscope = resource.clone();
        let p = Policy { id, annotations, effect, principal, action, resource, conditions, loc: None };
        (p, slots, target)
    }

    /// A Boolean condition body: an inner node at the top (never a bare literal
    /// unless the choices are exhausted), guards closed.
    fn top_bool(&mut self, env: &Env, depth: u32) -> Expr {
        let depth = self.c.range(1, depth.max(1) as usize) as u32;
        let mut e = self.expr(env, &SchemaType::Bool, depth);
        // A bare `true`/`false` condition makes the policy trivial or dead:
        // redraw a couple of times (never loops once the choices run out).
        for _ in 0..2 {
            if !matches!(e.kind, ExprKind::Lit(_)) || self.c.is_exhausted() {
                break;
            }
            e = self.expr(env, &SchemaType::Bool, depth);
        }
        self.close_guards(&SchemaType::Bool, e)
    }

    fn gen_request(&mut self, store: &Entities) -> Request {
        if !self.targets.is_empty() && self.c.flip(0.8) {
            // Aim at permits three times as often as at forbids: a satisfied
            // forbid alone decides, so this keeps allow and deny balanced.
            let weights: Vec<u32> = self.targets.iter().map(|t| if t.permit { 3 } else { 1 }).collect();
            let t = self.targets[self.c.weighted(&weights)].clone();
            return Request {
                principal: self.matching_uid(&t.pscope, &t.principal, store),
                action: t.action.clone(),
                resource: self.matching_uid(&t.rscope, &t.resource, store),
                context: Value::record(self.gen_record_value(&t.at.context, 2)),
            };
        }
        if self.mode == Mode::Abac && self.c.flip(0.3) {
            // Anything goes without a schema: any action, any principal/resource type.
            let acts: Vec<EntityUid> = self.schema.actions.keys().cloned().collect();
            let action = acts[self.c.below(acts.len())].clone();
            let pt = self.any_entity_type();
            let rt = self.any_entity_type();
            let (_, _, _, ctx) = self.pick_env_types();
            return Request {
                principal: self.uid_of(&pt, false),
                action,
                resource: self.uid_of(&rt, false),
                context: Value::record(self.gen_record_value(&ctx.context, 2)),
            };
        }
        let (a, pt, rt, ctx) = self.pick_env_types();
        Request {
            principal: self.uid_of(&pt, false),
            action: a,
            resource: self.uid_of(&rt, false),
            context: Value::record(self.gen_record_value(&ctx.context, 2)),
        }
    }

    /// `requests` requests, distinct where possible: a duplicate is redrawn a
    /// few times, then varied deterministically over the known ids.
    /// Mostly a UID of type `ty` that satisfies `scope` (in `store`).
    fn matching_uid(&mut self, scope: &ScopeConstraint, ty: &EntityType, store: &Entities) -> EntityUid {
        match scope {
            ScopeConstraint::Eq(EntityOrSlot::Entity(u)) if u.ty == *ty && self.c.flip(0.9) => u.clone(),
            ScopeConstraint::In(EntityOrSlot::Entity(u)) | ScopeConstraint::IsIn(_, EntityOrSlot::Entity(u))
                if self.c.flip(0.9) =>
            {
                let key = (u.clone(), ty.clone());
                let cands = match self.members_cache.get(&key) {
                    Some(c) => c.clone(),
                    None => {
                        let ids = self.universe.get(ty).cloned().unwrap_or_default();
                        let c: Vec<EntityUid> = ids
                            .into_iter()
                            .map(|id| EntityUid { ty: ty.clone(), id })
                            .filter(|x| x == u || store.get(x).is_some_and(|e| e.ancestors.contains(u)))
                            .collect();
                        let c = Rc::new(c);
                        self.members_cache.insert(key, c.clone());
                        c
                    }
                };
                if cands.is_empty() {
                    self.uid_of(ty, false)
                } else {
                    cands[self.c.below(cands.len())].clone()
                }
            }
            _ => self.uid_of(ty, false),
        }
    }

    pub fn gen_requests(&mut self, store: &Entities) -> Vec<Request> {
        let n = self.s.requests as usize;
        let mut out: Vec<Request> = Vec::with_capacity(n);
        for _ in 0..n {
            let mut r = self.gen_request(store);
            for _ in 0..3 {
                if !out.contains(&r) {
                    break;
                }
                r = self.gen_request(store);
            }
            if out.contains(&r) {
                r = self.vary(r, &out);
            }
            out.push(r);
        }
        out
    }

    fn vary(&self, r: Request, seen: &[Request]) -> Request {
        let pids = self.universe.get(&r.principal.ty).cloned().unwrap_or_default();
        let rids = self.universe.get(&r.resource.ty).cloned().unwrap_or_default();
        for p in &pids {
            for q in &rids {
                let cand = Request {
                    principal: EntityUid { ty: r.principal.ty.clone(), id: p.clone() },
                    resource: EntityUid { ty: r.resource.ty.clone(), id: q.clone() },
                    ..r.clone()
                };
                if !seen.contains(&cand) {
                    return cand;
                }
            }
        }
        r
    }

    /// An expression and a request for `eval-type-directed`.
    pub fn gen_eval(&mut self) -> (Expr, Request) {
        let (a, pt, rt, ctx) = self.pick_env_types();
        let request = Request {
            principal: self.uid_of(&pt, false),
            action: a.clone(),
            resource: self.uid_of(&rt, false),
            context: Value::record(self.gen_record_value(&ctx.context, 2)),
        };
        let env = self.env(a, pt, rt, Some(&ctx.context));
        let ty = if self.c.flip(0.5) { SchemaType::Bool } else { self.gen_schema_type(1) };
        self.ill_budget = u32::from(self.c.flip(self.s.ill_typed));
        let depth = self.c.range(1, self.s.max_depth.max(1) as usize) as u32;
        let e = self.expr(&env, &ty, depth);
        let e = self.close_guards(&ty, e);
        (e, request)
    }
}
