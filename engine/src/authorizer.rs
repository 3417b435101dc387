//! The authorizer (OWNER: semantics). Stub.
use crate::ast::{PolicyId, PolicySet};
use crate::entities::Entities;
use crate::request::Request;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub id: PolicyId,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub decision: Decision,
    pub reason: BTreeSet<PolicyId>,
    pub errors: Vec<PolicyError>,
}

/// A policy set prepared for repeated authorization (links instantiated,
/// conditions built once).
pub struct Authorizer {}

impl Authorizer {
    pub fn new(_ps: &PolicySet) -> Result<Authorizer, String> {
        todo!()
    }
    pub fn is_authorized(&self, _req: &Request, _es: &Entities) -> Response {
        todo!()
    }
}
