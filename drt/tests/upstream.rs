//! Upstream `cedar-policy` as a third engine (`--features upstream`): on a
//! few generated inputs of every differential target, our engine, the model
//! (when it can be started) and upstream agree; and upstream's answers are
//! read into our terms (policy ids, refusals, error classes, values).
#![cfg(feature = "upstream")]

use drt::case::AuthCase;
use drt::diff::{Differ, Verdict};
use drt::driver::{run_target, RunOptions};
use drt::targets::ALL;

fn differ() -> Differ {
    match Differ::with_engines("ours,model,upstream") {
        Ok(d) => d,
        Err(e) if std::env::var_os("MODEL_RUNNER_REQUIRED").is_some() => panic!("model required: {e}"),
        Err(e) => {
            eprintln!("upstream test: model not available ({e}); ours and upstream only");
            Differ::with_engines("ours,upstream").expect("ours and upstream")
        }
    }
}

#[test]
fn three_engines_agree_on_generated_inputs() {
    let mut d = differ();
    assert!(d.names().contains(&"upstream".to_string()));
    let o = RunOptions { seed: 3, start: 0, count: 60, max_findings: 1, artifacts: None, quiet: true };
    for &t in ALL.iter().filter(|t| t.is_differential()) {
        let s = run_target(t, &mut d, &o);
        assert_eq!((s.findings, s.faults), (0, 0), "{}: {s:?}", t.name());
        assert_eq!(s.inputs, 60, "{}", t.name());
    }
}

/// Upstream's answers in our terms: policy ids as text parsing assigns them,
/// erroring policies, refusals, and evaluation error classes.
#[test]
fn upstream_answers_in_our_terms() {
    use drt::answer::{EvalAnswer, Outcome};
    use drt::engine::Engine;
    let mut up = drt::upstream::UpstreamEngine::new();
    let case = AuthCase {
        schema: None,
        policies_text: "permit(principal, action, resource) when { context.x == 1 };\n\
                        forbid(principal, action, resource) when { context.y };"
            .into(),
        policies_json: serde_json::json!({"staticPolicies": {}, "templates": {}, "templateLinks": []}),
        entities: serde_json::json!([]),
        with_schema: None,
        requests: vec![serde_json::json!({
            "principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "v"},
            "resource": {"type": "R", "id": "r"}, "context": {"x": 1}
        })],
        text_seed: None,
        render_seed: 0,
    };
    let Outcome::Answer(a) = up.authorize(&case).unwrap() else { panic!("refused") };
    assert_eq!(a[0].decision, engine::authorizer::Decision::Allow);
    assert_eq!(a[0].reason.iter().collect::<Vec<_>>(), ["policy0"]);
    assert_eq!(a[0].errors.iter().collect::<Vec<_>>(), ["policy1"]);
    let bad = AuthCase { policies_text: "permit(principal, action, resource) when { 1 = 1 };".into(), ..case.clone() };
    assert!(matches!(up.authorize(&bad).unwrap(), Outcome::Rejected(_)));
    let mut d = Differ::with_engines("ours,upstream").unwrap();
    assert!(matches!(d.check_auth("t", &case), Verdict::Agree));

    let eval = |expr: &str| drt::case::EvalCase {
        schema: None,
        expr_text: expr.into(),
        expr_json: serde_json::Value::Null,
        entities: serde_json::json!([{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": [], "tags": {"t": 1}}]),
        request: case.requests[0].clone(),
        text_seed: None,
        render_seed: 0,
    };
    for (expr, class) in [
        ("1 + \"a\"", "typeError"),
        ("context.nope", "attrDoesNotExist"),
        ("principal.getTag(\"u\")", "tagDoesNotExist"),
        ("User::\"b\".x", "entityDoesNotExist"),
        ("9223372036854775807 + 1", "arithBoundsError"),
        ("decimal(\"x\")", "extensionError"),
    ] {
        let got = up.evaluate(&eval(expr)).unwrap();
        assert_eq!(got, Outcome::Answer(EvalAnswer::Error(class.into())), "{expr}");
    }
    let v = up.evaluate(&eval("[decimal(\"1.5\"), ip(\"10.0.0.1\")]")).unwrap();
    let ours = drt::ours::OurEngine::new().evaluate(&eval("[decimal(\"1.50\"), ip(\"10.0.0.1\")]")).unwrap();
    assert_eq!(v, ours);
}
