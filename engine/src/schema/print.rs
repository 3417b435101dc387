//! Printing a `Schema` in the Cedar syntax and in the JSON format, such that
//! reading the output back gives an equal `Schema`.
//!
//! Names are printed fully qualified except where qualification is
//! impossible (empty-namespace types referenced from a named namespace;
//! RFC 70 guarantees those resolve to the intended type). Builtin type names
//! are printed as `__cedar::X` when a declared entity type could shadow them.

use super::types::*;
use crate::ast::{quote_string, EntityType, EntityUid};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A short human description of a type, for messages.
pub fn type_summary(t: &SchemaType) -> String {
    match t {
        SchemaType::Bool => "Bool".into(),
        SchemaType::Long => "Long".into(),
        SchemaType::String => "String".into(),
        SchemaType::Entity(e) => format!("entity type `{e}`"),
        SchemaType::Set(el) => format!("Set<{}>", type_summary(el)),
        SchemaType::Record(_) => "a record".into(),
        SchemaType::Extension(e) => e.name().into(),
    }
}

const RESERVED: &[&str] = &["true", "false", "if", "then", "else", "in", "is", "has", "like"];

fn is_ident(s: &str) -> bool {
    let mut ch = s.chars();
    matches!(ch.next(), Some(f) if f == '_' || f.is_ascii_alphabetic())
        && ch.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !RESERVED.contains(&s)
}

/// Namespace of an action UID (`NS` for `NS::Action::"x"`).
fn action_ns(uid: &EntityUid) -> &str {
    uid.ty.namespace()
}

struct Groups<'a> {
    entities: BTreeMap<&'a str, Vec<(&'a EntityType, &'a EntityTypeDef)>>,
    actions: BTreeMap<&'a str, Vec<(&'a EntityUid, &'a ActionDef)>>,
}

fn groups(s: &Schema) -> Groups<'_> {
    let mut g = Groups { entities: BTreeMap::new(), actions: BTreeMap::new() };
    for (t, d) in &s.entity_types {
        g.entities.entry(t.namespace()).or_default().push((t, d));
        g.actions.entry(t.namespace()).or_default();
    }
    for (u, d) in &s.actions {
        g.actions.entry(action_ns(u)).or_default().push((u, d));
        g.entities.entry(action_ns(u)).or_default();
    }
    g
}

impl Schema {
    /// The schema in the Cedar schema syntax.
    pub fn to_cedar_string(&self) -> String {
        let g = groups(self);
        let mut out = String::new();
        for (ns, ents) in &g.entities {
            let acts = &g.actions[ns];
            let indent = if ns.is_empty() { "" } else { "  " };
            if !ns.is_empty() {
                let _ = writeln!(out, "namespace {ns} {{");
            }
            for (t, d) in ents {
                let _ = write!(out, "{indent}entity {}", t.basename());
                if let Some(ids) = &d.enum_ids {
                    let ids: Vec<String> = ids.iter().map(|i| quote_string(i)).collect();
                    let _ = writeln!(out, " enum [{}];", ids.join(", "));
                    continue;
                }
                if !d.member_of_types.is_empty() {
                    let ps: Vec<&str> = d.member_of_types.iter().map(|p| p.0.as_str()).collect();
                    let _ = write!(out, " in [{}]", ps.join(", "));
                }
                if !d.attrs.attrs.is_empty() {
                    let _ = write!(out, " {}", self.cedar_record(&d.attrs, indent));
                }
                if let Some(tt) = &d.tags {
                    let _ = write!(out, " tags {}", self.cedar_type(tt, indent));
                }
                out.push_str(";\n");
            }
            for (u, d) in acts {
                let _ = write!(out, "{indent}action {}", quote_string(&u.id));
                if !d.member_of.is_empty() {
                    let ps: Vec<String> = d
                        .member_of
                        .iter()
                        .map(|p| if p.ty == u.ty { quote_string(&p.id) } else { p.to_string() })
                        .collect();
                    let _ = write!(out, " in [{}]", ps.join(", "));
                }
                if let Some(app) = &d.applies_to {
                    let list = |ts: &[EntityType]| ts.iter().map(|t| t.0.clone()).collect::<Vec<_>>().join(", ");
                    let _ = write!(
                        out,
                        " appliesTo {{\n{indent}  principal: [{}],\n{indent}  resource: [{}],\n{indent}  context: {}\n{indent}}}",
                        list(&app.principal_types),
                        list(&app.resource_types),
                        self.cedar_record(&app.context, &format!("{indent}  "))
                    );
                }
                out.push_str(";\n");
            }
            if !ns.is_empty() {
                out.push_str("}\n");
            }
        }
        out
    }

