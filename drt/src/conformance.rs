//! `drt conformance`: integration-format tests (language doc §9) through our
//! engine and the model. Each test is read once with the engine's readers
//! (schema-directed entity and context parsing needs the schema, which the
//! model does not take); the model then gets the same data in public JSON
//! with explicit escapes. A test passes for an engine when every request
//! gets the expected decision, reason set and error set (and, for our
//! engine, strict validation gives `shouldValidate`).

use crate::answer::{AuthAnswer, Outcome};
use crate::case::AuthCase;
use crate::diff::Differ;
use crate::testfile::auth_answer_json;
use engine::authorizer::Decision;
use engine::entities::Entities;
use engine::request::Request;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One test read and rendered for the engines.
pub struct LoadedTest {
    pub path: PathBuf,
    pub case: AuthCase,
    pub should_validate: Option<bool>,
    pub validates: Option<bool>,
    pub expected: Vec<AuthAnswer>,
}

/// Resolve a path named in a test: under `root` if given, else under the
/// test's folder or the nearest ancestor where it exists.
fn resolve(root: Option<&Path>, test: &Path, rel: &str) -> PathBuf {
    if let Some(r) = root {
        return r.join(rel);
    }
    let mut dir = test.parent();
    while let Some(d) = dir {
        let p = d.join(rel);
        if p.exists() {
            return p;
        }
        dir = d.parent();
    }
    test.parent().unwrap_or(Path::new(".")).join(rel)
}

fn read(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

fn answer_from_json(j: &Json) -> Result<AuthAnswer, String> {
    let ids = |k: &str| -> Result<_, String> {
        Ok(j.get(k)
            .and_then(Json::as_array)
            .ok_or(format!("request `{k}` must be an array"))?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect())
    };
    Ok(AuthAnswer {
        decision: match j.get("decision").and_then(Json::as_str) {
            Some("allow") | Some("Allow") => Decision::Allow,
            Some("deny") | Some("Deny") => Decision::Deny,
            other => return Err(format!("bad decision {other:?}")),
        },
        reason: ids("reason")?,
        errors: ids("errors")?,
    })
}

pub fn load(root: Option<&Path>, path: &Path) -> Result<LoadedTest, String> {
    let t: Json = serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    let s = |k: &str| t.get(k).and_then(Json::as_str).ok_or(format!("test is missing `{k}`"));
    let schema = match t.get("schema").and_then(Json::as_str) {
        Some(rel) => {
            let text = read(&resolve(root, path, rel))?;
            if t.get("schemaFormat").and_then(Json::as_str) == Some("json") {
                return Err("JSON schemas are not supported yet".into());
            }
            Some((crate::gen::parse_schema(&text).ok_or("the schema does not parse")?, text))
        }
        None => None,
    };
    let sch = schema.as_ref().map(|(s, _)| s);
    let policies_src = read(&resolve(root, path, s("policies")?))?;
    let ps = if t.get("policyFormat").and_then(Json::as_str) == Some("json") {
        let j: Json = serde_json::from_str(&policies_src).map_err(|e| format!("policies: {e}"))?;
        engine::est::policy_set_from_json(&j).map_err(|e| format!("policies: {e}"))?
    } else {
        engine::parser::parse_policy_set(&policies_src).map_err(|e| format!("policies: {e}"))?
    };
    let ents: Json = serde_json::from_str(&read(&resolve(root, path, s("entities")?))?).map_err(|e| format!("entities: {e}"))?;
    let es = Entities::from_json(&ents, sch).map_err(|e| format!("entities: {e}"))?;
    let mut requests = Vec::new();
    let mut expected = Vec::new();
    for (i, r) in t.get("requests").and_then(Json::as_array).ok_or("`requests` must be an array")?.iter().enumerate() {
        let req = Request::from_json(r, sch).map_err(|e| format!("request {i}: {e}"))?;
        requests.push(req.to_json());
        expected.push(answer_from_json(r).map_err(|e| format!("request {i}: {e}"))?);
    }
    Ok(LoadedTest {
        path: path.to_path_buf(),
        validates: sch.map(|s| crate::gen::validates(s, &ps)),
        should_validate: t.get("shouldValidate").and_then(Json::as_bool),
        case: AuthCase {
            schema: schema.map(|(_, t)| t),
            policies_text: engine::printer::policy_set_to_text(&ps),
            policies_json: engine::est::policy_set_to_json(&ps),
            entities: es.to_json(),
            requests,
        },
        expected,
    })
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

pub fn main(root: Option<&Path>, tests: &[PathBuf], show: usize) -> ExitCode {
    let mut d = match Differ::with_model() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("drt conformance: WARNING: model not available ({e}); running our engine only");
            Differ::engine_only()
        }
    };
    let names = d.names();
    let mut tallies: Vec<Tally> = names.iter().map(|_| Tally::default()).collect();
    let mut disagreements = 0usize;
    let mut shown = 0usize;
    let mut load_errors = 0usize;
    for path in tests {
        let t = match load(root, path) {
            Ok(t) => t,
            Err(e) => {
                println!("{}: cannot load: {e}", path.display());
                load_errors += 1;
                for tl in tallies.iter_mut() {
                    tl.failed += 1;
                }
                continue;
            }
        };
        let outs = match d.authorize_all(&t.case) {
            Ok(o) => o,
            Err(f) => {
                println!("{}: {f}", path.display());
                for tl in tallies.iter_mut() {
                    tl.failed += 1;
                }
                continue;
            }
        };
        for (k, o) in outs.iter().enumerate() {
            let mut ok = matches!(o, Outcome::Answer(a) if *a == t.expected);
            if names[k] == "engine" {
                if let (Some(want), Some(got)) = (t.should_validate, t.validates) {
                    if want != got {
                        ok = false;
                        println!("{}: engine: validation {} but shouldValidate is {want}", path.display(), if got { "passed" } else { "failed" });
                    }
                }
            }
            if ok {
                tallies[k].passed += 1;
            } else {
                tallies[k].failed += 1;
                if let Outcome::Rejected(why) = o {
                    println!("{}: {} rejected the input: {why}", path.display(), names[k]);
                }
            }
        }
        if outs.len() > 1 {
            if let Some(diff) = crate::compare::compare_auth(&outs[0], &outs[1]) {
                disagreements += 1;
                if shown < show {
                    shown += 1;
                    let refs: Vec<&Outcome<Vec<AuthAnswer>>> = outs.iter().collect();
                    let ns: Vec<&str> = names.iter().map(String::as_str).collect();
                    println!("{}", crate::report::auth_report(&path.display().to_string(), &t.case, &ns, &refs, &diff));
                    for (i, e) in t.expected.iter().enumerate() {
                        println!("expected {i}: {}", auth_answer_json(e));
                    }
                }
            }
        }
    }
    for (n, tl) in names.iter().zip(&tallies) {
        println!("{n}: {} passed, {} failed", tl.passed, tl.failed);
    }
    if names.len() == 1 {
        println!("model: not run");
    }
    println!("disagreements: {disagreements}");
    if load_errors > 0 {
        println!("({load_errors} tests could not be loaded)");
    }
    if disagreements > 0 || tallies.iter().any(|t| t.failed > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
