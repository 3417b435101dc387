//! Our engine behind the `Engine` trait. It reads policies from the Cedar
//! text (its own parser in the loop), template links from the policy-set
//! JSON (text cannot express links), entities and requests from their JSON.

use crate::answer::{error_class_name, spec_error, AuthAnswer, EngineResult, EvalAnswer, Fault, Outcome};
use crate::case::{AuthCase, EvalCase};
use crate::engine::Engine;
use engine::ast::{EntityUid, PolicyId, SlotId, TemplateLink};
use engine::authorizer::{Authorizer, Decision};
use engine::entities::Entities;
use engine::request::Request;
use engine::value::Value;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

#[derive(Default)]
pub struct OurEngine;

impl OurEngine {
    pub fn new() -> Self {
        OurEngine
    }
}

/// Early return of a rejection (`Outcome::Rejected`) with a prefix.
macro_rules! reject {
    ($e:expr, $what:expr) => {
        match $e {
            Ok(v) => v,
            Err(err) => return Ok(Outcome::Rejected(format!("{}: {}", $what, err))),
        }
    };
}

impl Engine for OurEngine {
    fn name(&self) -> &str {
        "engine"
    }

    fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
        let mut ps = reject!(engine::parser::parse_policy_set(&case.policies_text), "policy text");
        ps.links = reject!(read_links(&case.policies_json), "template links");
        // Read with the schema when the case has data written for that
        // (`AuthCase::with_schema`), as Cedar's CLI does with `--schema`.
        let (schema_text, entities, requests) = case.data_to_read();
        let schema = match schema_text {
            Some(text) => Some(reject!(engine::schema::Schema::from_cedar_str(text), "schema")),
            None => None,
        };
        let es = reject!(Entities::from_json_str(&entities.to_string(), schema.as_ref()), "entities");
        let auth = reject!(Authorizer::new(&ps), "policy set");
        let mut out = Vec::with_capacity(requests.len());
        for (i, r) in requests.iter().enumerate() {
            let req = reject!(Request::from_json(r, schema.as_ref()), format!("request {i}"));
            // Judge the answer in the form the engine gives its users (the
            // JSON `engine authorize` prints), so its writer is under test too.
            let answer = auth.is_authorized(&req, &es).to_json();
            out.push(read_answer(&answer).map_err(|why| Fault {
                engine: self.name().to_string(),
                message: format!("request {i}: unreadable answer {answer}: {why}"),
            })?);
        }
        Ok(Outcome::Answer(out))
    }

    fn has_validator(&self) -> bool {
        true
    }

    fn validate(&mut self, case: &crate::validation::ValidationCase) -> EngineResult<crate::validation::Verdicts> {
        Ok(crate::validation::our_verdicts(case))
    }

    fn validate_requests(
        &mut self,
        case: &crate::validation::RequestValidationCase,
    ) -> EngineResult<crate::validation::RequestVerdicts> {
        Ok(crate::validation::our_request_verdicts(case))
    }

    fn validate_data(
        &mut self,
        schema_json: &serde_json::Value,
        data: &crate::entity_validation::DataJson,
    ) -> EngineResult<crate::entity_validation::DataVerdicts> {
        Ok(crate::entity_validation::our_data_verdicts(schema_json, data))
    }

    fn evaluate(&mut self, case: &EvalCase) -> EngineResult<EvalAnswer> {
        let e = reject!(engine::parser::parse_expr(&case.expr_text), "expression text");
        let es = reject!(read_entities(&case.entities), "entities");
        let req = reject!(Request::from_json(&case.request, None), "request");
        Ok(Outcome::Answer(match engine::eval::evaluate(&e, &req, &es) {
            Ok(v) => EvalAnswer::Value(v),
            Err(err) => spec_error(self.name(), error_class_name(err.kind))?,
        }))
    }
}

/// Template links from Cedar's policy-set JSON (`templateLinks`).
pub fn read_links(ps: &Json) -> Result<Vec<TemplateLink>, String> {
    let Some(links) = ps.get("templateLinks") else { return Ok(vec![]) };
    let links = links.as_array().ok_or("`templateLinks` must be an array")?;
    let mut out = Vec::new();
    for (i, l) in links.iter().enumerate() {
        let s = |k: &str| {
            l.get(k)
                .and_then(Json::as_str)
                .map(str::to_string)
                .ok_or(format!("templateLinks[{i}].{k} must be a string"))
        };
        let mut values = BTreeMap::new();
        let vals =
            l.get("values").and_then(Json::as_object).ok_or(format!("templateLinks[{i}].values must be an object"))?;
        for (k, v) in vals {
            let slot = match k.as_str() {
                "?principal" => SlotId::Principal,
                "?resource" => SlotId::Resource,
                _ => return Err(format!("templateLinks[{i}].values: unknown slot `{k}`")),
            };
            values.insert(slot, read_uid(v).ok_or(format!("templateLinks[{i}].values.{k}: not an entity reference"))?);
        }
        out.push(TemplateLink { new_id: PolicyId(s("newId")?), template_id: PolicyId(s("templateId")?), values });
    }
    Ok(out)
}

fn read_uid(v: &Json) -> Option<EntityUid> {
    let v = v.get("__entity").unwrap_or(v);
    Some(EntityUid::new(v.get("type")?.as_str()?, v.get("id")?.as_str()?))
}

/// Read a Cedar JSON value with the engine's own value reader: it is wrapped
/// as the one field of a request context, the engine's public way in.
pub fn read_value(j: &Json) -> Result<Value, String> {
    let req = json!({
        "principal": {"type": "P", "id": "p"},
        "action": {"type": "Action", "id": "a"},
        "resource": {"type": "R", "id": "r"},
        "context": {"v": j},
    });
    let r = Request::from_json(&req, None).map_err(|e| e.to_string())?;
    match r.context {
        Value::Record(m) => m.get("v").cloned().ok_or_else(|| "value lost in context".to_string()),
        _ => Err("context is not a record".into()),
    }
}

/// Entities read from JSON text, as `engine authorize` reads its file, so
/// the engine's own JSON reader is under test too.
fn read_entities(j: &Json) -> Result<Entities, engine::json::DataError> {
    Entities::from_json_str(&j.to_string(), None)
}

/// Reads `{"decision": "allow"|"deny", "reason": [id], "errors": [{"policy": id, …}]}`.
fn read_answer(j: &Json) -> Result<AuthAnswer, String> {
    let decision = match j.get("decision").and_then(Json::as_str) {
        Some("allow") => Decision::Allow,
        Some("deny") => Decision::Deny,
        other => return Err(format!("decision {other:?}")),
    };
    let list = |key: &str| j.get(key).and_then(Json::as_array).ok_or_else(|| format!("no {key} array"));
    let reason = list("reason")?
        .iter()
        .map(|p| p.as_str().map(str::to_string).ok_or_else(|| format!("reason entry {p}")))
        .collect::<Result<_, _>>()?;
    let errors = list("errors")?
        .iter()
        .map(|e| e.get("policy").and_then(Json::as_str).map(str::to_string).ok_or_else(|| format!("errors entry {e}")))
        .collect::<Result<_, _>>()?;
    Ok(AuthAnswer { decision, reason, errors })
}
