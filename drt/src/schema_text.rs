//! The internal schema printed in Cedar schema syntax, for reports and
//! exported tests. Declarations are grouped by namespace; every reference is
//! written fully qualified so no name resolution is needed to read it back.

use engine::ast::{quote_string, EntityType, EntityUid};
use engine::schema::{AttributeType, RecordType, Schema, SchemaType};
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn schema_to_text(s: &Schema) -> String {
    // namespace -> declarations
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (ty, def) in &s.entity_types {
        let mut d = format!("entity {}", ident(ty.basename()));
        if let Some(ids) = &def.enum_ids {
            let ids: Vec<String> = ids.iter().map(|i| quote_string(i)).collect();
            write!(d, " enum [{}];", ids.join(", ")).unwrap();
        } else {
            if !def.member_of_types.is_empty() {
                let ps: Vec<String> = def.member_of_types.iter().map(|t| t.0.clone()).collect();
                write!(d, " in [{}]", ps.join(", ")).unwrap();
            }
            if !def.attrs.attrs.is_empty() {
                write!(d, " {}", record(&def.attrs, 1)).unwrap();
            }
            if let Some(t) = &def.tags {
                write!(d, " tags {}", ty_text(t, 1)).unwrap();
            }
            d.push(';');
        }
        groups.entry(ty.namespace().to_string()).or_default().push(d);
    }
    for (uid, def) in &s.actions {
        let mut d = format!("action {}", quote_string(&uid.id));
        if !def.member_of.is_empty() {
            let ps: Vec<String> = def.member_of.iter().map(action_ref).collect();
            write!(d, " in [{}]", ps.join(", ")).unwrap();
        }
        if let Some(a) = &def.applies_to {
            let list = |ts: &[EntityType]| ts.iter().map(|t| t.0.clone()).collect::<Vec<_>>().join(", ");
            write!(
                d,
                " appliesTo {{\n    principal: [{}],\n    resource: [{}],\n    context: {}\n  }}",
                list(&a.principal_types),
                list(&a.resource_types),
                record(&a.context, 2)
            )
            .unwrap();
        }
        d.push(';');
        groups.entry(uid.ty.namespace().to_string()).or_default().push(d);
    }
    let mut out = String::new();
    for (ns, decls) in groups {
        if ns.is_empty() {
            for d in decls {
                out.push_str(&d);
                out.push('\n');
            }
        } else {
            writeln!(out, "namespace {ns} {{").unwrap();
            for d in decls {
                writeln!(out, "  {d}").unwrap();
            }
            out.push_str("}\n");
        }
    }
    out
}

fn action_ref(u: &EntityUid) -> String {
    format!("{}::{}", u.ty, quote_string(&u.id))
}

fn ty_text(t: &SchemaType, indent: usize) -> String {
    match t {
        SchemaType::Bool => "Bool".into(),
        SchemaType::Long => "Long".into(),
        SchemaType::String => "String".into(),
        SchemaType::Entity(e) => e.0.clone(),
        SchemaType::Set(e) => format!("Set<{}>", ty_text(e, indent)),
        SchemaType::Record(r) => record(r, indent),
        SchemaType::Extension(x) => x.name().into(),
    }
}

fn record(r: &RecordType, indent: usize) -> String {
    if r.attrs.is_empty() {
        return "{}".into();
    }
    let pad = "  ".repeat(indent + 1);
    let mut out = String::from("{\n");
    for (i, (k, AttributeType { ty, required })) in r.attrs.iter().enumerate() {
        let sep = if i + 1 < r.attrs.len() { "," } else { "" };
        let q = if *required { "" } else { "?" };
        writeln!(out, "{pad}{}{q}: {}{sep}", ident(k), ty_text(ty, indent + 1)).unwrap();
    }
    out.push_str(&"  ".repeat(indent));
    out.push('}');
    out
}

/// An attribute or type name as written: bare when it is an identifier,
/// quoted otherwise.
fn ident(s: &str) -> String {
    let ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(s, "true" | "false" | "if" | "then" | "else" | "in" | "is" | "like" | "has");
    if ok {
        s.to_string()
    } else {
        quote_string(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::schema::{ActionDef, AppliesTo, EntityTypeDef};

    #[test]
    fn prints_namespaced_schema() {
        let mut s = Schema::default();
        let mut user = EntityTypeDef::default();
        user.member_of_types.insert(EntityType::new("NS::Group"));
        user.attrs.attrs.insert("age".into(), AttributeType { ty: SchemaType::Long, required: false });
        s.entity_types.insert(EntityType::new("NS::User"), user);
        s.entity_types.insert(EntityType::new("NS::Group"), EntityTypeDef::default());
        s.actions.insert(
            EntityUid::new("NS::Action", "view"),
            ActionDef {
                member_of: vec![],
                applies_to: Some(AppliesTo {
                    principal_types: vec![EntityType::new("NS::User")],
                    resource_types: vec![EntityType::new("NS::Group")],
                    context: RecordType::default(),
                }),
            },
        );
        let t = schema_to_text(&s);
        assert!(t.starts_with("namespace NS {\n"), "{t}");
        assert!(t.contains("entity User in [NS::Group] {\n    age?: Long\n  };"), "{t}");
        assert!(t.contains("action \"view\" appliesTo {"), "{t}");
        assert!(t.contains("principal: [NS::User]"), "{t}");
    }
}

#[cfg(test)]
mod cross_tests {
    use super::*;
    use engine::schema::{ActionDef, AppliesTo, EntityTypeDef, ExtType};

    /// The engine's schema parser reads back what we print.
    #[test]
    fn engine_reads_printed_schema() {
        let mut s = Schema::default();
        let mut user = EntityTypeDef::default();
        user.member_of_types.insert(EntityType::new("NS::Group"));
        user.attrs.attrs.insert("age".into(), AttributeType { ty: SchemaType::Long, required: false });
        user.attrs
            .attrs
            .insert("ip addr".into(), AttributeType { ty: SchemaType::Extension(ExtType::IpAddr), required: true });
        user.attrs.attrs.insert(
            "tags".into(),
            AttributeType {
                ty: SchemaType::Set(Box::new(SchemaType::Entity(EntityType::new("NS::Group")))),
                required: true,
            },
        );
        user.tags = Some(SchemaType::String);
        s.entity_types.insert(EntityType::new("NS::User"), user);
        s.entity_types.insert(EntityType::new("NS::Group"), EntityTypeDef::default());
        s.entity_types.insert(
            EntityType::new("NS::Color"),
            EntityTypeDef { enum_ids: Some(vec!["red".into(), "blue".into()]), ..Default::default() },
        );
        let mut ctx = RecordType::default();
        ctx.attrs.insert("when".into(), AttributeType { ty: SchemaType::Extension(ExtType::Datetime), required: true });
        s.actions.insert(EntityUid::new("NS::Action", "all"), ActionDef { member_of: vec![], applies_to: None });
        s.actions.insert(
            EntityUid::new("NS::Action", "view"),
            ActionDef {
                member_of: vec![EntityUid::new("NS::Action", "all")],
                applies_to: Some(AppliesTo {
                    principal_types: vec![EntityType::new("NS::User")],
                    resource_types: vec![EntityType::new("NS::Group")],
                    context: ctx,
                }),
            },
        );
        let text = schema_to_text(&s);
        let back = Schema::from_cedar_str(&text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        assert_eq!(back, s, "{text}");
    }
}
