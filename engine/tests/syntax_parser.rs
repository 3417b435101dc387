//! Parser accept/reject tests for every rule of docs/semantics.md §2 (tokens,
//! strings, scope, precedence, calls, literals and desugaring).

use engine::ast::*;
use engine::parser::{parse_expr, parse_policy, parse_policy_set, parse_policy_set_bytes};
use std::collections::BTreeMap;

fn e(src: &str) -> Expr {
    parse_expr(src).unwrap_or_else(|err| panic!("`{src}` should parse: {err}"))
}

fn e_err(src: &str) -> String {
    match parse_expr(src) {
        Ok(x) => panic!("`{src}` should be rejected, got {x:?}"),
        Err(err) => err.to_string(),
    }
}

fn p(src: &str) -> Policy {
    parse_policy(src).unwrap_or_else(|err| panic!("`{src}` should parse: {err}"))
}

fn p_err(src: &str) -> engine::parser::ParseError {
    match parse_policy_set(src) {
        Ok(x) => panic!("`{src}` should be rejected, got {x:?}"),
        Err(err) => err.0[0].clone(),
    }
}

/// A policy with the given condition body.
fn when(body: &str) -> String {
    format!("permit(principal, action, resource) when {{ {body} }};")
}

fn ctx(a: &str) -> Expr {
    Expr::get_attr(Expr::var(Var::Context), a)
}

fn uid(t: &str, i: &str) -> EntityUid {
    EntityUid::new(t, i)
}

// ----- tokens ------------------------------------------------------------

#[test]
fn whitespace_and_comments() {
    let a = p("permit(principal,action,resource);");
    let b = p("// hi\npermit (\tprincipal ,\u{a0}action,\u{2028}resource // c\n) ; // end");
    assert_eq!(a, b);
    assert_eq!(e("1 // c\n + 2"), Expr::binary(BinaryOp::Add, Expr::long(1), Expr::long(2)));
    let err = p_err("permit(principal, action, resource) /* c */;");
    assert!(err.message.contains("block comment"), "{err:?}");
}

#[test]
fn integers() {
    assert_eq!(e("007"), Expr::long(7));
    assert_eq!(e("9223372036854775807"), Expr::long(i64::MAX));
    assert!(e_err("9223372036854775808").contains("too large"));
    assert!(e_err("99999999999999999999").contains("too large"));
    assert_eq!(e("-9223372036854775808"), Expr::long(i64::MIN));
    assert!(e_err("-(9223372036854775808)").contains("too large"));
    assert_eq!(e("--9223372036854775808"), Expr::unary(UnaryOp::Neg, Expr::long(i64::MIN)));
    assert_eq!(e("-5"), Expr::long(-5));
    assert_eq!(e("- 5"), Expr::long(-5));
    assert_eq!(e("-(5)"), Expr::unary(UnaryOp::Neg, Expr::long(5)));
    assert_eq!(e("---5"), Expr::unary(UnaryOp::Neg, Expr::unary(UnaryOp::Neg, Expr::long(-5))));
    // A postfix blocks the folding.
    assert_eq!(e("-5.a"), Expr::unary(UnaryOp::Neg, Expr::get_attr(Expr::long(5), "a")));
    assert!(!e_err("0x10").is_empty());
    assert!(!e_err("1_000").is_empty());
}

