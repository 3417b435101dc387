//! Cedar values in JSON (docs/semantics.md §6.1).
//!
//! Reading: without an expected type, JSON maps structurally (arrays → sets,
//! objects → records) and the escapes `__entity` / `__extn` are recognised
//! only when they have exactly the expected shape; anything else is an
//! ordinary record. With an expected [`SchemaType`] (entity attributes and
//! tags of declared types, contexts) the escapes may be abbreviated, and
//! records are checked attribute by attribute.
//!
//! Writing: always explicit escapes, so the output reads back to the same
//! value without a schema. Extension values are written as constructor calls
//! whose argument reads back to the same semantic value; a datetime as
//! `offset(datetime("1970-01-01"), duration("<n>ms"))` since not every i64
//! instant has a calendar form.
use crate::ast::{EntityType, EntityUid};
use crate::ext;
use crate::json::{DataError, Path};
use crate::schema::{ExtType, RecordType, SchemaType};
use crate::value::{ExtValue, Value};
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Deepest value nesting read from JSON. Text read by `json::parse_strict`
/// cannot nest deeper than `json::MAX_DEPTH`; this guards JSON values built
/// in memory.
pub const MAX_VALUE_DEPTH: usize = 256;

#[cold]
fn too_deep(path: &Path) -> DataError {
    path.err(format!("value nested more than {MAX_VALUE_DEPTH} levels deep"))
}

/// Identifiers that may not be a component of an entity type name.
const RESERVED: &[&str] = &["true", "false", "if", "then", "else", "in", "is", "has", "like", "__cedar"];

/// Is `s` a normalized Cedar name (`A::B`, no spaces, no reserved
/// components)? Entity types in JSON must be.
pub fn is_normalized_name(s: &str) -> bool {
    s.split("::").all(|c| {
        let mut cs = c.chars();
        matches!(cs.next(), Some(f) if f == '_' || f.is_ascii_alphabetic())
            && cs.all(|x| x == '_' || x.is_ascii_alphanumeric())
            && !RESERVED.contains(&c)
    })
}

fn entity_type(s: &str, path: &Path) -> Result<EntityType, DataError> {
    if is_normalized_name(s) {
        Ok(EntityType::new(s))
    } else {
        Err(path.err(format!("`{s}` is not a valid (normalized) entity type name")))
    }
}

/// `{"type": T, "id": I}` as a UID, if it has that shape (extra keys ignored).
fn type_and_id(o: &Map<String, Json>, path: &Path) -> Result<Option<EntityUid>, DataError> {
    match (o.get("type"), o.get("id")) {
        (Some(Json::String(t)), Some(Json::String(id))) => {
            let p = path.key("type");
            Ok(Some(EntityUid { ty: entity_type(t, &p)?, id: id.clone() }))
        }
        _ => Ok(None),
    }
}

/// An entity UID written either as `{"type","id"}` or as
/// `{"__entity": {"type","id"}}` (entity `uid`/`parents`, request parts).
pub fn uid_from_json(j: &Json, path: &Path) -> Result<EntityUid, DataError> {
    if let Json::Object(o) = j {
        if let Some(Json::Object(inner)) = o.get("__entity") {
            let p = path.key("__entity");
            if let Some(u) = type_and_id(inner, &p)? {
                return Ok(u);
            }
        } else if let Some(u) = type_and_id(o, path)? {
            return Ok(u);
        }
    }
    Err(path.err(format!(
        "expected an entity reference `{{\"type\": …, \"id\": …}}` or `{{\"__entity\": {{…}}}}`, found {}",
        describe(j)
    )))
}

/// `{"type": T, "id": I}`.
pub fn uid_to_json(u: &EntityUid) -> Json {
    json!({"type": u.ty.0, "id": u.id})
}

