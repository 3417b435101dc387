//! Reader for the JSON schema format (docs/semantics.md §8.3). Produces the same
//! unresolved `raw` form as the Cedar-syntax reader; errors carry a JSON path.

use super::error::{SchemaError, Where};
use super::raw::*;
use serde_json::{Map, Value as Json};

type R<T> = Result<T, SchemaError>;

fn err<T>(path: &str, msg: impl Into<String>) -> R<T> {
    Err(SchemaError::new(Where::Path(path.to_string()), msg))
}

fn sub(path: &str, key: &str) -> String {
    let simple = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    let k = if simple { key.to_string() } else { serde_json::to_string(key).unwrap_or_default() };
    if path.is_empty() {
        k
    } else {
        format!("{path}.{k}")
    }
}

fn object<'a>(v: &'a Json, path: &str) -> R<&'a Map<String, Json>> {
    v.as_object().map_or_else(|| err(path, "expected a JSON object"), Ok)
}

fn only_keys(o: &Map<String, Json>, allowed: &[&str], path: &str) -> R<()> {
    for k in o.keys() {
        if !allowed.contains(&k.as_str()) {
            return err(&sub(path, k), format!("unknown field `{k}` (expected one of {})", allowed.join(", ")));
        }
    }
    Ok(())
}

fn string<'a>(v: &'a Json, path: &str) -> R<&'a str> {
    v.as_str().map_or_else(|| err(path, "expected a string"), Ok)
}

fn array<'a>(v: &'a Json, path: &str) -> R<&'a Vec<Json>> {
    v.as_array().map_or_else(|| err(path, "expected a JSON array"), Ok)
}

/// Validate a (possibly `::`-qualified) name: every component an identifier.
fn check_name(s: &str, path: &str, what: &str) -> R<()> {
    const RESERVED: &[&str] = &["true", "false", "if", "then", "else", "in", "is", "has", "like"];
    let ok = s.split("::").all(|c| {
        let mut ch = c.chars();
        matches!(ch.next(), Some(f) if f == '_' || f.is_ascii_alphabetic())
            && ch.all(|c| c == '_' || c.is_ascii_alphanumeric())
            && !RESERVED.contains(&c)
    });
    if ok {
        Ok(())
    } else {
        err(path, format!("`{s}` is not a valid {what}"))
    }
}

fn annotations(v: &Json, path: &str) -> R<()> {
    let o = object(v, path)?;
    for (k, val) in o {
        if !val.is_string() && !val.is_null() {
            return err(&sub(path, k), "an annotation value must be a string");
        }
    }
    Ok(())
}

pub(crate) fn parse(v: &Json) -> R<Vec<RawNamespace>> {
    let top = object(v, "")?;
    let mut out = Vec::new();
    for (ns_name, ns) in top {
        let path = if ns_name.is_empty() { "\"\"".to_string() } else { sub("", ns_name) };
        if !ns_name.is_empty() {
            check_name(ns_name, &path, "namespace name")?;
        }
        let o = object(ns, &path)?;
        only_keys(o, &["entityTypes", "actions", "commonTypes", "annotations"], &path)?;
        if let Some(a) = o.get("annotations") {
            annotations(a, &sub(&path, "annotations"))?;
        }
        let mut raw = RawNamespace {
            name: ns_name.clone(),
            at: Where::Path(path.clone()),
            entities: vec![],
            actions: vec![],
            commons: vec![],
        };
        let ets = o.get("entityTypes").map_or_else(|| err(&path, "missing field `entityTypes`"), Ok)?;
        let ep = sub(&path, "entityTypes");
        for (name, e) in object(ets, &ep)? {
            let p = sub(&ep, name);
            check_name(name, &p, "entity type name")?;
            if name.contains("::") {
                return err(&p, format!("entity type name `{name}` must not be qualified"));
            }
            raw.entities.push(entity(name, e, &p)?);
        }
        let acts = o.get("actions").map_or_else(|| err(&path, "missing field `actions`"), Ok)?;
        let ap = sub(&path, "actions");
        for (name, a) in object(acts, &ap)? {
            raw.actions.push(action(name, a, &sub(&ap, name))?);
        }
        if let Some(cts) = o.get("commonTypes") {
            let cp = sub(&path, "commonTypes");
            for (name, t) in object(cts, &cp)? {
                let p = sub(&cp, name);
                check_name(name, &p, "common type name")?;
                if name.contains("::") {
                    return err(&p, format!("common type name `{name}` must not be qualified"));
                }
                raw.commons.push(RawCommon { name: name.clone(), at: Where::Path(p.clone()), ty: ty(t, &p, 0)? });
            }
        }
        out.push(raw);
    }
    Ok(out)
}

