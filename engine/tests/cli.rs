//! The `engine` binary: every subcommand, exit codes, and the error messages
//! for missing files, invalid UTF-8, bad JSON and bad policy text.

use std::path::{Path, PathBuf};
use std::process::Command;

fn data(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/integration").join(rel).display().to_string()
}

/// Run the binary: (exit code, stdout, stderr).
fn engine(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_engine")).args(args).output().expect("run engine");
    (
        out.status.code().expect("engine exited by a signal"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A scratch directory unique to this test process and `name`.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("engine-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, file: &str, contents: impl AsRef<[u8]>) -> String {
    let p = dir.join(file);
    std::fs::write(&p, contents).unwrap();
    p.display().to_string()
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s}"))
}

#[test]
fn authorize_with_schema_matches_the_integration_test() {
    let dir = scratch("authorize");
    let t = json(&std::fs::read_to_string(data("tests/photoapp.json")).unwrap());
    for r in t["requests"].as_array().unwrap().iter().take(6) {
        let req = serde_json::json!({
            "principal": r["principal"], "action": r["action"], "resource": r["resource"], "context": r["context"],
        });
        let rf = write(&dir, "request.json", req.to_string());
        let (code, out, err) = engine(&[
            "authorize",
            "--policies",
            &data("sample-data/photoapp/policies.cedar"),
            "--entities",
            &data("sample-data/photoapp/entities.json"),
            "--schema",
            &data("sample-data/photoapp/schema.cedarschema"),
            "--request",
            &rf,
        ]);
        assert_eq!(code, 0, "{err}");
        let resp = json(&out);
        assert_eq!(resp["decision"], r["decision"], "{}", r["description"]);
        assert_eq!(resp["reason"], r["reason"], "{}", r["description"]);
        let errs: Vec<_> = resp["errors"].as_array().unwrap().iter().map(|e| e["policy"].clone()).collect();
        assert_eq!(serde_json::Value::Array(errs), r["errors"], "{}", r["description"]);
        for e in resp["errors"].as_array().unwrap() {
            assert!(!e["message"].as_str().unwrap().is_empty(), "error without a message: {e}");
        }
    }
}

#[test]
fn authorize_without_schema_reports_errors_with_messages() {
    let dir = scratch("authorize-noschema");
    let p = write(
        &dir,
        "p.cedar",
        "permit(principal, action, resource) when { principal.age >= 18 };\n\
         forbid(principal == User::\"mallory\", action, resource);\n\
         permit(principal, action, resource) when { context.n + 1 > 0 };\n",
    );
    let e = write(&dir, "e.json", r#"[{"uid": {"type": "User", "id": "alice"}, "attrs": {"age": 30}, "parents": []}]"#);
    let r = write(
        &dir,
        "r.json",
        r#"{"principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "go"},
            "resource": {"type": "Thing", "id": "x"}, "context": {"n": 9223372036854775807}}"#,
    );
    let (code, out, err) = engine(&["authorize", "--policies", &p, "--entities", &e, "--request", &r]);
    assert_eq!(code, 0, "{err}");
    let resp = json(&out);
    assert_eq!(resp["decision"], "allow");
    assert_eq!(resp["reason"], serde_json::json!(["policy0"]));
    assert_eq!(resp["errors"][0]["policy"], "policy2");
    assert!(resp["errors"][0]["message"].as_str().unwrap().len() > 5);

    let r2 = write(
        &dir,
        "r2.json",
        r#"{"principal": {"type": "User", "id": "mallory"}, "action": {"type": "Action", "id": "go"},
            "resource": {"type": "Thing", "id": "x"}, "context": {"n": 1}}"#,
    );
    let (code, out, _) = engine(&["authorize", "--policies", &p, "--entities", &e, "--request", &r2]);
    assert_eq!(code, 0);
    let resp = json(&out);
    assert_eq!(resp["decision"], "deny");
    assert_eq!(resp["reason"], serde_json::json!(["policy1"]));
    // mallory is not in the store: policy0 errors (entity does not exist).
    assert_eq!(resp["errors"][0]["policy"], "policy0");
}

#[test]
fn format_prints_text_that_formats_to_itself() {
    let dir = scratch("format");
    let (code, out, err) = engine(&["format", &data("sample-data/ops/policies.cedar")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("permit") && out.contains("forbid"));
    let f = write(&dir, "formatted.cedar", &out);
    let (code, again, err) = engine(&["format", &f]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(again, out, "formatting is not idempotent");
}

#[test]
fn policy_json_converts_both_ways() {
    let dir = scratch("policy-json");
    for src in
        ["sample-data/photoapp/policies.cedar", "sample-data/docs/policies.cedar", "sample-data/ops/policies.cedar"]
    {
        let (code, est, err) = engine(&["policy-json", &data(src)]);
        assert_eq!(code, 0, "{src}: {err}");
        let j = json(&est);
        assert!(j["staticPolicies"]["policy0"].is_object(), "{src}: {est}");
        let jf = write(&dir, "set.json", &est);
        // `.json` is converted back to text by default, and with --reverse.
        let (code, text, err) = engine(&["policy-json", &jf]);
        assert_eq!(code, 0, "{src}: {err}");
        let (code, text2, _) = engine(&["policy-json", "--reverse", &jf]);
        assert_eq!(code, 0);
        assert_eq!(text, text2);
        let tf = write(&dir, "set.cedar", &text);
        let (code, est2, err) = engine(&["policy-json", &tf]);
        assert_eq!(code, 0, "{src}: {err}");
        assert_eq!(json(&est2), j, "{src}: text → JSON → text → JSON changed the policies");
    }
    // The JSON test's policy set (templates and links) reads as well.
    let (code, text, err) = engine(&["format", &data("sample-data/photoapp/policies.json")]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("?principal"), "{text}");
    assert!(err.contains("3 template link(s)"), "the dropped links are not mentioned: {err}");
}

#[test]
fn validate_exit_codes_and_output() {
    let ok = engine(&[
        "validate",
        "--policies",
        &data("sample-data/photoapp/policies.cedar"),
        "--schema",
        &data("sample-data/photoapp/schema.cedarschema"),
    ]);
    assert_eq!(ok.0, 0, "{} {}", ok.1, ok.2);
    let bad = engine(&[
        "validate",
        "--policies",
        &data("sample-data/docs/error-policies.cedar"),
        "--schema",
        &data("sample-data/docs/schema.cedarschema"),
    ]);
    assert_eq!(bad.0, 1, "{} {}", bad.1, bad.2);
    assert!(bad.1.contains("error"), "{}", bad.1);
    let bad_json = engine(&[
        "validate",
        "--json",
        "--policies",
        &data("sample-data/photoapp/invalid-action-policies.cedar"),
        "--schema",
        &data("sample-data/photoapp/schema.json"),
    ]);
    assert_eq!(bad_json.0, 1, "{} {}", bad_json.1, bad_json.2);
    let j = json(&bad_json.1);
    assert_eq!(j["passed"], false);
    assert!(!j["errors"].as_array().unwrap().is_empty());
}

#[test]
fn schema_converts_between_syntaxes() {
    let dir = scratch("schema");
    for src in [
        "sample-data/docs/schema.cedarschema",
        "sample-data/photoapp/schema.json",
        "sample-data/ext/schema.cedarschema",
    ] {
        let (code, j, err) = engine(&["schema", "--to", "json", &data(src)]);
        assert_eq!(code, 0, "{src}: {err}");
        let jf = write(&dir, "s.json", &j);
        let (code, text, err) = engine(&["schema", "--to", "cedar", &jf]);
        assert_eq!(code, 0, "{src}: {err}");
        let cf = write(&dir, "s.cedarschema", &text);
        let (code, j2, err) = engine(&["schema", "--to", "json", &cf]);
        assert_eq!(code, 0, "{src}: {err}");
        assert_eq!(json(&j2), json(&j), "{src}: schema changed in a round trip");
    }
}

#[test]
fn run_tests_summarises_and_fails_on_a_wrong_expectation() {
    let root = data("");
    let mut files: Vec<String> = std::fs::read_dir(data("tests"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".json"))
        .collect();
    files.sort();
    let mut args = vec!["run-tests", "--root", &root];
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = engine(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(out.lines().last().unwrap(), format!("{} passed, 0 failed", files.len()));

    let dir = scratch("run-tests");
    let mut t = json(&std::fs::read_to_string(data("tests/ops.json")).unwrap());
    let d = &mut t["requests"][2]["decision"];
    *d = if *d == "allow" { "deny".into() } else { "allow".into() };
    let bad = write(&dir, "bad.json", t.to_string());
    let broken = write(&dir, "broken.json", "{\"policies\": ");
    let (code, out, _) = engine(&["run-tests", "--root", &root, &files[0], &bad, &broken]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bad.json") && out.contains("requests[2]") && out.contains("decision"), "{out}");
    assert!(out.contains("broken.json") && out.contains("1:"), "{out}");
    assert_eq!(out.lines().last().unwrap(), "1 passed, 2 failed");
}

#[test]
fn missing_file_names_the_file() {
    let (code, out, err) = engine(&["format", "/nonexistent/policies.cedar"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("/nonexistent/policies.cedar"), "{err}");
    let (code, _, err) = engine(&[
        "authorize",
        "--policies",
        &data("sample-data/ops/policies.cedar"),
        "--entities",
        "/nonexistent/entities.json",
        "--request",
        "/nonexistent/request.json",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/entities.json"), "{err}");
}

#[test]
fn invalid_utf8_is_refused_with_file_and_position() {
    let dir = scratch("utf8");
    let p = write(&dir, "bad.cedar", b"permit(principal, action, resource)\nwhen { \"caf\xe9\" == \"x\" };\n");
    for args in [vec!["format", p.as_str()], vec!["policy-json", p.as_str()]] {
        let (code, _, err) = engine(&args);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("bad.cedar") && err.contains("UTF-8") && err.contains(":2:"), "{err}");
    }
    let e = write(&dir, "bad.json", b"[\xff]");
    let (code, _, err) = engine(&[
        "authorize",
        "--policies",
        &data("sample-data/ops/policies.cedar"),
        "--entities",
        &e,
        "--request",
        &e,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.json") && err.contains("UTF-8"), "{err}");
}

#[test]
fn bad_json_names_the_path_or_position() {
    let dir = scratch("badjson");
    let p = write(&dir, "p.cedar", "permit(principal, action, resource);");
    let ok_req = write(
        &dir,
        "r.json",
        r#"{"principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "go"}, "resource": {"type": "T", "id": "x"}, "context": {}}"#,
    );
    // A value of the wrong shape deep inside: the message gives the JSON path.
    let e = write(
        &dir,
        "e.json",
        r#"[{"uid": {"type": "User", "id": "a"}, "attrs": {}, "parents": []}, {"uid": {"type": "User", "id": "b"}, "attrs": {"x": null}, "parents": []}]"#,
    );
    let (code, _, err) = engine(&["authorize", "--policies", &p, "--entities", &e, "--request", &ok_req]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("e.json") && err.contains("[1]") && err.contains("attrs"), "{err}");
    // A syntax error: line and column.
    let e2 = write(&dir, "e2.json", "[\n  {\"uid\": }\n]");
    let (code, _, err) = engine(&["authorize", "--policies", &p, "--entities", &e2, "--request", &ok_req]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("e2.json") && err.contains("2:"), "{err}");
    // A request without a principal.
    let good = write(&dir, "good.json", "[]");
    let r = write(
        &dir,
        "r2.json",
        r#"{"action": {"type": "Action", "id": "go"}, "resource": {"type": "T", "id": "x"}, "context": {}}"#,
    );
    let (code, _, err) = engine(&["authorize", "--policies", &p, "--entities", &good, "--request", &r]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("r2.json") && err.contains("principal"), "{err}");
    // Bad JSON policies: the path inside the policy set.
    let pj = write(
        &dir,
        "p.json",
        r#"{"staticPolicies": {"p1": {"effect": "maybe", "principal": {"op": "All"}, "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []}}}"#,
    );
    let (code, _, err) = engine(&["policy-json", &pj]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("p.json") && err.contains("p1"), "{err}");
}

#[test]
fn policy_parse_errors_give_line_and_column() {
    let dir = scratch("parse");
    let p = write(
        &dir,
        "p.cedar",
        "permit(principal, action, resource);\npermit(principal, action, resource) when { 1 + };\n",
    );
    let (code, out, err) = engine(&["format", &p]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("p.cedar:2:"), "{err}");
    let s = write(&dir, "s.cedarschema", "entity User {\n  name: Strin,\n};\nentity ;\n");
    let (code, _, err) = engine(&["schema", "--to", "json", &s]);
    assert_eq!(code, 2);
    assert!(err.contains("s.cedarschema") && err.contains(":"), "{err}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let dir = scratch("deep");
    let depth = 10_000;
    let body = format!("{}true{}", "(".repeat(depth), ")".repeat(depth));
    let p = write(&dir, "deep.cedar", format!("permit(principal, action, resource) when {{ {body} }};"));
    let (code, _, err) = engine(&["format", &p]);
    assert!(code == 0 || code == 2, "exit {code}: {err}");
    if code == 2 {
        assert!(err.contains("deep.cedar"), "{err}");
    }
    let nots =
        format!("permit(principal, action, resource) when {{ {}true{} }};", "!(".repeat(depth), ")".repeat(depth));
    let p2 = write(&dir, "deep2.cedar", nots);
    let (code, _, err) = engine(&["policy-json", &p2]);
    assert!(code == 0 || code == 2, "exit {code}: {err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(engine(&[]).0, 2);
    assert_eq!(engine(&["frobnicate"]).0, 2);
    assert_eq!(engine(&["authorize", "--policies", "x"]).0, 2);
    assert_eq!(engine(&["schema", "--to", "yaml", "x"]).0, 2);
    let (code, out, _) = engine(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("authorize") && out.contains("run-tests"));
}

#[test]
fn requests_are_checked_against_the_schema() {
    let dir = scratch("request-schema");
    let run = |req: &str| {
        let r = write(&dir, "r.json", req);
        engine(&[
            "authorize",
            "--policies",
            &data("sample-data/photoapp/policies.json"),
            "--entities",
            &data("sample-data/photoapp/entities.json"),
            "--schema",
            &data("sample-data/photoapp/schema.json"),
            "--request",
            &r,
        ])
    };
    let (code, _, err) =
        run(r#"{"principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "view"},
        "resource": {"type": "Photo", "id": "cat.jpg"}, "context": {"authenticated": "yes"}}"#);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("r.json") && err.contains("context.authenticated"), "{err}");
    let (code, _, err) =
        run(r#"{"principal": {"type": "User", "id": "alice"}, "action": {"type": "Action", "id": "fly"},
        "resource": {"type": "Photo", "id": "cat.jpg"}, "context": {"authenticated": true}}"#);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("r.json") && err.contains("fly"), "{err}");
    // A template link decides (JSON policy set with links, JSON schema).
    let (code, out, err) =
        run(r#"{"principal": {"type": "User", "id": "eve"}, "action": {"type": "Action", "id": "view"},
        "resource": {"type": "Photo", "id": "colosseum.jpg"}, "context": {"authenticated": true}}"#);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["reason"], serde_json::json!(["eve-italy"]));
}

#[test]
fn duplicate_keys_in_a_request_are_refused_with_their_path() {
    let dir = scratch("dupreq");
    let p = write(&dir, "p.cedar", "permit(principal, action, resource);");
    let e = write(&dir, "e.json", "[]");
    let u = r#"{"type": "User", "id": "a"}"#;
    let rest = r#""action": {"type": "Action", "id": "go"}, "resource": {"type": "T", "id": "x"}"#;
    for (file, body, path) in [
        // Two `principal` members: serde_json would keep one of them silently.
        ("top.json", format!(r#"{{"principal": {u}, "principal": {u}, {rest}, "context": {{}}}}"#), "principal"),
        // Inside an entity reference.
        (
            "uid.json",
            format!(r#"{{"principal": {{"type": "User", "id": "a", "id": "b"}}, {rest}, "context": {{}}}}"#),
            "principal.id",
        ),
        // In the context, at the top and nested in a record.
        ("ctx.json", format!(r#"{{"principal": {u}, {rest}, "context": {{"n": 1, "n": 2}}}}"#), "context.n"),
        (
            "nested.json",
            format!(r#"{{"principal": {u}, {rest}, "context": {{"r": {{"s": {{"k": true, "k": false}}}}}}}}"#),
            "context.r.s.k",
        ),
    ] {
        let r = write(&dir, file, &body);
        let (code, out, err) = engine(&["authorize", "--policies", &p, "--entities", &e, "--request", &r]);
        assert_eq!(code, 2, "{file} accepted: {out}");
        assert!(
            err.contains(&format!("{file}: at {path}: duplicate key")),
            "{file}: expected the path `{path}` in: {err}"
        );
    }
    // The same request without the duplicate is answered.
    let ok = write(&dir, "ok.json", format!(r#"{{"principal": {u}, {rest}, "context": {{"n": 1}}}}"#));
    let (code, out, err) = engine(&["authorize", "--policies", &p, "--entities", &e, "--request", &ok]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["decision"], "allow");
}
