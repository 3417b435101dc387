//! `drt conformance`: integration-format tests (docs/semantics.md §10) through our
//! engine and the model. Each test is read once with the engine's readers
//! (schema-directed entity and context parsing needs the schema, which the
//! model does not take); the model then gets the same data in public JSON
//! with explicit escapes. A test passes for an engine when every request
//! gets the expected decision, reason set and error set (and, for our
//! engine, strict validation gives `shouldValidate`). Separately, the
//! model's validator judges each test with a schema: it passes when every
//! policy validates exactly when `shouldValidate` says so
//! (`model validation: N passed, M failed`).

use crate::answer::{AuthAnswer, Outcome};
use crate::case::AuthCase;
use crate::diff::Differ;
use crate::testfile::auth_answer_json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One test read and rendered for the engines.
pub struct LoadedTest {
    pub path: PathBuf,
    pub case: AuthCase,
    /// The schema in the JSON schema format (what the model's validator reads).
    pub schema_json: Option<serde_json::Value>,
    pub should_validate: Option<bool>,
    pub expected: Vec<AuthAnswer>,
}

/// Read a test with the engine's integration-test loader and render it for
/// the engines: the model gets the policy-set JSON, the entities written back
/// with explicit escapes (schema actions included) and the requests as read
/// with the schema.
pub fn load(root: Option<&Path>, path: &Path) -> Result<(LoadedTest, engine::testing::TestCase), String> {
    let t = engine::testing::load_test(path, root)?;
    let ps = &t.policies;
    let loaded = LoadedTest {
        path: path.to_path_buf(),
        case: AuthCase {
            schema: t.schema.as_ref().map(|s| s.to_cedar_string()),
            policies_text: engine::printer::policy_set_to_text(ps),
            policies_json: engine::est::policy_set_to_json(ps),
            entities: t.entities.to_json(),
            with_schema: None,
            requests: t.requests.iter().map(|r| r.request.to_json()).collect(),
            text_seed: None,
            render_seed: 0,
        },
        schema_json: t.schema.as_ref().map(|s| s.to_json()),
        should_validate: t.should_validate,
        expected: t
            .requests
            .iter()
            .map(|r| AuthAnswer { decision: r.decision, reason: r.reason.clone(), errors: r.errors.clone() })
            .collect(),
    };
    Ok((loaded, t))
}

/// Our engine's answers straight from the loaded test (no text round trip:
/// conformance judges the evaluator, the fuzz targets judge the front end).
fn engine_answers(t: &engine::testing::TestCase) -> Outcome<Vec<AuthAnswer>> {
    match engine::authorizer::Authorizer::new(&t.policies) {
        Err(e) => Outcome::Rejected(e),
        Ok(a) => Outcome::Answer(
            t.requests
                .iter()
                .map(|r| {
                    let resp = a.is_authorized(&r.request, &t.entities);
                    let (reason, errors) = engine::testing::response_sets(&resp);
                    AuthAnswer { decision: resp.decision, reason, errors }
                })
                .collect(),
        ),
    }
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
    let mut model_validation = Tally::default();
    for path in tests {
        let (t, tc) = match load(root, path) {
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
        // Our engine: the integration harness's verdict (validation, request
        // validation, answers); the model: its answers to the same data.
        let engine_outcome = engine::testing::run_test(&tc);
        let mut outs = vec![engine_answers(&tc)];
        let model = d.engines.iter_mut().skip(1).map(|e| e.authorize(&t.case)).collect::<Result<Vec<_>, _>>();
        let outs = match model {
            Ok(m) => {
                outs.extend(m);
                outs
            }
            Err(f) => {
                println!("{}: {f}", path.display());
                for tl in tallies.iter_mut() {
                    tl.failed += 1;
                }
                continue;
            }
        };
        for (k, o) in outs.iter().enumerate() {
            let ok = if k == 0 {
                for f in &engine_outcome.failures {
                    println!("{}: engine: {f}", path.display());
                }
                engine_outcome.passed()
            } else {
                matches!(o, Outcome::Answer(a) if *a == t.expected)
            };
            if ok {
                tallies[k].passed += 1;
            } else {
                tallies[k].failed += 1;
                if let Outcome::Rejected(why) = o {
                    println!("{}: {} rejected the input: {why}", path.display(), names[k]);
                }
            }
        }
        if let (Some(schema), Some(want)) = (&t.schema_json, t.should_validate) {
            if let Some(model) = d.engines.iter_mut().skip(1).find(|e| e.has_validator()) {
                let case = crate::validation::ValidationCase {
                    schema_text: t.case.schema.clone().unwrap_or_default(),
                    schema_json: schema.clone(),
                    schema_spoil: None,
                    policies_text: t.case.policies_text.clone(),
                    policies_json: t.case.policies_json.clone(),
                };
                match model.validate(&case) {
                    Ok(Outcome::Answer(v)) if v.values().all(|k| k.is_empty()) == want => model_validation.passed += 1,
                    other => {
                        model_validation.failed += 1;
                        println!("{}: model validation (shouldValidate {want}): {other:?}", path.display());
                    }
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
    } else {
        println!("model validation: {} passed, {} failed", model_validation.passed, model_validation.failed);
    }
    println!("disagreements: {disagreements}");
    if load_errors > 0 {
        println!("({load_errors} tests could not be loaded)");
    }
    if disagreements > 0 || model_validation.failed > 0 || tallies.iter().any(|t| t.failed > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