fn entity(name: &str, v: &Json, path: &str) -> R<RawEntity> {
    let o = object(v, path)?;
    let mut e = RawEntity {
        name: name.to_string(),
        at: Where::Path(path.to_string()),
        parents: vec![],
        shape: None,
        tags: None,
        enum_ids: None,
    };
    if let Some(en) = o.get("enum") {
        only_keys(o, &["enum", "annotations"], path)?;
        let p = sub(path, "enum");
        let mut ids = Vec::new();
        for (i, id) in array(en, &p)?.iter().enumerate() {
            ids.push(string(id, &format!("{p}[{i}]"))?.to_string());
        }
        if ids.is_empty() {
            return err(&p, "an enum entity type needs at least one id");
        }
        e.enum_ids = Some(ids);
    } else {
        only_keys(o, &["memberOfTypes", "shape", "tags", "annotations"], path)?;
        if let Some(m) = o.get("memberOfTypes") {
            let p = sub(path, "memberOfTypes");
            for (i, t) in array(m, &p)?.iter().enumerate() {
                let ip = format!("{p}[{i}]");
                let s = string(t, &ip)?;
                check_name(s, &ip, "entity type name")?;
                e.parents.push((s.to_string(), Where::Path(ip)));
            }
        }
        if let Some(s) = o.get("shape") {
            e.shape = Some(ty(s, &sub(path, "shape"), 0)?);
        }
        if let Some(t) = o.get("tags") {
            e.tags = Some(ty(t, &sub(path, "tags"), 0)?);
        }
    }
    if let Some(a) = o.get("annotations") {
        annotations(a, &sub(path, "annotations"))?;
    }
    Ok(e)
}

fn action(name: &str, v: &Json, path: &str) -> R<RawAction> {
    let o = object(v, path)?;
    only_keys(o, &["memberOf", "appliesTo", "annotations", "attributes"], path)?;
    if let Some(at) = o.get("attributes") {
        if !matches!(at, Json::Object(m) if m.is_empty()) && !at.is_null() {
            return err(&sub(path, "attributes"), "action attributes are not supported");
        }
    }
    let mut a =
        RawAction { name: name.to_string(), at: Where::Path(path.to_string()), parents: vec![], applies_to: None };
    if let Some(m) = o.get("memberOf") {
        let p = sub(path, "memberOf");
        for (i, r) in array(m, &p)?.iter().enumerate() {
            let ip = format!("{p}[{i}]");
            let ro = object(r, &ip)?;
            only_keys(ro, &["id", "type"], &ip)?;
            let id = string(ro.get("id").map_or_else(|| err(&ip, "missing field `id`"), Ok)?, &sub(&ip, "id"))?;
            let t = match ro.get("type") {
                Some(t) => {
                    let s = string(t, &sub(&ip, "type"))?;
                    check_name(s, &sub(&ip, "type"), "action type")?;
                    Some(s.to_string())
                }
                None => None,
            };
            a.parents.push(RawActionRef { ty: t, id: id.to_string(), at: Where::Path(ip) });
        }
    }
    if let Some(app) = o.get("appliesTo") {
        if !app.is_null() {
            let p = sub(path, "appliesTo");
            let ao = object(app, &p)?;
            only_keys(ao, &["principalTypes", "resourceTypes", "context"], &p)?;
            let list = |key: &str| -> R<Vec<(String, Where)>> {
                let lp = sub(&p, key);
                let mut out = Vec::new();
                if let Some(l) = ao.get(key) {
                    for (i, t) in array(l, &lp)?.iter().enumerate() {
                        let ip = format!("{lp}[{i}]");
                        let s = string(t, &ip)?;
                        check_name(s, &ip, "entity type name")?;
                        out.push((s.to_string(), Where::Path(ip)));
                    }
                }
                Ok(out)
            };
            let principals = list("principalTypes")?;
            let resources = list("resourceTypes")?;
            let context = match ao.get("context") {
                Some(c) => Some(ty(c, &sub(&p, "context"), 0)?),
                None => None,
            };
            a.applies_to = Some(RawAppliesTo { principals, resources, context });
        }
    }
    if let Some(an) = o.get("annotations") {
        annotations(an, &sub(path, "annotations"))?;
    }
    Ok(a)
}

