//! Entity store and Cedar's entities JSON, docs/semantics.md §6.3.
//!
//! Loading: parse each entity (schema-directed if a schema is given), merge
//! identical duplicates, compute the transitive closure of `parents` into
//! `ancestors` (rejecting cycles), and with a schema check the action
//! entities given and add every schema action with its closed ancestors.
//! Conformance of entities to their declared types beyond what parsing needs
//! (enum ids, allowed parent types, docs/semantics.md §9.7) is the validator's job.
use crate::ast::EntityUid;
use crate::json::{DataError, Path};
use crate::json_value::{self, describe, uid_from_json, uid_to_json};
use crate::schema::Schema;
use crate::value::Value;
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub uid: EntityUid,
    pub attrs: BTreeMap<String, Value>,
    /// Direct parents as given.
    pub parents: BTreeSet<EntityUid>,
    /// Transitive closure of `parents` (computed at load).
    pub ancestors: BTreeSet<EntityUid>,
    pub tags: BTreeMap<String, Value>,
}

impl Entity {
    /// An entity with no attributes, parents or tags.
    pub fn new(uid: EntityUid) -> Entity {
        Entity {
            uid,
            attrs: BTreeMap::new(),
            parents: BTreeSet::new(),
            ancestors: BTreeSet::new(),
            tags: BTreeMap::new(),
        }
    }
    pub fn with_parents(mut self, parents: impl IntoIterator<Item = EntityUid>) -> Entity {
        self.parents.extend(parents);
        self
    }
    pub fn with_attr(mut self, k: impl Into<String>, v: Value) -> Entity {
        self.attrs.insert(k.into(), v);
        self
    }
    pub fn with_tag(mut self, k: impl Into<String>, v: Value) -> Entity {
        self.tags.insert(k.into(), v);
        self
    }
    /// Same entity as given in a file (ancestors are derived, not compared).
    fn same_as_given(&self, o: &Entity) -> bool {
        self.uid == o.uid && self.attrs == o.attrs && self.parents == o.parents && self.tags == o.tags
    }
}

#[derive(Debug, Clone, Default)]
pub struct Entities {
    pub map: HashMap<EntityUid, Entity>,
}

impl Entities {
    /// Build a store: merges identical duplicates, computes ancestors, rejects cycles;
    /// with a schema, adds the schema's action entities.
    pub fn from_entities(es: Vec<Entity>, schema: Option<&Schema>) -> Result<Entities, DataError> {
        let labelled = es.into_iter().map(|e| (format!("entity {}", e.uid), e)).collect();
        build(labelled, schema)
    }

    pub fn from_json_str(src: &str, schema: Option<&Schema>) -> Result<Entities, DataError> {
        Entities::from_json(&crate::json::parse_strict(src)?, schema)
    }

    pub fn from_json(j: &serde_json::Value, schema: Option<&Schema>) -> Result<Entities, DataError> {
        let Json::Array(items) = j else {
            return Err(Path::ROOT.err(format!("the entities file must be a JSON array, found {}", describe(j))));
        };
        let mut es = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let p = Path::ROOT.index(i);
            es.push((p.to_string(), entity_from_json(item, schema, &p)?));
        }
        build(es, schema)
    }

    /// What Cedar does when loading with a schema: [`Entities::from_json`]
    /// followed by the schema-conformance check of every entity (docs/semantics.md §9.7,
    /// `validator::validate_entities`), so a non-conforming file is rejected.
    pub fn from_json_conforming(j: &serde_json::Value, schema: &Schema) -> Result<Entities, DataError> {
        let es = Entities::from_json(j, Some(schema))?;
        crate::validator::validate_entities(schema, &es)?;
        Ok(es)
    }

    /// Entities JSON with explicit `__entity`/`__extn` escapes (no schema needed to read it back).
    /// Sorted by UID; `parents` lists the full (closed) ancestor set, which
    /// reads back to the same store whether or not the reader computes the
    /// closure. Schema actions are included.
    pub fn to_json(&self) -> serde_json::Value {
        let mut es: Vec<&Entity> = self.map.values().collect();
        es.sort_by(|a, b| a.uid.cmp(&b.uid));
        Json::Array(
            es.into_iter()
                .map(|e| {
                    let mut o = json!({
                        "uid": uid_to_json(&e.uid),
                        "attrs": json_value::map_to_json(&e.attrs),
                        "parents": e.ancestors.iter().map(uid_to_json).collect::<Vec<_>>(),
                    });
                    if !e.tags.is_empty() {
                        o["tags"] = json_value::map_to_json(&e.tags);
                    }
                    o
                })
                .collect(),
        )
    }

    pub fn get(&self, uid: &EntityUid) -> Option<&Entity> {
        self.map.get(uid)
    }
}

