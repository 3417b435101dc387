//! Requests, docs/semantics.md §6.4.
use crate::ast::EntityUid;
use crate::json::{DataError, Path};
use crate::json_value::{self, describe, uid_from_json, uid_to_json};
use crate::schema::{RecordType, Schema};
use crate::value::Value;
use serde_json::{json, Value as Json};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub principal: EntityUid,
    pub action: EntityUid,
    pub resource: EntityUid,
    /// Always a `Value::Record`.
    pub context: Value,
}

impl Request {
    /// A request with an empty context.
    pub fn new(principal: EntityUid, action: EntityUid, resource: EntityUid) -> Request {
        Request { principal, action, resource, context: Value::empty_record() }
    }

    /// `{"principal": {"type","id"}, "action": …, "resource": …, "context": {…}}`;
    /// with a schema the context is parsed against the action's context type.
    /// All four fields are required; the entity references may also use the
    /// `{"__entity": …}` form.
    pub fn from_json(j: &serde_json::Value, schema: Option<&Schema>) -> Result<Request, DataError> {
        let root = Path::ROOT;
        let Json::Object(o) = j else {
            return Err(root.err(format!("a request must be a JSON object, found {}", describe(j))));
        };
        let field = |k: &str| o.get(k).ok_or_else(|| root.err(format!("request is missing the field `{k}`")));
        let uid = |k: &'static str| -> Result<EntityUid, DataError> { uid_from_json(field(k)?, &root.key(k)) };
        let principal = uid("principal")?;
        let action = uid("action")?;
        let resource = uid("resource")?;
        let cp = root.key("context");
        let cj = field("context")?;
        let Json::Object(co) = cj else {
            return Err(cp.err(format!("the context must be a JSON object (a record), found {}", describe(cj))));
        };
        // With a schema the context is read against the action's context
        // type, as Cedar does: an undeclared action is an error, and an
        // action without `appliesTo` takes the empty record type.
        let context = match schema {
            None => Value::Record(std::sync::Arc::new(json_value::map_from_json(co, &cp)?)),
            Some(s) => {
                let Some(def) = s.actions.get(&action) else {
                    return Err(root.key("action").err(format!("action {action} is not declared in the schema")));
                };
                let empty = RecordType::default();
                let rt = def.applies_to.as_ref().map_or(&empty, |a| &a.context);
                json_value::record_from_json(co, rt, &cp)?
            }
        };
        Ok(Request { principal, action, resource, context })
    }

    /// [`Request::from_json`] with a schema, then request validation
    /// (docs/semantics.md §9.7, `validator::validate_request`): declared types, the action's
    /// `appliesTo`, and the context's type.
    pub fn from_json_validated(j: &serde_json::Value, schema: &Schema) -> Result<Request, DataError> {
        let r = Request::from_json(j, Some(schema))?;
        crate::validator::validate_request(schema, &r)?;
        Ok(r)
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "principal": uid_to_json(&self.principal),
            "action": uid_to_json(&self.action),
            "resource": uid_to_json(&self.resource),
            "context": json_value::value_to_json(&self.context),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_strict;
    use crate::schema::{ActionDef, AppliesTo, AttributeType, ExtType, SchemaType};

    const REQ: &str = r#"{"principal": {"type": "User", "id": "a"}, "action": {"__entity": {"type": "Action", "id": "read"}},
        "resource": {"type": "Doc", "id": "d"}, "context": {"ip": "1.2.3.4", "n": 1}}"#;

    #[test]
    fn without_schema() {
        let r = Request::from_json(&parse_strict(REQ).unwrap(), None).unwrap();
        assert_eq!(r.action, EntityUid::new("Action", "read"));
        assert_eq!(
            r.context,
            Value::record([("ip".into(), Value::String("1.2.3.4".into())), ("n".into(), Value::Long(1))])
        );
        assert_eq!(Request::from_json(&r.to_json(), None).unwrap(), r);
    }

    #[test]
    fn with_schema() {
        let mut s = Schema::default();
        let mut at = AppliesTo::default();
        at.context
            .attrs
            .insert("ip".into(), AttributeType { ty: SchemaType::Extension(ExtType::IpAddr), required: true });
        at.context.attrs.insert("n".into(), AttributeType { ty: SchemaType::Long, required: false });
        s.actions.insert(EntityUid::new("Action", "read"), ActionDef { member_of: vec![], applies_to: Some(at) });
        let r = Request::from_json(&parse_strict(REQ).unwrap(), Some(&s)).unwrap();
        assert_eq!(
            r.context,
            Value::record([
                ("ip".into(), crate::ext::call("ip", &[Value::String("1.2.3.4".into())]).unwrap()),
                ("n".into(), Value::Long(1)),
            ])
        );
        let bad = REQ.replace("\"n\": 1", "\"m\": 1");
        assert_eq!(Request::from_json(&parse_strict(&bad).unwrap(), Some(&s)).unwrap_err().path, "context.m");
        assert_eq!(Request::from_json(&r.to_json(), Some(&s)).unwrap(), r);
        // Undeclared action: error; declared without appliesTo: empty context only.
        let unknown = REQ.replace(r#""id": "read""#, r#""id": "nope""#);
        assert_eq!(Request::from_json(&parse_strict(&unknown).unwrap(), Some(&s)).unwrap_err().path, "action");
        s.actions.insert(EntityUid::new("Action", "none"), ActionDef::default());
        let none = REQ.replace(r#""id": "read""#, r#""id": "none""#);
        assert_eq!(Request::from_json(&parse_strict(&none).unwrap(), Some(&s)).unwrap_err().path, "context.ip");
        let none_empty = none.replace(r#"{"ip": "1.2.3.4", "n": 1}"#, "{}");
        assert!(Request::from_json(&parse_strict(&none_empty).unwrap(), Some(&s)).is_ok());
    }

    #[test]
    fn errors() {
        let no_ctx = r#"{"principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "r"}, "resource": {"type": "Doc", "id": "d"}}"#;
        assert!(Request::from_json(&parse_strict(no_ctx).unwrap(), None).unwrap_err().message.contains("context"));
        let arr_ctx = REQ.replace(r#"{"ip": "1.2.3.4", "n": 1}"#, "[]");
        assert_eq!(Request::from_json(&parse_strict(&arr_ctx).unwrap(), None).unwrap_err().path, "context");
        let bad_uid = REQ.replace(r#""id": "a""#, r#""id": 1"#);
        assert_eq!(Request::from_json(&parse_strict(&bad_uid).unwrap(), None).unwrap_err().path, "principal");
        // Duplicate keys never reach `from_json`: the strict reader refuses them.
        let dup = REQ.replace(r#""n": 1"#, r#""n": 1, "n": 2"#);
        assert_eq!(parse_strict(&dup).unwrap_err().path, "context.n");
    }
}
