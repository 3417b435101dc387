//! Independent rendering: generated entities, requests and values written in
//! Cedar's public JSON formats by code that is *not* the engine under test.
//!
//! If our engine wrote the JSON it then reads, its bugs would cancel out: a
//! writer that closes the hierarchy hides a broken transitive closure, a
//! writer that always picks one encoding hides a reader that mishandles the
//! others. So this module reads the generated data structurally and writes:
//! * each entity's *declared* `parents` only (never the closed ancestor set),
//!   so both engines must compute the closure themselves;
//! * entities in a shuffled order, object members in a shuffled order;
//! * per value, a random choice among the encodings Cedar reads as equal
//!   without a schema: entity references with or without `__entity` (where
//!   the format allows both), `__extn` with `arg` or `args`, extension
//!   arguments in any accepted text shape (`"1.5"`/`"1.500"`, compressed or
//!   full IPv6, any datetime shape and zone offset), set elements in any
//!   order and sometimes repeated, an empty `tags` object or none.
//!
//! Choices come from a seed carried with the input, so a case re-renders
//! identically.

use crate::choices::{Choices, SeededSource};
use crate::pool::{format_datetime, format_decimal, format_duration, format_ip};
use engine::ast::EntityUid;
use engine::entities::{Entities, Entity};
use engine::request::Request;
use engine::schema::{EntityTypeDef, RecordType, Schema, SchemaType};
use engine::value::{ExtValue, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

const DAY_MS: i64 = 86_400_000;

/// Writes data JSON with seeded encoding choices.
pub struct DataWriter {
    c: SeededSource,
}

impl DataWriter {
    pub fn new(seed: u64) -> DataWriter {
        DataWriter { c: SeededSource::new(seed) }
    }

    /// The entities file: every entity of `es` (schema actions included),
    /// in a shuffled order, each with its declared parents only.
    pub fn entities(&mut self, es: &Entities) -> Json {
        self.entity_list(es, None)
    }

    /// The entities file for a reader that has the schema (Cedar's
    /// schema-directed parsing): the action entities left out, since such a
    /// reader adds the schema's, and each value at random in a form only a
    /// schema makes readable: an entity reference as a bare `{"type","id"}`,
    /// an extension value as its constructor's argument alone.
    pub fn entities_with_schema(&mut self, es: &Entities, schema: &Schema) -> Json {
        self.entity_list(es, Some(schema))
    }

    fn entity_list(&mut self, es: &Entities, schema: Option<&Schema>) -> Json {
        // Listed from the store's map by type and id (no engine helper decides
        // what is written), then shuffled.
        let mut list: Vec<&Entity> =
            es.map.values().filter(|e| schema.is_none_or(|s| !s.actions.contains_key(&e.uid))).collect();
        list.sort_by(|a, b| (&a.uid.ty.0, &a.uid.id).cmp(&(&b.uid.ty.0, &b.uid.id)));
        self.shuffle(&mut list);
        let def = |e: &Entity| schema.and_then(|s| s.entity_types.get(&e.uid.ty));
        let mut out: Vec<Json> = list.iter().map(|e| self.entity(e, def(e))).collect();
        // An entity listed twice with equal contents is one entity
        // (docs/semantics.md §6.3): now and then repeat one, written with its
        // own encoding choices, somewhere in the list.
        if !list.is_empty() && self.c.flip(0.1) {
            let which = self.c.below(list.len());
            let again = self.entity(list[which], def(list[which]));
            let at = self.c.below(out.len() + 1);
            out.insert(at, again);
        }
        Json::Array(out)
    }

    /// One entity; with its schema definition `def`, values are written
    /// for a schema-directed reader.
    fn entity(&mut self, e: &Entity, def: Option<&EntityTypeDef>) -> Json {
        let mut parents: Vec<&EntityUid> = e.parents.iter().collect();
        self.shuffle(&mut parents);
        let attrs = match def {
            Some(d) => self.typed_record(&e.attrs, &d.attrs),
            None => self.record(e.attrs.iter()),
        };
        let mut members = vec![
            ("uid".to_string(), self.uid(&e.uid)),
            ("attrs".to_string(), attrs),
            ("parents".to_string(), Json::Array(parents.into_iter().map(|p| self.uid(p)).collect())),
        ];
        // An absent `tags` and an empty one mean the same.
        if !e.tags.is_empty() || self.c.flip(0.3) {
            let tags = match def.and_then(|d| d.tags.as_ref()) {
                Some(t) => {
                    let members: Vec<(String, Json)> =
                        e.tags.iter().map(|(k, v)| (k.clone(), self.typed_value(v, t))).collect();
                    self.object(members)
                }
                None => self.record(e.tags.iter()),
            };
            members.push(("tags".to_string(), tags));
        }
        self.object(members)
    }

    /// A record whose declared type is `rt`, for a schema-directed reader.
    fn typed_record(&mut self, attrs: &BTreeMap<String, Value>, rt: &RecordType) -> Json {
        let members: Vec<(String, Json)> = attrs
            .iter()
            .map(|(k, v)| {
                let j = match rt.attrs.get(k) {
                    Some(at) => self.typed_value(v, &at.ty),
                    None => self.value(v),
                };
                (k.clone(), j)
            })
            .collect();
        self.object(members)
    }

    /// A value of declared type `ty`, for a schema-directed reader: half the
    /// time in a form only the schema makes readable, else escaped.
    fn typed_value(&mut self, v: &Value, ty: &SchemaType) -> Json {
        match (v, ty) {
            (Value::EntityUid(u), SchemaType::Entity(_)) if self.c.flip(0.5) => self.type_and_id(u),
            (Value::Ext(x), SchemaType::Extension(_)) if self.c.flip(0.5) => Json::String(self.ext_call(x).1),
            (Value::Set(xs), SchemaType::Set(elem)) => {
                let mut items: Vec<Json> = xs.iter().map(|x| self.typed_value(x, elem)).collect();
                self.shuffle(&mut items);
                Json::Array(items)
            }
            (Value::Record(m), SchemaType::Record(rt)) => self.typed_record(m, rt),
            _ => self.value(v),
        }
    }

    /// A request: `{"principal", "action", "resource", "context"}`.
    pub fn request(&mut self, r: &Request) -> Json {
        let context = match &r.context {
            Value::Record(m) => self.record(m.iter()),
            other => self.value(other),
        };
        self.request_with_context(r, context)
    }

    /// A request for a reader that has the schema: the context written
    /// against the action's declared context type (`typed_value`).
    pub fn request_with_schema(&mut self, r: &Request, schema: &Schema) -> Json {
        let context_type = schema.actions.get(&r.action).and_then(|a| a.applies_to.as_ref()).map(|a| &a.context);
        let context = match (&r.context, context_type) {
            (Value::Record(m), Some(rt)) => self.typed_record(m, rt),
            (Value::Record(m), None) => self.record(m.iter()),
            (other, _) => self.value(other),
        };
        self.request_with_context(r, context)
    }

    fn request_with_context(&mut self, r: &Request, context: Json) -> Json {
        let members = vec![
            ("principal".to_string(), self.uid(&r.principal)),
            ("action".to_string(), self.uid(&r.action)),
            ("resource".to_string(), self.uid(&r.resource)),
            ("context".to_string(), context),
        ];
        self.object(members)
    }

    /// An entity reference where the format takes either spelling
    /// (`uid`, `parents`, request fields).
    fn uid(&mut self, u: &EntityUid) -> Json {
        let plain = self.type_and_id(u);
        if self.c.flip(0.3) {
            self.object(vec![("__entity".to_string(), plain)])
        } else {
            plain
        }
    }

    fn type_and_id(&mut self, u: &EntityUid) -> Json {
        self.object(vec![
            ("type".to_string(), Json::String(u.ty.0.clone())),
            ("id".to_string(), Json::String(u.id.clone())),
        ])
    }

    fn record<'a>(&mut self, attrs: impl Iterator<Item = (&'a String, &'a Value)>) -> Json {
        let members: Vec<(String, Json)> = attrs.map(|(k, v)| (k.clone(), self.value(v))).collect();
        self.object(members)
    }

    /// A value in schema-less form: entity references and extension values
    /// must be escaped (without a schema, a bare `{"type","id"}` is a record).
    pub fn value(&mut self, v: &Value) -> Json {
        match v {
            Value::Bool(b) => Json::Bool(*b),
            Value::Long(i) => Json::from(*i),
            Value::String(s) => Json::String(s.clone()),
            Value::EntityUid(u) => {
                let body = self.type_and_id(u);
                self.object(vec![("__entity".to_string(), body)])
            }
            Value::Set(xs) => {
                let mut items: Vec<Json> = xs.iter().map(|x| self.value(x)).collect();
                // Sets are unordered and collapse duplicates.
                if !items.is_empty() && self.c.flip(0.15) {
                    let i = self.c.below(items.len());
                    items.push(items[i].clone());
                }
                self.shuffle(&mut items);
                Json::Array(items)
            }
            Value::Record(m) => self.record(m.iter()),
            Value::Ext(x) => self.extension(x),
        }
    }

    fn extension(&mut self, x: &ExtValue) -> Json {
        let (f, arg) = self.ext_call(x);
        let arg = if self.c.flip(0.5) {
            ("arg".to_string(), Json::String(arg))
        } else {
            ("args".to_string(), Json::Array(vec![Json::String(arg)]))
        };
        let body = self.object(vec![("fn".to_string(), Json::String(f.to_string())), arg]);
        self.object(vec![("__extn".to_string(), body)])
    }

    /// The constructor and an argument text (in one of its shapes) that make `x`.
    fn ext_call(&mut self, x: &ExtValue) -> (&'static str, String) {
        match *x {
            ExtValue::Decimal(v) => ("decimal", self.decimal_text(v)),
            ExtValue::IpAddr(ip) => {
                let full = if ip.addr.is_ipv4() { 32 } else { 128 };
                let with_prefix = ip.prefix != full || self.c.flip(0.5);
                ("ip", format_ip(ip.addr, ip.prefix, with_prefix, self.c.flip(0.5)))
            }
            ExtValue::Datetime(ms) => ("datetime", self.datetime_text(ms)),
            ExtValue::Duration(ms) => ("duration", self.duration_text(ms)),
        }
    }

    /// `1.5` or the same with trailing zeros up to four decimal places.
    fn decimal_text(&mut self, v: i64) -> String {
        let mut s = format_decimal(v);
        let places = s.len() - s.find('.').expect("a decimal point") - 1;
        for _ in 0..self.c.below(5 - places) {
            s.push('0');
        }
        s
    }

    /// Any of the accepted shapes that denotes exactly `ms`.
    fn datetime_text(&mut self, ms: i64) -> String {
        let mut shapes = vec![2, 4];
        if ms % 1000 == 0 {
            shapes.extend([1, 3]);
        }
        if ms % DAY_MS == 0 {
            shapes.push(0);
        }
        let shape = *self.c.pick(&shapes);
        let offset = if shape >= 3 { self.c.below(24 * 60 * 2 - 1) as i64 - (24 * 60 - 1) } else { 0 };
        format_datetime(ms, shape, offset)
    }

    /// `1h30m` or the same amount in milliseconds (`5400000ms`).
    fn duration_text(&mut self, ms: i64) -> String {
        if ms != i64::MIN && self.c.flip(0.3) {
            format!("{ms}ms")
        } else {
            format_duration(ms)
        }
    }

    fn object(&mut self, mut members: Vec<(String, Json)>) -> Json {
        self.shuffle(&mut members);
        Json::Object(members.into_iter().collect::<Map<String, Json>>())
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.c.below(i + 1);
            xs.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_store;
    use std::collections::BTreeSet;

    fn uid(t: &str, id: &str) -> EntityUid {
        EntityUid::new(t, id)
    }

    /// `u in g in o`: the store knows `o` is an ancestor of `u`; the written
    /// file must not say so (the reader has to close the hierarchy itself).
    #[test]
    fn only_declared_parents_are_written() {
        let mut u = Entity::new(uid("User", "u"));
        u.parents.insert(uid("Group", "g"));
        let mut g = Entity::new(uid("Group", "g"));
        g.parents.insert(uid("Org", "o"));
        let store = build_store(vec![u, g, Entity::new(uid("Org", "o"))]);
        assert!(store.get(&uid("User", "u")).unwrap().ancestors.contains(&uid("Org", "o")));
        for seed in 0..20 {
            let j = DataWriter::new(seed).entities(&store);
            let user = j.as_array().unwrap().iter().find(|e| e.to_string().contains("\"u\"")).unwrap();
            let parents = user["parents"].as_array().unwrap();
            assert_eq!(parents.len(), 1, "seed {seed}: {user}");
            assert!(parents[0].to_string().contains("\"g\""), "seed {seed}: {user}");
        }
    }

    /// Over a few seeds every equivalent encoding occurs: both entity
    /// reference spellings, `arg` and `args`, several entity orders.
    #[test]
    fn encodings_and_orders_vary_with_the_seed() {
        let mut es = Vec::new();
        for id in ["a", "b", "c", "d"] {
            let mut e = Entity::new(uid("User", id));
            e.attrs.insert("d".into(), Value::Ext(ExtValue::Decimal(15_000)));
            es.push(e);
        }
        let store = build_store(es);
        let mut texts = BTreeSet::new();
        let mut orders = BTreeSet::new();
        for seed in 0..30 {
            let j = DataWriter::new(seed).entities(&store);
            let t = j.to_string();
            for needle in ["__entity", "\"arg\"", "\"args\"", "\"1.5\"", "\"1.50\""] {
                if t.contains(needle) {
                    texts.insert(needle);
                }
            }
            let order: Vec<String> = j.as_array().unwrap().iter().map(|e| e["uid"].to_string()).collect();
            orders.insert(order.iter().map(|u| if u.contains("\"a\"") { 'a' } else { '.' }).collect::<String>());
        }
        assert_eq!(texts.len(), 5, "{texts:?}");
        assert!(orders.len() > 1, "entity order never changes");
    }

    /// For a schema-directed reader: no action entries, and the forms only a
    /// schema makes readable occur (bare references, argument strings) along
    /// with the escaped ones; our engine reads the file with the schema into
    /// the store it reads from the escaped file.
    #[test]
    fn entities_for_a_schema_reader() {
        let schema = Schema::from_cedar_str(
            "entity User { boss?: User, d: decimal, ips: Set<ipaddr> }; action view appliesTo { principal: User, resource: User };",
        )
        .unwrap();
        let mut es = vec![Entity::new(uid("Action", "view"))];
        for id in ["a", "b", "c"] {
            let mut e = Entity::new(uid("User", id));
            e.attrs.insert("boss".into(), Value::EntityUid(uid("User", "a")));
            e.attrs.insert("d".into(), Value::Ext(ExtValue::Decimal(15_000)));
            let ip = engine::ext::ipaddr::parse("10.0.0.1").unwrap();
            e.attrs.insert("ips".into(), Value::set([Value::Ext(ExtValue::IpAddr(ip))]));
            es.push(e);
        }
        let store = build_store(es);
        let mut forms = BTreeSet::new();
        for seed in 0..30 {
            let j = DataWriter::new(seed).entities_with_schema(&store, &schema);
            let t = j.to_string();
            assert!(!t.contains("Action"), "seed {seed}: an action entry: {t}");
            for (needle, form) in [
                ("\"boss\":{\"", "reference"),
                ("__entity", "escaped"),
                ("\"d\":\"1.5", "argument"),
                ("__extn", "extn"),
            ] {
                if t.contains(needle) {
                    forms.insert(form);
                }
            }
            let read = Entities::from_json_str(&t, Some(&schema)).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{t}"));
            for e in store.map.values().filter(|e| e.uid.ty.0 == "User") {
                assert_eq!(read.get(&e.uid).map(|r| &r.attrs), Some(&e.attrs), "seed {seed}");
            }
            assert!(read.get(&uid("Action", "view")).is_some(), "seed {seed}: the schema's action is missing");
        }
        assert_eq!(forms.len(), 4, "{forms:?}");
    }

    /// A request's context is written against the action's context type, and
    /// our engine reads it with the schema to the same context.
    #[test]
    fn requests_for_a_schema_reader() {
        let schema = Schema::from_cedar_str(
            "entity User; action view appliesTo { principal: User, resource: User, context: { who: User, d: decimal } };",
        )
        .unwrap();
        let ctx = Value::record([
            ("who".into(), Value::EntityUid(uid("User", "a"))),
            ("d".into(), Value::Ext(ExtValue::Decimal(15_000))),
        ]);
        let r = Request {
            principal: uid("User", "a"),
            action: uid("Action", "view"),
            resource: uid("User", "b"),
            context: ctx,
        };
        let mut forms = BTreeSet::new();
        for seed in 0..30 {
            let j = DataWriter::new(seed).request_with_schema(&r, &schema);
            let t = j["context"].to_string();
            forms.extend(["__entity", "__extn", "\"d\":\"1.5"].into_iter().filter(|n| t.contains(n)));
            let read = Request::from_json(&j, Some(&schema)).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{j}"));
            assert_eq!(read.context, r.context, "seed {seed}");
        }
        assert_eq!(forms.len(), 3, "{forms:?}");
    }
}
