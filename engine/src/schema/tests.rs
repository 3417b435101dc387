//! Schema readers, name resolution and printers.

use super::*;
use crate::ast::{EntityType, EntityUid, Loc};

fn et(s: &str) -> EntityType {
    EntityType::new(s)
}

fn parse(src: &str) -> Schema {
    Schema::from_cedar_str(src).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

fn parse_err(src: &str) -> SchemaError {
    match Schema::from_cedar_str(src) {
        Ok(s) => panic!("expected an error, got {s:?}"),
        Err(e) => e,
    }
}

/// Both printers' output reads back as the same schema.
fn round_trip(s: &Schema) {
    let text = s.to_cedar_string();
    let back = Schema::from_cedar_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(&back, s, "cedar round trip:\n{text}");
    let j = s.to_json();
    let back = Schema::from_json_value(&j).unwrap_or_else(|e| panic!("{e}\n{j:#}"));
    assert_eq!(&back, s, "json round trip:\n{j:#}");
    let back = Schema::from_json_str(&j.to_string()).unwrap();
    assert_eq!(&back, s);
}

const PHOTOS: &str = r#"
// A photo-sharing app.
@doc("users")
entity User in [Group] {
  name: String,
  age?: Long,
  "home page": String,
  @doc("tags") friends: Set<User>,
  addr: { street: String, zip?: Long },
} tags String;
entity Group;
entity Photo = { owner: User, ip: ipaddr, when: __cedar::datetime, cost: decimal, d: duration };
entity Color enum ["red", "green"];
type Ctx = { authenticated: Bool };
action "view", edit appliesTo { principal: [User], resource: Photo, context: Ctx };
action all;
action "delete" in ["view", all] appliesTo { principal: User, resource: [Photo, Group], };
"#;

#[test]
fn cedar_syntax_basics() {
    let s = parse(PHOTOS);
    let user = s.entity_type(&et("User")).unwrap();
    assert!(user.member_of_types.contains(&et("Group")));
    assert_eq!(user.tags, Some(SchemaType::String));
    assert!(!user.attrs.attrs["age"].required);
    assert!(user.attrs.attrs["name"].required);
    assert!(user.attrs.attrs.contains_key("home page"));
    assert_eq!(user.attrs.attrs["friends"].ty, SchemaType::Set(Box::new(SchemaType::Entity(et("User")))));
    match &user.attrs.attrs["addr"].ty {
        SchemaType::Record(r) => assert!(!r.attrs["zip"].required),
        t => panic!("{t:?}"),
    }
    let photo = s.entity_type(&et("Photo")).unwrap();
    assert_eq!(photo.attrs.attrs["ip"].ty, SchemaType::Extension(ExtType::IpAddr));
    assert_eq!(photo.attrs.attrs["when"].ty, SchemaType::Extension(ExtType::Datetime));
    assert_eq!(s.entity_type(&et("Color")).unwrap().enum_ids, Some(vec!["red".into(), "green".into()]));
    let view = s.action(&EntityUid::new("Action", "view")).unwrap();
    let app = view.applies_to.as_ref().unwrap();
    assert_eq!(app.principal_types, vec![et("User")]);
    assert_eq!(app.context.attrs["authenticated"].ty, SchemaType::Bool);
    assert!(s.action(&EntityUid::new("Action", "edit")).unwrap().applies_to.is_some());
    assert!(s.action(&EntityUid::new("Action", "all")).unwrap().applies_to.is_none());
    let del = s.action(&EntityUid::new("Action", "delete")).unwrap();
    assert_eq!(del.member_of, vec![EntityUid::new("Action", "all"), EntityUid::new("Action", "view")]);
    assert_eq!(del.applies_to.as_ref().unwrap().resource_types, vec![et("Group"), et("Photo")]);
    assert!(s.action_in(&EntityUid::new("Action", "delete"), &EntityUid::new("Action", "all")));
    round_trip(&s);
}

#[test]
fn namespaces_and_resolution() {
    let s = parse(
        r#"
        entity Shared;
        namespace App {
          entity User in [Team] { s: Shared, t: Team, other: Other::Thing };
          entity Team;
          type Name = String;
          entity Doc { n: Name, m: App::Name };
          action read appliesTo { principal: User, resource: Doc };
          action write in [read, Action::"read", Other::Action::"act"];
        }
        namespace Other { entity Thing; action act; }
        "#,
    );
    let u = s.entity_type(&et("App::User")).unwrap();
    assert!(u.member_of_types.contains(&et("App::Team")));
    assert_eq!(u.attrs.attrs["s"].ty, SchemaType::Entity(et("Shared")));
    assert_eq!(u.attrs.attrs["t"].ty, SchemaType::Entity(et("App::Team")));
    assert_eq!(u.attrs.attrs["other"].ty, SchemaType::Entity(et("Other::Thing")));
    let d = s.entity_type(&et("App::Doc")).unwrap();
    assert_eq!(d.attrs.attrs["n"].ty, SchemaType::String);
    assert_eq!(d.attrs.attrs["m"].ty, SchemaType::String);
    let w = s.action(&EntityUid::new("App::Action", "write")).unwrap();
    assert_eq!(w.member_of, vec![EntityUid::new("App::Action", "read"), EntityUid::new("Other::Action", "act")]);
    let r = s.action(&EntityUid::new("App::Action", "read")).unwrap();
    assert_eq!(r.applies_to.as_ref().unwrap().principal_types, vec![et("App::User")]);
    round_trip(&s);
}

#[test]
fn common_type_wins_and_shadowing() {
    // A common type and an entity type of the same name: the common type wins.
    let s = parse("entity T; type T = Long; entity E { a: T };");
    assert_eq!(s.entity_type(&et("E")).unwrap().attrs.attrs["a"].ty, SchemaType::Long);
    // A user type `String` shadows the builtin; `__cedar::String` still works.
    let s = parse("entity String; entity E { a: String, b: __cedar::String };");
    let e = s.entity_type(&et("E")).unwrap();
    assert_eq!(e.attrs.attrs["a"].ty, SchemaType::Entity(et("String")));
    assert_eq!(e.attrs.attrs["b"].ty, SchemaType::String);
    round_trip(&s);
    // Namespace-local declarations win over the empty namespace / builtins.
    let s =
        parse("namespace N { entity Long; type ipaddr = String; entity E { a: Long, b: __cedar::Long, c: ipaddr }; }");
    let e = s.entity_type(&et("N::E")).unwrap();
    assert_eq!(e.attrs.attrs["a"].ty, SchemaType::Entity(et("N::Long")));
    assert_eq!(e.attrs.attrs["c"].ty, SchemaType::String);
    assert_eq!(e.attrs.attrs["b"].ty, SchemaType::Long);
    // Nested common types.
    let s = parse("type A = Set<B>; type B = { x: C }; type C = ipaddr; entity E { a: A };");
    let SchemaType::Set(b) = &s.entity_type(&et("E")).unwrap().attrs.attrs["a"].ty else { panic!() };
    let SchemaType::Record(r) = &**b else { panic!() };
    assert_eq!(r.attrs["x"].ty, SchemaType::Extension(ExtType::IpAddr));
}

#[test]
fn action_types_as_attribute_types() {
    let s = parse("action A; namespace N { action B; entity Admin { a0: Action, a1: M::Action }; } namespace M { action C; } entity User { a0: Action, a1: N::Action };");
    let admin = s.entity_type(&et("N::Admin")).unwrap();
    assert_eq!(admin.attrs.attrs["a0"].ty, SchemaType::Entity(et("N::Action")));
    assert_eq!(admin.attrs.attrs["a1"].ty, SchemaType::Entity(et("M::Action")));
    assert_eq!(s.entity_type(&et("User")).unwrap().attrs.attrs["a0"].ty, SchemaType::Entity(et("Action")));
    assert!(s.entity_type(&et("Action")).is_none(), "action types are not declared entity types");
    round_trip(&s);
    let e = parse_err("namespace N { entity A { a: Action }; }");
    assert!(e.message.contains("Action"), "{e}");
}

#[test]
fn schema_keywords_are_identifiers() {
    let s = parse("entity entity { type: Long, Set: String, tags: Bool, enum: Long }; entity tags; action action;");
    assert!(s.entity_type(&et("entity")).unwrap().attrs.attrs.contains_key("Set"));
    assert!(s.entity_type(&et("tags")).is_some());
    round_trip(&s);
}

#[test]
fn cedar_syntax_errors_carry_locations() {
    let e = parse_err("entity User;\nentity if;");
    assert_eq!(e.loc(), Some(Loc { line: 2, col: 8 }), "{e}");
    let e = parse_err("entity User {\n  name: Strin,\n};");
    assert_eq!(e.loc(), Some(Loc { line: 2, col: 9 }), "{e}");
    assert!(e.message.contains("Strin"));
    let e = parse_err("entity A;\n  action a appliesTo { principal: [], resource: A };");
    assert_eq!(e.loc(), Some(Loc { line: 2, col: 24 }), "{e}");
    let e = parse_err("entity A { x: Long }\n");
    assert_eq!(e.loc(), Some(Loc { line: 2, col: 1 }), "{e}");
    let e = parse_err("entity A; /* no block comments */");
    assert_eq!(e.loc(), Some(Loc { line: 1, col: 11 }), "{e}");
    let e = parse_err("entity A { \"x\\q\": Long };");
    assert!(e.message.contains("escape"), "{e}");
}

#[test]
fn cedar_syntax_rejections() {
    for (src, what) in [
        ("entity A; entity A;", "declared twice"),
        ("namespace N {} namespace N {}", "declared twice"),
        ("entity Action;", "Action"),
        ("namespace N { entity Action; }", "Action"),
        ("entity __cedar;", "__cedar"),
        ("namespace __cedar { entity A; }", "__cedar"),
        ("type Long = String;", "common type name"),
        ("type Set = String;", "common type name"),
        ("type A = B; type B = A;", "itself"),
        ("type A = Set<A>;", "itself"),
        ("entity User; namespace NS { entity User; }", "shadows"),
        ("entity T; namespace NS { type T = Long; }", "shadows"),
        ("action a; namespace NS { action a; }", "shadows"),
        ("entity A in [B];", "unknown entity type"),
        ("entity A { b: B };", "unknown type"),
        ("action a in [b];", "undeclared action"),
        ("action a in [b]; action b in [a];", "cycle"),
        ("action a in [a];", "cycle"),
        ("entity A; action a appliesTo { principal: A };", "resource"),
        ("entity A; action a appliesTo { principal: A, resource: A, principal: A };", "twice"),
        ("entity A; action a appliesTo { principal: A, resource: A, context: Long };", "record"),
        ("entity A; type C = Long; action a appliesTo { principal: A, resource: A, context: C };", "record"),
        ("entity A; action a attributes { x: Long };", "attributes"),
        ("entity A; entity B in [A,];", "identifier"),
        ("action A; entity U; action b appliesTo { principal: [Action], resource: U };", "undeclared entity type"),
        ("action A; entity U in [Action];", "undeclared entity type"),
        ("entity A enum [];", "string"),
        ("entity A { x: Long } tags;", "identifier"),
        ("entity A = Long;", "record"),
        ("type T = { \"a\": Long };\nentity A { a?: T? };", "expected"),
        ("entity A { if: Long };", "reserved"),
        ("namespace in { }", "reserved"),
        ("entity A { a: Set<Long };", "`>`"),
        ("@a @a entity A;", "duplicate annotation"),
        ("entity A; action \"x\" appliesTo { principal: A, resource: A, context: { x: Unknown } };", "Unknown"),
        ("entity A in [__cedar::Long];", "unknown"),
        ("entity A; @doc(\"x\")", "annotation"),
        ("namespace N { entity A; @doc }", "annotation"),
        ("entity A { x: Long, @doc };", "annotation"),
    ] {
        let e = parse_err(src);
        assert!(e.message.contains(what), "{src}: {e}");
        assert!(e.loc().is_some(), "{src}: {e}");
    }
}

#[test]
fn schema_accepts() {
    for src in [
        "",
        "// only a comment",
        "entity A; action a appliesTo { principal: A, resource: A, context: {} };",
        "entity A; action a appliesTo { context: {}, resource: [A], principal: [A], };",
        "entity A; action a attributes {};",
        "entity A in [A];", // entity hierarchies may be cyclic
        "entity A in [B]; entity B in [A];",
        "entity E enum [\"a\", \"a\"]; entity F in [E];",
        "@a(\"x\") namespace N { @b entity A { @c x: Long }; @d action \"a b\"; @e type T = Long; }",
        "entity A { \"if\": Long, \"__cedar\": String };",
        "namespace A::B { entity C; action d appliesTo { principal: C, resource: A::B::C }; }",
        "entity A\u{a0};\u{2028}",
        "type T = { x: Long }; entity A = T;".split(" entity").next().unwrap(),
    ] {
        let s = parse(src);
        round_trip(&s);
    }
    // A comment ends at a carriage return too.
    assert!(parse("entity A; // x\rentity B;").entity_type(&et("B")).is_some());
    // A repeated attribute replaces the earlier one.
    let s = parse("entity A { x: Long, x: String };");
    assert_eq!(s.entity_type(&et("A")).unwrap().attrs.attrs["x"].ty, SchemaType::String);
    // duplicates in an enum are tolerated (and dropped)
    let s = parse("entity E enum [\"a\", \"b\", \"a\"];");
    assert_eq!(s.entity_type(&et("E")).unwrap().enum_ids.as_ref().unwrap().len(), 2);
}

#[test]
fn json_format() {
    let j = r#"{
      "": { "entityTypes": { "Shared": {} }, "actions": {} },
      "NS": {
        "commonTypes": { "Ctx": { "type": "Record", "attributes": { "ok": { "type": "Boolean" } } },
                         "Str": { "type": "String" } },
        "entityTypes": {
          "User": { "memberOfTypes": ["Group"], "shape": { "type": "Record", "attributes": {
              "name": { "type": "Str" },
              "age": { "type": "Long", "required": false },
              "ip": { "type": "Extension", "name": "ipaddr" },
              "sh": { "type": "Entity", "name": "Shared" },
              "grp": { "type": "EntityOrCommon", "name": "Group" },
              "b": { "type": "EntityOrCommon", "name": "Bool" },
              "c": { "type": "ipaddr" },
              "d": { "type": "__cedar::Long" },
              "s": { "type": "Set", "element": { "type": "Entity", "name": "NS::Group" } } } },
            "tags": { "type": "Long" }, "annotations": { "doc": "x" } },
          "Group": {},
          "Color": { "enum": ["r", "g"] }
        },
        "actions": {
          "view": { "appliesTo": { "principalTypes": ["User"], "resourceTypes": ["Group"], "context": { "type": "Ctx" } } },
          "all": {},
          "edit": { "memberOf": [{ "id": "all" }, { "id": "view", "type": "NS::Action" }],
                    "appliesTo": { "principalTypes": [], "resourceTypes": ["Group"] } }
        }
      }
    }"#;
    let s = Schema::from_json_str(j).unwrap();
    let u = s.entity_type(&et("NS::User")).unwrap();
    assert_eq!(u.attrs.attrs["name"].ty, SchemaType::String);
    assert!(!u.attrs.attrs["age"].required);
    assert_eq!(u.attrs.attrs["sh"].ty, SchemaType::Entity(et("Shared")));
    assert_eq!(u.attrs.attrs["grp"].ty, SchemaType::Entity(et("NS::Group")));
    assert_eq!(u.attrs.attrs["b"].ty, SchemaType::Bool);
    assert_eq!(u.attrs.attrs["c"].ty, SchemaType::Extension(ExtType::IpAddr));
    assert_eq!(u.attrs.attrs["d"].ty, SchemaType::Long);
    assert_eq!(u.tags, Some(SchemaType::Long));
    assert!(u.member_of_types.contains(&et("NS::Group")));
    let v = s.action(&EntityUid::new("NS::Action", "view")).unwrap();
    assert_eq!(v.applies_to.as_ref().unwrap().context.attrs["ok"].ty, SchemaType::Bool);
    let e = s.action(&EntityUid::new("NS::Action", "edit")).unwrap();
    assert!(e.applies_to.is_none(), "empty principalTypes applies to nothing");
    assert_eq!(e.member_of.len(), 2);
    round_trip(&s);
    // Cedar text and JSON of the same schema agree.
    let c = parse(PHOTOS);
    assert_eq!(Schema::from_json_value(&c.to_json()).unwrap(), c);
}

