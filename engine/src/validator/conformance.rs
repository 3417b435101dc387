//! Request and entity conformance to a schema (docs/semantics.md §9.7; upstream Lean
//! `RequestEntityValidator.lean`, Rust `EntitySchemaConformanceChecker`).
//! Errors name the entity or request part and the attribute path.

use crate::ast::EntityUid;
use crate::entities::{Entities, Entity};
use crate::json::DataError;
use crate::request::Request;
use crate::schema::{ExtType, RecordType, Schema, SchemaType};
use crate::value::{ExtValue, Value};
use std::fmt;

/// A request or entity that does not conform to the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConformanceError {
    /// What is wrong where: `context.address.zip`, `User::"alice".attrs.age`,
    /// `principal`, …
    pub path: String,
    pub message: String,
}

impl fmt::Display for ConformanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ConformanceError {}

impl From<ConformanceError> for DataError {
    fn from(e: ConformanceError) -> DataError {
        DataError { path: e.path, message: e.message }
    }
}

fn fail<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, ConformanceError> {
    Err(ConformanceError { path: path.into(), message: message.into() })
}

fn ext_of(v: &ExtValue) -> ExtType {
    match v {
        ExtValue::Decimal(_) => ExtType::Decimal,
        ExtValue::IpAddr(_) => ExtType::IpAddr,
        ExtValue::Datetime(_) => ExtType::Datetime,
        ExtValue::Duration(_) => ExtType::Duration,
    }
}

fn type_name(t: &SchemaType) -> String {
    crate::schema::print::type_summary(t)
}

/// An entity UID is valid for the schema: an enum type's id is declared and
/// an action UID is a declared action (Lean `EntitySchema.isValidEntityUID`).
fn check_uid(schema: &Schema, u: &EntityUid, path: &str) -> Result<(), ConformanceError> {
    if u.ty.is_action() {
        if !schema.actions.contains_key(u) && !schema.entity_types.contains_key(&u.ty) {
            return fail(path, format!("`{u}` is not an action declared in the schema"));
        }
        return Ok(());
    }
    if let Some(ids) = schema.entity_types.get(&u.ty).and_then(|d| d.enum_ids.as_ref()) {
        if !ids.contains(&u.id) {
            return fail(path, format!("`{u}` is not one of the declared ids of enumerated entity type `{}`", u.ty));
        }
    }
    Ok(())
}

/// Is `v` an instance of schema type `t` (Lean `instanceOfType`)? `path`
/// names `v` in the error.
pub fn instance_of(schema: &Schema, v: &Value, t: &SchemaType, path: &str) -> Result<(), ConformanceError> {
    // Iterative over (value, type, path) to cope with deep values.
    let mut todo: Vec<(&Value, &SchemaType, String)> = vec![(v, t, path.to_string())];
    while let Some((v, t, path)) = todo.pop() {
        let mismatch = || fail(&path, format!("expected a value of type {}, found a {}", type_name(t), v.type_name()));
        match (t, v) {
            (SchemaType::Bool, Value::Bool(_))
            | (SchemaType::Long, Value::Long(_))
            | (SchemaType::String, Value::String(_)) => {}
            (SchemaType::Extension(x), Value::Ext(e)) if *x == ext_of(e) => {}
            (SchemaType::Entity(et), Value::EntityUid(u)) => {
                if &u.ty != et {
                    return fail(&path, format!("expected an entity of type `{et}`, found `{u}`"));
                }
                check_uid(schema, u, &path)?;
            }
            (SchemaType::Set(el), Value::Set(items)) => {
                for (i, x) in items.iter().enumerate() {
                    todo.push((x, el, format!("{path}[{i}]")));
                }
            }
            (SchemaType::Record(rt), Value::Record(fields)) => {
                check_record_keys(rt, fields, &path)?;
                for (k, x) in fields.iter() {
                    todo.push((x, &rt.attrs[k].ty, attr_path(&path, k)));
                }
            }
            _ => return mismatch(),
        }
    }
    Ok(())
}

fn attr_path(path: &str, k: &str) -> String {
    let plain = !k.is_empty()
        && k.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !k.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        format!("{path}.{k}")
    } else {
        format!("{path}[{}]", crate::ast::quote_string(k))
    }
}

/// No undeclared attributes; every required attribute present.
fn check_record_keys(
    rt: &RecordType,
    fields: &std::collections::BTreeMap<String, Value>,
    path: &str,
) -> Result<(), ConformanceError> {
    for k in fields.keys() {
        if !rt.attrs.contains_key(k) {
            return fail(attr_path(path, k), "attribute is not declared in the schema");
        }
    }
    for (k, a) in &rt.attrs {
        if a.required && !fields.contains_key(k) {
            return fail(attr_path(path, k), "required attribute is missing");
        }
    }
    Ok(())
}

