//! Upstream `cedar-policy` (the Rust crate, version 4) as a third engine,
//! behind the `upstream` feature. It reads the same public formats as our
//! engine: the Cedar policy text (whichever writer wrote it), template links
//! from the policy-set JSON, entities and request JSON, and the expression
//! text for evaluation.
//!
//! Comparison classes: a refused input is `Rejected` (upstream's wording
//! differs from ours and is never compared); authorization answers are the
//! decision and the reason / erroring policy ids; evaluation errors are
//! mapped to the six shared classes, and the few upstream classes outside
//! them (wrong arity, unknown function, unlinked slot, …) keep their own
//! names, which `compare_eval` treats as "some error".

use crate::answer::{AuthAnswer, EngineResult, EvalAnswer, Outcome};
use crate::case::{AuthCase, EvalCase};
use crate::engine::Engine;
use cedar_policy as up;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::str::FromStr;

#[derive(Default)]
pub struct UpstreamEngine;

impl UpstreamEngine {
    pub fn new() -> Self {
        UpstreamEngine
    }
}

macro_rules! reject {
    ($e:expr, $what:expr) => {
        match $e {
            Ok(v) => v,
            Err(err) => return Ok(Outcome::Rejected(format!("{}: {}", $what, err))),
        }
    };
}

impl Engine for UpstreamEngine {
    fn name(&self) -> &str {
        "upstream"
    }

    fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
        let mut ps = reject!(up::PolicySet::from_str(&case.policies_text), "policy text");
        reject!(link(&mut ps, &case.policies_json), "template links");
        let (schema_text, entities, requests) = case.data_to_read();
        let schema = match schema_text {
            Some(text) => Some(reject!(up::Schema::from_cedarschema_str(text), "schema").0),
            None => None,
        };
        let es = reject!(up::Entities::from_json_value(entities.clone(), schema.as_ref()), "entities");
        let auth = up::Authorizer::new();
        let mut out = Vec::with_capacity(requests.len());
        for (i, r) in requests.iter().enumerate() {
            let req = reject!(request(r, schema.as_ref()), format!("request {i}"));
            let resp = auth.is_authorized(&req, &ps, &es);
            out.push(AuthAnswer {
                decision: match resp.decision() {
                    up::Decision::Allow => engine::authorizer::Decision::Allow,
                    up::Decision::Deny => engine::authorizer::Decision::Deny,
                },
                reason: resp.diagnostics().reason().map(|p| p.to_string()).collect(),
                errors: resp
                    .diagnostics()
                    .errors()
                    .map(|e| match e {
                        up::AuthorizationError::PolicyEvaluationError(e) => e.policy_id().to_string(),
                    })
                    .collect(),
            });
        }
        Ok(Outcome::Answer(out))
    }

    fn evaluate(&mut self, case: &EvalCase) -> EngineResult<EvalAnswer> {
        let e = reject!(up::Expression::from_str(&case.expr_text), "expression text");
        let es = reject!(up::Entities::from_json_value(case.entities.clone(), None), "entities");
        let req = reject!(request(&case.request, None), "request");
        Ok(Outcome::Answer(match up::eval_expression(&req, &es, &e) {
            Ok(v) => match value(&v) {
                Ok(v) => EvalAnswer::Value(v),
                Err(why) => EvalAnswer::Unreadable(Json::String(format!("{v:?}")), why),
            },
            Err(err) => EvalAnswer::Error(error_class(&err).to_string()),
        }))
    }
}

