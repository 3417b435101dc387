//! `data-validation`: entities and requests checked against the schema.
//!
//! The generated data conforms to its schema, so our engine must accept it
//! (entities read with `Entities::from_json_conforming`, each request with
//! schema-directed parsing and `validate_request`). Then one wrongness is
//! injected into the rendered JSON (chosen from the input's seed among those
//! that apply), and the engine must refuse the data. A refusal of valid data
//! and an acceptance of wrong data are both findings.

use crate::diff::Verdict;
use crate::targets::{property, Target};
use engine::entities::Entities;
use engine::request::Request;
use engine::schema::{Schema, SchemaType};
use generators::render::DataWriter;
use generators::{AuthInput, Choices, SeededSource};
use serde_json::{json, Value as Json};
use std::fmt::Write;

/// One way for data not to conform to its schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrong {
    AttrType,
    MissingAttr,
    UndeclaredAttr,
    ParentType,
    UndeclaredEntityType,
    ActionWithNonActionParent,
    ActionAncestorsDiffer,
    ActionGroupLeftOut,
    ConflictingDuplicate,
    HierarchyCycle,
    TagType,
    UndeclaredTags,
    EnumId,
    PrincipalType,
    ResourceType,
    UndeclaredAction,
    ContextAttrType,
    MissingContextAttr,
    UndeclaredContextAttr,
}

pub const ALL_WRONGS: [Wrong; 19] = [
    Wrong::AttrType,
    Wrong::MissingAttr,
    Wrong::UndeclaredAttr,
    Wrong::ParentType,
    Wrong::UndeclaredEntityType,
    Wrong::ActionWithNonActionParent,
    Wrong::ActionAncestorsDiffer,
    Wrong::ActionGroupLeftOut,
    Wrong::ConflictingDuplicate,
    Wrong::HierarchyCycle,
    Wrong::TagType,
    Wrong::UndeclaredTags,
    Wrong::EnumId,
    Wrong::PrincipalType,
    Wrong::ResourceType,
    Wrong::UndeclaredAction,
    Wrong::ContextAttrType,
    Wrong::MissingContextAttr,
    Wrong::UndeclaredContextAttr,
];

/// The rendered data of one input.
#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub entities: Json,
    pub requests: Vec<Json>,
}

impl Data {
    /// The input's entities and requests, written by the independent writer.
    pub(crate) fn render(i: &AuthInput) -> Data {
        let mut w = DataWriter::new(i.render_seed);
        Data { entities: w.entities(&i.entities), requests: i.requests.iter().map(|r| w.request(r)).collect() }
    }
}

/// A copy of `valid` with one wrongness injected: the first, in an order
/// drawn from `seed`, that applies to this input; with what was done.
pub(crate) fn inject_one(schema: &Schema, valid: &Data, seed: u64) -> Option<(Wrong, String, Data)> {
    let mut c = SeededSource::new(seed ^ 0x9e37_79b9_7f4a_7c15);
    let mut order = ALL_WRONGS.to_vec();
    for k in (1..order.len()).rev() {
        order.swap(k, c.below(k + 1));
    }
    order.into_iter().find_map(|wrong| {
        let mut bad = valid.clone();
        inject(wrong, schema, &mut bad, &mut c).map(|what| (wrong, what, bad))
    })
}

pub fn check(i: &AuthInput) -> Verdict {
    let Some(schema) = &i.schema else { return Verdict::Skipped };
    let valid = Data::render(i);
    if let Err(e) = read(schema, &valid) {
        return finding(schema, &valid, format!("generated data that conforms to the schema was refused: {e}"));
    }
    match inject_one(schema, &valid, i.render_seed) {
        Some((wrong, what, bad)) => match read(schema, &bad) {
            Ok(()) => finding(schema, &bad, format!("data with an injected wrongness was accepted: {wrong:?}: {what}")),
            Err(_) => Verdict::Agree,
        },
        None => Verdict::Agree,
    }
}

