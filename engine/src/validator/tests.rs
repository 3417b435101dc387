//! Validator tests, written as schema text + policy text.

use super::*;
use crate::ast::{EntityUid, Loc};
use crate::entities::{Entities, Entity};
use crate::request::Request;
use crate::value::{ExtValue, Value};
use std::collections::{BTreeMap, BTreeSet};

const SCHEMA: &str = r#"
entity Group;
entity User in [Group] {
  name: String,
  age: Long,
  nick?: String,
  manager?: User,
  addr: { zip?: Long, street: String },
  labels: Set<String>,
  ip: ipaddr,
  score: decimal,
} tags String;
entity Photo in [Album] { owner: User, private: Bool, created: datetime, ttl: duration };
entity Album;
entity Color enum ["red", "green"];
entity Admin;
action all;
action view in [all] appliesTo {
  principal: [User],
  resource: [Photo],
  context: { authenticated: Bool, n?: Long, k: String, color: Color },
};
action delete appliesTo { principal: [Admin], resource: [Photo, Album] };
action noop;
"#;

fn run(schema: &str, policies: &str) -> ValidationResult {
    let s = Schema::from_cedar_str(schema).unwrap_or_else(|e| panic!("{e}"));
    let ps = crate::parser::parse_policy_set(policies).unwrap_or_else(|e| panic!("{e:?}\n{policies}"));
    validate(&s, &ps)
}

/// The policy validates (no errors).
#[track_caller]
fn pass(policy: &str) {
    let r = run(SCHEMA, policy);
    assert!(r.passed(), "expected to pass: {policy}\n{:#?}", r.errors);
}

/// The policy fails with exactly these error kinds.
#[track_caller]
fn fail(policy: &str, kinds: &[&str]) {
    let r = run(SCHEMA, policy);
    let mut want: Vec<&str> = kinds.to_vec();
    want.sort();
    want.dedup();
    assert_eq!(r.error_kinds(), want, "{policy}\n{:#?}", r.errors);
}

/// Shorthand: a `view` policy (User principal, Photo resource) with a condition.
fn view(cond: &str) -> String {
    format!("permit(principal, action == Action::\"view\", resource) when {{ {cond} }};")
}

#[test]
fn basic_passes() {
    pass("permit(principal, action, resource);");
    pass(
        r#"permit(principal == User::"a", action == Action::"view", resource) when { principal.age > 3 && principal.name like "a*" };"#,
    );
    pass(&view("principal.age + 1 - 2 * 3 >= -principal.age"));
    pass(&view("principal in Group::\"g\" && resource in Album::\"a\""));
    pass(&view(
        "principal.labels.contains(\"x\") && principal.labels.containsAll([\"a\"]) && !principal.labels.isEmpty()",
    ));
    pass(&view("{a: 1} == {a: 2}"));
    pass(&view("principal has manager && principal.manager == principal"));
    pass(&view("context.color == Color::\"red\""));
    pass(&view("resource.owner.addr.street == \"x\""));
    pass(&view("principal is User && resource is Photo"));
    pass(&view("(if context.authenticated then principal.age else 3) > 1"));
}

#[test]
fn short_circuit_typing() {
    // Right operand of `&&` after False / `||` after True / untaken branch: not typechecked.
    pass(&view("false && principal.nope"));
    pass(&view("true || principal.nope"));
    pass(&view("if true then true else 1"));
    pass(&view("if false then 1 + \"a\" else true"));
    pass(&view("principal is Admin && principal.nope"));
    // `action` is known in each environment.
    pass("permit(principal, action, resource) when { action == Action::\"view\" && context.authenticated };");
    pass("permit(principal, action, resource) when { action in Action::\"all\" && principal.age > 1 };");
    fail("permit(principal, action, resource) when { context.authenticated };", &["UnsafeAttributeAccess"]);
    fail("permit(principal, action, resource) when { principal.age > 1 };", &["UnsafeAttributeAccess"]);
}