fn ty(v: &Json, path: &str, depth: usize) -> R<RawType> {
    if depth > MAX_DEPTH {
        return err(path, format!("types nested deeper than {MAX_DEPTH} levels"));
    }
    let o = object(v, path)?;
    let t = string(o.get("type").map_or_else(|| err(path, "missing field `type`"), Ok)?, &sub(path, "type"))?;
    let name = |o: &Map<String, Json>| -> R<String> {
        let s = string(o.get("name").map_or_else(|| err(path, "missing field `name`"), Ok)?, &sub(path, "name"))?;
        check_name(s, &sub(path, "name"), "type name")?;
        Ok(s.to_string())
    };
    let at = Where::Path(path.to_string());
    Ok(match t {
        "Long" | "String" | "Boolean" => {
            only_keys(o, &["type", "annotations"], path)?;
            match t {
                "Long" => RawType::Long,
                "String" => RawType::String,
                _ => RawType::Bool,
            }
        }
        "Set" => {
            only_keys(o, &["type", "element", "annotations"], path)?;
            let el = o.get("element").map_or_else(|| err(path, "missing field `element`"), Ok)?;
            RawType::Set(Box::new(ty(el, &sub(path, "element"), depth + 1)?))
        }
        "Record" => {
            only_keys(o, &["type", "attributes", "additionalAttributes", "annotations"], path)?;
            if let Some(x) = o.get("additionalAttributes") {
                if x != &Json::Bool(false) {
                    return err(&sub(path, "additionalAttributes"), "`additionalAttributes: true` is not supported");
                }
            }
            let mut attrs = Vec::new();
            let a = o.get("attributes").map_or_else(|| err(path, "missing field `attributes`"), Ok)?;
            {
                let ap = sub(path, "attributes");
                for (k, at) in object(a, &ap)? {
                    let kp = sub(&ap, k);
                    let required = match object(at, &kp)?.get("required") {
                        None => true,
                        Some(Json::Bool(b)) => *b,
                        Some(_) => return err(&sub(&kp, "required"), "expected a boolean"),
                    };
                    let ty = attr_ty(at, &kp, depth + 1)?;
                    attrs.push(RawAttr { name: k.clone(), required, ty });
                }
            }
            RawType::Record(attrs)
        }
        "Entity" => {
            only_keys(o, &["type", "name", "annotations"], path)?;
            RawType::Ref { name: name(o)?, kind: RefKind::Entity, at }
        }
        "Extension" => {
            only_keys(o, &["type", "name", "annotations"], path)?;
            let n = name(o)?;
            match ext_type(&n) {
                Some(e) => RawType::Ext(e),
                None => return err(&sub(path, "name"), format!("unknown extension type `{n}`")),
            }
        }
        "EntityOrCommon" => {
            only_keys(o, &["type", "name", "annotations"], path)?;
            RawType::Ref { name: name(o)?, kind: RefKind::EntityOrCommon, at }
        }
        other => {
            only_keys(o, &["type", "annotations"], path)?;
            check_name(other, &sub(path, "type"), "type name")?;
            RawType::Ref { name: other.to_string(), kind: RefKind::Common, at }
        }
    })
}

/// An attribute's type: a type object that may also carry `required`.
fn attr_ty(v: &Json, path: &str, depth: usize) -> R<RawType> {
    let mut o = object(v, path)?.clone();
    o.remove("required");
    ty(&Json::Object(o), path, depth)
}
