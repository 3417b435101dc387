//! Writing a case as a self-contained integration-format test (language doc
//! §9): `<name>.cedar` (or `<name>.policies.json` when there are template
//! links, which text cannot express), `<name>.cedarschema`,
//! `<name>.entities.json`, `<name>.json` (the test: requests with the
//! expected answers) and `<name>.drt.json` (the exact case and every
//! engine's answer, which the regression runner replays).

use crate::answer::{AuthAnswer, EvalAnswer, Outcome};
use crate::case::{AnyCase, AuthCase, EvalCase};
use engine::authorizer::Decision;
use serde_json::{json, Value as Json};
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

/// What the test expects: the answers of engine `expected` (by name).
pub struct Written {
    pub test_json: PathBuf,
    pub drt_json: PathBuf,
}

/// Write `case` into `dir` as test `name`. `answers` are (engine name,
/// outcome JSON); the expected answers are those of `expected`.
pub fn write_case(
    dir: &Path,
    name: &str,
    case: &AnyCase,
    answers: &[(String, Json)],
    expected: &str,
    should_validate: Option<bool>,
    note: &str,
) -> std::io::Result<Written> {
    std::fs::create_dir_all(dir)?;
    let exp = answers.iter().find(|(n, _)| n == expected).map(|(_, a)| a.clone()).unwrap_or(Json::Null);
    let auth_case;
    let (auth, exp_auth): (&AuthCase, Json) = match case {
        AnyCase::Auth(c) => (c, exp.clone()),
        AnyCase::Eval(c) => {
            auth_case = eval_as_auth(c);
            (&auth_case, eval_expectation_as_auth(&exp))
        }
    };
    let mut test = serde_json::Map::new();
    let has_links = auth.policies_json.get("templateLinks").and_then(Json::as_array).is_some_and(|l| !l.is_empty());
    if has_links {
        let f = format!("{name}.policies.json");
        std::fs::write(dir.join(&f), serde_json::to_string_pretty(&auth.policies_json)?)?;
        test.insert("policies".into(), json!(f));
        test.insert("policyFormat".into(), json!("json"));
    } else {
        let f = format!("{name}.cedar");
        std::fs::write(dir.join(&f), &auth.policies_text)?;
        test.insert("policies".into(), json!(f));
    }
    let ef = format!("{name}.entities.json");
    std::fs::write(dir.join(&ef), serde_json::to_string_pretty(&auth.entities)?)?;
    test.insert("entities".into(), json!(ef));
    if let Some(s) = &auth.schema {
        let sf = format!("{name}.cedarschema");
        std::fs::write(dir.join(&sf), s)?;
        test.insert("schema".into(), json!(sf));
    }
    if let Some(v) = should_validate {
        test.insert("shouldValidate".into(), json!(v));
    }
    let reqs: Vec<Json> = auth
        .requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut o = serde_json::Map::new();
            o.insert("description".into(), json!(format!("{name} request {i}")));
            for k in ["principal", "action", "resource", "context"] {
                o.insert(k.into(), r.get(k).cloned().unwrap_or(json!({})));
            }
            o.insert("validateRequest".into(), json!(false));
            if let Some(a) = exp_auth.get(i) {
                for k in ["decision", "reason", "errors"] {
                    o.insert(k.into(), a[k].clone());
                }
            }
            Json::Object(o)
        })
        .collect();
    test.insert("requests".into(), Json::Array(reqs));
    let test_json = dir.join(format!("{name}.json"));
    std::fs::write(&test_json, serde_json::to_string_pretty(&Json::Object(test))?)?;
    // The side that looks wrong: the first whose answer differs from the expectation.
    let wrong = answers.iter().find(|(n, a)| n != expected && !same_outcome(a, &exp)).map(|(n, _)| n.clone());
    let drt = json!({
        "case": case.to_json(),
        "wrong": wrong,
        "answers": answers.iter().map(|(n, a)| (n.clone(), a.clone())).collect::<serde_json::Map<_, _>>(),
        "expected": expected,
        "status": "open",
        "note": note,
    });
    let drt_json = dir.join(format!("{name}.drt.json"));
    std::fs::write(&drt_json, serde_json::to_string_pretty(&drt)?)?;
    Ok(Written { test_json, drt_json })
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
        requests: vec![c.request.clone()],
        text_seed: c.text_seed,
    }
}

fn eval_expectation_as_auth(exp: &Json) -> Json {
    let v = exp.get("value").and_then(Json::as_str);
    let allow = v == Some("true");
    // A non-boolean condition is a type error for the authorizer.
    let err = exp.get("error").is_some() || v.is_some_and(|v| v != "true" && v != "false");
    json!([{
        "decision": if allow { "allow" } else { "deny" },
        "reason": if allow { vec!["policy0"] } else { vec![] },
        "errors": if err { vec!["policy0"] } else { vec![] },
    }])
}