/// Parse one entity object (docs/semantics.md §6.3). With a schema, attributes and tags are
/// read against the declared types.
fn entity_from_json(j: &Json, schema: Option<&Schema>, path: &Path) -> Result<Entity, DataError> {
    let Json::Object(o) = j else {
        return Err(path.err(format!("an entity must be a JSON object, found {}", describe(j))));
    };
    let field = |k: &str| o.get(k).ok_or_else(|| path.err(format!("entity is missing the required field `{k}`")));
    let uid = uid_from_json(field("uid")?, &path.key("uid"))?;

    let pp = path.key("parents");
    let Json::Array(ps) = field("parents")? else {
        return Err(pp.err("`parents` must be an array of entity references"));
    };
    let mut parents = BTreeSet::new();
    for (i, p) in ps.iter().enumerate() {
        let ip = pp.index(i);
        let parent = uid_from_json(p, &ip)?;
        if uid.ty.is_action() && !parent.ty.is_action() {
            return Err(ip.err(format!("action {uid} has a parent {parent} that is not an action")));
        }
        parents.insert(parent);
    }

    let ap = path.key("attrs");
    let Json::Object(attrs_j) = field("attrs")? else {
        return Err(ap.err("`attrs` must be an object"));
    };
    let tp = path.key("tags");
    let tags_j = match o.get("tags") {
        None => None,
        Some(Json::Object(t)) => Some(t),
        Some(_) => return Err(tp.err("`tags` must be an object")),
    };
    let empty = serde_json::Map::new();
    let tags_j = tags_j.unwrap_or(&empty);

    let (attrs, tags) = match schema {
        None => (json_value::map_from_json(attrs_j, &ap)?, json_value::map_from_json(tags_j, &tp)?),
        Some(s) if s.actions.contains_key(&uid) => {
            // Action entities: no attributes or tags; ancestors are compared
            // with the schema after closure (see `build`).
            if !attrs_j.is_empty() {
                return Err(ap.err(format!("action {uid} may not have attributes")));
            }
            if !tags_j.is_empty() {
                return Err(tp.err(format!("action {uid} may not have tags")));
            }
            (BTreeMap::new(), BTreeMap::new())
        }
        Some(s) => {
            let Some(def) = s.entity_types.get(&uid.ty) else {
                let what = if uid.ty.is_action() { "action" } else { "entity type" };
                let name = if uid.ty.is_action() { uid.to_string() } else { uid.ty.to_string() };
                return Err(path.key("uid").err(format!("{what} `{name}` is not declared in the schema")));
            };
            let attrs = json_value::record_map_from_json(attrs_j, &def.attrs, &ap)?;
            let mut tags = BTreeMap::new();
            match &def.tags {
                Some(t) => {
                    for (k, v) in tags_j {
                        tags.insert(k.clone(), json_value::value_from_json(v, Some(t), &tp.key(k))?);
                    }
                }
                None if !tags_j.is_empty() => {
                    return Err(tp.err(format!("entity type `{}` does not declare tags", uid.ty)));
                }
                None => {}
            }
            (attrs, tags)
        }
    };
    Ok(Entity { uid, attrs, parents, ancestors: BTreeSet::new(), tags })
}

