//! Expected answers for integration-format tests (docs/semantics.md §10), computed
//! with the upstream crate rather than by hand.
//!
//! One deliberate deviation from crate 4.14.1 (docs/semantics.md §1.2): the
//! `InvalidActionApplication` diagnostic is a *warning* there but an *error*
//! in the 4.10–4.12 validators that produced Cedar's corpus, and our
//! validator follows the corpus. So a warning of that kind counts as a
//! validation failure here.

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityUid, PolicySet, Request, Schema, ValidationMode, ValidationWarning,
    Validator,
};
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::path::Path;

/// What upstream says about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub decision: &'static str,
    pub reason: BTreeSet<String>,
    pub errors: BTreeSet<String>,
}

/// What upstream says about one test file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// `None` when the test has no schema.
    pub should_validate: Option<bool>,
    pub answers: Vec<Answer>,
    /// Upstream's validation errors and warnings, for explaining a
    /// `shouldValidate: false`.
    pub validation_messages: Vec<String>,
}

fn read(root: &Path, test: &Json, key: &str) -> Result<Option<String>, String> {
    match test.get(key) {
        None => Ok(None),
        Some(Json::String(p)) => {
            let path = root.join(p);
            std::fs::read_to_string(&path).map(Some).map_err(|e| format!("{}: {e}", path.display()))
        }
        Some(_) => Err(format!("`{key}` must be a string path")),
    }
}

fn format_of<'a>(test: &'a Json, key: &str) -> Result<&'a str, String> {
    match test.get(key) {
        None => Ok("cedar"),
        Some(Json::String(s)) if s == "cedar" || s == "json" => Ok(s),
        Some(other) => Err(format!("`{key}` must be \"cedar\" or \"json\", found {other}")),
    }
}

/// Load the test's inputs with upstream and answer every request.
pub fn compute(test: &Json, root: &Path) -> Result<Expected, String> {
    let policies_src = read(root, test, "policies")?.ok_or("test has no `policies`")?;
    let policies = match format_of(test, "policyFormat")? {
        "json" => PolicySet::from_json_str(&policies_src).map_err(|e| format!("policies: {e}"))?,
        _ => policies_src.parse::<PolicySet>().map_err(|e| format!("policies: {e}"))?,
    };
    let schema = match read(root, test, "schema")? {
        None => None,
        Some(src) => Some(match format_of(test, "schemaFormat")? {
            "json" => Schema::from_json_str(&src).map_err(|e| format!("schema: {e}"))?,
            _ => Schema::from_cedarschema_str(&src).map_err(|e| format!("schema: {e}"))?.0,
        }),
    };
    let entities_src = read(root, test, "entities")?.ok_or("test has no `entities`")?;
    let entities = Entities::from_json_str(&entities_src, schema.as_ref()).map_err(|e| format!("entities: {e}"))?;

    let mut validation_messages = Vec::new();
    let should_validate = schema.as_ref().map(|s| {
        let result = Validator::new(s.clone()).validate(&policies, ValidationMode::Strict);
        validation_messages.extend(result.validation_errors().map(|e| format!("error: {e}")));
        validation_messages.extend(result.validation_warnings().map(|w| format!("warning: {w}")));
        result.validation_passed()
            && !result.validation_warnings().any(|w| matches!(w, ValidationWarning::InvalidActionApplication(_)))
    });

    let requests = test.get("requests").and_then(Json::as_array).ok_or("test has no `requests` array")?;
    let authorizer = Authorizer::new();
    let mut answers = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let at = |what: &str| format!("requests[{i}].{what}");
        let uid = |key: &str| -> Result<EntityUid, String> {
            let j = r.get(key).cloned().ok_or_else(|| format!("{} missing", at(key)))?;
            EntityUid::from_json(j).map_err(|e| format!("{}: {e}", at(key)))
        };
        let (p, a, res) = (uid("principal")?, uid("action")?, uid("resource")?);
        let ctx_json = r.get("context").cloned().unwrap_or_else(|| json!({}));
        let context = Context::from_json_value(ctx_json, schema.as_ref().map(|s| (s, &a)))
            .map_err(|e| format!("{}: {e}", at("context")))?;
        let validate = r.get("validateRequest").and_then(Json::as_bool).unwrap_or(true);
        let request = Request::new(p, a, res, context, if validate { schema.as_ref() } else { None })
            .map_err(|e| format!("{}: {e}", at("request")))?;
        let resp = authorizer.is_authorized(&request, &policies, &entities);
        answers.push(Answer {
            decision: match resp.decision() {
                Decision::Allow => "allow",
                Decision::Deny => "deny",
            },
            reason: resp.diagnostics().reason().map(|id| id.to_string()).collect(),
            errors: resp
                .diagnostics()
                .errors()
                .map(|e| match e {
                    cedar_policy::AuthorizationError::PolicyEvaluationError(e) => e.policy_id().to_string(),
                })
                .collect(),
        });
    }
    Ok(Expected { should_validate, answers, validation_messages })
}

fn id_set(j: Option<&Json>) -> Option<BTreeSet<String>> {
    j?.as_array()?.iter().map(|v| v.as_str().map(str::to_string)).collect()
}

/// Every place where the test's written expectations disagree with `exp`.
pub fn check(test: &Json, exp: &Expected) -> Vec<String> {
    let mut out = Vec::new();
    let written = test.get("shouldValidate").and_then(Json::as_bool);
    if written != exp.should_validate {
        out.push(format!("shouldValidate: test says {written:?}, upstream {:?}", exp.should_validate));
    }
    let reqs = test.get("requests").and_then(Json::as_array).cloned().unwrap_or_default();
    for (i, (r, a)) in reqs.iter().zip(&exp.answers).enumerate() {
        let desc = r.get("description").and_then(Json::as_str).unwrap_or("");
        let d = r.get("decision").and_then(Json::as_str);
        if d != Some(a.decision) {
            out.push(format!("requests[{i}] ({desc}): decision {d:?}, upstream {:?}", a.decision));
        }
        let reason = id_set(r.get("reason"));
        if reason.as_ref() != Some(&a.reason) {
            out.push(format!("requests[{i}] ({desc}): reason {reason:?}, upstream {:?}", a.reason));
        }
        let errors = id_set(r.get("errors"));
        if errors.as_ref() != Some(&a.errors) {
            out.push(format!("requests[{i}] ({desc}): errors {errors:?}, upstream {:?}", a.errors));
        }
    }
    out
}

/// Write `exp` into the test's JSON (keeping key order and everything else).
pub fn fill(test: &mut Json, exp: &Expected) {
    if let (Some(obj), Some(sv)) = (test.as_object_mut(), exp.should_validate) {
        obj.insert("shouldValidate".into(), Json::Bool(sv));
    }
    if let Some(reqs) = test.get_mut("requests").and_then(Json::as_array_mut) {
        for (r, a) in reqs.iter_mut().zip(&exp.answers) {
            if let Some(obj) = r.as_object_mut() {
                obj.insert("decision".into(), json!(a.decision));
                obj.insert("reason".into(), json!(a.reason));
                obj.insert("errors".into(), json!(a.errors));
            }
        }
    }
}
