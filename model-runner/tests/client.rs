//! Tests of the client against the real binary (skipped with a notice when
//! the binary is absent, unless MODEL_RUNNER_REQUIRED is set) and against
//! small fake binaries that hang or die.

use model_runner::{ClientConfig, Decision, EvalAnswer, FaultKind, Json, ModelClient, ModelReply};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

/// A client for the real binary, or None (with a printed notice) when it has
/// not been built and the environment does not require it.
fn real_client() -> Option<ModelClient> {
    let cfg = ClientConfig::from_env();
    if !cfg.binary.exists() {
        if std::env::var_os("MODEL_RUNNER_REQUIRED").is_some() {
            panic!("model-runner binary missing at {} (run scripts/build-model)", cfg.binary.display());
        }
        eprintln!("NOTICE: skipping: no model-runner binary at {} (run scripts/build-model)", cfg.binary.display());
        return None;
    }
    Some(ModelClient::spawn(cfg).expect("spawn model-runner"))
}

fn uid(ty: &str, id: &str) -> Json {
    json!({"type": ty, "id": id})
}

fn request(p: &str) -> Json {
    json!({"principal": uid("User", p), "action": uid("Action", "view"),
           "resource": uid("Doc", "d"), "context": {}})
}

#[test]
fn version() {
    let Some(mut c) = real_client() else { return };
    let v = c.version().unwrap();
    assert!(v.starts_with("cedar-dafny-model"), "{v}");
    assert_eq!(c.cached_version(), v);
}

