//! Cedar's JSON policy format ("EST") ↔ `ast` (OWNER: syntax). Stub.
use crate::ast::{Expr, Policy, PolicyId, PolicySet};
use serde_json::Value as Json;

/// An error at a JSON path such as `staticPolicies.policy0.conditions[0].body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstError {
    pub path: String,
    pub message: String,
}
impl std::fmt::Display for EstError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}
impl std::error::Error for EstError {}

pub fn expr_to_json(_e: &Expr) -> Json {
    todo!()
}
pub fn expr_from_json(_j: &Json) -> Result<Expr, EstError> {
    todo!()
}
pub fn policy_to_json(_p: &Policy) -> Json {
    todo!()
}
pub fn policy_from_json(_id: PolicyId, _j: &Json) -> Result<Policy, EstError> {
    todo!()
}
/// Cedar's policy-set JSON: `{"staticPolicies": {id: policy}, "templates": {id: policy},
/// "templateLinks": [{"templateId", "newId", "values": {"?principal": {"type","id"}}}]}`.
pub fn policy_set_to_json(_ps: &PolicySet) -> Json {
    todo!()
}
pub fn policy_set_from_json(_j: &Json) -> Result<PolicySet, EstError> {
    todo!()
}