/// A short description of a JSON value for error messages.
pub fn describe(j: &Json) -> String {
    let s = j.to_string();
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// Read a value, schema-directed if `expected` is given.
pub fn value_from_json(j: &Json, expected: Option<&SchemaType>, path: &Path) -> Result<Value, DataError> {
    match expected {
        None => generic(j, path, 0),
        Some(t) => typed(j, t, path, 0),
    }
}

/// Read a value with no expected type (docs/semantics.md §6.1, first table).
fn generic(j: &Json, path: &Path, depth: usize) -> Result<Value, DataError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(too_deep(path));
    }
    match j {
        Json::Bool(b) => Ok(Value::Bool(*b)),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Long)
            .ok_or_else(|| path.err(format!("number {n} is not an integer in the signed 64-bit range"))),
        Json::String(s) => Ok(Value::String(s.clone())),
        Json::Null => Err(path.err("`null` is not a Cedar value")),
        Json::Array(items) => {
            let mut out = BTreeSet::new();
            for (i, it) in items.iter().enumerate() {
                out.insert(generic(it, &path.index(i), depth + 1)?);
            }
            Ok(Value::Set(Arc::new(out)))
        }
        Json::Object(o) => {
            if let Some(v) = escape(o, path, depth)? {
                return Ok(v);
            }
            let mut out = BTreeMap::new();
            for (k, v) in o {
                out.insert(k.clone(), generic(v, &path.key(k), depth + 1)?);
            }
            Ok(Value::Record(Arc::new(out)))
        }
    }
}

/// Recognise `__entity` / `__extn` escapes structurally: exactly one key,
/// whose value is an object with at least two keys of the right shape.
/// Anything else (`Ok(None)`) is an ordinary record.
fn escape(o: &Map<String, Json>, path: &Path, depth: usize) -> Result<Option<Value>, DataError> {
    if o.len() != 1 {
        return Ok(None);
    }
    let (k, v) = o.iter().next().expect("one key");
    let p = path.key(k);
    match (k.as_str(), v) {
        ("__entity", Json::Object(inner)) if inner.len() >= 2 => Ok(type_and_id(inner, &p)?.map(Value::EntityUid)),
        ("__extn", Json::Object(inner)) if inner.len() >= 2 => extn_call(inner, &p, depth),
        ("__expr", _) => Err(p.err("`__expr` escapes are not supported")),
        _ => Ok(None),
    }
}

/// Evaluate an `__extn` body `{"fn": F, "arg": A}` / `{"fn": F, "args": [A…]}`
/// (`Ok(None)` if it does not have that shape). Arguments are themselves
/// values in JSON, so `offset` can take two `__extn` arguments.
fn extn_call(inner: &Map<String, Json>, path: &Path, depth: usize) -> Result<Option<Value>, DataError> {
    let Some(Json::String(f)) = inner.get("fn") else {
        return Ok(None);
    };
    let args = match (inner.get("arg"), inner.get("args")) {
        (Some(a), _) => vec![generic(a, &path.key("arg"), depth + 1)?],
        (None, Some(Json::Array(items))) => {
            let p = path.key("args");
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                out.push(generic(it, &p.index(i), depth + 1)?);
            }
            out
        }
        _ => return Ok(None),
    };
    ext::call(f, &args).map(Some).map_err(|e| path.err(format!("extension function `{f}` failed: {}", e.message)))
}

fn ext_constructor(t: ExtType) -> &'static str {
    match t {
        ExtType::Decimal => "decimal",
        ExtType::IpAddr => "ip",
        ExtType::Datetime => "datetime",
        ExtType::Duration => "duration",
    }
}

fn ext_type_of(v: &ExtValue) -> ExtType {
    match v {
        ExtValue::Decimal(_) => ExtType::Decimal,
        ExtValue::IpAddr(_) => ExtType::IpAddr,
        ExtValue::Datetime(_) => ExtType::Datetime,
        ExtValue::Duration(_) => ExtType::Duration,
    }
}

