//! Precomputed schema facts the validator asks for repeatedly, and the
//! request environments policies are typed in (docs/semantics.md §9.3).

use super::types::Type;
use crate::ast::{EntityType, EntityUid, Policy, ScopeConstraint, SlotId};
use crate::schema::{Schema, SchemaType};
use std::collections::{BTreeSet, HashMap};

/// Schema queries with the transitive closures computed once.
pub(crate) struct Index<'s> {
    pub schema: &'s Schema,
    /// For every declared entity type and every action type: its ancestor
    /// types (for action types, the types of its actions' ancestors).
    ancestors: HashMap<EntityType, BTreeSet<EntityType>>,
    /// For every declared action: itself and all its descendants.
    action_descendants: HashMap<EntityUid, BTreeSet<EntityUid>>,
    /// Entity attribute record types, converted once.
    attr_types: HashMap<EntityType, Type>,
    /// Action context types, converted once.
    context_types: HashMap<EntityUid, Type>,
}

impl<'s> Index<'s> {
    pub fn new(schema: &'s Schema) -> Self {
        let mut ancestors = HashMap::new();
        for t in schema.entity_types.keys() {
            ancestors.insert(t.clone(), schema.ancestor_types(t));
        }
        for a in schema.actions.keys() {
            if !ancestors.contains_key(&a.ty) {
                ancestors.insert(a.ty.clone(), schema.ancestor_types(&a.ty));
            }
        }
        let mut action_descendants: HashMap<EntityUid, BTreeSet<EntityUid>> =
            schema.actions.keys().map(|a| (a.clone(), [a.clone()].into_iter().collect())).collect();
        for a in schema.actions.keys() {
            for anc in schema.action_ancestors(a) {
                if let Some(d) = action_descendants.get_mut(&anc) {
                    d.insert(a.clone());
                }
            }
        }
        let attr_types =
            schema.entity_types.iter().map(|(t, d)| (t.clone(), Type::record_from_schema(&d.attrs))).collect();
        let context_types = schema
            .actions
            .iter()
            .filter_map(|(a, d)| d.applies_to.as_ref().map(|app| (a.clone(), Type::record_from_schema(&app.context))))
            .collect();
        Index { schema, ancestors, action_descendants, attr_types, context_types }
    }

    pub fn is_entity_type(&self, t: &EntityType) -> bool {
        self.schema.entity_types.contains_key(t)
    }

    pub fn is_action(&self, a: &EntityUid) -> bool {
        self.schema.actions.contains_key(a)
    }

    /// Can an entity of type `lhs` be `in` an entity of type `rhs`?
    pub fn descendant_of(&self, lhs: &EntityType, rhs: &EntityType) -> bool {
        lhs == rhs || self.ancestors.get(lhs).is_some_and(|a| a.contains(rhs))
    }

    /// Declared entity types that are `t` or descend from it.
    pub fn types_in(&self, t: &EntityType) -> BTreeSet<EntityType> {
        self.schema.entity_types.keys().filter(|d| self.descendant_of(d, t)).cloned().collect()
    }

    /// Types that an entity of type `t` may be a (transitive) member of.
    pub fn ancestor_types(&self, t: &EntityType) -> BTreeSet<EntityType> {
        self.ancestors.get(t).cloned().unwrap_or_default()
    }

    /// The union of the given actions and their descendants; `None` if any
    /// of them is undeclared.
    pub fn actions_in_set<'a>(&self, set: impl IntoIterator<Item = &'a EntityUid>) -> Option<BTreeSet<EntityUid>> {
        let mut out = BTreeSet::new();
        for a in set {
            out.extend(self.action_descendants.get(a)?.iter().cloned());
        }
        Some(out)
    }

    /// The attribute record of an entity type (`None` for action types and
    /// undeclared types, which have no attributes).
    pub fn attrs(&self, t: &EntityType) -> Option<&Type> {
        self.attr_types.get(t)
    }

    /// The declared tag type (`None`: no tags allowed).
    pub fn tag_type(&self, t: &EntityType) -> Option<&SchemaType> {
        self.schema.entity_types.get(t).and_then(|d| d.tags.as_ref())
    }

    pub fn context(&self, a: &EntityUid) -> Option<&Type> {
        self.context_types.get(a)
    }
}

/// One request environment: the types of the four variables (the action is
/// known exactly) and, for templates, the types of the slots.
#[derive(Debug, Clone)]
pub(crate) struct RequestEnv<'s> {
    pub principal: &'s EntityType,
    pub action: &'s EntityUid,
    pub resource: &'s EntityType,
    pub context: &'s Type,
    pub principal_slot: Option<EntityType>,
    pub resource_slot: Option<EntityType>,
}

/// The environments from the schema's `appliesTo` declarations (no slots).
pub(crate) fn unlinked_envs<'s>(idx: &'s Index<'s>) -> Vec<RequestEnv<'s>> {
    let mut out = Vec::new();
    for (a, d) in &idx.schema.actions {
        let (Some(app), Some(ctx)) = (&d.applies_to, idx.context(a)) else { continue };
        for p in &app.principal_types {
            for r in &app.resource_types {
                out.push(RequestEnv {
                    principal: p,
                    action: a,
                    resource: r,
                    context: ctx,
                    principal_slot: None,
                    resource_slot: None,
                });
            }
        }
    }
    out
}

/// The slot types worth trying for `slot` given the variable's type in the
/// environment and its scope constraint (Rust `possible_slot_links`).
fn slot_links(
    idx: &Index,
    policy: &Policy,
    slot: SlotId,
    var_ty: &EntityType,
    c: &ScopeConstraint,
) -> Vec<Option<EntityType>> {
    if !policy.slots().contains(&slot) {
        return vec![None];
    }
    match c {
        ScopeConstraint::Eq(_) => vec![Some(var_ty.clone())],
        ScopeConstraint::In(_) | ScopeConstraint::IsIn(_, _) => {
            let mut v: Vec<Option<EntityType>> = idx.ancestor_types(var_ty).into_iter().map(Some).collect();
            if !v.contains(&Some(var_ty.clone())) {
                v.push(Some(var_ty.clone()));
            }
            v
        }
        ScopeConstraint::Is(_) | ScopeConstraint::Any => idx.schema.entity_types.keys().cloned().map(Some).collect(),
    }
}

/// Every environment a policy (or template) is typed in.
pub(crate) fn envs_for<'s>(idx: &'s Index<'s>, base: &[RequestEnv<'s>], policy: &Policy) -> Vec<RequestEnv<'s>> {
    let mut out = Vec::new();
    for env in base {
        for ps in slot_links(idx, policy, SlotId::Principal, env.principal, &policy.principal) {
            for rs in slot_links(idx, policy, SlotId::Resource, env.resource, &policy.resource) {
                out.push(RequestEnv { principal_slot: ps.clone(), resource_slot: rs, ..env.clone() });
            }
        }
    }
    out
}