/// Our engine's reading of the data with the schema.
fn read(schema: &Schema, d: &Data) -> Result<(), String> {
    Entities::from_json_conforming(&d.entities, schema).map_err(|e| format!("entities: {e}"))?;
    for (k, r) in d.requests.iter().enumerate() {
        let req = Request::from_json(r, Some(schema)).map_err(|e| format!("request {k}: {e}"))?;
        engine::validator::validate_request(schema, &req).map_err(|e| format!("request {k}: {e}"))?;
    }
    Ok(())
}

fn finding(schema: &Schema, d: &Data, msg: String) -> Verdict {
    let mut r = msg;
    write!(r, "\n--- schema ---\n{}", crate::schema_text::schema_to_text(schema)).unwrap();
    write!(r, "\n--- entities ---\n{}", serde_json::to_string_pretty(&d.entities).unwrap_or_default()).unwrap();
    for (k, q) in d.requests.iter().enumerate() {
        write!(r, "\n--- request {k} ---\n{q}").unwrap();
    }
    property(Target::DataValidation, "data-validation", r)
}

/// `(type, id)` of an entity reference in either spelling.
fn uid_parts(j: &Json) -> Option<(&str, &str)> {
    let j = j.get("__entity").unwrap_or(j);
    Some((j.get("type")?.as_str()?, j.get("id")?.as_str()?))
}

/// A JSON value no reader may take for a value of type `ty`.
fn wrong_value(ty: &SchemaType) -> Json {
    match ty {
        SchemaType::Long => json!("not a long"),
        SchemaType::Bool => json!("true"),
        SchemaType::Extension(_) => json!(true),
        SchemaType::String | SchemaType::Entity(_) | SchemaType::Set(_) | SchemaType::Record(_) => json!(7),
    }
}

/// The types an entity of type `t` may have as ancestors.
fn member_of_closure(schema: &Schema, t: &str) -> std::collections::BTreeSet<engine::ast::EntityType> {
    let mut seen = std::collections::BTreeSet::new();
    let mut stack: Vec<engine::ast::EntityType> = schema
        .entity_types
        .get(&engine::ast::EntityType::new(t))
        .map_or(vec![], |d| d.member_of_types.iter().cloned().collect());
    while let Some(x) = stack.pop() {
        if seen.insert(x.clone()) {
            stack.extend(schema.entity_types.get(&x).into_iter().flat_map(|d| d.member_of_types.iter().cloned()));
        }
    }
    seen
}

/// The ancestors of entry `k` as the file alone gives them: its parents,
/// their parents where the file lists them, and so on.
fn file_ancestors(list: &[Json], k: usize) -> std::collections::BTreeSet<(String, String)> {
    let parents_of = |uid: &(String, String)| -> Vec<(String, String)> {
        let entry = list
            .iter()
            .find(|e| e.get("uid").and_then(uid_parts).is_some_and(|(t, i)| (t, i) == (&uid.0[..], &uid.1[..])));
        entry
            .and_then(|e| e["parents"].as_array())
            .map_or(vec![], |ps| ps.iter().filter_map(uid_parts).map(|(t, i)| (t.to_string(), i.to_string())).collect())
    };
    let mut seen = std::collections::BTreeSet::new();
    let start = list[k].get("uid").and_then(uid_parts).map(|(t, i)| (t.to_string(), i.to_string()));
    let mut todo: Vec<(String, String)> = start.map_or(vec![], |u| parents_of(&u));
    while let Some(u) = todo.pop() {
        if seen.insert(u.clone()) {
            todo.extend(parents_of(&u));
        }
    }
    seen
}

/// Indices of the action entities in `list` that satisfy `keep`.
fn action_entries(list: &[Json], keep: impl Fn(&Json) -> bool) -> Vec<usize> {
    let is_action = |e: &Json| e.get("uid").and_then(uid_parts).is_some_and(|(t, _)| t.ends_with("Action"));
    list.iter().enumerate().filter(|(_, e)| is_action(e) && keep(e)).map(|(k, _)| k).collect()
}