/// The context of a request for `action` conforms to its declared context.
pub fn validate_context(schema: &Schema, action: &EntityUid, context: &Value) -> Result<(), ConformanceError> {
    let Some(def) = schema.actions.get(action) else {
        return fail("action", format!("action `{action}` is not declared in the schema"));
    };
    let empty = RecordType::default();
    let ctx = def.applies_to.as_ref().map_or(&empty, |a| &a.context);
    instance_of(schema, context, &SchemaType::Record(ctx.clone()), "context")
}

/// A request conforms to the schema (docs/semantics.md §9.7).
pub fn validate_request(schema: &Schema, req: &Request) -> Result<(), ConformanceError> {
    let Some(def) = schema.actions.get(&req.action) else {
        return fail("action", format!("action `{}` is not declared in the schema", req.action));
    };
    for (part, uid) in [("principal", &req.principal), ("resource", &req.resource)] {
        if !schema.entity_types.contains_key(&uid.ty) {
            return fail(
                part,
                format!("the {part} `{uid}` has entity type `{}`, which is not declared in the schema", uid.ty),
            );
        }
        check_uid(schema, uid, part)?;
    }
    let Some(app) = &def.applies_to else {
        return fail(
            "action",
            format!("action `{}` does not apply to any principal or resource (no `appliesTo`)", req.action),
        );
    };
    if !app.principal_types.contains(&req.principal.ty) {
        return fail(
            "principal",
            format!("action `{}` does not apply to principals of type `{}`", req.action, req.principal.ty),
        );
    }
    if !app.resource_types.contains(&req.resource.ty) {
        return fail(
            "resource",
            format!("action `{}` does not apply to resources of type `{}`", req.action, req.resource.ty),
        );
    }
    validate_context(schema, &req.action, &req.context)
}

/// One entity conforms to the schema (docs/semantics.md §9.7). Accepts the entity with or
/// without its ancestor closure computed.
pub fn validate_entity(schema: &Schema, e: &Entity) -> Result<(), ConformanceError> {
    let name = e.uid.to_string();
    if e.uid.ty.is_action() && !schema.entity_types.contains_key(&e.uid.ty) {
        return validate_action_entity(schema, e, &name);
    }
    let Some(def) = schema.entity_types.get(&e.uid.ty) else {
        return fail(name, format!("entity type `{}` is not declared in the schema", e.uid.ty));
    };
    check_uid(schema, &e.uid, &name)?;
    let attrs = format!("{name}.attrs");
    check_record_keys(&def.attrs, &e.attrs, &attrs)?;
    for (k, v) in &e.attrs {
        instance_of(schema, v, &def.attrs.attrs[k].ty, &attr_path(&attrs, k))?;
    }
    let allowed = schema.ancestor_types(&e.uid.ty);
    for p in e.parents.iter().chain(e.ancestors.iter()) {
        if !allowed.contains(&p.ty) {
            return fail(
                format!("{name}.parents"),
                format!(
                    "`{p}` cannot be an ancestor: entities of type `{}` may not be members of type `{}`",
                    e.uid.ty, p.ty
                ),
            );
        }
    }
    match &def.tags {
        None => {
            if let Some(k) = e.tags.keys().next() {
                return fail(
                    attr_path(&format!("{name}.tags"), k),
                    format!("entity type `{}` does not allow tags", e.uid.ty),
                );
            }
        }
        Some(tt) => {
            for (k, v) in &e.tags {
                instance_of(schema, v, tt, &attr_path(&format!("{name}.tags"), k))?;
            }
        }
    }
    Ok(())
}

fn validate_action_entity(schema: &Schema, e: &Entity, name: &str) -> Result<(), ConformanceError> {
    let Some(def) = schema.actions.get(&e.uid) else {
        return fail(name, "action entity is not declared in the schema");
    };
    if let Some(k) = e.attrs.keys().next() {
        return fail(attr_path(&format!("{name}.attrs"), k), "action entities have no attributes");
    }
    if let Some(k) = e.tags.keys().next() {
        return fail(attr_path(&format!("{name}.tags"), k), "action entities have no tags");
    }
    let closure = schema.action_ancestors(&e.uid);
    for p in e.parents.iter().chain(e.ancestors.iter()) {
        if !closure.contains(p) {
            return fail(format!("{name}.parents"), format!("`{p}` is not a parent of this action in the schema"));
        }
    }
    for p in &def.member_of {
        if !e.parents.contains(p) && !e.ancestors.contains(p) {
            return fail(
                format!("{name}.parents"),
                format!("the schema makes `{p}` a parent of this action, but the entity does not list it"),
            );
        }
    }
    Ok(())
}

/// Every entity in the store conforms to the schema; checked in UID order so
/// the first error reported is deterministic.
pub fn validate_entities(schema: &Schema, es: &Entities) -> Result<(), ConformanceError> {
    let mut all: Vec<&Entity> = es.map.values().collect();
    all.sort_by(|a, b| a.uid.cmp(&b.uid));
    for e in all {
        validate_entity(schema, e)?;
    }
    Ok(())
}
