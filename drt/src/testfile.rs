//! The one writer of tests in Cedar's integration-test format, shared by
//! `drt repro` and `drt export`.
//!
//! A test `NAME` is exactly what Cedar's own harness (`cedar-testing`) reads:
//! `NAME.json` with the keys `policies`, `entities`, `schema`,
//! `shouldValidate` and `requests` (each request: `description`,
//! `principal`, `action`, `resource`, `context`, `validateRequest`,
//! `decision`, `reason`, `errors`), pointing to `NAME.cedar` (Cedar text),
//! `NAME.cedarschema` and `NAME.entities.json`. Our own data (the exact case,
//! every engine's answer, which one the test expects) goes to `NAME.drt.json`,
//! which the regression runner replays.
//!
//! What the format cannot hold, and how it is handled:
//! * template links: the harness has no field for them, so each link is
//!   written as its template with the slots filled in, appended after the
//!   case's own text under the next positional id; answers naming the link
//!   are renamed to that id (`linkIds` in `NAME.drt.json`);
//! * no schema, entities or a context that do not conform to the schema
//!   (the harness loads both against it): no `NAME.json` is written, and the
//!   reason is returned and recorded in `NAME.drt.json`.

use crate::answer::{AuthAnswer, EvalAnswer, Outcome};
use crate::case::{AnyCase, AuthCase, EvalCase};
use engine::ast::PolicyId;
use engine::authorizer::Decision;
use engine::schema::Schema;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn auth_outcome_json(o: &Outcome<Vec<AuthAnswer>>) -> Json {
    match o {
        Outcome::Rejected(why) => json!({ "rejected": why }),
        Outcome::Answer(a) => Json::Array(a.iter().map(auth_answer_json).collect()),
    }
}

pub fn auth_answer_json(a: &AuthAnswer) -> Json {
    json!({
        "decision": if a.decision == Decision::Allow { "allow" } else { "deny" },
        "reason": a.reason.iter().collect::<Vec<_>>(),
        "errors": a.errors.iter().collect::<Vec<_>>(),
    })
}

pub fn eval_outcome_json(o: &Outcome<EvalAnswer>) -> Json {
    match o {
        Outcome::Rejected(why) => json!({ "rejected": why }),
        Outcome::Answer(EvalAnswer::Value(v)) => json!({ "value": crate::display::value(v) }),
        Outcome::Answer(EvalAnswer::Error(c)) => json!({ "error": c }),
        Outcome::Answer(EvalAnswer::Unreadable(j, why)) => json!({ "unreadable": j, "why": why }),
    }
}

/// Compare outcome JSON as written by this module; a rejection matches any
/// rejection (the wording is not part of the contract).
pub fn same_outcome(a: &Json, b: &Json) -> bool {
    match (a.get("rejected"), b.get("rejected")) {
        (Some(_), Some(_)) => true,
        _ => a == b,
    }
}

/// A case as a test in Cedar's integration-test format, ready to write.
#[derive(Debug, Clone)]
pub struct CedarTest {
    /// Cedar text: the case's text as our engine parsed it, then one policy
    /// per template link.
    pub policies: String,
    /// The schema in Cedar syntax, as in the case.
    pub schema: String,
    pub entities: Json,
    /// What strict validation (`engine::validator`) says of `policies`.
    pub should_validate: bool,
    /// Requests with the expected answers, in the harness's field order.
    pub requests: Vec<Json>,
    /// Template link id → the positional id of its policy in `policies`.
    pub link_ids: BTreeMap<String, String>,
}

