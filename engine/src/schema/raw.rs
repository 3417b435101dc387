//! The unresolved form both schema readers produce, and name resolution
//! (docs/semantics.md §8.2) turning it into the internal `Schema`.
//!
//! Both formats describe the same thing: namespaces holding entity types,
//! actions and common types, with type names written relative to the
//! namespace. Resolving once here keeps the two readers purely syntactic and
//! guarantees they agree on every naming rule.

use super::error::{SchemaError, Where};
use super::types::*;
use crate::ast::{EntityType, EntityUid};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Nesting bound for common-type chains and types (no stack overflow on
/// adversarial input).
pub(crate) const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefKind {
    /// A bare name in the Cedar syntax / `EntityOrCommon` in JSON.
    EntityOrCommon,
    /// Positions that only admit entity types (`in` lists, `appliesTo`).
    Entity,
    /// JSON `{"type": "<CommonTypeName>"}`.
    Common,
}

#[derive(Debug, Clone)]
pub(crate) enum RawType {
    Ref { name: String, kind: RefKind, at: Where },
    Bool,
    Long,
    String,
    Ext(ExtType),
    Set(Box<RawType>),
    Record(Vec<RawAttr>),
}

#[derive(Debug, Clone)]
pub(crate) struct RawAttr {
    pub name: String,
    pub required: bool,
    pub ty: RawType,
}

#[derive(Debug, Clone)]
pub(crate) struct RawEntity {
    pub name: String,
    pub at: Where,
    pub parents: Vec<(String, Where)>,
    pub shape: Option<RawType>,
    pub tags: Option<RawType>,
    pub enum_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawActionRef {
    /// The written action type (`Action`, `NS::Action`), if any.
    pub ty: Option<String>,
    pub id: String,
    pub at: Where,
}

#[derive(Debug, Clone)]
pub(crate) struct RawAppliesTo {
    pub principals: Vec<(String, Where)>,
    pub resources: Vec<(String, Where)>,
    pub context: Option<RawType>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawAction {
    pub name: String,
    pub at: Where,
    pub parents: Vec<RawActionRef>,
    pub applies_to: Option<RawAppliesTo>,
}

#[derive(Debug, Clone)]
pub(crate) struct RawCommon {
    pub name: String,
    pub at: Where,
    pub ty: RawType,
}

#[derive(Debug, Clone)]
pub(crate) struct RawNamespace {
    /// `""` for the empty namespace.
    pub name: String,
    pub at: Where,
    pub entities: Vec<RawEntity>,
    pub actions: Vec<RawAction>,
    pub commons: Vec<RawCommon>,
}

/// Names a common type may not have.
const RESERVED_COMMON: &[&str] = &["Bool", "Boolean", "Entity", "Extension", "Long", "Record", "Set", "String"];

/// The builtin names, which behave like common types of the empty namespace.
fn builtin(name: &str) -> Option<RawType> {
    Some(match name {
        "Bool" => RawType::Bool,
        "Long" => RawType::Long,
        "String" => RawType::String,
        _ => RawType::Ext(ext_type(name)?),
    })
}

pub(crate) fn ext_type(name: &str) -> Option<ExtType> {
    Some(match name {
        "ipaddr" => ExtType::IpAddr,
        "decimal" => ExtType::Decimal,
        "datetime" => ExtType::Datetime,
        "duration" => ExtType::Duration,
        _ => return None,
    })
}

fn qualify(ns: &str, name: &str) -> String {
    if ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}::{name}")
    }
}

fn has_cedar_component(path: &str) -> bool {
    path.split("::").any(|c| c == "__cedar")
}

/// Everything declared, by fully qualified name.
struct Defs<'a> {
    /// Common types: qualified name → (defining namespace, raw type).
    commons: HashMap<String, (&'a str, &'a RawType, &'a Where)>,
    entities: BTreeSet<String>,
    actions: BTreeSet<EntityUid>,
    /// Action entity types (`Action`, `NS::Action`) of namespaces that
    /// declare actions: usable as entity types in attribute types.
    action_types: BTreeSet<String>,
}

/// Turn parsed namespaces into a `Schema`, applying every naming rule.
pub(crate) fn resolve(namespaces: &[RawNamespace]) -> Result<Schema, SchemaError> {
    let mut defs = Defs {
        commons: HashMap::new(),
        entities: BTreeSet::new(),
        actions: BTreeSet::new(),
        action_types: BTreeSet::new(),
    };
    let mut seen_ns = BTreeSet::new();
    for ns in namespaces {
        if !seen_ns.insert(ns.name.as_str()) {
            return Err(SchemaError::new(ns.at.clone(), format!("namespace `{}` is declared twice", ns.name)));
        }
        if has_cedar_component(&ns.name) {
            return Err(SchemaError::new(ns.at.clone(), "the namespace `__cedar` is reserved"));
        }
        for c in &ns.commons {
            if c.name == "__cedar" || RESERVED_COMMON.contains(&c.name.as_str()) {
                return Err(SchemaError::new(
                    c.at.clone(),
                    format!("`{}` may not be used as a common type name", c.name),
                ));
            }
            let q = qualify(&ns.name, &c.name);
            if defs.commons.insert(q.clone(), (ns.name.as_str(), &c.ty, &c.at)).is_some() {
                return Err(SchemaError::new(c.at.clone(), format!("common type `{q}` is declared twice")));
            }
        }
        for e in &ns.entities {
            if e.name == "__cedar" {
                return Err(SchemaError::new(e.at.clone(), "`__cedar` may not be used as an entity type name"));
            }
            if e.name == "Action" {
                return Err(SchemaError::new(e.at.clone(), "the entity type `Action` may not be declared"));
            }
            let q = qualify(&ns.name, &e.name);
            if !defs.entities.insert(q.clone()) {
                return Err(SchemaError::new(e.at.clone(), format!("entity type `{q}` is declared twice")));
            }
        }
        for a in &ns.actions {
            let uid = EntityUid::new(qualify(&ns.name, "Action"), a.name.clone());
            defs.action_types.insert(uid.ty.0.clone());
            if !defs.actions.insert(uid.clone()) {
                return Err(SchemaError::new(a.at.clone(), format!("action `{uid}` is declared twice")));
            }
        }
    }
    rfc70_checks(namespaces, &defs)?;

    let mut r = Resolver { defs: &defs, common_cache: HashMap::new(), in_progress: Vec::new() };
    let mut schema = Schema::default();
    for ns in namespaces {
        for e in &ns.entities {
            let mut def = EntityTypeDef::default();
            for (p, at) in &e.parents {
                def.member_of_types.insert(r.entity_ref(&ns.name, p, at)?);
            }
            if let Some(shape) = &e.shape {
                def.attrs = r.record(&ns.name, shape, "an entity shape", &e.at)?;
            }
            if let Some(t) = &e.tags {
                def.tags = Some(r.ty(&ns.name, t, 0)?);
            }
            if let Some(ids) = &e.enum_ids {
                if ids.is_empty() {
                    return Err(SchemaError::new(
                        e.at.clone(),
                        format!("enum entity type `{}` needs at least one id", e.name),
                    ));
                }
                let mut out: Vec<String> = Vec::new();
                for id in ids {
                    if !out.contains(id) {
                        out.push(id.clone());
                    }
                }
                def.enum_ids = Some(out);
            }
            schema.entity_types.insert(EntityType(qualify(&ns.name, &e.name)), def);
        }
        for a in &ns.actions {
            let mut def = ActionDef::default();
            for p in &a.parents {
                def.member_of.push(r.action_ref(&ns.name, p)?);
            }
            def.member_of.sort();
            def.member_of.dedup();
            if let Some(app) = &a.applies_to {
                let mut ps = Vec::new();
                for (p, at) in &app.principals {
                    ps.push(r.entity_ref(&ns.name, p, at)?);
                }
                let mut rs = Vec::new();
                for (p, at) in &app.resources {
                    rs.push(r.entity_ref(&ns.name, p, at)?);
                }
                ps.sort();
                ps.dedup();
                rs.sort();
                rs.dedup();
                let context = match &app.context {
                    Some(c) => r.record(&ns.name, c, "an action context", &a.at)?,
                    None => RecordType::default(),
                };
                // Empty lists (JSON) mean "applies to nothing", as does a
                // missing appliesTo; keep one representation of that.
                if !ps.is_empty() && !rs.is_empty() {
                    def.applies_to = Some(AppliesTo { principal_types: ps, resource_types: rs, context });
                }
            }
            schema.actions.insert(EntityUid::new(qualify(&ns.name, "Action"), a.name.clone()), def);
        }
        // Common types are resolved on use, but an unused one must still be
        // well-formed (unknown names, cycles).
        for c in &ns.commons {
            r.common(&qualify(&ns.name, &c.name), &c.at, 0)?;
        }
    }
    check_action_cycles(&schema, namespaces)?;
    Ok(schema)
}

/// RFC 70: named-namespace declarations may not reuse an empty-namespace
/// entity/common basename or action id.
fn rfc70_checks(namespaces: &[RawNamespace], defs: &Defs) -> Result<(), SchemaError> {
    let empty_action_ids: BTreeSet<&str> =
        defs.actions.iter().filter(|u| u.ty.0 == "Action").map(|u| u.id.as_str()).collect();
    for ns in namespaces.iter().filter(|n| !n.name.is_empty()) {
        let clash = |name: &str| defs.entities.contains(name) || defs.commons.contains_key(name);
        for (name, at) in
            ns.entities.iter().map(|e| (&e.name, &e.at)).chain(ns.commons.iter().map(|c| (&c.name, &c.at)))
        {
            if clash(name) {
                return Err(SchemaError::new(
                    at.clone(),
                    format!("`{}::{name}` shadows the empty-namespace declaration `{name}` (not allowed)", ns.name),
                ));
            }
        }
        for a in &ns.actions {
            if empty_action_ids.contains(a.name.as_str()) {
                return Err(SchemaError::new(
                    a.at.clone(),
                    format!(
                        "action `{}::Action::\"{}\"` shadows the empty-namespace action with the same id (not allowed)",
                        ns.name, a.name
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_action_cycles(schema: &Schema, namespaces: &[RawNamespace]) -> Result<(), SchemaError> {
    // Iterative DFS with colours.
    let mut state: BTreeMap<&EntityUid, u8> = BTreeMap::new(); // 1 = on stack, 2 = done
    for start in schema.actions.keys() {
        if state.contains_key(start) {
            continue;
        }
        let mut stack: Vec<(&EntityUid, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some((node, i)) = stack.pop() {
            let parents = &schema.actions[node].member_of;
            if i < parents.len() {
                stack.push((node, i + 1));
                let p = &parents[i];
                match state.get(p) {
                    Some(1) => {
                        let at = namespaces
                            .iter()
                            .flat_map(|n| n.actions.iter().map(move |a| (n, a)))
                            .find(|(n, a)| qualify(&n.name, "Action") == node.ty.0 && a.name == node.id)
                            .map(|(_, a)| a.at.clone())
                            .unwrap_or(Where::Unknown);
                        return Err(SchemaError::new(at, format!("action hierarchy has a cycle through `{p}`")));
                    }
                    Some(_) => {}
                    None => {
                        state.insert(p, 1);
                        stack.push((p, 0));
                    }
                }
            } else {
                state.insert(node, 2);
            }
        }
    }
    Ok(())
}

struct Resolver<'a> {
    defs: &'a Defs<'a>,
    common_cache: HashMap<String, SchemaType>,
    in_progress: Vec<String>,
}

/// What a name resolved to.
enum Target {
    Common(String),
    Entity(String),
    Builtin(RawType),
}

impl<'a> Resolver<'a> {
    /// Find what `name` (written in namespace `ns`) refers to (docs/semantics.md §8.2).
    fn lookup(&self, ns: &str, name: &str, kind: RefKind, at: &Where) -> Result<Target, SchemaError> {
        let common_ok = kind != RefKind::Entity;
        let entity_ok = kind != RefKind::Common;
        if let Some(rest) = name.strip_prefix("__cedar::") {
            if kind != RefKind::Entity {
                if let Some(b) = builtin(rest) {
                    return Ok(Target::Builtin(b));
                }
            }
            return Err(SchemaError::new(at.clone(), format!("unknown type `{name}`")));
        }
        let candidates: Vec<String> = if name.contains("::") || ns.is_empty() {
            vec![name.to_string()]
        } else {
            vec![qualify(ns, name), name.to_string()]
        };
        for c in &candidates {
            if common_ok && self.defs.commons.contains_key(c) {
                return Ok(Target::Common(c.clone()));
            }
            if entity_ok && (self.defs.entities.contains(c) || self.defs.action_types.contains(c)) {
                return Ok(Target::Entity(c.clone()));
            }
        }
        // Builtins act as common types of the empty namespace unless a user
        // declaration there takes the name.
        let user_declared = self.defs.entities.contains(name) || self.defs.commons.contains_key(name);
        if kind != RefKind::Entity && !name.contains("::") && !user_declared {
            if let Some(b) = builtin(name) {
                return Ok(Target::Builtin(b));
            }
        }
        let what = match kind {
            RefKind::Entity => "entity type",
            RefKind::Common => "common type",
            RefKind::EntityOrCommon => "type",
        };
        Err(SchemaError::new(at.clone(), format!("unknown {what} `{name}`")))
    }

    fn entity_ref(&self, ns: &str, name: &str, at: &Where) -> Result<EntityType, SchemaError> {
        match self.lookup(ns, name, RefKind::Entity, at)? {
            // Action types may be attribute types, but not parents or
            // principal/resource types.
            Target::Entity(e) if self.defs.entities.contains(&e) => Ok(EntityType(e)),
            Target::Entity(e) => Err(SchemaError::new(at.clone(), format!("undeclared entity type `{e}`"))),
            _ => Err(SchemaError::new(at.clone(), format!("`{name}` is not an entity type"))),
        }
    }

    fn action_ref(&self, ns: &str, r: &RawActionRef) -> Result<EntityUid, SchemaError> {
        let candidates: Vec<String> = match &r.ty {
            Some(t) if t.contains("::") => vec![t.clone()],
            Some(t) => vec![qualify(ns, t), t.clone()],
            None => vec![qualify(ns, "Action"), "Action".to_string()],
        };
        for c in &candidates {
            let uid = EntityUid::new(c.clone(), r.id.clone());
            if self.defs.actions.contains(&uid) {
                return Ok(uid);
            }
        }
        let shown = EntityUid::new(candidates[0].clone(), r.id.clone());
        Err(SchemaError::new(r.at.clone(), format!("undeclared action `{shown}` used as a parent action")))
    }

    /// Resolve a common type by qualified name (memoised, cycle-checked).
    fn common(&mut self, q: &str, at: &Where, depth: usize) -> Result<SchemaType, SchemaError> {
        if let Some(t) = self.common_cache.get(q) {
            return Ok(t.clone());
        }
        if self.in_progress.iter().any(|p| p == q) {
            return Err(SchemaError::new(at.clone(), format!("common type `{q}` is defined in terms of itself")));
        }
        let (ns, raw, _) = self.defs.commons[q];
        self.in_progress.push(q.to_string());
        let t = self.ty(ns, raw, depth + 1);
        self.in_progress.pop();
        let t = t?;
        self.common_cache.insert(q.to_string(), t.clone());
        Ok(t)
    }

    fn ty(&mut self, ns: &str, t: &RawType, depth: usize) -> Result<SchemaType, SchemaError> {
        if depth > MAX_DEPTH {
            let at = match t {
                RawType::Ref { at, .. } => at.clone(),
                _ => Where::Unknown,
            };
            return Err(SchemaError::new(at, format!("types nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(match t {
            RawType::Bool => SchemaType::Bool,
            RawType::Long => SchemaType::Long,
            RawType::String => SchemaType::String,
            RawType::Ext(e) => SchemaType::Extension(*e),
            RawType::Set(el) => SchemaType::Set(Box::new(self.ty(ns, el, depth + 1)?)),
            RawType::Record(attrs) => {
                let mut out = RecordType::default();
                for a in attrs {
                    let ty = self.ty(ns, &a.ty, depth + 1)?;
                    out.attrs.insert(a.name.clone(), AttributeType { ty, required: a.required });
                }
                SchemaType::Record(out)
            }
            RawType::Ref { name, kind, at } => match self.lookup(ns, name, *kind, at)? {
                Target::Entity(e) => SchemaType::Entity(EntityType(e)),
                Target::Builtin(b) => self.ty(ns, &b, depth + 1)?,
                Target::Common(q) => self.common(&q, at, depth + 1)?,
            },
        })
    }

    fn record(&mut self, ns: &str, t: &RawType, what: &str, fallback: &Where) -> Result<RecordType, SchemaError> {
        match self.ty(ns, t, 0)? {
            SchemaType::Record(r) => Ok(r),
            other => {
                let at = match t {
                    RawType::Ref { at, .. } => at.clone(),
                    _ => fallback.clone(),
                };
                Err(SchemaError::new(
                    at,
                    format!("{what} must be a record type, not {}", super::print::type_summary(&other)),
                ))
            }
        }
    }
}