#[test]
fn literal_equality_and_disjoint_types() {
    pass(&view("1 == \"x\""));
    pass(&view("principal == Photo::\"x\""));
    pass(&view("Color::\"red\" == Color::\"green\""));
    let r = run(SCHEMA, &view("principal == Photo::\"x\""));
    assert_eq!(r.warnings.len(), 1);
    assert_eq!(r.warnings[0].kind, "ImpossiblePolicy");
    fail(&view("principal.age == \"x\""), &["IncompatibleTypes"]);
    fail(&view("{a: 1} == {a: 1, b: 2}"), &["IncompatibleTypes"]);
    fail(&view("context == {authenticated: true, k: \"x\", color: Color::\"red\"}"), &["IncompatibleTypes"]);
}

#[test]
fn capabilities() {
    pass(&view("principal has nick && principal.nick == \"x\""));
    pass(&view("(principal has nick || false) && principal.nick == \"x\""));
    pass(&view("(principal has nick || principal has nick) && principal.nick == \"x\""));
    pass(&view("if principal has nick then principal.nick == \"x\" else false"));
    pass(&view("context has n && context.n > 1"));
    pass(&view("principal has addr.zip && principal.addr.zip > 0"));
    pass(&view("principal has manager && principal.manager has nick && principal.manager.nick == \"\""));
    fail(&view("principal.nick == \"x\""), &["UnsafeOptionalAttributeAccess"]);
    fail(&view("!(principal has nick) || principal.nick == \"x\""), &["UnsafeOptionalAttributeAccess"]);
    fail(
        &view("(principal has nick || context.authenticated) && principal.nick == \"x\""),
        &["UnsafeOptionalAttributeAccess"],
    );
    fail(&view("context.n > 1"), &["UnsafeOptionalAttributeAccess"]);
    fail(&view("principal.age == principal.nick"), &["UnsafeOptionalAttributeAccess", "IncompatibleTypes"]);
    fail(&view("resource has owner && resource.owner.nick == \"\""), &["UnsafeOptionalAttributeAccess"]);
}

#[test]
fn tags() {
    pass(&view("principal.hasTag(\"t\") && principal.getTag(\"t\") == \"v\""));
    pass(&view("principal.hasTag(context.k) && principal.getTag(context.k) like \"v*\""));
    pass(&view("resource.hasTag(\"t\") && resource.getTag(\"t\")"));
    fail(&view("principal.getTag(\"t\") == \"v\""), &["UnsafeTagAccess"]);
    fail(&view("principal.hasTag(\"a\") && principal.getTag(\"b\") == \"v\""), &["UnsafeTagAccess"]);
    fail(&view("resource.getTag(\"t\") == \"v\""), &["UnsafeTagAccess"]);
    fail(&view("principal.hasTag(1)"), &["UnexpectedType"]);
}

#[test]
fn unexpected_types() {
    fail(&view("1"), &["UnexpectedType"]);
    fail(&view("1 + \"a\" == 2"), &["UnexpectedType"]);
    fail(&view("\"a\" < \"b\""), &["UnexpectedType"]);
    fail(&view("principal.score < decimal(\"1.0\")"), &["UnexpectedType"]);
    fail(&view("principal in 1"), &["UnexpectedType"]);
    fail(&view("principal.age.foo == 1"), &["UnexpectedType"]);
    fail(&view("principal.name has x"), &["UnexpectedType"]);
    fail(&view("principal like \"a\""), &["UnexpectedType"]);
    fail(&view("principal.age.isEmpty()"), &["UnexpectedType"]);
    fail(&view("!principal.age"), &["UnexpectedType"]);
    fail(&view("1 is User"), &["UnexpectedType"]);
    fail(&view("context.authenticated && 1"), &["UnexpectedType"]);
    fail(&view("if 1 then true else false"), &["UnexpectedType"]);
    fail(&view("principal.nope && principal.nope2"), &["UnsafeAttributeAccess"]);
}