#[test]
fn strings_and_escapes() {
    assert_eq!(e(r#""a\n\r\t\\\0\'\"""#), Expr::string("a\n\r\t\\\0'\""));
    assert_eq!(e(r#""\x41\u{1F600}\u{1_0}""#), Expr::string("A\u{1F600}\u{10}"));
    assert_eq!(e("\"raw\nlf\""), Expr::string("raw\nlf"));
    assert!(e_err("\"raw\rcr\"").contains("carriage return"));
    assert!(e_err("\"back\\\nslash\"").contains("line break"));
    assert!(e_err(r#""\x80""#).contains("0x7f"));
    assert!(e_err(r#""\a""#).contains("unknown escape"));
    assert!(e_err(r#""\*""#).contains("unknown escape"));
    assert!(e_err(r#""\u{d800}""#).contains("surrogate"));
    assert!(e_err(r#""\u{1234567}""#).contains("six"));
    assert!(e_err("\"unterminated").contains("unterminated"));
    assert_eq!(e(r#""""#), Expr::string(""));
    // Escapes in entity ids and annotation values too.
    assert_eq!(e(r#"User::"a\tb""#), Expr::entity(uid("User", "a\tb")));
    let pol = p(r#"@a("x\u{41}") permit(principal, action, resource);"#);
    assert_eq!(pol.annotations["a"], Some("xA".to_string()));
    assert!(p_err(r#"@a("\q") permit(principal, action, resource);"#).message.contains("escape"));
}

#[test]
fn punctuation_errors() {
    assert!(e_err("1 / 2").contains("division"));
    assert!(e_err("1 % 2").contains("division"));
    assert!(e_err("principal = principal").contains("=="));
    assert!(e_err("true | false").contains("||"));
    assert!(e_err("true & false").contains("&&"));
    assert!(e_err("#").contains("unexpected character"));
}

// ----- policy level ------------------------------------------------------

#[test]
fn scope_forms() {
    let pol = p(r#"permit(principal == User::"a", action == Action::"view", resource in Folder::"f");"#);
    assert_eq!(pol.principal, ScopeConstraint::Eq(EntityOrSlot::Entity(uid("User", "a"))));
    assert_eq!(pol.action, ActionConstraint::Eq(uid("Action", "view")));
    assert_eq!(pol.resource, ScopeConstraint::In(EntityOrSlot::Entity(uid("Folder", "f"))));
    assert_eq!(pol.effect, Effect::Permit);
    assert_eq!(pol.id, PolicyId("policy0".into()));

    let pol =
        p(r#"forbid(principal is NS::User, action in [NS::Action::"a", Action::"b",], resource is R in NS::F::"x");"#);
    assert_eq!(pol.effect, Effect::Forbid);
    assert_eq!(pol.principal, ScopeConstraint::Is(EntityType::new("NS::User")));
    assert_eq!(pol.action, ActionConstraint::In(vec![uid("NS::Action", "a"), uid("Action", "b")]));
    assert_eq!(pol.resource, ScopeConstraint::IsIn(EntityType::new("R"), EntityOrSlot::Entity(uid("NS::F", "x"))));

    let pol = p(r#"permit(principal in (Group::"g"), action in Action::"a", resource == ((R::"r")));"#);
    assert_eq!(pol.principal, ScopeConstraint::In(EntityOrSlot::Entity(uid("Group", "g"))));
    assert_eq!(pol.action, ActionConstraint::In(vec![uid("Action", "a")]));
    assert_eq!(p(r#"permit(principal, action in [Action::"a"], resource);"#).action, pol.action);
    assert_eq!(p("permit(principal, action in [], resource);").action, ActionConstraint::In(vec![]));
    // `A :: B :: "x"` with spaces and comments.
    let pol = p("permit(principal == A :: // c\n B :: \"x\", action, resource);");
    assert_eq!(pol.principal, ScopeConstraint::Eq(EntityOrSlot::Entity(uid("A::B", "x"))));
    // `principal` as an entity type name.
    let pol = p(r#"permit(principal == principal::"x", action, resource);"#);
    assert_eq!(pol.principal, ScopeConstraint::Eq(EntityOrSlot::Entity(uid("principal", "x"))));
}

#[test]
fn scope_rejections() {
    let cases = [
        ("permit(principal, action);", "exactly three"),
        ("permit(principal, action, resource, context);", "exactly three"),
        ("permit(action, principal, resource);", "order"),
        ("permit(principal, resource, action);", "order"),
        ("allow(principal, action, resource);", "permit"),
        (r#"permit(principal is User == User::"a", action, resource);"#, "`==`"),
        (r#"permit(principal in Group::"g" is User, action, resource);"#, "must come first"),
        (r#"permit(principal is User::"a", action, resource);"#, "entity type"),
        (r#"permit(principal == [User::"a"], action, resource);"#, "set"),
        ("permit(principal == ?resource, action, resource);", "?principal"),
        ("permit(principal, action, resource in ?principal);", "?resource"),
        ("permit(principal == ?foo, action, resource);", "unknown slot"),
        (r#"permit(principal, action == User::"a", resource);"#, "not an action"),
        (r#"permit(principal, action in [Action::"a", User::"b"], resource);"#, "not an action"),
        ("permit(principal, action == ?principal, resource);", "slots"),
        (r#"permit(principal, action is Action, resource);"#, "`is`"),
        (r#"permit(principal != User::"a", action, resource);"#, "`==`, `in` or `is`"),
        ("permit(principal: User, action, resource);", "is"),
        ("permit(principal, action, resource)", "`;`"),
        ("permit(principal, action, resource) when {};", "empty"),
        ("permit(principal, action, resource) if { true };", "when"),
        (r#"permit(principal == User::{a: 1}, action, resource);"#, "record-style"),
        (r#"permit(principal == principal, action, resource);"#, "`::`"),
    ];
    for (src, needle) in cases {
        let err = p_err(src);
        assert!(err.message.contains(needle), "`{src}`: expected message containing {needle:?}, got {err:?}");
    }
}

#[test]
fn error_positions() {
    let err = p_err("permit(principal, action, resource)\n  when { 1 + };");
    assert_eq!((err.loc.line, err.loc.col), (2, 14), "{err:?}");
    let err = p_err("permit(principal, action, resource) when {\n  context.if };");
    assert_eq!((err.loc.line, err.loc.col), (2, 11), "{err:?}");
    let err = p_err("@a @a permit(principal, action, resource);");
    assert_eq!((err.loc.line, err.loc.col), (1, 5), "{err:?}");
    assert!(err.message.contains("duplicate annotation"));
    let err = p_err("permit(principal, action, resource) when { {a: 1, a: 2} };");
    assert_eq!((err.loc.line, err.loc.col), (1, 51), "{err:?}");
    assert!(err.message.contains("duplicate record key"));
    let err = p_err("permit(principal, action, resource) when { 1 < 2 < 3 };");
    assert_eq!((err.loc.line, err.loc.col), (1, 50), "{err:?}");
    // Columns count characters, not bytes.
    let err = p_err("permit(principal, action, resource) when { \"é\" + };");
    assert_eq!((err.loc.line, err.loc.col), (1, 50), "{err:?}");
    // The first problem in source order wins over a later lexing error.
    let err = p_err("permit(principal action, resource); #");
    assert_eq!((err.loc.line, err.loc.col), (1, 18), "{err:?}");
}

#[test]
fn conditions_and_ids() {
    let ps = parse_policy_set(
        r#"permit(principal, action, resource) when { true } unless { false } when { 1 == 1 };
           forbid(principal == ?principal, action, resource); permit(principal, action, resource);"#,
    )
    .unwrap();
    let ids: Vec<_> = ps.policies.iter().map(|p| p.id.0.clone()).collect();
    assert_eq!(ids, ["policy0", "policy1", "policy2"]);
    let c = &ps.policies[0].conditions;
    assert_eq!(c.len(), 3);
    assert_eq!(c[1].kind, ConditionKind::Unless);
    assert_eq!(c[1].body, Expr::bool(false));
    assert!(ps.policies[1].is_template());
    assert!(parse_policy_set("").unwrap().policies.is_empty());
    assert!(parse_policy_set("  // only a comment\n").unwrap().policies.is_empty());
    assert!(parse_policy("").is_err());
    assert!(parse_policy("permit(principal,action,resource);permit(principal,action,resource);").is_err());
    // Locations recorded.
    assert_eq!(ps.policies[1].loc, Some(Loc { line: 2, col: 12 }));
    assert_eq!(c[2].body.loc, Some(Loc { line: 1, col: 75 }));
}

#[test]
fn annotations() {
    let pol = p(r#"@id("x") @if("y") @flag @permit("") permit(principal, action, resource);"#);
    let mut want = BTreeMap::new();
    want.insert("id".to_string(), Some("x".to_string()));
    want.insert("if".to_string(), Some("y".to_string()));
    want.insert("flag".to_string(), None);
    want.insert("permit".to_string(), Some(String::new()));
    assert_eq!(pol.annotations, want);
    assert_eq!(pol.id.0, "policy0", "@id does not rename");
    assert!(p_err(r#"@a("x") @a("y") permit(principal, action, resource);"#).message.contains("duplicate"));
    assert!(p_err(r#"@a(1) permit(principal, action, resource);"#).message.contains("string"));
}

#[test]
fn templates_and_slots() {
    let pol = p("permit(principal in ?principal, action, resource is R in ?resource);");
    assert_eq!(pol.slots(), vec![SlotId::Principal, SlotId::Resource]);
    assert!(p_err("permit(principal, action, resource) when { principal == ?principal };").message.contains("scope"));
    // Standalone expressions may mention slots.
    assert_eq!(e("?principal"), Expr::new(ExprKind::Slot(SlotId::Principal)));
    assert!(e_err("?other").contains("unknown slot"));
}

// ----- expressions -------------------------------------------------------

#[test]
fn precedence() {
    let one = || Expr::long(1);
    let two = || Expr::long(2);
    let three = || Expr::long(3);
    assert_eq!(e("1 + 2 * 3"), Expr::binary(BinaryOp::Add, one(), Expr::binary(BinaryOp::Mul, two(), three())));
    assert_eq!(e("1 - 2 - 3"), Expr::binary(BinaryOp::Sub, Expr::binary(BinaryOp::Sub, one(), two()), three()));
    assert_eq!(e("true || false && true"), Expr::or(Expr::bool(true), Expr::and(Expr::bool(false), Expr::bool(true))));
    // `!a == b` is `(!a) == b`; `-x.y` is `-(x.y)`.
    assert_eq!(e("!true == false"), Expr::binary(BinaryOp::Eq, Expr::not(Expr::bool(true)), Expr::bool(false)));
    assert_eq!(e("-context.y"), Expr::unary(UnaryOp::Neg, ctx("y")));
    // The else branch extends to the right.
    assert_eq!(
        e("if true then 1 else 2 + 3"),
        Expr::ite(Expr::bool(true), one(), Expr::binary(BinaryOp::Add, two(), three()))
    );
    assert!(e_err("1 + if true then 1 else 2").contains("parenthesised"));
    assert!(e_err("true && if true then true else false").contains("parenthesised"));
    assert_eq!(e("(if true then 1 else 2) + 3"), e("(if true then 1 else 2) + (3)"));
    // Non-associative relations.
    for s in [
        "1 < 2 < 3",
        "principal in resource == true",
        "1 == 2 == 3",
        "context has a has b",
        "principal is User is User",
    ] {
        assert!(e_err(s).contains("non-associative"), "{s}");
    }
    assert_eq!(
        e("(1 < 2) == true"),
        Expr::binary(BinaryOp::Eq, Expr::binary(BinaryOp::Less, one(), two()), Expr::bool(true))
    );
    // Prefix runs.
    assert_eq!(e("!!!!true"), Expr::not(Expr::not(Expr::not(Expr::not(Expr::bool(true))))));
    assert!(e_err("!!!!!true").contains("four"));
    assert!(e_err("-----1").contains("four"));
    assert!(!e_err("!-1").is_empty());
    assert_eq!(e("!(-1)"), Expr::not(Expr::long(-1)));
}

#[test]
fn desugarings() {
    let a = || ctx("a");
    let b = || ctx("b");
    assert_eq!(e("context.a != context.b"), Expr::not(Expr::binary(BinaryOp::Eq, a(), b())));
    assert_eq!(e("context.a > context.b"), Expr::not(Expr::binary(BinaryOp::LessEq, a(), b())));
    assert_eq!(e("context.a >= context.b"), Expr::not(Expr::binary(BinaryOp::Less, a(), b())));
    assert_eq!(e("context.a <= context.b"), Expr::binary(BinaryOp::LessEq, a(), b()));
    let pr = || Expr::var(Var::Principal);
    assert_eq!(
        e(r#"principal is NS::User in Group::"g""#),
        Expr::and(
            Expr::is(pr(), EntityType::new("NS::User")),
            Expr::binary(BinaryOp::In, pr(), Expr::entity(uid("Group", "g")))
        )
    );
    let c = || Expr::var(Var::Context);
    assert_eq!(
        e("context has a.b.c"),
        Expr::and(
            Expr::and(Expr::has_attr(c(), "a"), Expr::has_attr(Expr::get_attr(c(), "a"), "b")),
            Expr::has_attr(Expr::get_attr(Expr::get_attr(c(), "a"), "b"), "c")
        )
    );
    assert_eq!(e("context has a"), Expr::has_attr(c(), "a"));
    assert_eq!(e(r#"context has "a b""#), Expr::has_attr(c(), "a b"));
    assert_eq!(e("context has principal"), Expr::has_attr(c(), "principal"));
    for s in [
        "context has (a)",
        r#"context has a["b"]"#,
        r#"context has "a".b"#,
        "context has if",
        "context has a.in",
        "context has 1",
    ] {
        assert!(parse_expr(s).is_err(), "{s}");
    }
}

#[test]
fn like_patterns() {
    use PatternElem::*;
    assert_eq!(
        e(r#"context.s like "a*\*\x2a\u{2a}""#),
        Expr::like(ctx("s"), Pattern(vec![Char('a'), Wildcard, Char('*'), Wildcard, Wildcard]))
    );
    assert!(parse_expr(r#"context.s like ("a")"#).is_err());
    assert!(parse_expr(r#"context.s like context.p"#).is_err());
    assert!(parse_expr(r#"context.s like "\q""#).is_err());
}

#[test]
fn is_operator() {
    assert_eq!(e("principal is User"), Expr::is(Expr::var(Var::Principal), EntityType::new("User")));
    assert!(parse_expr(r#"principal is User::"a""#).is_err());
    assert!(parse_expr(r#"principal is (User)"#).is_err());
    assert!(parse_expr(r#"principal is if"#).is_err());
}

#[test]
fn literals_records_sets() {
    let mut m = BTreeMap::new();
    m.insert("a".to_string(), Expr::long(1));
    m.insert("b c".to_string(), Expr::bool(true));
    m.insert("principal".to_string(), Expr::string("p"));
    m.insert("if".to_string(), Expr::long(2));
    assert_eq!(e(r#"{a: 1, "b c": true, principal: "p", "if": 2,}"#), Expr::record(m));
    assert_eq!(e("{}"), Expr::record(BTreeMap::new()));
    assert_eq!(e("[]"), Expr::set(vec![]));
    assert_eq!(e("[1, 2,]"), Expr::set(vec![Expr::long(1), Expr::long(2)]));
    for s in [
        "[,]",
        "{,}",
        "{a: 1, a: 2}",
        r#"{a: 1, "a": 2}"#,
        "{if: 1}",
        "{true: 1}",
        "{__cedar: 1}",
        "{a::b: 1}",
        "{1: 2}",
        "{a 1}",
    ] {
        assert!(parse_expr(s).is_err(), "{s}");
    }
    assert_eq!(e("{permit: 2}.permit"), Expr::get_attr(e("{permit: 2}"), "permit"));
}

#[test]
fn names_and_references() {
    assert_eq!(e(r#"NS::A::User::"""#), Expr::entity(uid("NS::A::User", "")));
    for s in [
        "foo",
        "User",
        "NS::User",
        r#"if::"x""#,
        r#"__cedar::"x""#,
        r#"NS::__cedar::"x""#,
        r#"NS::in::"x""#,
        r#"context.__cedar"#,
        r#"context.if"#,
        r#"User.foo"#,
    ] {
        assert!(parse_expr(s).is_err(), "{s}");
    }
    assert_eq!(e(r#"context["__cedar"]"#), Expr::get_attr(Expr::var(Var::Context), "__cedar"));
    assert_eq!(e(r#"context["if"]"#), Expr::get_attr(Expr::var(Var::Context), "if"));
    assert!(parse_expr(r#"context[1]"#).is_err());
    assert!(parse_expr(r#"context[context.a]"#).is_err());
    assert!(parse_expr(r#"context["a", "b"]"#).is_err());
}

#[test]
fn calls() {
    let s = || Expr::string("1.0");
    assert_eq!(e(r#"decimal("1.0")"#), Expr::call("decimal", vec![s()]));
    // Arity of extension calls is not checked by the parser.
    assert_eq!(e(r#"decimal("1.0", "2")"#), Expr::call("decimal", vec![s(), Expr::string("2")]));
    assert_eq!(e("ip()"), Expr::call("ip", vec![]));
    assert_eq!(
        e(r#"decimal("1.0").lessThan(decimal("2.0"))"#),
        Expr::call(
            "lessThan",
            vec![Expr::call("decimal", vec![s()]), Expr::call("decimal", vec![Expr::string("2.0")])]
        )
    );
    assert_eq!(e(r#"context.d.toDays()"#), Expr::call("toDays", vec![ctx("d")]));
    assert_eq!(e("[1].contains(1)"), Expr::binary(BinaryOp::Contains, Expr::set(vec![Expr::long(1)]), Expr::long(1)));
    assert_eq!(e("[].isEmpty()"), Expr::unary(UnaryOp::IsEmpty, Expr::set(vec![])));
    assert_eq!(
        e(r#"principal.hasTag("t") && principal.getTag("t")"#),
        Expr::and(
            Expr::binary(BinaryOp::HasTag, Expr::var(Var::Principal), Expr::string("t")),
            Expr::binary(BinaryOp::GetTag, Expr::var(Var::Principal), Expr::string("t"))
        )
    );
    let rejects = [
        ("foo(1)", "unknown function"),
        (r#"foo::ip("1")"#, "unknown function"),
        (r#"isIpv4(ip("1.1.1.1"))"#, "method"),
        ("contains([1], 1)", "method"),
        (r#""1.0".decimal()"#, "function, not a method"),
        ("principal(1)", "cannot be called"),
        ("ip.isIpv4()", "unknown variable"),
        ("(context)(1)", "called"),
        ("context.foo()", "unknown method"),
        ("[1].contains()", "exactly one"),
        ("[1].contains(1, 2)", "exactly one"),
        ("[1].isEmpty(1)", "no arguments"),
        ("[1].getTag()", "exactly one"),
    ];
    for (src, needle) in rejects {
        let m = e_err(src);
        assert!(m.contains(needle), "`{src}`: {m}");
    }
}

// ----- robustness ----------------------------------------------------------

fn deep_cases(n: usize) -> Vec<(String, String)> {
    vec![
        ("parens".into(), format!("{}1{}", "(".repeat(n), ")".repeat(n))),
        ("not".into(), format!("{}true{}", "!(".repeat(n), ")".repeat(n))),
        ("neg".into(), format!("{}1{}", "-(".repeat(n), ")".repeat(n))),
        ("set".into(), format!("{}1{}", "[".repeat(n), "]".repeat(n))),
        ("record".into(), format!("{}1{}", "{a:".repeat(n), "}".repeat(n))),
        ("if".into(), format!("{}1{}", "if true then ".repeat(n), " else 2".repeat(n))),
        ("plus".into(), format!("1{}", " + 1".repeat(n))),
        ("and".into(), format!("true{}", " && true".repeat(n))),
        ("attr".into(), format!("context{}", ".a".repeat(n))),
        ("index".into(), format!("context{}", "[\"a\"]".repeat(n))),
        ("has".into(), format!("context has a{}", ".a".repeat(n))),
        ("method".into(), format!("[1]{}", ".contains(1)".repeat(n))),
        ("call".into(), format!("{}1{}", "ip(".repeat(n), ")".repeat(n))),
        ("unclosed".into(), "(".repeat(n)),
        ("unclosed-if".into(), "if ".repeat(n)),
    ]
}

/// 10,000 levels of every nesting construct: a clean error, on the default
/// (2 MiB) test thread.
#[test]
fn deep_nesting_is_rejected() {
    for (name, src) in deep_cases(10_000) {
        let err = parse_expr(&src).expect_err(&name);
        assert!(err.to_string().contains("nested too deeply") || name.starts_with("unclosed"), "{name}: {err}");
        let pol = when(&src);
        assert!(parse_policy_set(&pol).is_err(), "{name} (policy)");
    }
}

/// Moderate nesting (well under the limits) parses.
#[test]
fn moderate_nesting_is_accepted() {
    for (name, src) in deep_cases(40) {
        if name.starts_with("unclosed") {
            continue;
        }
        assert!(parse_expr(&src).is_ok(), "{name}: {:?}", parse_expr(&src).err());
    }
}

/// Exactly at the limit: nesting 199 parses and prints, and the printed
/// text and JSON conversion don't overflow the stack.
#[test]
fn nesting_at_the_limit() {
    let src = format!("{}1{}", "(".repeat(199), ")".repeat(199));
    assert!(parse_expr(&src).is_ok());
    let src = format!("{}1{}", "[".repeat(199), "]".repeat(199));
    let x = parse_expr(&src).unwrap();
    let text = engine::printer::expr_to_text(&x);
    assert_eq!(parse_expr(&text).unwrap(), x);
    let src = format!("1{}", " + 1".repeat(199));
    let x = parse_expr(&src).unwrap();
    assert_eq!(parse_expr(&engine::printer::expr_to_text(&x)).unwrap(), x);
    assert!(parse_expr(&format!("1{}", " + 1".repeat(200))).is_err());
}

#[test]
fn many_conditions() {
    let many = format!("permit(principal, action, resource){};", " when { true }".repeat(300));
    assert!(parse_policy_set(&many).unwrap_err().to_string().contains("too deeply"));
    let ok = format!("permit(principal, action, resource){};", " when { true }".repeat(100));
    assert_eq!(parse_policy(&ok).unwrap().conditions.len(), 100);
}

#[test]
fn invalid_utf8() {
    let err = parse_policy_set_bytes(b"permit(principal,\n action, \xff resource);").unwrap_err();
    assert!(err.to_string().contains("byte offset 27"), "{err}");
    assert_eq!(err.0[0].loc, Loc { line: 2, col: 10 });
    assert!(parse_policy_set_bytes(b"permit(principal, action, resource);").is_ok());
}

#[test]
fn garbage_never_panics() {
    // A cheap deterministic fuzz: random token soup must give Ok or Err.
    let atoms = [
        "permit",
        "forbid",
        "(",
        ")",
        "principal",
        "action",
        "resource",
        "context",
        ",",
        ";",
        "when",
        "unless",
        "{",
        "}",
        "[",
        "]",
        "==",
        "!=",
        "<",
        ">=",
        "in",
        "is",
        "has",
        "like",
        "if",
        "then",
        "else",
        "!",
        "-",
        "+",
        "*",
        "&&",
        "||",
        ".",
        "::",
        "\"s\"",
        "1",
        "9223372036854775808",
        "User",
        "?principal",
        "@a",
        ":",
        "\"*\"",
        "contains",
        "ip",
        "decimal",
        "\\",
        "\"\\u{",
        "/",
        "é",
    ];
    let mut seed: u64 = 0x1234_5678_9abc_def0;
    for _ in 0..3000 {
        let mut s = String::new();
        let len = (seed % 40) as usize;
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(atoms[(seed % atoms.len() as u64) as usize]);
            s.push(' ');
        }
        let _ = parse_policy_set(&s);
        let _ = parse_expr(&s);
        let _ = parse_policy_set(&format!("permit(principal, action, resource) when {{ {s} }};"));
    }
}