fn pick<'a, T, C: Choices>(c: &mut C, xs: &'a [T]) -> Option<&'a T> {
    if xs.is_empty() {
        None
    } else {
        Some(c.pick(xs))
    }
}

/// Make `d` wrong in the way `wrong` names, if that applies to this input;
/// returns what was done.
fn inject<C: Choices>(wrong: Wrong, schema: &Schema, d: &mut Data, c: &mut C) -> Option<String> {
    let Json::Array(list) = &mut d.entities else { return None };
    // The writer repeats an entry now and then; a change to one copy would
    // make a conflicting duplicate instead of the wrongness named, so keep
    // the first entry of each entity.
    let mut seen = std::collections::HashSet::new();
    list.retain(|e| seen.insert(e.get("uid").and_then(uid_parts).map(|(t, i)| (t.to_string(), i.to_string()))));
    // Indices of standard (declared, non-enum) entities, with their type.
    let standard: Vec<(usize, String)> = list
        .iter()
        .enumerate()
        .filter_map(|(k, e)| {
            let (t, _) = uid_parts(e.get("uid")?)?;
            let def = schema.entity_types.get(&engine::ast::EntityType::new(t))?;
            def.enum_ids.is_none().then(|| (k, t.to_string()))
        })
        .collect();
    let def_of = |t: &str| &schema.entity_types[&engine::ast::EntityType::new(t)];
    match wrong {
        Wrong::AttrType | Wrong::MissingAttr => {
            let mut cands = Vec::new();
            for (k, t) in &standard {
                for (name, at) in &def_of(t).attrs.attrs {
                    if list[*k]["attrs"].get(name).is_some() && (wrong == Wrong::AttrType || at.required) {
                        cands.push((*k, name.clone(), at.ty.clone()));
                    }
                }
            }
            let (k, name, ty) = pick(c, &cands)?.clone();
            let attrs = list[k]["attrs"].as_object_mut()?;
            if wrong == Wrong::AttrType {
                attrs.insert(name.clone(), wrong_value(&ty));
                Some(format!("entity {k}: attribute `{name}` given a value of the wrong type"))
            } else {
                attrs.remove(&name);
                Some(format!("entity {k}: required attribute `{name}` removed"))
            }
        }
        Wrong::UndeclaredAttr => {
            let (k, _) = pick(c, &standard)?.clone();
            list[k]["attrs"].as_object_mut()?.insert("zzUndeclared".into(), json!(1));
            Some(format!("entity {k}: undeclared attribute `zzUndeclared` added"))
        }
        Wrong::ParentType => {
            // Cedar checks every ancestor against the types reachable through
            // `memberOf` (transitively), so the parent must be outside those.
            let mut cands = Vec::new();
            for (k, t) in &standard {
                let reachable = member_of_closure(schema, t);
                for (pt, pdef) in &schema.entity_types {
                    if pdef.enum_ids.is_none() && !reachable.contains(pt) {
                        cands.push((*k, pt.0.clone()));
                    }
                }
            }
            let (k, pt) = pick(c, &cands)?.clone();
            // An id no entity has: a parent that exists could close a cycle
            // (the entity itself, or one of its descendants), which loaders
            // refuse before any schema check.
            list[k]["parents"].as_array_mut()?.push(json!({"type": pt, "id": "zzNoSuchEntity"}));
            Some(format!("entity {k}: parent of type `{pt}`, which its type may not be a member of"))
        }
        Wrong::UndeclaredEntityType => {
            list.push(json!({"uid": {"type": "ZzUndeclared", "id": "x"}, "attrs": {}, "parents": []}));
            Some("an entity of the undeclared type `ZzUndeclared` added".into())
        }
        Wrong::ActionWithNonActionParent => {
            let k = *pick(c, &action_entries(list, |_| true))?;
            let (_, t) = pick(c, &standard)?.clone();
            list[k]["parents"].as_array_mut()?.push(json!({"type": t, "id": "alice"}));
            Some(format!("action entity {k} given a parent of the non-action type `{t}`"))
        }
        Wrong::ActionAncestorsDiffer => {
            // An action listed in the file must have exactly the schema's
            // ancestors (docs/semantics.md §6.3 step 5): drop its parents.
            let with_parents = |e: &Json| e["parents"].as_array().is_some_and(|ps| !ps.is_empty());
            let k = *pick(c, &action_entries(list, with_parents))?;
            list[k]["parents"] = json!([]);
            Some(format!("action entity {k} listed without the parents the schema gives it"))
        }
        Wrong::ActionGroupLeftOut => {
            // Leave out the entry of an action group that is itself in a
            // group, where that changes the ancestors some listed action gets
            // from the file: its declared parents stay, but the schema gives
            // it the group's own ancestors too (docs/semantics.md §6.3 step 5
            // compares the closed sets). The valid file has exactly the
            // schema's ancestors, so a change is a mismatch.
            let actions = action_entries(list, |_| true);
            let groups: Vec<usize> = action_entries(list, |e| e["parents"].as_array().is_some_and(|ps| !ps.is_empty()))
                .into_iter()
                .filter(|g| {
                    let mut without = list.clone();
                    without.remove(*g);
                    actions.iter().filter(|a| *a != g).any(|a| {
                        let a_now = if a < g { *a } else { a - 1 };
                        file_ancestors(list, *a) != file_ancestors(&without, a_now)
                    })
                })
                .collect();
            let g = *pick(c, &groups)?;
            let removed = list.remove(g);
            Some(format!("the entry of action group {} (itself in a group) left out", removed["uid"]))
        }
        Wrong::ConflictingDuplicate => {
            // A second entry for the same entity that differs (step 2).
            let with_parents: Vec<usize> = standard
                .iter()
                .map(|(k, _)| *k)
                .filter(|k| list[*k]["parents"].as_array().is_some_and(|ps| !ps.is_empty()))
                .collect();
            let k = *pick(c, &with_parents)?;
            let mut again = list[k].clone();
            again["parents"] = json!([]);
            list.push(again);
            Some(format!("entity {k} listed again without its parents"))
        }
        Wrong::HierarchyCycle => {
            // An entity its own parent, of a type that may be a member of
            // itself (so only the cycle is wrong; docs/semantics.md §6.3 step 4).
            let cands: Vec<&(usize, String)> = standard
                .iter()
                .filter(|(_, t)| def_of(t).member_of_types.contains(&engine::ast::EntityType::new(t.as_str())))
                .collect();
            let (k, _) = *pick(c, &cands)?;
            let uid = list[*k]["uid"].clone();
            list[*k]["parents"].as_array_mut()?.push(uid);
            Some(format!("entity {k} made its own parent"))
        }
        Wrong::TagType | Wrong::UndeclaredTags => {
            let cands: Vec<&(usize, String)> =
                standard.iter().filter(|(_, t)| def_of(t).tags.is_some() == (wrong == Wrong::TagType)).collect();
            let (k, t) = (*pick(c, &cands)?).clone();
            let v = def_of(&t).tags.as_ref().map_or(json!(1), wrong_value);
            list[k].as_object_mut()?.insert("tags".into(), json!({ "t": v }));
            Some(match wrong {
                Wrong::TagType => format!("entity {k}: a tag of the wrong type"),
                _ => format!("entity {k}: a tag although type `{t}` declares none"),
            })
        }
        Wrong::EnumId => {
            let enums: Vec<String> =
                schema.entity_types.iter().filter(|(_, d)| d.enum_ids.is_some()).map(|(t, _)| t.0.clone()).collect();
            let t = pick(c, &enums)?.clone();
            list.push(json!({"uid": {"type": t, "id": "zzNotInTheEnum"}, "attrs": {}, "parents": []}));
            Some(format!("an entity of the enumerated type `{t}` with an undeclared id"))
        }
        Wrong::PrincipalType | Wrong::ResourceType | Wrong::UndeclaredAction => {
            let k = c.below(d.requests.len().max(1));
            let r = d.requests.get_mut(k)?;
            let (at, aid) = uid_parts(r.get("action")?)?;
            let action = engine::ast::EntityUid::new(at, aid);
            if wrong == Wrong::UndeclaredAction {
                r["action"] = json!({"type": at, "id": "zzUndeclaredAction"});
                return Some(format!("request {k}: an undeclared action"));
            }
            let applies = schema.actions.get(&action)?.applies_to.as_ref()?;
            let (field, allowed) = match wrong {
                Wrong::PrincipalType => ("principal", &applies.principal_types),
                _ => ("resource", &applies.resource_types),
            };
            let others: Vec<&engine::ast::EntityType> = schema
                .entity_types
                .iter()
                .filter(|(t, d)| d.enum_ids.is_none() && !allowed.contains(t))
                .map(|(t, _)| t)
                .collect();
            let t = (*pick(c, &others)?).clone();
            r[field] = json!({"type": t.0, "id": "alice"});
            Some(format!("request {k}: {field} of type `{}`, which `{action}` does not apply to", t.0))
        }
        Wrong::ContextAttrType | Wrong::MissingContextAttr | Wrong::UndeclaredContextAttr => {
            let k = c.below(d.requests.len().max(1));
            let r = d.requests.get_mut(k)?;
            let (at, aid) = uid_parts(r.get("action")?)?;
            let action = engine::ast::EntityUid::new(at, aid);
            let ctx_ty = schema.actions.get(&action)?.applies_to.as_ref()?.context.clone();
            let ctx = r.get_mut("context")?.as_object_mut()?;
            if wrong == Wrong::UndeclaredContextAttr {
                ctx.insert("zzUndeclared".into(), json!(1));
                return Some(format!("request {k}: undeclared context attribute `zzUndeclared`"));
            }
            let cands: Vec<(String, SchemaType)> = ctx_ty
                .attrs
                .iter()
                .filter(|(n, a)| ctx.contains_key(*n) && (wrong == Wrong::ContextAttrType || a.required))
                .map(|(n, a)| (n.clone(), a.ty.clone()))
                .collect();
            let (name, ty) = pick(c, &cands)?.clone();
            if wrong == Wrong::ContextAttrType {
                ctx.insert(name.clone(), wrong_value(&ty));
                Some(format!("request {k}: context attribute `{name}` of the wrong type"))
            } else {
                ctx.remove(&name);
                Some(format!("request {k}: required context attribute `{name}` removed"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use generators::{from_seed, Mode, Settings};

    /// Every kind of wrongness applies to some generated inputs and is then
    /// refused; the valid data is accepted.
    #[test]
    fn each_injected_wrongness_applies_and_is_refused() {
        let s = Settings::default();
        let mut applied = std::collections::BTreeMap::new();
        for seed in 0..400 {
            let i = from_seed(seed, &s, Mode::TypeDirected);
            let schema = i.schema.as_ref().unwrap();
            let valid = Data::render(&i);
            read(schema, &valid).unwrap_or_else(|e| panic!("seed {seed}: valid data refused: {e}"));
            let mut c = SeededSource::new(seed);
            for wrong in ALL_WRONGS {
                let mut bad = valid.clone();
                if let Some(what) = inject(wrong, schema, &mut bad, &mut c) {
                    assert!(read(schema, &bad).is_err(), "seed {seed}: {wrong:?} accepted: {what}");
                    *applied.entry(format!("{wrong:?}")).or_insert(0) += 1;
                }
            }
        }
        for wrong in ALL_WRONGS {
            assert!(applied.contains_key(&format!("{wrong:?}")), "{wrong:?} never applied: {applied:?}");
        }
    }
}
