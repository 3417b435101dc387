//! Print → parse and AST → EST → AST round trips over hand-written policies
//! and over small seeded random ASTs (a cheap builder; the real generators
//! live in the `generators` crate).

use engine::ast::*;
use engine::est::{expr_from_json, expr_to_json, policy_from_json, policy_to_json};
use engine::parser::{parse_expr, parse_policy, parse_policy_set};
use engine::printer::{expr_to_text, policy_set_to_text, policy_to_text, pretty_policy_set};
use std::collections::BTreeMap;

const HAND_WRITTEN: &[&str] = &[
    "permit(principal, action, resource);",
    r#"forbid(principal == User::"alice", action == Action::"delete", resource);"#,
    r#"permit(principal in Group::"admins", action in [Action::"read", Action::"write"], resource in Folder::"f");"#,
    r#"permit(principal is User, action, resource is NS::Doc in NS::Folder::"root");"#,
    r#"permit(principal == ?principal, action, resource in ?resource);"#,
    r#"@id("p1") @advice("line\nbreak \"quoted\" \\ \u{1F600}") @bare permit(principal, action, resource);"#,
    r#"permit(principal, action, resource) when { context.ip.isInRange(ip("10.0.0.0/8")) };"#,
    r#"permit(principal, action, resource) when { resource.owner == principal } unless { resource.locked };"#,
    r#"permit(principal, action, resource) when { context has a.b.c && context.a.b.c > 3 };"#,
    r#"permit(principal, action, resource) when { principal.name like "*@example.com" && !(principal.name like "\**") };"#,
    r#"permit(principal, action, resource) when { if context.x then 1 else 2 == 2 };"#,
    r#"permit(principal, action, resource) when { (if context.x then 1 else 2) == 2 };"#,
    r#"permit(principal, action, resource) when { -9223372036854775808 < --1 && -(1) * 2 - -3 + 4 <= 5 };"#,
    r#"permit(principal, action, resource) when { {"a b": 1, c: [1, [2], {}], "": "x", "if": true}["a b"] == 1 };"#,
    r#"permit(principal, action, resource) when { principal has "__cedar" && context["true"] };"#,
    r#"permit(principal, action, resource) when { decimal("1.5").greaterThanOrEqual(decimal("-0.5")) };"#,
    r#"permit(principal, action, resource) when { datetime("2024-10-15T11:35:00Z").durationSince(datetime("2024-10-15")).toHours() >= 11 };"#,
    r#"permit(principal, action, resource) when { principal.tags.containsAny(["a", "b"]) || [1, 2].containsAll([1]) || [].isEmpty() };"#,
    r#"permit(principal, action, resource) when { principal.hasTag("k") && principal.getTag("k") != "v" };"#,
    r#"permit(principal, action, resource) when { principal in resource.viewers || principal is Admin in Group::"g" };"#,
    r#"permit(principal, action, resource) when { ((context.a || context.b) && (context.c || context.d)) || !context.e };"#,
    r#"permit(principal, action, resource) when { context.s like "\u{2a}\x2a\*\t" };"#,
    r#"permit(principal, action, resource) when { principal::"x" == principal && context.principal == action };"#,
    r#"forbid(principal, action == NS::Action::"x", resource) when { [User::"\"q\"", NS::A::B::"\u{0}"].contains(principal) };"#,
];