#[test]
fn sets_records_lub() {
    fail(&view("[1, true].isEmpty()"), &["IncompatibleTypes"]);
    fail(&view("principal in [Group::\"g\", User::\"u\"]"), &["IncompatibleTypes"]);
    fail(&view("User::\"a\" in [Group::\"g\", 1]"), &["IncompatibleTypes"]);
    fail(&view("[].isEmpty()"), &["EmptySetForbidden"]);
    fail(&view("principal.labels.contains(1)"), &["IncompatibleTypes"]);
    fail(&view("principal.labels.containsAny([1])"), &["IncompatibleTypes"]);
    fail(&view("if context.authenticated then 1 else \"a\""), &["IncompatibleTypes"]);
    pass(&view("[true, false].contains(context.authenticated)"));
    pass(&view("[{a: 1}, {a: 2}].contains({a: 3})"));
    fail(&view("[{a: 1}, {b: 2}].isEmpty()"), &["IncompatibleTypes"]);
}

#[test]
fn extension_functions() {
    pass(&view("ip(\"1.2.3.4\").isInRange(principal.ip) && principal.ip.isIpv4()"));
    pass(&view("principal.score.lessThan(decimal(\"1.5\"))"));
    pass(&view("resource.created < datetime(\"2024-01-01\") && resource.ttl <= duration(\"1h\")"));
    pass(&view("resource.created.offset(resource.ttl) > datetime(\"2024-01-01\")"));
    pass(&view("resource.ttl.toHours() > 1 && resource.created.toTime() == duration(\"1h\")"));
    pass(&view("resource.created.durationSince(resource.created.toDate()).toDays() == 0"));
    fail(&view("decimal(context.k) == decimal(\"1.0\")"), &["NonLitExtConstructor"]);
    fail(&view("decimal(\"abc\") == decimal(\"1.0\")"), &["FunctionArgumentValidation"]);
    fail(&view("decimal(\"1.23456\") == decimal(\"1.0\")"), &["FunctionArgumentValidation"]);
    fail(&view("ip(\"01.1.1.1\").isIpv4()"), &["FunctionArgumentValidation"]);
    fail(&view("datetime(\"2023-02-29\") < resource.created"), &["FunctionArgumentValidation"]);
    fail(&view("duration(\"1h1d\") < resource.ttl"), &["FunctionArgumentValidation"]);
    pass(&view("ip(\"::1\").isLoopback() && datetime(\"2024-02-29T01:02:03.004+0100\") < resource.created && duration(\"-1d2h\") < resource.ttl"));
    // An invalid literal in an untaken branch is not reported.
    pass(&view("false && decimal(\"abc\") == decimal(\"1.0\")"));
    fail(&view("ip(\"1.2.3.4\").isInRange()"), &["WrongNumberArguments"]);
    fail(&view("principal.ip.isIpv4(1)"), &["WrongNumberArguments"]);
    fail(&view("principal.score.lessThan(1)"), &["UnexpectedType"]);
    fail(&view("decimal(1) == decimal(\"1.0\")"), &["UnexpectedType"]);
    fail(&view("resource.created < resource.ttl"), &["UnexpectedType"]);
}

#[test]
fn scope_literals() {
    fail(
        "permit(principal == Unknown::\"x\", action, resource);",
        &["UnrecognizedEntityType", "InvalidActionApplication"],
    );
    fail(&view("Unknown::\"x\" == principal"), &["UnrecognizedEntityType"]);
    fail(&view("principal is Nope"), &["UnrecognizedEntityType"]);
    fail(
        "permit(principal, action == Action::\"nope\", resource);",
        &["UnrecognizedActionId", "InvalidActionApplication"],
    );
    fail(&view("action == Action::\"nope\""), &["UnrecognizedActionId"]);
    fail(&view("Color::\"blue\" == Color::\"red\""), &["InvalidEnumEntity"]);
    fail(&view("context.color == Color::\"blue\""), &["InvalidEnumEntity"]);
}