impl CedarTest {
    /// `expected` is the reference engine's answers to `case` (an array of
    /// `{decision, reason, errors}` as [`auth_outcome_json`] writes them).
    /// Fails, saying why, when the format cannot hold the case.
    pub fn from_auth(name: &str, case: &AuthCase, expected: &Json) -> Result<CedarTest, String> {
        let schema_text =
            case.schema.as_deref().ok_or("the case has no schema, and the integration-test format requires one")?;
        let schema = Schema::from_cedar_str(schema_text).map_err(|e| format!("the schema does not parse: {e}"))?;
        let (policies, link_ids) = policies_with_links_inlined(case)?;
        let parsed = engine::parser::parse_policy_set(&policies)
            .map_err(|e| format!("the written policy text does not parse: {e}"))?;
        let should_validate = engine::validator::validate(&schema, &parsed).passed();
        // The harness loads the entities and every context against the schema.
        let entities_text = serde_json::to_string(&case.entities).map_err(|e| e.to_string())?;
        engine::testing::parse_entities(&entities_text, Some(&schema), "entities")
            .map_err(|e| format!("the entities do not conform to the schema: {e}"))?;
        let answers = match expected {
            Json::Array(a) if a.len() == case.requests.len() => a,
            other => return Err(format!("no expected answer for every request (the reference answered {other})")),
        };
        let mut requests = Vec::with_capacity(case.requests.len());
        for (i, (r, a)) in case.requests.iter().zip(answers).enumerate() {
            let req = engine::request::Request::from_json(r, Some(&schema))
                .map_err(|e| format!("request {i} does not conform to the schema: {e}"))?;
            let rename = |ids: &Json| -> Json {
                let ids = ids.as_array().map(Vec::as_slice).unwrap_or_default();
                Json::Array(
                    ids.iter()
                        .map(|id| match id.as_str().and_then(|s| link_ids.get(s)) {
                            Some(new) => json!(new),
                            None => id.clone(),
                        })
                        .collect(),
                )
            };
            requests.push(json!({
                "description": format!("{name} request {i}"),
                "principal": r["principal"],
                "action": r["action"],
                "resource": r["resource"],
                "context": r["context"],
                // Requests that fit the action's `appliesTo` are validated as
                // Cedar's corpus does; the others are still authorized.
                "validateRequest": engine::testing::check_request(&schema, &req).is_ok(),
                "decision": a["decision"],
                "reason": rename(&a["reason"]),
                "errors": rename(&a["errors"]),
            }));
        }
        Ok(CedarTest {
            policies,
            schema: schema_text.to_string(),
            entities: case.entities.clone(),
            should_validate,
            requests,
            link_ids,
        })
    }

    /// Write `NAME.cedar`, `NAME.cedarschema`, `NAME.entities.json` and the
    /// test `NAME.json` (paths relative to `dir`); returns the test's path.
    pub fn write(&self, dir: &Path, name: &str) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let files = [
            (format!("{name}.cedar"), self.policies.clone()),
            (format!("{name}.cedarschema"), self.schema.clone()),
            (format!("{name}.entities.json"), pretty(&self.entities)),
        ];
        for (f, text) in &files {
            std::fs::write(dir.join(f), text)?;
        }
        let test = json!({
            "policies": files[0].0,
            "entities": files[2].0,
            "schema": files[1].0,
            "shouldValidate": self.should_validate,
            "requests": self.requests,
        });
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, pretty(&test))?;
        Ok(path)
    }
}

/// The case's policy text with each template link appended as a policy of
/// its own (Cedar text cannot link), and the ids those policies get.
fn policies_with_links_inlined(case: &AuthCase) -> Result<(String, BTreeMap<String, String>), String> {
    let links = crate::ours::read_links(&case.policies_json)?;
    let mut text = case.policies_text.clone();
    let mut ids = BTreeMap::new();
    if links.is_empty() {
        return Ok((text, ids));
    }
    let ps = engine::parser::parse_policy_set(&case.policies_text)
        .map_err(|e| format!("the case's policy text does not parse: {e}"))?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for (k, l) in links.iter().enumerate() {
        let template = ps
            .get(&l.template_id)
            .filter(|t| t.is_template())
            .ok_or_else(|| format!("link `{}` names no template `{}`", l.new_id, l.template_id))?;
        // Positional ids continue after the policies and templates of the text.
        let id = format!("policy{}", ps.policies.len() + k);
        let linked = template.link(PolicyId(id.clone()), &l.values)?;
        text.push_str(&format!("// template link `{}` of `{}`\n", l.new_id, l.template_id));
        text.push_str(&engine::printer::policy_to_text(&linked));
        text.push('\n');
        ids.insert(l.new_id.0.clone(), id);
    }
    Ok((text, ids))
}

/// What [`write_case`] wrote.
pub struct Written {
    /// The test in Cedar's format, or why the format cannot hold the case.
    pub test_json: Result<PathBuf, String>,
    pub drt_json: PathBuf,
    /// One line: which answers the test expects, and whether the engines agree.
    pub about: String,
}

/// The answer of engine `name` among `answers` (`null` when it gave none).
pub fn answer_of<'a>(answers: &'a [(String, Json)], name: &str) -> &'a Json {
    answers.iter().find(|(n, _)| n == name).map_or(&Json::Null, |(_, a)| a)
}