#[test]
fn authorize() {
    let Some(mut c) = real_client() else { return };
    let policies = json!({"staticPolicies": {
        "p": {"effect": "permit", "principal": {"op": "==", "entity": uid("User", "alice")},
              "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []},
        "f": {"effect": "forbid", "principal": {"op": "All"}, "action": {"op": "All"},
              "resource": {"op": "All"},
              "conditions": [{"kind": "when", "body": {".": {"left": {"Var": "principal"}, "attr": "banned"}}}]}
    }});
    let entities = json!([
        {"uid": uid("User", "alice"), "attrs": {"banned": false}, "parents": []},
        {"uid": uid("User", "eve"), "attrs": {"banned": true}, "parents": []}
    ]);
    let reply = c.authorize(&policies, &entities, &[request("alice"), request("eve"), request("nobody")]).unwrap();
    let ModelReply::Answer(answers) = reply else { panic!("rejected: {reply:?}") };
    assert_eq!(answers[0].decision, Decision::Allow);
    assert_eq!(answers[0].reason.iter().collect::<Vec<_>>(), ["p"]);
    assert_eq!(answers[1].decision, Decision::Deny);
    assert_eq!(answers[1].reason.iter().collect::<Vec<_>>(), ["f"]);
    assert_eq!(answers[2].decision, Decision::Deny);
    assert!(answers[2].reason.is_empty());
    assert_eq!(answers[2].errors.iter().collect::<Vec<_>>(), ["f"]);
}

#[test]
fn evaluate() {
    let Some(mut c) = real_client() else { return };
    let add = json!({"+": {"left": {"Value": 40}, "right": {"Value": 2}}});
    assert_eq!(c.evaluate(&add, &json!([]), &request("a")).unwrap(), ModelReply::Answer(EvalAnswer::Value(json!(42))));
    let overflow = json!({"+": {"left": {"Value": i64::MAX}, "right": {"Value": 1}}});
    assert_eq!(
        c.evaluate(&overflow, &json!([]), &request("a")).unwrap(),
        ModelReply::Answer(EvalAnswer::Error("arithBoundsError".into()))
    );
    let dec = json!({"decimal": [{"Value": "1.5"}]});
    assert_eq!(
        c.evaluate(&dec, &json!([]), &request("a")).unwrap(),
        ModelReply::Answer(EvalAnswer::Value(json!({"__extn": {"fn": "decimal", "arg": "1.5000"}})))
    );
}

#[test]
fn split_calls_and_an_abandoned_request() {
    let Some(mut c) = real_client() else { return };
    let policies = json!({"staticPolicies": {"p": {"effect": "permit", "principal": {"op": "All"},
        "action": {"op": "All"}, "resource": {"op": "All"}, "conditions": []}}});
    // send, work meanwhile, finish: the same answers as one call.
    let pending = c.send_authorize(&policies, &json!([]), &[request("a"), request("b")]).unwrap();
    let ModelReply::Answer(answers) = c.finish_authorize(pending).unwrap() else { panic!("rejected") };
    assert_eq!(answers.len(), 2);
    assert!(answers.iter().all(|a| a.decision == Decision::Allow));
    // Two requests in flight, then a request sent and never finished: each
    // reply goes to its own request, and the abandoned reply is dropped.
    let one = c.send_evaluate(&json!({"Value": 1}), &json!([]), &request("a")).unwrap();
    let abandoned = c.send_evaluate(&json!({"Value": "x"}), &json!([]), &request("a")).unwrap();
    let three = c.send_evaluate(&json!({"Value": 3}), &json!([]), &request("a")).unwrap();
    assert_eq!(c.finish_evaluate(one).unwrap(), ModelReply::Answer(EvalAnswer::Value(json!(1))));
    drop(abandoned);
    assert_eq!(c.finish_evaluate(three).unwrap(), ModelReply::Answer(EvalAnswer::Value(json!(3))));
    let two = json!({"Value": 2});
    assert_eq!(c.evaluate(&two, &json!([]), &request("a")).unwrap(), ModelReply::Answer(EvalAnswer::Value(json!(2))));
}

#[test]
fn a_request_sent_before_a_restart_is_lost_not_misanswered() {
    let Some(mut c) = real_client() else { return };
    let pending = c.send_evaluate(&json!({"Value": 1}), &json!([]), &request("a")).unwrap();
    let pid = c.process_id().expect("running");
    std::process::Command::new("kill").arg("-9").arg(pid.to_string()).status().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(c.version().is_err(), "the killed process cannot answer");
    assert!(c.version().is_ok(), "a new process answers");
    assert_eq!(c.finish_evaluate(pending).unwrap_err().kind, FaultKind::Lost);
}

#[test]
fn input_error() {
    let Some(mut c) = real_client() else { return };
    let cycle = json!([
        {"uid": uid("G", "a"), "attrs": {}, "parents": [uid("G", "b")]},
        {"uid": uid("G", "b"), "attrs": {}, "parents": [uid("G", "a")]}
    ]);
    match c.authorize(&json!({"staticPolicies": {}}), &cycle, &[request("a")]).unwrap() {
        ModelReply::InputRejected(msg) => assert!(msg.contains("cycle"), "{msg}"),
        other => panic!("expected rejection, got {other:?}"),
    }
    // The process is still alive and answering.
    assert!(c.version().is_ok());
}

#[test]
fn restart_after_kill() {
    let Some(mut c) = real_client() else { return };
    let pid = c.process_id().expect("running");
    let status = std::process::Command::new("kill").arg("-9").arg(pid.to_string()).status().unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(100));
    let err = c.version().expect_err("the killed process cannot answer");
    assert_eq!(err.kind, FaultKind::Crash, "{err}");
    // The next call starts a new process.
    assert!(c.version().unwrap().starts_with("cedar-dafny-model"));
    assert_ne!(c.process_id(), Some(pid));
}