/// Schema-directed reading.
fn typed(j: &Json, t: &SchemaType, path: &Path, depth: usize) -> Result<Value, DataError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(too_deep(path));
    }
    let mismatch = |want: &str| path.err(format!("expected {want}, found {}", describe(j)));
    match t {
        SchemaType::Bool => match j {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            _ => Err(mismatch("a boolean")),
        },
        SchemaType::Long => match j {
            Json::Number(_) => generic(j, path, depth),
            _ => Err(mismatch("a long (integer)")),
        },
        SchemaType::String => match j {
            Json::String(s) => Ok(Value::String(s.clone())),
            _ => Err(mismatch("a string")),
        },
        SchemaType::Entity(ty) => {
            let u = uid_from_json(j, path)?;
            if &u.ty != ty {
                return Err(path.err(format!("expected an entity of type `{ty}`, found one of type `{}`", u.ty)));
            }
            Ok(Value::EntityUid(u))
        }
        SchemaType::Extension(et) => {
            let v = match j {
                // Shorthand: just the constructor's argument.
                Json::String(s) => ext::call(ext_constructor(*et), &[Value::String(s.clone())])
                    .map_err(|e| path.err(format!("invalid {} `{s}`: {}", et.name(), e.message)))?,
                Json::Object(o) => {
                    let explicit = match o.get("__extn") {
                        Some(Json::Object(inner)) if o.len() == 1 => extn_call(inner, &path.key("__extn"), depth)?,
                        _ => None,
                    };
                    match explicit {
                        Some(v) => v,
                        // Bare `{"fn": F, "arg": A}`.
                        None => {
                            extn_call(o, path, depth)?.ok_or_else(|| mismatch(&format!("a {} value", et.name())))?
                        }
                    }
                }
                _ => return Err(mismatch(&format!("a {} value", et.name()))),
            };
            match &v {
                Value::Ext(x) if ext_type_of(x) == *et => Ok(v),
                _ => Err(path.err(format!("expected a {} value, found a {}", et.name(), v.type_name()))),
            }
        }
        SchemaType::Set(elem) => match j {
            Json::Array(items) => {
                let mut out = BTreeSet::new();
                for (i, it) in items.iter().enumerate() {
                    out.insert(typed(it, elem, &path.index(i), depth + 1)?);
                }
                Ok(Value::Set(Arc::new(out)))
            }
            _ => Err(mismatch("a set (JSON array)")),
        },
        SchemaType::Record(rt) => match j {
            Json::Object(o) => Ok(Value::Record(Arc::new(record_map(o, rt, path, depth + 1)?))),
            _ => Err(mismatch("a record (JSON object)")),
        },
    }
}

/// Read a JSON object as a record of type `rt`: every required attribute
/// present, no undeclared attribute, each value of its declared type.
pub fn record_from_json(o: &Map<String, Json>, rt: &RecordType, path: &Path) -> Result<Value, DataError> {
    Ok(Value::Record(Arc::new(record_map_from_json(o, rt, path)?)))
}

/// Same, as a map (entity attributes are stored as a map).
pub fn record_map_from_json(
    o: &Map<String, Json>,
    rt: &RecordType,
    path: &Path,
) -> Result<BTreeMap<String, Value>, DataError> {
    record_map(o, rt, path, 0)
}

fn record_map(
    o: &Map<String, Json>,
    rt: &RecordType,
    path: &Path,
    depth: usize,
) -> Result<BTreeMap<String, Value>, DataError> {
    let mut out = BTreeMap::new();
    for (k, v) in o {
        let p = path.key(k);
        let Some(at) = rt.attrs.get(k) else {
            return Err(p.err(format!("attribute `{k}` is not declared in the schema")));
        };
        out.insert(k.clone(), typed(v, &at.ty, &p, depth + 1)?);
    }
    for (k, at) in &rt.attrs {
        if at.required && !o.contains_key(k) {
            return Err(path.err(format!("required attribute `{k}` is missing")));
        }
    }
    Ok(out)
}

/// Read a JSON object as a map of generic values (entity attrs/tags without
/// a schema).
pub fn map_from_json(o: &Map<String, Json>, path: &Path) -> Result<BTreeMap<String, Value>, DataError> {
    let mut out = BTreeMap::new();
    for (k, v) in o {
        out.insert(k.clone(), generic(v, &path.key(k), 1)?);
    }
    Ok(out)
}

fn extn(f: &str, arg: String) -> Json {
    json!({"__extn": {"fn": f, "arg": arg}})
}

/// Write a value with explicit escapes.
pub fn value_to_json(v: &Value) -> Json {
    match v {
        Value::Bool(b) => Json::Bool(*b),
        Value::Long(i) => Json::from(*i),
        Value::String(s) => Json::String(s.clone()),
        Value::EntityUid(u) => json!({"__entity": uid_to_json(u)}),
        Value::Set(s) => Json::Array(s.iter().map(value_to_json).collect()),
        Value::Record(r) => Json::Object(r.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect()),
        Value::Ext(e) => ext_to_json(e),
    }
}