/// `case` as a Cedar-format test expecting `expected` (the reference's
/// outcome JSON), or why the format cannot hold it.
pub fn cedar_test(name: &str, case: &AnyCase, expected: &Json) -> Result<CedarTest, String> {
    match case {
        AnyCase::Auth(c) => CedarTest::from_auth(name, c, expected),
        AnyCase::Eval(c) => CedarTest::from_auth(name, &eval_as_auth(c), &eval_expectation_as_auth(expected)),
    }
}

/// Write `case` into `dir` as test `name`. `answers` are (engine name,
/// outcome JSON); the test expects the answers of engine `expected` (the
/// reference). `NAME.drt.json` is always written.
pub fn write_case(
    dir: &Path,
    name: &str,
    case: &AnyCase,
    answers: &[(String, Json)],
    expected: &str,
    note: &str,
) -> std::io::Result<Written> {
    let test = cedar_test(name, case, answer_of(answers, expected));
    write_case_as(dir, name, case, answers, expected, note, test)
}

/// [`write_case`] with the Cedar-format test already built.
pub fn write_case_as(
    dir: &Path,
    name: &str,
    case: &AnyCase,
    answers: &[(String, Json)],
    expected: &str,
    note: &str,
    test: Result<CedarTest, String>,
) -> std::io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let exp = answer_of(answers, expected);
    let (test_json, link_ids) = match test {
        Ok(t) => (Ok(t.write(dir, name)?), t.link_ids),
        Err(why) => (Err(why), BTreeMap::new()),
    };
    // The side that looks wrong: the first whose answer differs from the expectation.
    let wrong = answers.iter().find(|(n, a)| n != expected && !same_outcome(a, exp)).map(|(n, _)| n.clone());
    let about = match (&wrong, &test_json) {
        (_, Err(why)) => format!("no integration test: {why}"),
        (Some(w), Ok(_)) => format!(
            "the engines disagree: {name}.json expects {expected}'s answers (the reference) and documents the discrepancy; {w} answered differently"
        ),
        (None, Ok(_)) => format!("{name}.json expects {expected}'s answers (the reference); no engine answered differently"),
    };
    let drt = json!({
        "case": case.to_json(),
        "wrong": wrong,
        "answers": answers.iter().map(|(n, a)| (n.clone(), a.clone())).collect::<serde_json::Map<_, _>>(),
        "expected": expected,
        "status": "open",
        "note": note,
        "about": &about,
        "linkIds": link_ids,
    });
    let drt_json = dir.join(format!("{name}.drt.json"));
    std::fs::write(&drt_json, pretty(&drt))?;
    Ok(Written { test_json, drt_json, about })
}

fn pretty(j: &Json) -> String {
    let mut s = serde_json::to_string_pretty(j).unwrap_or_else(|_| j.to_string());
    s.push('\n');
    s
}

/// An evaluation case as an authorization test: one policy
/// `permit(principal, action, resource) when { <expr> };` and the request.
/// It allows iff the expression is `true`, and lists the policy in `errors`
/// iff it errors — coarser than the evaluation answer, which `.drt.json`
/// keeps exactly.
pub fn eval_as_auth(c: &EvalCase) -> AuthCase {
    AuthCase {
        schema: c.schema.clone(),
        policies_text: format!("permit(principal, action, resource) when {{ {} }};\n", c.expr_text),
        policies_json: json!({
            "staticPolicies": { "policy0": {
                "effect": "permit",
                "principal": {"op": "All"}, "action": {"op": "All"}, "resource": {"op": "All"},
                "conditions": [{"kind": "when", "body": c.expr_json}]
            }},
            "templates": {}, "templateLinks": []
        }),
        entities: c.entities.clone(),
        with_schema: None,
        requests: vec![c.request.clone()],
        text_seed: c.text_seed,
        render_seed: c.render_seed,
    }
}

/// An evaluation answer as the answer of [`eval_as_auth`]'s test; a
/// rejection or fault stays as it is (no expectation can be written).
fn eval_expectation_as_auth(exp: &Json) -> Json {
    let v = exp.get("value").and_then(Json::as_str);
    if v.is_none() && exp.get("error").is_none() {
        return exp.clone();
    }
    let allow = v == Some("true");
    // A non-boolean condition is a type error for the authorizer.
    let err = exp.get("error").is_some() || v.is_some_and(|v| v != "true" && v != "false");
    json!([{
        "decision": if allow { "allow" } else { "deny" },
        "reason": if allow { vec!["policy0"] } else { vec![] },
        "errors": if err { vec!["policy0"] } else { vec![] },
    }])
}