#[test]
fn deep_nesting_is_rejected_not_fatal() {
    let Some(mut c) = real_client() else { return };
    // serde_json limits recursion itself, so build the deep line as text.
    let mut line = String::new();
    for _ in 0..30_000 {
        line.push_str(r#"{"!":{"arg":"#);
    }
    line.push_str(r#"{"Value":true}"#);
    for _ in 0..30_000 {
        line.push_str("}}");
    }
    let req = format!(r#"{{"op":"evaluate","expr":{line},"entities":[],"request":{}}}"#, request("a"));
    let reply = c.raw_line(&req).unwrap();
    assert!(reply.contains(r#""kind":"input""#), "{reply}");
    assert!(c.version().is_ok());
}

/// A fake model: a shell script that answers the version line, then runs `rest`.
fn fake(name: &str, rest: &str) -> ClientConfig {
    let dir = std::env::temp_dir().join(format!("model-runner-fake-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("fake-model");
    let script = format!("#!/bin/sh\nread line\necho '{{\"ok\":true,\"version\":\"fake\"}}'\n{rest}\n");
    std::fs::write(&path, script).unwrap();
    std::process::Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    ClientConfig { binary: path, timeout: Duration::from_millis(500) }
}

#[test]
fn timeout() {
    let mut c = ModelClient::spawn(fake("hang", "exec sleep 30")).unwrap();
    let err = c.version().expect_err("hangs");
    assert_eq!(err.kind, FaultKind::Timeout, "{err}");
    // Killed and restarted: the new process answers its first line.
    assert_eq!(c.version().unwrap(), "fake");
}

#[test]
fn crash_and_bad_reply_are_faults() {
    let mut c = ModelClient::spawn(fake("crash", "exit 3")).unwrap();
    assert_eq!(c.version().unwrap_err().kind, FaultKind::Crash);
    let mut c = ModelClient::spawn(fake("garbage", "read line\necho 'not json'\nread line")).unwrap();
    assert_eq!(c.version().unwrap_err().kind, FaultKind::BadReply);
    let mut c = ModelClient::spawn(fake(
        "fault",
        "read line\necho '{\"ok\":false,\"kind\":\"fault\",\"error\":\"panic: boom\"}'\nread line",
    ))
    .unwrap();
    let err = c.version().unwrap_err();
    assert_eq!(err.kind, FaultKind::Internal);
    assert!(err.message.contains("boom"));
}

#[test]
fn missing_binary_is_a_spawn_fault() {
    let cfg = ClientConfig { binary: "/nonexistent/model-runner".into(), timeout: Duration::from_secs(1) };
    assert_eq!(ModelClient::spawn(cfg).err().unwrap().kind, FaultKind::Spawn);
}

#[test]
fn validate_gives_a_verdict_per_policy() {
    let Some(mut c) = real_client() else { return };
    let schema = json!({"": {
        "entityTypes": {"User": {"shape": {"type": "Record", "attributes": {"age": {"type": "Long"}}}}, "Doc": {}},
        "actions": {"view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Doc"]}}}}});
    let when = |body: Json| {
        json!({"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"},
        "resource": {"op": "All"}, "conditions": [{"kind": "when", "body": body}]})
    };
    let age = json!({".": {"left": {"Var": "principal"}, "attr": "age"}});
    let policies = json!({"staticPolicies": {
        "good": when(json!({"<": {"left": age, "right": {"Value": 3}}})),
        "bad": when(json!({"<": {"left": age, "right": {"Value": "3"}}})),
    }});
    let ModelReply::Answer(vs) = c.validate(&schema, &policies).unwrap() else { panic!("rejected") };
    let by_id = |id: &str| vs.iter().find(|v| v.id == id).unwrap().clone();
    assert!(by_id("good").valid());
    assert_eq!(by_id("bad").errors.into_iter().collect::<Vec<_>>(), vec!["UnexpectedType".to_string()]);
    let bad_schema = json!({"": {"entityTypes": {}, "actions": {"a": {"appliesTo": {"principalTypes": ["Nope"]}}}}});
    assert!(matches!(c.validate(&bad_schema, &policies).unwrap(), ModelReply::InputRejected(_)));
}

#[test]
fn validate_entities_names_each_failing_entity_and_kind() {
    let Some(mut c) = real_client() else { return };
    let schema = json!({"": {
        "entityTypes": {
            "User": {"memberOfTypes": ["Group"], "shape": {"type": "Record", "attributes": {"age": {"type": "Long"}}}},
            "Group": {}},
        "actions": {"view": {"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Group"]}}}}});
    let good = json!([
        {"uid": uid("User", "a"), "attrs": {"age": 3}, "parents": [uid("Group", "g")]},
        {"uid": uid("Group", "g"), "attrs": {}, "parents": []},
        {"uid": uid("Action", "view"), "attrs": {}, "parents": []}]);
    assert_eq!(c.validate_entities(&schema, &good).unwrap(), ModelReply::Answer(vec![]));
    let bad = json!([
        {"uid": uid("User", "a"), "attrs": {"age": "3"}, "parents": []},
        {"uid": uid("Group", "g"), "attrs": {}, "parents": [uid("User", "a")]}]);
    let ModelReply::Answer(mut errs) = c.validate_entities(&schema, &bad).unwrap() else { panic!("rejected") };
    errs.sort_by_key(|e| e.kind.clone());
    let kinds: Vec<(&str, &str)> =
        errs.iter().map(|e| (e.entity["__entity"]["id"].as_str().unwrap(), e.kind.as_str())).collect();
    assert_eq!(kinds, vec![("a", "AttributeType"), ("g", "ParentType")]);
    let cycle = json!([{"uid": uid("Group", "g"), "attrs": {}, "parents": [uid("Group", "g")]}]);
    assert!(matches!(c.validate_entities(&schema, &cycle).unwrap(), ModelReply::InputRejected(_)));
}