pub fn ext_to_json(e: &ExtValue) -> Json {
    match e {
        ExtValue::Decimal(d) => extn("decimal", ext::decimal::format(*d)),
        ExtValue::IpAddr(a) => extn("ip", ext::ipaddr::format(a)),
        ExtValue::Duration(d) => extn("duration", ext::datetime::format_duration(*d)),
        ExtValue::Datetime(t) => json!({"__extn": {"fn": "offset", "args": [
            extn("datetime", "1970-01-01".to_string()),
            extn("duration", ext::datetime::format_duration(*t)),
        ]}}),
    }
}

/// A map of values as a JSON object (entity attrs/tags).
pub fn map_to_json(m: &BTreeMap<String, Value>) -> Json {
    Json::Object(m.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_strict;
    use crate::schema::AttributeType;

    fn read(src: &str) -> Result<Value, DataError> {
        value_from_json(&parse_strict(src).unwrap(), None, &Path::ROOT)
    }
    fn read_t(src: &str, t: &SchemaType) -> Result<Value, DataError> {
        value_from_json(&parse_strict(src).unwrap(), Some(t), &Path::ROOT)
    }
    fn call(f: &str, a: &str) -> Value {
        ext::call(f, &[Value::String(a.into())]).unwrap()
    }
    fn uid(t: &str, i: &str) -> Value {
        Value::EntityUid(EntityUid::new(t, i))
    }

    #[test]
    fn generic_values() {
        assert_eq!(
            read("[1, 1, true, \"s\"]").unwrap(),
            Value::set([Value::Long(1), Value::Bool(true), Value::String("s".into())])
        );
        assert_eq!(read(r#"{"__entity": {"type": "A::B", "id": "x"}}"#).unwrap(), uid("A::B", "x"));
        assert_eq!(read(r#"{"__extn": {"fn": "decimal", "arg": "1.5"}}"#).unwrap(), call("decimal", "1.5"));
        assert_eq!(
            read(r#"{"__extn": {"fn": "offset", "args": [{"__extn": {"fn": "datetime", "arg": "1970-01-01"}}, {"__extn": {"fn": "duration", "arg": "5ms"}}]}}"#).unwrap(),
            Value::Ext(ExtValue::Datetime(5))
        );
        // `{"type","id"}` without a schema is a record.
        assert!(matches!(read(r#"{"type": "A", "id": "x"}"#).unwrap(), Value::Record(_)));
        assert!(read("null").is_err());
        assert!(read(r#"{"a": {"__expr": "1"}}"#).unwrap_err().path == "a.__expr");
    }

    #[test]
    fn escape_recognition_is_structural() {
        // Too few inner keys, wrong inner types, extra outer keys: records.
        for src in [
            r#"{"__entity": {"type": "B"}}"#,
            r#"{"__entity": {"type": "B", "id": 5}}"#,
            r#"{"__entity": {"type": "B", "id": "x"}, "other": 1}"#,
            r#"{"__extn": {"fn": "decimal"}}"#,
            r#"{"__extn": {"fn": "decimal", "args": "1.0"}}"#,
            r#"{"__entity": "A::\"b\""}"#,
        ] {
            assert!(matches!(read(src), Ok(Value::Record(_))), "{src}");
        }
        // Extra inner keys are ignored.
        assert_eq!(read(r#"{"__entity": {"type": "B", "id": "x", "z": 0}}"#).unwrap(), uid("B", "x"));
        // A bad name or a failing constructor makes the document invalid.
        assert_eq!(read(r#"[{"__entity": {"type": "A :: B", "id": "x"}}]"#).unwrap_err().path, "[0].__entity.type");
        assert!(read(r#"{"__entity": {"type": "if", "id": "x"}}"#).is_err());
        let e = read(r#"{"k": {"__extn": {"fn": "ip", "arg": "1.2.3"}}}"#).unwrap_err();
        assert_eq!(e.path, "k.__extn");
        assert!(read(r#"{"__extn": {"fn": "nosuch", "arg": "1"}}"#).is_err());
        assert!(read(r#"{"__extn": {"fn": "decimal", "args": []}}"#).is_err());
    }

    #[test]
    fn schema_directed() {
        let user = SchemaType::Entity(EntityType::new("User"));
        assert_eq!(read_t(r#"{"type": "User", "id": "a"}"#, &user).unwrap(), uid("User", "a"));
        assert_eq!(read_t(r#"{"__entity": {"type": "User", "id": "a"}}"#, &user).unwrap(), uid("User", "a"));
        assert!(read_t(r#"{"type": "Group", "id": "a"}"#, &user).is_err());
        let ipt = SchemaType::Extension(ExtType::IpAddr);
        assert_eq!(read_t(r#""1.2.3.4""#, &ipt).unwrap(), call("ip", "1.2.3.4"));
        assert_eq!(read_t(r#"{"fn": "ip", "arg": "1.2.3.4"}"#, &ipt).unwrap(), call("ip", "1.2.3.4"));
        assert_eq!(read_t(r#"{"__extn": {"fn": "ip", "arg": "1.2.3.4"}}"#, &ipt).unwrap(), call("ip", "1.2.3.4"));
        assert!(read_t(r#"{"fn": "decimal", "arg": "1.0"}"#, &ipt).is_err());
        assert!(read_t(r#""1.2.3""#, &ipt).is_err());
        let dt = SchemaType::Extension(ExtType::Datetime);
        assert_eq!(read_t(r#""1970-01-02""#, &dt).unwrap(), Value::Ext(ExtValue::Datetime(86_400_000)));
        let set = SchemaType::Set(Box::new(SchemaType::Extension(ExtType::Decimal)));
        assert_eq!(read_t(r#"["1.0", "1.0000"]"#, &set).unwrap(), Value::set([call("decimal", "1.0")]));
        assert_eq!(read_t(r#"["1.0", "x"]"#, &set).unwrap_err().path, "[1]");
        let mut rt = RecordType::default();
        rt.attrs.insert("a".into(), AttributeType { ty: SchemaType::Long, required: true });
        rt.attrs.insert("b".into(), AttributeType { ty: user.clone(), required: false });
        let rec = SchemaType::Record(rt);
        assert!(read_t(r#"{"a": 1}"#, &rec).is_ok());
        assert_eq!(
            read_t(r#"{"a": 1, "b": {"type": "User", "id": "x"}}"#, &rec).unwrap(),
            Value::record([("a".into(), Value::Long(1)), ("b".into(), uid("User", "x"))])
        );
        assert!(read_t(r#"{"b": {"type": "User", "id": "x"}}"#, &rec).unwrap_err().message.contains("required"));
        assert_eq!(read_t(r#"{"a": 1, "c": 2}"#, &rec).unwrap_err().path, "c");
        assert_eq!(read_t(r#"{"a": "1"}"#, &rec).unwrap_err().path, "a");
    }

    #[test]
    fn deep_in_memory_json_is_an_error() {
        let mut j = Json::from(1);
        for _ in 0..10_000 {
            j = Json::Array(vec![j]);
        }
        let e = value_from_json(&j, None, &Path::ROOT).unwrap_err();
        assert!(e.message.contains("nested"), "{e}");
        let t = (0..300).fold(SchemaType::Long, |t, _| SchemaType::Set(Box::new(t)));
        assert!(value_from_json(&j, Some(&t), &Path::ROOT).is_err());
        // Dropping a 10,000-deep serde_json value recurses; leak it instead.
        std::mem::forget(j);
    }

    #[test]
    fn writing_round_trips() {
        let vals = [
            Value::Long(-3),
            Value::String("x\"y".into()),
            uid("NS::T", "weird \u{0} id"),
            call("decimal", "-0.5"),
            call("ip", "::ffff:102:304/120"),
            call("ip", "10.0.0.1/24"),
            call("duration", "-1d2h"),
            call("datetime", "1969-07-20T20:17:40Z"),
            Value::Ext(ExtValue::Datetime(i64::MIN)),
            Value::Ext(ExtValue::Duration(i64::MIN)),
            Value::Ext(ExtValue::Decimal(i64::MIN)),
            Value::set([Value::Long(1), Value::String("a".into())]),
            Value::record([("a".into(), Value::empty_record()), ("__entity".into(), Value::Long(1))]),
        ];
        for v in vals {
            let j = value_to_json(&v);
            assert_eq!(value_from_json(&j, None, &Path::ROOT).unwrap(), v, "{j}");
        }
        assert_eq!(
            value_to_json(&call("datetime", "1970-01-01T00:00:01Z")),
            json!({"__extn": {"fn": "offset", "args": [
                {"__extn": {"fn": "datetime", "arg": "1970-01-01"}},
                {"__extn": {"fn": "duration", "arg": "1000ms"}}]}})
        );
    }
}