    /// A builtin name, qualified with `__cedar::` when a declared entity type
    /// has the same basename (and could therefore shadow it).
    fn builtin_name(&self, name: &str) -> String {
        if self.entity_types.keys().any(|t| t.basename() == name) {
            format!("__cedar::{name}")
        } else {
            name.to_string()
        }
    }

    fn cedar_type(&self, t: &SchemaType, indent: &str) -> String {
        match t {
            SchemaType::Bool => self.builtin_name("Bool"),
            SchemaType::Long => self.builtin_name("Long"),
            SchemaType::String => self.builtin_name("String"),
            SchemaType::Extension(e) => self.builtin_name(e.name()),
            SchemaType::Entity(e) => e.0.clone(),
            SchemaType::Set(el) => format!("Set<{}>", self.cedar_type(el, indent)),
            SchemaType::Record(r) => self.cedar_record(r, indent),
        }
    }

    fn cedar_record(&self, r: &RecordType, indent: &str) -> String {
        if r.attrs.is_empty() {
            return "{}".into();
        }
        let inner = format!("{indent}  ");
        let mut s = String::from("{\n");
        for (k, a) in &r.attrs {
            let name = if is_ident(k) { k.clone() } else { quote_string(k) };
            let q = if a.required { "" } else { "?" };
            let _ = writeln!(s, "{inner}{name}{q}: {},", self.cedar_type(&a.ty, &inner));
        }
        s.push_str(indent);
        s.push('}');
        s
    }

    /// The schema in the JSON schema format.
    pub fn to_json(&self) -> Json {
        let g = groups(self);
        let mut top = Map::new();
        for (ns, ents) in &g.entities {
            let mut ets = Map::new();
            for (t, d) in ents {
                let mut o = Map::new();
                if let Some(ids) = &d.enum_ids {
                    o.insert("enum".into(), json!(ids));
                } else {
                    if !d.member_of_types.is_empty() {
                        o.insert(
                            "memberOfTypes".into(),
                            json!(d.member_of_types.iter().map(|p| &p.0).collect::<Vec<_>>()),
                        );
                    }
                    o.insert("shape".into(), json_record(&d.attrs));
                    if let Some(tt) = &d.tags {
                        o.insert("tags".into(), json_type(tt));
                    }
                }
                ets.insert(t.basename().to_string(), Json::Object(o));
            }
            let mut acts = Map::new();
            for (u, d) in &g.actions[ns] {
                let mut o = Map::new();
                if !d.member_of.is_empty() {
                    let ps: Vec<Json> = d
                        .member_of
                        .iter()
                        .map(|p| if p.ty == u.ty { json!({"id": p.id}) } else { json!({"id": p.id, "type": p.ty.0}) })
                        .collect();
                    o.insert("memberOf".into(), Json::Array(ps));
                }
                if let Some(app) = &d.applies_to {
                    o.insert(
                        "appliesTo".into(),
                        json!({
                            "principalTypes": app.principal_types.iter().map(|t| &t.0).collect::<Vec<_>>(),
                            "resourceTypes": app.resource_types.iter().map(|t| &t.0).collect::<Vec<_>>(),
                            "context": json_record(&app.context),
                        }),
                    );
                }
                acts.insert(u.id.clone(), Json::Object(o));
            }
            top.insert(ns.to_string(), json!({"entityTypes": ets, "actions": acts}));
        }
        Json::Object(top)
    }
}

fn json_type(t: &SchemaType) -> Json {
    match t {
        SchemaType::Bool => json!({"type": "Boolean"}),
        SchemaType::Long => json!({"type": "Long"}),
        SchemaType::String => json!({"type": "String"}),
        SchemaType::Extension(e) => json!({"type": "Extension", "name": e.name()}),
        SchemaType::Entity(e) => json!({"type": "Entity", "name": e.0}),
        SchemaType::Set(el) => json!({"type": "Set", "element": json_type(el)}),
        SchemaType::Record(r) => json_record(r),
    }
}

fn json_record(r: &RecordType) -> Json {
    let mut attrs = Map::new();
    for (k, a) in &r.attrs {
        let mut t = json_type(&a.ty);
        if !a.required {
            if let Json::Object(o) = &mut t {
                o.insert("required".into(), Json::Bool(false));
            }
        }
        attrs.insert(k.clone(), t);
    }
    json!({"type": "Record", "attributes": attrs})
}