/// Steps 2, 4 and 5 of docs/semantics.md §6.3 on parsed entities, each labelled with where it
/// came from (for error messages).
fn build(es: Vec<(String, Entity)>, schema: Option<&Schema>) -> Result<Entities, DataError> {
    let mut map: HashMap<EntityUid, Entity> = HashMap::with_capacity(es.len());
    let mut label: HashMap<EntityUid, String> = HashMap::new();
    for (where_, e) in es {
        if let Some(prev) = map.get(&e.uid) {
            if prev.same_as_given(&e) {
                continue;
            }
            return Err(DataError::new(
                &where_,
                format!("duplicate entity {} differs from the one at {}", e.uid, label[&e.uid]),
            ));
        }
        label.insert(e.uid.clone(), where_);
        map.insert(e.uid.clone(), e);
    }
    close_ancestors(&mut map, |u| label.get(u).cloned().unwrap_or_else(|| format!("entity {u}")))?;

    if let Some(s) = schema {
        let actions = schema_actions(s)?;
        for (uid, ancestors) in &actions {
            // Cedar compares the ancestors computed from the file alone (its
            // closure runs before the schema actions are added): listing only
            // `view in read` without `read`'s own entry (or `all`) is a
            // mismatch, checked against cedar-policy 4.14.1.
            let given_closed = map.get(uid).map(|given| given.ancestors.clone());
            match given_closed {
                Some(given) if &given != ancestors => {
                    return Err(DataError::new(
                        &label[uid],
                        format!(
                            "action {uid} has ancestors [{}] but the schema gives [{}]",
                            join(&given),
                            join(ancestors)
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    let mut e = Entity::new(uid.clone());
                    e.parents = ancestors.clone();
                    e.ancestors = ancestors.clone();
                    map.insert(uid.clone(), e);
                }
            }
        }
    }
    Ok(Entities { map })
}

fn join(s: &BTreeSet<EntityUid>) -> String {
    s.iter().map(|u| u.to_string()).collect::<Vec<_>>().join(", ")
}

/// Fill every entity's `ancestors` with the transitive closure of its
/// `parents`, following only entities present in `map`; reject cycles
/// (including self-parents). Iterative (Kahn's algorithm), so long parent
/// chains cannot overflow the stack.
fn close_ancestors(
    map: &mut HashMap<EntityUid, Entity>,
    label: impl Fn(&EntityUid) -> String,
) -> Result<(), DataError> {
    // pending[u] = number of u's parents present in the store not yet closed.
    let mut pending: HashMap<EntityUid, usize> = HashMap::with_capacity(map.len());
    let mut children: HashMap<&EntityUid, Vec<&EntityUid>> = HashMap::new();
    for e in map.values() {
        let mut n = 0;
        for p in &e.parents {
            if map.contains_key(p) {
                n += 1;
                children.entry(p).or_default().push(&e.uid);
            }
        }
        pending.insert(e.uid.clone(), n);
    }
    let mut ready: Vec<EntityUid> = pending.iter().filter(|(_, n)| **n == 0).map(|(u, _)| u.clone()).collect();
    let mut order = Vec::with_capacity(map.len());
    while let Some(u) = ready.pop() {
        for c in children.get(&u).into_iter().flatten() {
            let n = pending.get_mut(*c).expect("every entity has a count");
            *n -= 1;
            if *n == 0 {
                ready.push((*c).clone());
            }
        }
        order.push(u);
    }
    if order.len() < map.len() {
        // Every entity left over has an unclosed parent that is also left
        // over; walking up such parents must revisit one: a cycle.
        let left: BTreeSet<&EntityUid> = pending.iter().filter(|(_, n)| **n > 0).map(|(u, _)| u).collect();
        let mut u = *left.iter().next().expect("non-empty");
        let mut seen = Vec::new();
        while !seen.contains(&u) {
            seen.push(u);
            u = map[u].parents.iter().find(|p| left.contains(p)).expect("a leftover parent");
        }
        let start = seen.iter().position(|x| *x == u).unwrap_or(0);
        let cycle: Vec<String> = seen[start..].iter().chain([&u]).map(|x| x.to_string()).collect();
        return Err(DataError::new(label(u), format!("cycle in the entity hierarchy: {}", cycle.join(" -> "))));
    }
    drop(children);
    // Parents come before children in `order`, so each parent's ancestors
    // are final when its children are computed.
    for u in order {
        let parents: Vec<EntityUid> = map[&u].parents.iter().cloned().collect();
        // Start from a clone of the biggest parent's set (a bulk copy is much
        // cheaper than inserting its elements one by one), then add the rest.
        let biggest = parents.iter().filter_map(|p| map.get(p)).max_by_key(|pe| pe.ancestors.len());
        let mut anc = biggest.map(|pe| pe.ancestors.clone()).unwrap_or_default();
        let biggest_uid = biggest.map(|pe| pe.uid.clone());
        for p in parents {
            if let Some(pe) = map.get(&p) {
                if Some(&p) != biggest_uid.as_ref() {
                    anc.extend(pe.ancestors.iter().cloned());
                }
            }
            anc.insert(p);
        }
        map.get_mut(&u).expect("present").ancestors = anc;
    }
    Ok(())
}

/// Every schema action with its closed set of ancestor action groups.
pub fn schema_actions(s: &Schema) -> Result<BTreeMap<EntityUid, BTreeSet<EntityUid>>, DataError> {
    let mut es: HashMap<EntityUid, Entity> = HashMap::new();
    for (uid, def) in &s.actions {
        es.insert(uid.clone(), Entity::new(uid.clone()).with_parents(def.member_of.iter().cloned()));
    }
    close_ancestors(&mut es, |u| format!("schema action {u}"))?;
    Ok(es.into_iter().map(|(u, e)| (u, e.ancestors)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::EntityType;
    use crate::schema::{ActionDef, AttributeType, EntityTypeDef, ExtType, SchemaType};
    use crate::value::ExtValue;

    fn u(t: &str, i: &str) -> EntityUid {
        EntityUid::new(t, i)
    }
    fn load(src: &str) -> Result<Entities, DataError> {
        Entities::from_json_str(src, None)
    }

    #[test]
    fn basic_load_and_closure() {
        let es = load(
            r#"[
            {"uid": {"type": "User", "id": "a"}, "attrs": {"age": 3, "m": {"__entity": {"type": "User", "id": "b"}}},
             "parents": [{"type": "Group", "id": "g1"}], "extra": "ignored"},
            {"uid": {"__entity": {"type": "Group", "id": "g1"}}, "attrs": {}, "parents": [{"type": "Group", "id": "g2"}],
             "tags": {"t": "v"}},
            {"uid": {"type": "Group", "id": "g2"}, "attrs": {}, "parents": [{"type": "Group", "id": "missing"}]}
        ]"#,
        )
        .unwrap();
        let a = es.get(&u("User", "a")).unwrap();
        assert_eq!(a.ancestors, [u("Group", "g1"), u("Group", "g2"), u("Group", "missing")].into_iter().collect());
        assert_eq!(a.attrs["age"], Value::Long(3));
        assert_eq!(es.get(&u("Group", "g1")).unwrap().tags["t"], Value::String("v".into()));
        // Round trip through to_json.
        let again = Entities::from_json(&es.to_json(), None).unwrap();
        for e in es.map.values() {
            assert_eq!(again.get(&e.uid).unwrap().ancestors, e.ancestors);
            assert_eq!(again.get(&e.uid).unwrap().attrs, e.attrs);
            assert_eq!(again.get(&e.uid).unwrap().tags, e.tags);
        }
    }

    #[test]
    fn structural_errors_name_paths() {
        let cases = [
            (r#"{}"#, "top level"),
            (r#"[{"uid": {"type": "A", "id": "a"}, "attrs": {}}]"#, "[0]"),
            (r#"[{"uid": {"type": "A", "id": "a"}, "parents": []}]"#, "[0]"),
            (r#"[{"attrs": {}, "parents": []}]"#, "[0]"),
            (r#"[{"uid": {"type": "A"}, "attrs": {}, "parents": []}]"#, "[0].uid"),
            (r#"[{"uid": {"type": "A", "id": "a"}, "attrs": {}, "parents": [1]}]"#, "[0].parents[0]"),
            (r#"[{"uid": {"type": "A", "id": "a"}, "attrs": {"x": [1.5]}, "parents": []}]"#, "[0].attrs.x[0]"),
            (r#"[{"uid": {"type": "A", "id": "a"}, "attrs": {"x": null}, "parents": []}]"#, "[0].attrs.x"),
            (r#"[{"uid": {"type": "A", "id": "a"}, "attrs": {}, "parents": [], "tags": []}]"#, "[0].tags"),
            (
                r#"[{"uid": {"type": "Action", "id": "a"}, "attrs": {}, "parents": [{"type": "G", "id": "g"}]}]"#,
                "[0].parents[0]",
            ),
        ];
        for (src, path) in cases {
            let e = load(src).unwrap_err();
            assert_eq!(e.path, path, "{src}: {e}");
        }
        let e = load(r#"[{"uid": {"type": "A", "id": "a"}, "attrs": {"x": 1, "x": 2}, "parents": []}]"#).unwrap_err();
        assert_eq!(e.path, "[0].attrs.x");
    }

    #[test]
    fn duplicates() {
        let e = r#"{"uid": {"type": "A", "id": "a"}, "attrs": {"k": 1}, "parents": []}"#;
        assert_eq!(load(&format!("[{e}, {e}]")).unwrap().map.len(), 1);
        let f = r#"{"uid": {"type": "A", "id": "a"}, "attrs": {"k": 2}, "parents": []}"#;
        let err = load(&format!("[{e}, {f}]")).unwrap_err();
        assert_eq!(err.path, "[1]");
        assert!(err.message.contains("[0]"), "{err}");
    }

    #[test]
    fn cycles_rejected() {
        let self_parent = r#"[{"uid": {"type": "A", "id": "a"}, "attrs": {}, "parents": [{"type": "A", "id": "a"}]}]"#;
        assert!(load(self_parent).unwrap_err().message.contains("cycle"));
        let es = vec![
            Entity::new(u("A", "1")).with_parents([u("A", "2")]),
            Entity::new(u("A", "2")).with_parents([u("A", "3")]),
            Entity::new(u("A", "3")).with_parents([u("A", "1")]),
            Entity::new(u("A", "0")).with_parents([u("A", "1")]),
        ];
        let err = Entities::from_entities(es, None).unwrap_err();
        assert!(err.message.contains("cycle"), "{err}");
        assert!(!err.message.contains("A::\"0\""), "{err}");
    }

    #[test]
    fn long_chain_no_stack_overflow() {
        // Quadratic ancestor sets are the price of a precomputed closure;
        // 3000 levels are deep enough to catch recursion.
        let n = 3000;
        let es: Vec<Entity> =
            (0..n).map(|i| Entity::new(u("A", &i.to_string())).with_parents([u("A", &(i + 1).to_string())])).collect();
        let store = Entities::from_entities(es, None).unwrap();
        assert_eq!(store.get(&u("A", "0")).unwrap().ancestors.len(), 3000);
    }

    fn schema() -> Schema {
        let mut s = Schema::default();
        let mut user = EntityTypeDef::default();
        user.attrs
            .attrs
            .insert("ip".into(), AttributeType { ty: SchemaType::Extension(ExtType::IpAddr), required: true });
        user.attrs
            .attrs
            .insert("boss".into(), AttributeType { ty: SchemaType::Entity(EntityType::new("User")), required: false });
        user.tags = Some(SchemaType::Extension(ExtType::Decimal));
        s.entity_types.insert(EntityType::new("User"), user);
        s.entity_types.insert(EntityType::new("Doc"), EntityTypeDef::default());
        s.actions.insert(u("Action", "all"), ActionDef::default());
        s.actions.insert(u("Action", "read"), ActionDef { member_of: vec![u("Action", "view")], applies_to: None });
        s.actions.insert(u("Action", "view"), ActionDef { member_of: vec![u("Action", "all")], applies_to: None });
        s
    }

    #[test]
    fn schema_directed_entities() {
        let s = schema();
        let es = Entities::from_json_str(
            r#"[{"uid": {"type": "User", "id": "a"}, "attrs": {"ip": "1.2.3.4", "boss": {"type": "User", "id": "b"}},
                 "parents": [], "tags": {"w": "0.5"}}]"#,
            Some(&s),
        )
        .unwrap();
        let a = es.get(&u("User", "a")).unwrap();
        assert!(matches!(a.attrs["ip"], Value::Ext(ExtValue::IpAddr(_))));
        assert_eq!(a.attrs["boss"], Value::EntityUid(u("User", "b")));
        assert_eq!(a.tags["w"], Value::Ext(ExtValue::Decimal(5000)));
        // Schema actions added with closed ancestors.
        let read = es.get(&u("Action", "read")).unwrap();
        assert_eq!(read.ancestors, [u("Action", "view"), u("Action", "all")].into_iter().collect());
        assert_eq!(es.map.len(), 4);

        for (src, path) in [
            (r#"[{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": []}]"#, "[0].attrs"),
            (r#"[{"uid": {"type": "User", "id": "a"}, "attrs": {"ip": "x"}, "parents": []}]"#, "[0].attrs.ip"),
            (r#"[{"uid": {"type": "User", "id": "a"}, "attrs": {"ip": "::1", "z": 1}, "parents": []}]"#, "[0].attrs.z"),
            (
                r#"[{"uid": {"type": "User", "id": "a"}, "attrs": {"ip": "::1"}, "parents": [], "tags": {"w": 1}}]"#,
                "[0].tags.w",
            ),
            (r#"[{"uid": {"type": "Doc", "id": "a"}, "attrs": {}, "parents": [], "tags": {"w": 1}}]"#, "[0].tags"),
            (r#"[{"uid": {"type": "Nope", "id": "a"}, "attrs": {}, "parents": []}]"#, "[0].uid"),
            (r#"[{"uid": {"type": "Action", "id": "nope"}, "attrs": {}, "parents": []}]"#, "[0].uid"),
            (r#"[{"uid": {"type": "Action", "id": "read"}, "attrs": {"a": 1}, "parents": []}]"#, "[0].attrs"),
            (r#"[{"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": []}]"#, "[0]"),
        ] {
            let e = Entities::from_json_str(src, Some(&s)).unwrap_err();
            assert_eq!(e.path, path, "{src}: {e}");
        }
        // An action given with the schema's full hierarchy is fine; direct
        // parents alone are not (as in Cedar), unless the file also gives the
        // parents' own entries.
        let ok = r#"[{"uid": {"type": "Action", "id": "read"}, "attrs": {},
                      "parents": [{"type": "Action", "id": "view"}, {"type": "Action", "id": "all"}]}]"#;
        assert!(Entities::from_json_str(ok, Some(&s)).is_ok());
        let direct = r#"[{"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": [{"type": "Action", "id": "view"}]}]"#;
        assert!(Entities::from_json_str(direct, Some(&s)).is_err());
        let both = r#"[{"uid": {"type": "Action", "id": "read"}, "attrs": {}, "parents": [{"type": "Action", "id": "view"}]},
                       {"uid": {"type": "Action", "id": "view"}, "attrs": {}, "parents": [{"type": "Action", "id": "all"}]}]"#;
        assert!(Entities::from_json_str(both, Some(&s)).is_ok());
    }
}

/// Loading against a schema read from Cedar schema text.
#[cfg(test)]
mod schema_text_tests {
    use super::*;
    use crate::value::ExtValue;

    const SCHEMA: &str = r#"
        namespace App {
            entity Group;
            entity User in [Group] {
                name: String,
                ip?: ipaddr,
                since?: datetime,
                manager?: User,
                prefs?: { theme: String, sizes?: Set<Long> },
            } tags decimal;
            entity Doc;
            action all;
            action read in [all] appliesTo { principal: [User], resource: [Doc], context: { ip: ipaddr } };
            action view in [read] appliesTo { principal: [User], resource: [Doc] };
        }
    "#;

    fn schema() -> Schema {
        Schema::from_cedar_str(SCHEMA).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn namespaced_schema_directed_loading() {
        let s = schema();
        let es = Entities::from_json_str(
            r#"[{"uid": {"type": "App::User", "id": "a"},
                 "attrs": {"name": "A", "ip": "10.0.0.1", "since": "2024-01-01", "manager": {"type": "App::User", "id": "b"},
                           "prefs": {"theme": "dark", "sizes": [1, 2, 2]}},
                 "parents": [{"type": "App::Group", "id": "g"}], "tags": {"w": {"fn": "decimal", "arg": "0.5"}}}]"#,
            Some(&s),
        )
        .unwrap();
        let a = es.get(&EntityUid::new("App::User", "a")).unwrap();
        assert_eq!(a.attrs["since"], Value::Ext(ExtValue::Datetime(1_704_067_200_000)));
        assert_eq!(a.tags["w"], Value::Ext(ExtValue::Decimal(5000)));
        let view = es.get(&EntityUid::new("App::Action", "view")).unwrap();
        assert_eq!(
            view.ancestors,
            [EntityUid::new("App::Action", "read"), EntityUid::new("App::Action", "all")].into_iter().collect()
        );
        for (attrs, path) in [
            (r#"{"name": "A", "prefs": {"theme": 1}}"#, "[0].attrs.prefs.theme"),
            (r#"{"name": "A", "prefs": {"sizes": []}}"#, "[0].attrs.prefs"),
            (r#"{"name": "A", "manager": {"type": "App::Doc", "id": "d"}}"#, "[0].attrs.manager"),
            (r#"{"name": "A", "since": "2024-01-01T00:00:00"}"#, "[0].attrs.since"),
        ] {
            let src = format!(r#"[{{"uid": {{"type": "App::User", "id": "a"}}, "attrs": {attrs}, "parents": []}}]"#);
            let e = Entities::from_json_str(&src, Some(&s)).unwrap_err();
            assert_eq!(e.path, path, "{attrs}: {e}");
        }
    }

    #[test]
    fn conforming_load_rejects_what_parsing_allows() {
        let s = schema();
        // Parses (attribute types fine) but the parent type is not allowed.
        let src = r#"[{"uid": {"type": "App::User", "id": "a"}, "attrs": {"name": "A"}, "parents": [{"type": "App::Doc", "id": "d"}]}]"#;
        let j = crate::json::parse_strict(src).unwrap();
        assert!(Entities::from_json(&j, Some(&s)).is_ok());
        assert!(Entities::from_json_conforming(&j, &s).is_err());
    }

    #[test]
    fn request_context_against_schema() {
        let s = schema();
        let j = crate::json::parse_strict(
            r#"{"principal": {"type": "App::User", "id": "a"}, "action": {"type": "App::Action", "id": "read"},
                "resource": {"type": "App::Doc", "id": "d"}, "context": {"ip": "192.168.0.1/16"}}"#,
        )
        .unwrap();
        let r = crate::request::Request::from_json(&j, Some(&s)).unwrap();
        assert!(matches!(&r.context, Value::Record(m) if matches!(m["ip"], Value::Ext(ExtValue::IpAddr(_)))));
        let mut bad = j.clone();
        bad["context"] = serde_json::json!({});
        assert!(crate::request::Request::from_json(&bad, Some(&s)).is_err());
        // Parses, but a Doc principal is not in `read`'s appliesTo.
        assert!(crate::request::Request::from_json_validated(&j, &s).is_ok());
        let mut wrong = j.clone();
        wrong["principal"] = serde_json::json!({"type": "App::Doc", "id": "d"});
        assert!(crate::request::Request::from_json(&wrong, Some(&s)).is_ok());
        assert!(crate::request::Request::from_json_validated(&wrong, &s).is_err());
    }
}
