//! Requests (OWNER: semantics). Stub.
use crate::ast::EntityUid;
use crate::json::DataError;
use crate::schema::Schema;
use crate::value::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub principal: EntityUid,
    pub action: EntityUid,
    pub resource: EntityUid,
    /// Always a `Value::Record`.
    pub context: Value,
}

impl Request {
    /// `{"principal": {"type","id"}, "action": …, "resource": …, "context": {…}}`;
    /// with a schema the context is parsed against the action's context type.
    pub fn from_json(_j: &serde_json::Value, _schema: Option<&Schema>) -> Result<Request, DataError> {
        todo!()
    }
    pub fn to_json(&self) -> serde_json::Value {
        todo!()
    }
}
