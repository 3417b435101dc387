//! Throughput of the model binary over the pipe, through the client:
//! one policy set of 5 policies, 10 entities, 8 requests per line.
//!
//!     cargo run --release -p model-runner --example throughput [-- SECONDS]

use model_runner::{ClientConfig, Json, ModelClient, ModelReply};
use serde_json::json;
use std::time::{Duration, Instant};

fn uid(ty: &str, id: &str) -> Json {
    json!({"type": ty, "id": id})
}

fn main() {
    let seconds: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(3.0);
    let all = json!({"op": "All"});
    let dot = |l: Json, a: &str| json!({".": {"left": l, "attr": a}});
    let p = json!({"Var": "principal"});
    let r = json!({"Var": "resource"});
    let policies = json!({"staticPolicies": {
        "p0": {"effect": "permit", "principal": {"op": "in", "entity": uid("Group", "eng")},
               "action": {"op": "in", "entities": [uid("Action", "view"), uid("Action", "edit")]},
               "resource": all, "conditions": []},
        "p1": {"effect": "permit", "principal": all, "action": all, "resource": {"op": "is", "entity_type": "Doc"},
               "conditions": [{"kind": "when", "body": {"==": {"left": dot(r.clone(), "owner"), "right": p.clone()}}}]},
        "p2": {"effect": "permit", "principal": all, "action": {"op": "==", "entity": uid("Action", "view")},
               "resource": all, "conditions": [{"kind": "when", "body":
                 {"&&": {"left": {"has": {"left": p.clone(), "attr": "level"}},
                         "right": {">": {"left": {"+": {"left": dot(p.clone(), "level"), "right": {"Value": 1}}},
                                         "right": {"Value": 3}}}}}}]},
        "f0": {"effect": "forbid", "principal": all, "action": all, "resource": all,
               "conditions": [{"kind": "when", "body": dot(r.clone(), "locked")},
                              {"kind": "unless", "body": {"in": {"left": p.clone(), "right": {"Set": [{"Value": {"__entity": uid("Group", "admins")}}]}}}}]},
        "f1": {"effect": "forbid", "principal": all, "action": {"op": "==", "entity": uid("Action", "delete")},
               "resource": all, "conditions": [{"kind": "when", "body":
                 {"if-then-else": {"if": {"contains": {"left": dot(json!({"Var": "context"}), "tags"), "right": {"Value": "prod"}}},
                                   "then": {"Value": true}, "else": {"Value": false}}}}]}
    }});
    let user = |id: &str, level: i64, groups: &[&str]| {
        json!({"uid": uid("User", id), "attrs": {"level": level, "name": id},
        "parents": groups.iter().map(|g| uid("Group", g)).collect::<Vec<_>>()})
    };
    let doc = |id: &str, owner: &str, locked: bool| {
        json!({"uid": uid("Doc", id),
        "attrs": {"owner": {"__entity": uid("User", owner)}, "locked": locked}, "parents": [uid("Folder", "root")]})
    };
    let entities = json!([
        user("alice", 5, &["eng"]), user("bob", 1, &["eng", "admins"]), user("carol", 3, &[]),
        user("dave", 2, &["sales"]), user("erin", 4, &["admins"]),
        {"uid": uid("Group", "eng"), "attrs": {}, "parents": [uid("Group", "all")]},
        {"uid": uid("Group", "admins"), "attrs": {}, "parents": [uid("Group", "all")]},
        {"uid": uid("Group", "sales"), "attrs": {}, "parents": [uid("Group", "all")]},
        doc("d1", "alice", false), doc("d2", "carol", true)
    ]);
    let users = ["alice", "bob", "carol", "dave"];
    let actions = ["view", "edit", "delete", "view"];
    let requests: Vec<Json> = (0..8)
        .map(|i| {
            json!({
                "principal": uid("User", users[i % 4]), "action": uid("Action", actions[(i / 2) % 4]),
                "resource": uid("Doc", if i % 3 == 0 { "d2" } else { "d1" }),
                "context": {"tags": ["prod", "eu"], "ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}}}
            })
        })
        .collect();

    // THROUGHPUT_DUMP=file: write the request line there (for profiling the binary alone).
    if let Some(path) = std::env::var_os("THROUGHPUT_DUMP") {
        let line = json!({"op": "authorize", "policies": policies, "entities": entities, "requests": requests});
        std::fs::write(path, format!("{line}\n")).unwrap();
        return;
    }
    let mut client = ModelClient::spawn(ClientConfig::from_env()).expect("spawn model-runner");
    let start = Instant::now();
    let mut lines = 0u64;
    while start.elapsed() < Duration::from_secs_f64(seconds) {
        match client.authorize(&policies, &entities, &requests).expect("model fault") {
            ModelReply::Answer(a) => assert_eq!(a.len(), 8),
            ModelReply::InputRejected(m) => panic!("rejected: {m}"),
        }
        lines += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let line_bytes =
        json!({"op": "authorize", "policies": policies, "entities": entities, "requests": requests}).to_string().len();
    println!(
        "{lines} lines ({} requests) in {secs:.2} s: {:.0} requests/s, {:.0} µs per line of {line_bytes} bytes",
        lines * 8,
        (lines * 8) as f64 / secs,
        secs * 1e6 / lines as f64
    );
}
