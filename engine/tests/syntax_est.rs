//! Cedar JSON policy format (EST): reading, writing, round trips, errors.

use engine::ast::*;
use engine::est::*;
use engine::parser::{parse_expr, parse_policy, parse_policy_set};
use serde_json::{json, Value as Json};

fn ex(src: &str) -> Expr {
    parse_expr(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

fn from(j: Json) -> Expr {
    expr_from_json(&j).unwrap_or_else(|e| panic!("{j}: {e}"))
}

/// Policies exercising every construct; used for AST→EST→AST round trips.
const POLICIES: &str = r#"
permit(principal, action, resource);
@id("a") @flag forbid(principal == User::"alice", action == Action::"view", resource in Folder::"f")
  when { context.tls_version == "1.3" } unless { principal has "x y" };
permit(principal is NS::User in Group::"g", action in [Action::"a", NS::Action::"b"], resource is Photo)
  when { if context.a then -1 else -(2) * --3 + 4 - 5 < 6 };
permit(principal in ?principal, action in Action::"x", resource == ?resource);
permit(principal is User in ?principal, action, resource is R in ?resource);
permit(principal, action in [], resource) when {
  [1, "two", true, User::"u", {a: 1, "b c": [context]}].contains(1) &&
  [].containsAll([]) && [].containsAny([1]) && [].isEmpty() &&
  principal.hasTag("t") && principal.getTag("t") == 2 &&
  context has a.b.c && context["if"] like "a*b\*c" && principal is NS::T &&
  !(context.x != 1) || context.y > 2 || context.y >= 3 || context.z <= -9223372036854775808 ||
  principal in resource.owners || context.s.isEmpty()
};
forbid(principal, action, resource) when {
  decimal("1.23").lessThan(decimal("2")) && ip("10.0.0.1").isInRange(ip("10.0.0.0/8")) &&
  datetime("2024-01-01").offset(duration("1h")).toDate() == datetime("2024-01-01") &&
  ip("::1").isLoopback() && context.d.toMilliseconds() > 0
};
"#;

#[test]
fn ast_est_ast_round_trip() {
    let ps = parse_policy_set(POLICIES).unwrap();
    for p in &ps.policies {
        let j = policy_to_json(p);
        let back = policy_from_json(p.id.clone(), &j).unwrap_or_else(|e| panic!("{}: {e}\n{j:#}", p.id));
        assert_eq!(&back, p, "{j:#}");
        // And EST→AST→EST is the identity on what we write.
        assert_eq!(policy_to_json(&back), j);
    }
    let j = policy_set_to_json(&ps);
    let back = policy_set_from_json(&j).unwrap();
    // Statics come first, then templates, each in order.
    let mut want: Vec<&Policy> = ps.policies.iter().filter(|p| !p.is_template()).collect();
    want.extend(ps.policies.iter().filter(|p| p.is_template()));
    assert_eq!(back.policies.iter().collect::<Vec<_>>(), want);
}

#[test]
fn written_shapes() {
    assert_eq!(expr_to_json(&ex("-5")), json!({"Value": -5}));
    assert_eq!(expr_to_json(&ex("-(5)")), json!({"neg": {"arg": {"Value": 5}}}));
    assert_eq!(expr_to_json(&ex(r#"User::"a""#)), json!({"Value": {"__entity": {"type": "User", "id": "a"}}}));
    assert_eq!(
        expr_to_json(&ex("context.a != 1")),
        json!({"!": {"arg": {"==": {"left": {".": {"left": {"Var": "context"}, "attr": "a"}}, "right": {"Value": 1}}}}})
    );
    assert_eq!(
        expr_to_json(&ex(r#"context.s like "ab*\*""#)),
        json!({"like": {"left": {".": {"left": {"Var": "context"}, "attr": "s"}},
               "pattern": [{"Literal": "ab"}, "Wildcard", {"Literal": "*"}]}})
    );
    assert_eq!(expr_to_json(&ex(r#"ip("1.2.3.4").isIpv4()"#)), json!({"isIpv4": [{"ip": [{"Value": "1.2.3.4"}]}]}));
    assert_eq!(
        expr_to_json(&ex("if true then [1] else {a: principal is User}")),
        json!({"if-then-else": {"if": {"Value": true}, "then": {"Set": [{"Value": 1}]},
               "else": {"Record": {"a": {"is": {"left": {"Var": "principal"}, "entity_type": "User"}}}}}})
    );
    let p = parse_policy(r#"@a @b("x") permit(principal is User in ?principal, action in [Action::"a"], resource);"#)
        .unwrap();
    assert_eq!(
        policy_to_json(&p),
        json!({
            "effect": "permit",
            "principal": {"op": "is", "entity_type": "User", "in": {"slot": "?principal"}},
            "action": {"op": "in", "entity": {"type": "Action", "id": "a"}},
            "resource": {"op": "All"},
            "conditions": [],
            "annotations": {"a": null, "b": "x"}
        })
    );
}

/// The example from Cedar's "JSON policy format" documentation page.
#[test]
fn docs_example() {
    let j = json!({
        "effect": "permit",
        "principal": {"op": "==", "entity": { "type": "User", "id": "12UA45" }},
        "action": {"op": "==", "entity": { "type": "Action", "id": "view" }},
        "resource": {"op": "in", "entity": { "type": "Folder", "id": "abc" }},
        "conditions": [{
            "kind": "when",
            "body": {"==": {"left": {".": {"left": {"Var": "context"}, "attr": "tls_version"}},
                            "right": {"Value": "1.3"}}}
        }]
    });
    let text = parse_policy(
        r#"permit (principal == User::"12UA45", action == Action::"view", resource in Folder::"abc")
           when { context.tls_version == "1.3" };"#,
    )
    .unwrap();
    assert_eq!(policy_from_json(PolicyId("policy0".into()), &j).unwrap(), text);
    assert_eq!(policy_to_json(&text), j);
}

/// The policy-set example used by Cedar's own tests and docs.
#[test]
fn policy_set_example() {
    let j = json!({
        "staticPolicies": {
            "policy1": {
                "effect": "permit",
                "principal": {"op": "==", "entity": { "type": "User", "id": "alice" }},
                "action": {"op": "==", "entity": { "type": "Action", "id": "view" }},
                "resource": {"op": "in", "entity": { "type": "Folder", "id": "foo" }},
                "conditions": []
            }
        },
        "templates": {
            "template": {
                "effect": "permit",
                "principal": {"op": "==", "slot": "?principal"},
                "action": {"op": "all"},
                "resource": {"op": "all"},
                "conditions": []
            }
        },
        "templateLinks": [{
            "newId": "link",
            "templateId": "template",
            "values": {"?principal": { "type": "User", "id": "bob" }}
        }]
    });
    let ps = policy_set_from_json(&j).unwrap();
    assert_eq!(ps.policies.len(), 2);
    assert_eq!(ps.links.len(), 1);
    let eff = ps.effective_policies().unwrap();
    assert_eq!(eff.len(), 2);
    assert_eq!(eff[1].principal, ScopeConstraint::Eq(EntityOrSlot::Entity(EntityUid::new("User", "bob"))));
    // Written back, it reads back to the same set.
    assert_eq!(policy_set_from_json(&policy_set_to_json(&ps)).unwrap(), ps);
}

#[test]
fn reads_sugar_and_desugars() {
    let c = |a: &str| json!({".": {"left": {"Var": "context"}, "attr": a}});
    let one = json!({"Value": 1});
    assert_eq!(from(json!({"!=": {"left": c("a"), "right": one}})), ex("context.a != 1"));
    assert_eq!(from(json!({">": {"left": c("a"), "right": one}})), ex("context.a > 1"));
    assert_eq!(from(json!({">=": {"left": c("a"), "right": one}})), ex("context.a >= 1"));
    assert_eq!(
        from(json!({"is": {"left": {"Var": "principal"}, "entity_type": "NS::User",
                           "in": {"Value": {"__entity": {"type": "G", "id": "g"}}}}})),
        ex(r#"principal is NS::User in G::"g""#)
    );
    assert_eq!(from(json!({"has": {"left": {"Var": "context"}, "attr": ["a", "b", "c"]}})), ex("context has a.b.c"));
    assert_eq!(from(json!({"has": {"left": {"Var": "context"}, "attr": "a b"}})), ex(r#"context has "a b""#));
    // `Value` of any Cedar JSON value.
    assert_eq!(
        from(json!({"Value": [1, "x", {"a": true, "b": {"__entity": {"type": "U", "id": "u"}}}]})),
        ex(r#"[1, "x", {a: true, b: U::"u"}]"#)
    );
    assert_eq!(from(json!({"Value": {"__extn": {"fn": "decimal", "arg": "1.5"}}})), ex(r#"decimal("1.5")"#));
    assert_eq!(
        from(json!({"Value": {"__extn": {"fn": "offset", "args": [
            {"__extn": {"fn": "datetime", "arg": "1970-01-01"}},
            {"__extn": {"fn": "duration", "arg": "5ms"}}]}}})),
        ex(r#"datetime("1970-01-01").offset(duration("5ms"))"#)
    );
    // A malformed escape is just a record.
    assert_eq!(from(json!({"Value": {"__entity": {"type": "U"}}})), ex(r#"{"__entity": {type: "U"}}"#));
    // Pattern literals may hold several characters (and a literal star).
    assert_eq!(
        from(
            json!({"like": {"left": {"Var": "context"}, "pattern": [{"Literal": "a*"}, "Wildcard", {"Literal": ""}]}})
        ),
        ex(r#"context like "a\**""#)
    );
    // Scope forms: explicit `__entity`, lowercase `all`.
    let p = policy_from_json(
        PolicyId("p".into()),
        &json!({"effect": "forbid", "principal": {"op": "in", "entity": {"__entity": {"type": "G", "id": "g"}}},
                "action": {"op": "in", "entities": []}, "resource": {"op": "all"}, "conditions": [],
                "annotations": {"x": ""}}),
    )
    .unwrap();
    assert_eq!(p.principal, ScopeConstraint::In(EntityOrSlot::Entity(EntityUid::new("G", "g"))));
    assert_eq!(p.action, ActionConstraint::In(vec![]));
    assert_eq!(p.annotations["x"], Some(String::new()));
}

fn expr_err(j: Json) -> EstError {
    expr_from_json(&j).expect_err(&j.to_string())
}

fn policy_err(j: Json) -> EstError {
    policy_from_json(PolicyId("p".into()), &j).expect_err(&j.to_string())
}

#[test]
fn errors_name_the_path() {
    let e = expr_err(
        json!({"&&": {"left": {"Value": true}, "right": {"==": {"left": {"Var": "nobody"}, "right": {"Value": 1}}}}}),
    );
    assert_eq!(e.path, "&&.right.==.left.Var");
    assert!(e.message.contains("unknown variable"));
    let e = expr_err(json!({"Set": [{"Value": 1}, {"foo": []}]}));
    assert_eq!(e.path, "Set[1].foo");
    assert!(e.message.contains("unknown"), "{e}");
    let e = expr_err(json!({"Value": 1, "Var": "principal"}));
    assert!(e.message.contains("exactly one key"));
    assert!(expr_err(json!({})).message.contains("exactly one key"));
    assert!(expr_err(json!({"Value": 1.5})).message.contains("integer"));
    assert!(expr_err(json!({"Value": null})).message.contains("null"));
    assert!(expr_err(json!({"Value": 18446744073709551615u64})).message.contains("integer"));
    assert!(expr_err(json!({"==": {"left": {"Value": 1}}})).message.contains("missing field `right`"));
    assert!(expr_err(json!({"==": {"left": {"Value": 1}, "right": {"Value": 1}, "x": 1}}))
        .message
        .contains("unknown field"));
    assert!(expr_err(json!({"is": {"left": {"Var": "principal"}, "entity_type": "not valid"}}))
        .message
        .contains("entity type"));
    assert!(expr_err(json!({"is": {"left": {"Var": "principal"}, "entity_type": "if"}}))
        .message
        .contains("entity type"));
    assert!(expr_err(json!({"like": {"left": {"Var": "principal"}, "pattern": ["Star"]}}))
        .message
        .contains("Wildcard"));
    assert!(expr_err(json!({"has": {"left": {"Var": "principal"}, "attr": []}})).message.contains("empty"));
    assert!(expr_err(json!({"Slot": "?x"})).message.contains("unknown slot"));
    assert!(expr_err(json!({"Value": {"__extn": {"fn": "nope", "arg": "1"}}})).message.contains("unknown extension"));
    assert!(expr_err(json!({"Value": {"__expr": "1"}})).message.contains("__expr"));
    assert!(expr_err(json!([1])).message.contains("expression"));

    let base = |principal: Json, action: Json, conditions: Json| json!({"effect": "permit", "principal": principal, "action": action, "resource": {"op": "All"}, "conditions": conditions});
    let all = json!({"op": "All"});
    let e = policy_err(base(json!({"op": "==", "slot": "?resource"}), all.clone(), json!([])));
    assert_eq!(e.path, "principal.slot");
    let e = policy_err(base(all.clone(), json!({"op": "==", "entity": {"type": "User", "id": "x"}}), json!([])));
    assert_eq!(e.path, "action.entity");
    assert!(e.message.contains("not an action"));
    let e = policy_err(base(all.clone(), json!({"op": "==", "slot": "?principal"}), json!([])));
    assert!(e.message.contains("slots"));
    let e = policy_err(base(all.clone(), all.clone(), json!([{"kind": "when", "body": {"Slot": "?principal"}}])));
    assert_eq!(e.path, "conditions[0].body");
    let e = policy_err(base(all.clone(), all.clone(), json!([{"kind": "if", "body": {"Value": true}}])));
    assert_eq!(e.path, "conditions[0].kind");
    let e = policy_err(base(json!({"op": "<"}), all.clone(), json!([])));
    assert_eq!(e.path, "principal.op");
    let mut j = base(all.clone(), all.clone(), json!([]));
    j["annotations"] = json!({"bad key": "x"});
    assert_eq!(policy_err(j).path, "annotations.bad key");
    let mut j = base(all.clone(), all.clone(), json!([]));
    j["effect"] = json!("allow");
    assert_eq!(policy_err(j).path, "effect");
    let mut j = base(all.clone(), all, json!([]));
    j.as_object_mut().unwrap().remove("conditions");
    assert!(policy_err(j).message.contains("missing field `conditions`"));

    // Policy sets.
    let static_p = json!({"effect": "permit", "principal": {"op": "All"}, "action": {"op": "All"},
                          "resource": {"op": "All"}, "conditions": []});
    let tmpl = json!({"effect": "permit", "principal": {"op": "==", "slot": "?principal"}, "action": {"op": "All"},
                      "resource": {"op": "All"}, "conditions": []});
    let e = policy_set_from_json(&json!({"staticPolicies": {"a": tmpl.clone()}})).unwrap_err();
    assert_eq!(e.path, "staticPolicies.a");
    let e = policy_set_from_json(&json!({"staticPolicies": {"a": static_p.clone()}, "templates": {"a": tmpl.clone()}}))
        .unwrap_err();
    assert!(e.message.contains("duplicate"), "{e}");
    let e = policy_set_from_json(&json!({"templates": {"t": tmpl.clone()},
        "templateLinks": [{"templateId": "t", "newId": "l", "values": {}}]}))
    .unwrap_err();
    assert_eq!(e.path, "templateLinks[0].values");
    let e = policy_set_from_json(&json!({"templates": {"t": tmpl.clone()},
        "templateLinks": [{"templateId": "nope", "newId": "l", "values": {}}]}))
    .unwrap_err();
    assert_eq!(e.path, "templateLinks[0].templateId");
    let e = policy_set_from_json(&json!({"templates": {"t": tmpl},
        "templateLinks": [{"templateId": "t", "newId": "t", "values": {"?principal": {"type": "U", "id": "u"}}}]}))
    .unwrap_err();
    assert!(e.message.contains("duplicate"), "{e}");
    let e = policy_set_from_json(&json!({"links": []})).unwrap_err();
    assert!(e.message.contains("unknown field"));
}

/// 10,000 levels of nesting, built directly as a `serde_json::Value`, give
/// an error (not a stack overflow) on the default test thread.
#[test]
fn deep_json_is_rejected() {
    // (`json!` with an interpolated value serializes it recursively, so the
    // deep documents are assembled by hand.)
    fn o(k: &str, v: Json) -> Json {
        let mut m = serde_json::Map::new();
        m.insert(k.to_string(), v);
        Json::Object(m)
    }
    for kind in ["not", "set", "record", "value", "and"] {
        let mut j = if kind == "value" { Json::from(1) } else { o("Value", Json::from(1)) };
        for _ in 0..10_000 {
            j = match kind {
                "not" => o("!", o("arg", j)),
                "set" => o("Set", Json::Array(vec![j])),
                "record" => o("Record", o("a", j)),
                "and" => {
                    let mut m = serde_json::Map::new();
                    m.insert("left".into(), j);
                    m.insert("right".into(), o("Value", Json::Bool(true)));
                    o("&&", Json::Object(m))
                }
                _ => Json::Array(vec![j]),
            };
        }
        if kind == "value" {
            j = o("Value", j);
        }
        let e = expr_from_json(&j).unwrap_err();
        assert!(e.message.contains("too deeply"), "{kind}: {e}");
        // serde_json's Value drop is recursive; unwind it iteratively so the
        // test itself does not overflow.
        dismantle(j);
    }
}

fn dismantle(j: Json) {
    let mut stack = vec![j];
    while let Some(v) = stack.pop() {
        match v {
            Json::Array(a) => stack.extend(a),
            Json::Object(m) => stack.extend(m.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

#[test]
fn moderate_json_nesting_is_accepted() {
    let mut j = json!({"Value": 1});
    for _ in 0..150 {
        j = json!({"neg": {"arg": j}});
    }
    let e = expr_from_json(&j).unwrap();
    assert_eq!(expr_to_json(&e), j);
}