/// Apply `templateLinks` of Cedar's policy-set JSON.
fn link(ps: &mut up::PolicySet, json: &Json) -> Result<(), String> {
    for l in crate::ours::read_links(json)? {
        let vals: HashMap<up::SlotId, up::EntityUid> = l
            .values
            .iter()
            .map(|(slot, uid)| {
                let s = match slot {
                    engine::ast::SlotId::Principal => up::SlotId::principal(),
                    engine::ast::SlotId::Resource => up::SlotId::resource(),
                };
                Ok((s, uid_of(&serde_json::json!({"type": uid.ty.0, "id": uid.id}))?))
            })
            .collect::<Result<_, String>>()?;
        ps.link(up::PolicyId::new(&l.template_id.0), up::PolicyId::new(&l.new_id.0), vals)
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn uid_of(j: &Json) -> Result<up::EntityUid, String> {
    up::EntityUid::from_json(j.clone()).map_err(|e| e.to_string())
}

/// `{"principal","action","resource","context"}` as an upstream request;
/// with a schema, the context is read against the action's context type
/// (the request itself is not validated, as our engine's reader does not).
fn request(r: &Json, schema: Option<&up::Schema>) -> Result<up::Request, String> {
    let get = |k: &str| r.get(k).ok_or_else(|| format!("request is missing `{k}`"));
    let action = uid_of(get("action")?)?;
    let ctx = up::Context::from_json_value(get("context")?.clone(), schema.map(|s| (s, &action)))
        .map_err(|e| e.to_string())?;
    up::Request::new(uid_of(get("principal")?)?, action, uid_of(get("resource")?)?, ctx, None)
        .map_err(|e| e.to_string())
}

/// Upstream's evaluation error in the shared vocabulary (`ERROR_CLASSES`).
fn error_class(e: &up::EvaluationError) -> &'static str {
    use up::EvaluationError as E;
    match e {
        E::EntityDoesNotExist(_) => "entityDoesNotExist",
        // Upstream reports a missing tag as this error with `was_attr`
        // false, which it exposes only in the message.
        E::EntityAttrDoesNotExist(x) if x.to_string().contains("does not have the tag") => "tagDoesNotExist",
        E::EntityAttrDoesNotExist(_) | E::RecordAttrDoesNotExist(_) => "attrDoesNotExist",
        E::TypeError(_) => "typeError",
        E::IntegerOverflow(_) => "arithBoundsError",
        E::FailedExtensionFunctionExecution(_) => "extensionError",
        E::WrongNumArguments(_) => "wrongNumArguments",
        E::FailedExtensionFunctionLookup(_) => "extensionFunctionLookup",
        E::UnlinkedSlot(_) => "unlinkedSlot",
        _ => "otherUpstreamError",
    }
}

/// An upstream value as ours. Extension values arrive as their constructor
/// call (`decimal("1.2300")`); our engine evaluates that call to read them.
fn value(v: &up::EvalResult) -> Result<engine::value::Value, String> {
    use engine::value::Value;
    Ok(match v {
        up::EvalResult::Bool(b) => Value::Bool(*b),
        up::EvalResult::Long(n) => Value::Long(*n),
        up::EvalResult::String(s) => Value::String(s.clone()),
        up::EvalResult::EntityUid(u) => {
            Value::EntityUid(engine::ast::EntityUid::new(u.type_name().to_string(), u.id().unescaped()))
        }
        up::EvalResult::Set(s) => Value::set(s.iter().map(value).collect::<Result<Vec<_>, _>>()?),
        up::EvalResult::Record(r) => {
            Value::record(r.iter().map(|(k, v)| Ok((k.to_string(), value(v)?))).collect::<Result<Vec<_>, String>>()?)
        }
        up::EvalResult::ExtensionValue(call) => {
            let e = engine::parser::parse_expr(call).map_err(|e| format!("`{call}`: {e}"))?;
            let req = engine::request::Request {
                principal: engine::ast::EntityUid::new("P", "p"),
                action: engine::ast::EntityUid::new("Action", "a"),
                resource: engine::ast::EntityUid::new("R", "r"),
                context: Value::empty_record(),
            };
            engine::eval::evaluate(&e, &req, &engine::entities::Entities::default())
                .map_err(|e| format!("`{call}`: {}", e.message))?
        }
    })
}