#[test]
fn hand_written_print_parse() {
    for src in HAND_WRITTEN {
        let p = parse_policy(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let text = policy_to_text(&p);
        let q = parse_policy(&text).unwrap_or_else(|e| panic!("{src}\nprinted: {text}\n{e}"));
        assert_eq!(q, p, "printed: {text}");
        let j = policy_to_json(&p);
        assert_eq!(policy_from_json(p.id.clone(), &j).unwrap(), p, "{j:#}");
    }
    // The whole set, compact and pretty.
    let all = HAND_WRITTEN.join("\n");
    let ps = parse_policy_set(&all).unwrap();
    assert_eq!(parse_policy_set(&policy_set_to_text(&ps)).unwrap(), ps);
    let pretty = pretty_policy_set(&ps);
    assert_eq!(parse_policy_set(&pretty).unwrap(), ps);
}

#[test]
fn pretty_layout() {
    let ps = parse_policy_set(
        r#"@id("x") permit(principal == User::"a", action, resource) when { true } unless { false };
           forbid(principal, action, resource);"#,
    )
    .unwrap();
    assert_eq!(
        pretty_policy_set(&ps),
        "@id(\"x\")\npermit (\n  principal == User::\"a\",\n  action,\n  resource\n)\nwhen {\n  true\n}\nunless {\n  false\n};\n\nforbid (\n  principal,\n  action,\n  resource\n);\n"
    );
}

// ----- random ASTs -------------------------------------------------------

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn rand_string(r: &mut Rng) -> String {
    const CHARS: &[char] = &[
        'a', 'Z', '_', '0', ' ', '*', '\\', '"', '\'', '\n', '\r', '\t', '\0', '\u{7}', 'é', '😀', '\u{a0}', ':', '?',
    ];
    (0..r.below(5)).map(|_| CHARS[r.below(CHARS.len())]).collect()
}

fn rand_ident(r: &mut Rng) -> String {
    const IDS: &[&str] = &["a", "b_1", "User", "principal", "context", "permit", "_", "Action"];
    IDS[r.below(IDS.len())].to_string()
}

fn rand_attr(r: &mut Rng) -> String {
    if r.below(2) == 0 {
        rand_ident(r)
    } else {
        const ODD: &[&str] = &["if", "in", "true", "__cedar", "a b", "", "1x", "has"];
        if r.below(2) == 0 {
            ODD[r.below(ODD.len())].to_string()
        } else {
            rand_string(r)
        }
    }
}

fn rand_type(r: &mut Rng) -> EntityType {
    let n = 1 + r.below(3);
    EntityType((0..n).map(|_| rand_ident(r)).collect::<Vec<_>>().join("::"))
}

fn rand_uid(r: &mut Rng) -> EntityUid {
    EntityUid { ty: rand_type(r), id: rand_string(r) }
}

fn rand_long(r: &mut Rng) -> i64 {
    match r.below(6) {
        0 => i64::MIN,
        1 => i64::MAX,
        2 => -(r.below(100) as i64),
        _ => r.below(1000) as i64,
    }
}

fn rand_expr(r: &mut Rng, depth: usize) -> Expr {
    if depth == 0 || r.below(4) == 0 {
        return match r.below(7) {
            0 => Expr::bool(r.below(2) == 0),
            1 => Expr::long(rand_long(r)),
            2 => Expr::string(rand_string(r)),
            3 => Expr::entity(rand_uid(r)),
            4 => Expr::var([Var::Principal, Var::Action, Var::Resource, Var::Context][r.below(4)]),
            5 => Expr::set(vec![]),
            _ => Expr::record(BTreeMap::new()),
        };
    }
    let d = depth - 1;
    let sub = |r: &mut Rng| rand_expr(r, d);
    match r.below(14) {
        0 => Expr::ite(sub(r), sub(r), sub(r)),
        1 => Expr::and(sub(r), sub(r)),
        2 => Expr::or(sub(r), sub(r)),
        3 => Expr::unary([UnaryOp::Not, UnaryOp::Neg, UnaryOp::IsEmpty][r.below(3)], sub(r)),
        4 | 5 => {
            const OPS: &[BinaryOp] = &[
                BinaryOp::Eq,
                BinaryOp::Less,
                BinaryOp::LessEq,
                BinaryOp::Add,
                BinaryOp::Sub,
                BinaryOp::Mul,
                BinaryOp::In,
                BinaryOp::Contains,
                BinaryOp::ContainsAll,
                BinaryOp::ContainsAny,
                BinaryOp::HasTag,
                BinaryOp::GetTag,
            ];
            Expr::binary(OPS[r.below(OPS.len())], sub(r), sub(r))
        }
        6 => Expr::get_attr(sub(r), rand_attr(r)),
        7 => Expr::has_attr(sub(r), rand_attr(r)),
        8 => {
            let n = r.below(6);
            let p = (0..n)
                .map(|_| {
                    if r.below(3) == 0 {
                        PatternElem::Wildcard
                    } else {
                        PatternElem::Char(rand_string(r).chars().next().unwrap_or('*'))
                    }
                })
                .collect();
            Expr::like(sub(r), Pattern(p))
        }
        9 => Expr::is(sub(r), rand_type(r)),
        10 => Expr::set((0..r.below(4)).map(|_| sub(r)).collect()),
        11 => Expr::record((0..r.below(4)).map(|_| (rand_attr(r), sub(r))).collect()),
        12 => {
            let f = &engine::ext::FUNCTIONS[r.below(engine::ext::FUNCTIONS.len())];
            // Method-style calls need a receiver to be printable.
            let n = f.arity.max(1) + r.below(2);
            Expr::call(f.name, (0..n).map(|_| sub(r)).collect())
        }
        _ => Expr::new(ExprKind::Slot([SlotId::Principal, SlotId::Resource][r.below(2)])),
    }
}

#[test]
fn random_expr_round_trips() {
    let mut r = Rng(0x5EED_1234_ABCD_0001);
    for i in 0..3000 {
        let e = rand_expr(&mut r, 6);
        let text = expr_to_text(&e);
        let back = parse_expr(&text).unwrap_or_else(|err| panic!("case {i}: {text}\n{err}\n{e:?}"));
        assert_eq!(back, e, "case {i}: {text}");
        let j = expr_to_json(&e);
        let back = expr_from_json(&j).unwrap_or_else(|err| panic!("case {i}: {j}\n{err}"));
        assert_eq!(back, e, "case {i}: {j}");
        assert_eq!(expr_to_json(&back), j);
    }
}

#[test]
fn random_policy_round_trips() {
    let mut r = Rng(0x5EED_1234_ABCD_0002);
    for i in 0..1000 {
        let slot_or = |r: &mut Rng, s: SlotId| {
            if r.below(3) == 0 {
                EntityOrSlot::Slot(s)
            } else {
                EntityOrSlot::Entity(rand_uid(r))
            }
        };
        let scope = |r: &mut Rng, s: SlotId| match r.below(5) {
            0 => ScopeConstraint::Any,
            1 => ScopeConstraint::Eq(slot_or(r, s)),
            2 => ScopeConstraint::In(slot_or(r, s)),
            3 => ScopeConstraint::Is(rand_type(r)),
            _ => ScopeConstraint::IsIn(rand_type(r), slot_or(r, s)),
        };
        let act =
            |r: &mut Rng| EntityUid { ty: EntityType::new(["Action", "NS::Action"][r.below(2)]), id: rand_string(r) };
        let action = match r.below(3) {
            0 => ActionConstraint::Any,
            1 => ActionConstraint::Eq(act(&mut r)),
            _ => ActionConstraint::In((0..r.below(3)).map(|_| act(&mut r)).collect()),
        };
        let mut conditions = Vec::new();
        for _ in 0..r.below(3) {
            let mut body = rand_expr(&mut r, 4);
            // Conditions may not contain slots: replace them.
            if has_slot(&body) {
                body = Expr::bool(true);
            }
            conditions.push(Condition { kind: [ConditionKind::When, ConditionKind::Unless][r.below(2)], body });
        }
        let mut annotations = BTreeMap::new();
        for _ in 0..r.below(3) {
            annotations.insert(rand_ident(&mut r), if r.below(2) == 0 { None } else { Some(rand_string(&mut r)) });
        }
        let p = Policy {
            id: PolicyId("policy0".into()),
            annotations,
            effect: [Effect::Permit, Effect::Forbid][r.below(2)],
            principal: scope(&mut r, SlotId::Principal),
            action,
            resource: scope(&mut r, SlotId::Resource),
            conditions,
            loc: None,
        };
        let text = policy_to_text(&p);
        let back = parse_policy(&text).unwrap_or_else(|err| panic!("case {i}: {text}\n{err}"));
        assert_eq!(back, p, "case {i}: {text}");
        let j = policy_to_json(&p);
        assert_eq!(policy_from_json(p.id.clone(), &j).unwrap(), p, "case {i}: {j}");
    }
}

fn has_slot(e: &Expr) -> bool {
    // Random strings never contain the key `"Slot"`, so this is exact.
    expr_to_json(e).to_string().contains("{\"Slot\":")
}