#[test]
fn json_errors_carry_paths() {
    let cases = [
        (r#"{"": {"entityTypes": {}}}"#, "\"\"", "actions"),
        (
            r#"{"": {"entityTypes": {"A": {"shape": {"type": "Record", "attributes": {"x": {"type": "Lng"}}}}}, "actions": {}}}"#,
            "\"\".entityTypes.A.shape.attributes.x",
            "Lng",
        ),
        (
            r#"{"N": {"entityTypes": {"A": {"memberOfTypes": [3]}}, "actions": {}}}"#,
            "N.entityTypes.A.memberOfTypes[0]",
            "string",
        ),
        (r#"{"N": {"entityTypes": {"A": {"bogus": 1}}, "actions": {}}}"#, "N.entityTypes.A.bogus", "unknown field"),
        (
            r#"{"N": {"entityTypes": {}, "actions": {"a": {"appliesTo": {"principalTypes": ["X"], "resourceTypes": []}}}}}"#,
            "N.actions.a.appliesTo.principalTypes[0]",
            "X",
        ),
        (
            r#"{"N": {"entityTypes": {"A": {"shape": {"type": "Record", "attributes": {}, "additionalAttributes": true}}}, "actions": {}}}"#,
            "N.entityTypes.A.shape.additionalAttributes",
            "additionalAttributes",
        ),
        (
            r#"{"N": {"entityTypes": {"A": {"shape": {"type": "Extension", "name": "ip"}}}, "actions": {}}}"#,
            "N.entityTypes.A.shape.name",
            "extension",
        ),
        (
            r#"{"N": {"entityTypes": {}, "actions": {"a": {"memberOf": [{"id": "b"}]}}}}"#,
            "N.actions.a.memberOf[0]",
            "undeclared",
        ),
        (r#"{"N": {"entityTypes": {"A": {"shape": {"type": "Long"}}}, "actions": {}}}"#, "N.entityTypes.A", "record"),
        (
            r#"{"N": {"entityTypes": {"A": {}}, "actions": {}, "commonTypes": {"T": {"type": "A"}}}}"#,
            "N.commonTypes.T",
            "common type",
        ),
        (r#"{"N": {"entityTypes": {"A": {"enum": []}}, "actions": {}}}"#, "N.entityTypes.A.enum", "at least one"),
        (r#"{"N": {"entityTypes": {"if": {}}, "actions": {}}}"#, "N.entityTypes.if", "not a valid"),
        (
            r#"{"N": {"entityTypes": {"A": {"shape": {"type": "Record"}}}, "actions": {}}}"#,
            "N.entityTypes.A.shape",
            "attributes",
        ),
        (
            r#"{"N": {"entityTypes": {"A": {"tags": {"type": "Extension", "name": "__cedar::ipaddr"}}}, "actions": {}}}"#,
            "N.entityTypes.A.tags.name",
            "unknown extension type",
        ),
    ];
    for (src, path, what) in cases {
        let e = Schema::from_json_str(src).expect_err(src);
        assert_eq!(e.json_path(), Some(path), "{src}: {e}");
        assert!(e.message.contains(what), "{src}: {e}");
    }
    let e = Schema::from_json_str("{\n  \"\": ").unwrap_err();
    assert!(e.loc().is_some(), "{e}");
    // A duplicate key is an error with its path, not a silent last-wins.
    let dup =
        r#"{"N": {"entityTypes": {"A": {}, "A": {"shape": {"type": "Record", "attributes": {}}}}, "actions": {}}}"#;
    let e = Schema::from_json_str(dup).unwrap_err();
    assert!(e.message.contains("duplicate") && e.to_string().contains("N.entityTypes"), "{e}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("type T = {}Long{};", "Set<".repeat(10_000), ">".repeat(10_000));
    let e = parse_err(&deep);
    assert!(e.message.contains("deeper"), "{e}");
    let mut j = String::from(r#"{"type":"Long"}"#);
    for _ in 0..300 {
        j = format!(r#"{{"type":"Set","element":{j}}}"#);
    }
    let src = format!(r#"{{"": {{"entityTypes": {{"A": {{"tags": {j}}}}}, "actions": {{}}}}}}"#);
    let e = Schema::from_json_str(&src).unwrap_err();
    assert!(
        e.message.contains("deeper") || e.message.contains("recursion") || e.message.contains("nested more than"),
        "{e}"
    );
    // A long chain of common types.
    let mut src = String::from("type T0 = Long;\n");
    for i in 1..1000 {
        src.push_str(&format!("type T{i} = T{};\n", i - 1));
    }
    let _ = Schema::from_cedar_str(&src); // must not overflow; may be an error
}

#[test]
fn hierarchy_queries() {
    let s = parse("entity A in [B]; entity B in [C]; entity C; entity D; action x; action y in [x]; action z in [y];");
    assert_eq!(s.ancestor_types(&et("A")), [et("B"), et("C")].into_iter().collect());
    assert_eq!(s.descendant_types(&et("C")), [et("A"), et("B"), et("C")].into_iter().collect());
    assert!(s.action_in(&EntityUid::new("Action", "z"), &EntityUid::new("Action", "x")));
    assert!(!s.action_in(&EntityUid::new("Action", "x"), &EntityUid::new("Action", "z")));
    assert_eq!(s.action_descendants(&EntityUid::new("Action", "y")).len(), 2);
    assert!(s.is_action_type(&et("Action")));
}