#[test]
fn action_application() {
    pass("permit(principal, action in Action::\"all\", resource is Photo);");
    pass("permit(principal in Group::\"g\", action == Action::\"view\", resource in Album::\"a\");");
    pass("permit(principal is User in Group::\"g\", action, resource);");
    fail("permit(principal, action == Action::\"noop\", resource);", &["InvalidActionApplication"]);
    fail("permit(principal == Admin::\"a\", action == Action::\"view\", resource);", &["InvalidActionApplication"]);
    fail("permit(principal is Admin, action in [Action::\"all\"], resource);", &["InvalidActionApplication"]);
    fail("permit(principal, action in [Action::\"view\"], resource is Group);", &["InvalidActionApplication"]);
    fail("permit(principal is User in Admin::\"x\", action, resource);", &["InvalidActionApplication"]);
    fail("permit(principal, action in [], resource);", &["EmptySetForbidden", "InvalidActionApplication"]);
}

#[test]
fn zero_environments_typecheck_nothing() {
    let r = run("entity A; action a;", "permit(principal, action, resource) when { 1 + \"a\" };");
    assert_eq!(r.error_kinds(), vec!["InvalidActionApplication"]);
    assert_eq!(r.warnings[0].kind, "ImpossiblePolicy");
}

#[test]
fn templates() {
    pass("permit(principal in ?principal, action == Action::\"view\", resource);");
    pass("permit(principal == ?principal, action == Action::\"view\", resource in ?resource) when { principal.age > 1 };");
    fail(
        "permit(principal == ?principal, action, resource == ?resource) when { principal.age > 1 };",
        &["UnsafeAttributeAccess"],
    );
    pass("permit(principal is User in ?principal, action, resource) when { principal.age > 1 };");
    // A link is checked for slot types and action application.
    let s = Schema::from_cedar_str(SCHEMA).unwrap();
    let mut ps =
        crate::parser::parse_policy_set("permit(principal in ?principal, action == Action::\"view\", resource);")
            .unwrap();
    let t = ps.policies[0].id.clone();
    let link = |id: &str, uid: EntityUid| crate::ast::TemplateLink {
        new_id: crate::ast::PolicyId(id.into()),
        template_id: t.clone(),
        values: [(crate::ast::SlotId::Principal, uid)].into_iter().collect(),
    };
    ps.links.push(link("ok", EntityUid::new("Group", "g")));
    assert!(validate(&s, &ps).passed());
    ps.links.push(link("bad", EntityUid::new("Nope", "g")));
    ps.links.push(link("never", EntityUid::new("Admin", "a")));
    let r = validate(&s, &ps);
    let got: BTreeSet<(String, String)> = r.errors.iter().map(|e| (e.policy_id.0.clone(), e.kind.clone())).collect();
    let want: BTreeSet<(String, String)> =
        [("bad", "UnrecognizedEntityType"), ("bad", "InvalidActionApplication"), ("never", "InvalidActionApplication")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(got, want, "{:#?}", r.errors);
}

#[test]
fn errors_name_policy_expression_and_location() {
    let src = "permit(principal, action, resource);\npermit(principal, action == Action::\"view\", resource)\nwhen {\n  principal.nick == \"x\"\n};";
    let r = run(SCHEMA, src);
    assert_eq!(r.errors.len(), 1, "{:#?}", r.errors);
    let e = &r.errors[0];
    assert_eq!(e.policy_id.0, "policy1");
    assert_eq!(e.kind, "UnsafeOptionalAttributeAccess");
    assert!(e.message.contains("principal.nick"), "{e}");
    let loc = e.loc.expect("a location");
    assert_eq!(loc.line, 4, "{e}");
    assert!(loc.col >= 3 && loc.col <= 12, "{e}");
    assert!(e.to_string().contains("policy1"));
    let _ = Loc { line: 1, col: 1 };
}

#[test]
fn deep_expressions_do_not_crash() {
    // Built directly: the parser has its own (smaller) depth limit.
    let deep = |n: usize| {
        let mut e = crate::ast::Expr::bool(true);
        for _ in 0..n {
            e = crate::ast::Expr::not(e);
        }
        let mut p = crate::parser::parse_policy_set(&view("true")).unwrap();
        p.policies[0].conditions[0].body = e;
        p
    };
    let s = Schema::from_cedar_str(SCHEMA).unwrap();
    // Beyond the limit: an error, not a crash (called from a 2 MiB thread).
    let p = deep(10_000);
    let r = std::thread::scope(|sc| {
        std::thread::Builder::new().stack_size(2 << 20).spawn_scoped(sc, || validate(&s, &p)).unwrap().join().unwrap()
    });
    assert!(!r.passed());
    assert_eq!(r.error_kinds(), vec!["InternalInvariantViolation"]);
    // Just under the limit works.
    let p = deep(typecheck::MAX_EXPR_DEPTH - 10);
    let r = std::thread::scope(|sc| {
        std::thread::Builder::new().stack_size(2 << 20).spawn_scoped(sc, || validate(&s, &p)).unwrap().join().unwrap()
    });
    assert!(r.passed(), "{:?}", r.errors);
}

// ---------------- request and entity conformance ----------------

fn schema() -> Schema {
    Schema::from_cedar_str(SCHEMA).unwrap()
}

fn ctx(fields: &[(&str, Value)]) -> Value {
    Value::record(fields.iter().map(|(k, v)| (k.to_string(), v.clone())))
}

fn uid(t: &str, id: &str) -> EntityUid {
    EntityUid::new(t, id)
}

fn good_context() -> Value {
    ctx(&[
        ("authenticated", Value::Bool(true)),
        ("k", Value::String("x".into())),
        ("color", Value::EntityUid(uid("Color", "red"))),
    ])
}

fn req(p: EntityUid, a: &str, r: EntityUid, c: Value) -> Request {
    Request { principal: p, action: uid("Action", a), resource: r, context: c }
}

#[test]
fn request_validation() {
    let s = schema();
    let ok = req(uid("User", "u"), "view", uid("Photo", "p"), good_context());
    validate_request(&s, &ok).unwrap();
    let cases: Vec<(Request, &str, &str)> = vec![
        (req(uid("Admin", "u"), "view", uid("Photo", "p"), good_context()), "principal", "Admin"),
        (req(uid("User", "u"), "view", uid("Album", "p"), good_context()), "resource", "Album"),
        (req(uid("Nope", "u"), "view", uid("Photo", "p"), good_context()), "principal", "Nope"),
        (req(uid("User", "u"), "nope", uid("Photo", "p"), good_context()), "action", "nope"),
        (req(uid("User", "u"), "noop", uid("Photo", "p"), ctx(&[])), "action", "appliesTo"),
        (
            req(uid("User", "u"), "view", uid("Photo", "p"), ctx(&[("authenticated", Value::Bool(true))])),
            "context.color",
            "missing",
        ),
        (
            req(uid("User", "u"), "view", uid("Photo", "p"), {
                let Value::Record(r) = good_context() else { unreachable!() };
                let mut r = (*r).clone();
                r.insert("extra".into(), Value::Long(1));
                Value::record(r)
            }),
            "context.extra",
            "not declared",
        ),
        (
            req(uid("User", "u"), "view", uid("Photo", "p"), {
                let Value::Record(r) = good_context() else { unreachable!() };
                let mut r = (*r).clone();
                r.insert("color".into(), Value::EntityUid(uid("Color", "blue")));
                Value::record(r)
            }),
            "context.color",
            "Color::\"blue\"",
        ),
        (
            req(uid("User", "u"), "view", uid("Photo", "p"), {
                let Value::Record(r) = good_context() else { unreachable!() };
                let mut r = (*r).clone();
                r.insert("n".into(), Value::String("1".into()));
                Value::record(r)
            }),
            "context.n",
            "Long",
        ),
    ];
    for (r, path, what) in cases {
        let e = validate_request(&s, &r).expect_err(&format!("{r:?}"));
        assert_eq!(e.path, path, "{e}");
        assert!(e.to_string().contains(what), "{e}");
    }
    // Enum principal/resource types need declared ids.
    let s2 =
        Schema::from_cedar_str("entity E enum [\"a\"]; action x appliesTo { principal: E, resource: E };").unwrap();
    validate_request(&s2, &req(uid("E", "a"), "x", uid("E", "a"), ctx(&[]))).unwrap();
    let e = validate_request(&s2, &req(uid("E", "b"), "x", uid("E", "a"), ctx(&[]))).unwrap_err();
    assert_eq!(e.path, "principal");
}

fn entity(u: EntityUid, attrs: &[(&str, Value)], parents: &[EntityUid], tags: &[(&str, Value)]) -> Entity {
    Entity {
        uid: u,
        attrs: attrs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        parents: parents.iter().cloned().collect(),
        ancestors: BTreeSet::new(),
        tags: tags.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<BTreeMap<_, _>>(),
    }
}

fn good_user() -> Entity {
    entity(
        uid("User", "alice"),
        &[
            ("name", Value::String("A".into())),
            ("age", Value::Long(3)),
            ("addr", ctx(&[("street", Value::String("s".into()))])),
            ("labels", Value::set([Value::String("l".into())])),
            (
                "ip",
                Value::Ext(ExtValue::IpAddr(crate::value::IpAddrValue {
                    addr: "1.2.3.4".parse().unwrap(),
                    prefix: 32,
                })),
            ),
            ("score", Value::Ext(ExtValue::Decimal(10000))),
        ],
        &[uid("Group", "g")],
        &[("t", Value::String("v".into()))],
    )
}

fn store(es: Vec<Entity>) -> Entities {
    Entities { map: es.into_iter().map(|e| (e.uid.clone(), e)).collect() }
}

#[test]
fn entity_validation() {
    let s = schema();
    validate_entities(&s, &store(vec![good_user(), entity(uid("Group", "g"), &[], &[], &[])])).unwrap();
    validate_entity(&s, &entity(uid("Color", "red"), &[], &[], &[])).unwrap();
    // Action entities must agree with the schema.
    validate_entity(&s, &entity(uid("Action", "view"), &[], &[uid("Action", "all")], &[])).unwrap();

    let mut bad_attr = good_user();
    bad_attr.attrs.insert("age".into(), Value::String("x".into()));
    let mut missing = good_user();
    missing.attrs.remove("name");
    let mut extra = good_user();
    extra.attrs.insert("zzz".into(), Value::Long(1));
    let mut bad_parent = good_user();
    bad_parent.parents.insert(uid("Admin", "a"));
    let mut bad_tag = good_user();
    bad_tag.tags.insert("t2".into(), Value::Long(1));
    let mut nested = good_user();
    nested.attrs.insert("addr".into(), ctx(&[("street", Value::String("s".into())), ("zip", Value::Bool(true))]));
    let mut set_el = good_user();
    set_el.attrs.insert("labels".into(), Value::set([Value::Long(1)]));
    let cases: Vec<(Entity, &str, &str)> = vec![
        (bad_attr, "User::\"alice\".attrs.age", "Long"),
        (missing, "User::\"alice\".attrs.name", "missing"),
        (extra, "User::\"alice\".attrs.zzz", "not declared"),
        (bad_parent, "User::\"alice\".parents", "Admin"),
        (bad_tag, "User::\"alice\".tags.t2", "String"),
        (nested, "User::\"alice\".attrs.addr.zip", "Long"),
        (set_el, "User::\"alice\".attrs.labels[0]", "String"),
        (entity(uid("Photo2", "x"), &[], &[], &[]), "Photo2::\"x\"", "not declared"),
        (entity(uid("Color", "blue"), &[], &[], &[]), "Color::\"blue\"", "enumerated"),
        (entity(uid("Group", "g"), &[], &[], &[("t", Value::String("v".into()))]), "Group::\"g\".tags.t", "tags"),
        (entity(uid("Action", "view"), &[], &[], &[]), "Action::\"view\".parents", "all"),
        (
            entity(uid("Action", "view"), &[("a", Value::Long(1))], &[uid("Action", "all")], &[]),
            "Action::\"view\".attrs.a",
            "attributes",
        ),
        (entity(uid("Action", "zzz"), &[], &[], &[]), "Action::\"zzz\"", "not declared"),
        (entity(uid("Action", "all"), &[], &[uid("Action", "view")], &[]), "Action::\"all\".parents", "not a parent"),
    ];
    for (e, path, what) in cases {
        let err = validate_entity(&s, &e).expect_err(&format!("{e:?}"));
        assert_eq!(err.path, path, "{err}");
        assert!(err.to_string().contains(what), "{err}");
        // The store-level check reports the same.
        assert_eq!(validate_entities(&s, &store(vec![e])).unwrap_err(), err);
    }
}

#[test]
fn instance_of_rules() {
    let s = schema();
    let t = crate::schema::SchemaType::Set(Box::new(crate::schema::SchemaType::Entity(crate::ast::EntityType::new(
        "User",
    ))));
    instance_of(&s, &Value::set([Value::EntityUid(uid("User", "x"))]), &t, "v").unwrap();
    assert!(instance_of(&s, &Value::set([Value::EntityUid(uid("Admin", "x"))]), &t, "v").is_err());
    assert!(instance_of(&s, &Value::Long(1), &t, "v").is_err());
    let d = crate::schema::SchemaType::Extension(crate::schema::ExtType::Duration);
    instance_of(&s, &Value::Ext(ExtValue::Duration(5)), &d, "v").unwrap();
    assert!(instance_of(&s, &Value::Ext(ExtValue::Datetime(5)), &d, "v").is_err());
}

// ---------------- agreement with the upstream validator ----------------

/// `testdata/upstream_verdicts.tsv` holds, per line, a schema file name, a
/// policy set (one line), and the verdict of upstream `cedar-policy` 4.14.1
/// in strict mode: `pass`/`fail` and the sorted error kinds, with
/// `InvalidActionApplication` (a warning in 4.14) counted as an error as the
/// integration corpus expects (docs/semantics.md §1.2). The policies are the
/// hand-written cases of this file plus randomly generated conditions over
/// `photo.cedarschema` and `ns.cedarschema` (namespaces, enums, tags, action
/// groups, templates). Our validator must give the same verdict and the same
/// set of error kinds.
#[test]
fn agrees_with_upstream_verdicts() {
    let schemas: BTreeMap<&str, Schema> = [
        ("photo.cedarschema", include_str!("testdata/photo.cedarschema")),
        ("ns.cedarschema", include_str!("testdata/ns.cedarschema")),
    ]
    .into_iter()
    .map(|(n, src)| (n, Schema::from_cedar_str(src).unwrap()))
    .collect();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for line in include_str!("testdata/upstream_verdicts.tsv").lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let [schema, policy, verdict, kinds] = cols[..] else { panic!("bad line: {line}") };
        let ps = crate::parser::parse_policy_set(policy).unwrap_or_else(|e| panic!("{e:?}: {policy}"));
        let r = validate(&schemas[schema], &ps);
        let want: Vec<&str> = if kinds.is_empty() { vec![] } else { kinds.split(',').collect() };
        if r.passed() != (verdict == "pass") || r.error_kinds() != want {
            mismatches.push(format!("{policy}\n  upstream: {verdict} {want:?}\n  ours: {:?}", r.error_kinds()));
        }
        checked += 1;
    }
    assert!(checked > 1500);
    assert!(mismatches.is_empty(), "{} of {checked} differ:\n{}", mismatches.len(), mismatches.join("\n"));
}
