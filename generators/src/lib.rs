//! Input generators (OWNER: generators helper). The types below are the
//! contract with the differential core (`drt/`); bodies are to come.

use engine::ast::{Expr, PolicySet};
use engine::entities::Entities;
use engine::request::Request;
use engine::schema::Schema;

/// One authorization input: everything the engines need, mutually consistent.
#[derive(Debug, Clone)]
pub struct AuthInput {
    /// `None` in untyped mode.
    pub schema: Option<Schema>,
    pub entities: Entities,
    pub policies: PolicySet,
    pub requests: Vec<Request>,
}

/// One evaluation input.
#[derive(Debug, Clone)]
pub struct EvalInput {
    pub schema: Option<Schema>,
    pub entities: Entities,
    pub expr: Expr,
    pub request: Request,
}
