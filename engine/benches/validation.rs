//! Strict validation of a 100-policy set against a 20-entity-type schema.
//!
//! Run: `cargo bench -p engine --bench validation`

use criterion::{criterion_group, criterion_main, Criterion};
use engine::schema::Schema;
use engine::validator::validate;
use std::fmt::Write;

/// 20 entity types `T0`…`T19` in a shallow hierarchy, with required,
/// optional, record, set, entity and extension attributes and tags on some;
/// 10 actions in two groups, each applying to several principal/resource
/// types.
fn schema_text() -> String {
    let mut s = String::from("namespace App {\n");
    for i in 0..20 {
        let parent = if i >= 4 { format!(" in [T{}]", i % 4) } else { String::new() };
        let tags = if i % 3 == 0 { " tags String" } else { "" };
        let _ = writeln!(
            s,
            "  entity T{i}{parent} {{ a: Long, b: String, c?: Bool, d: {{ x: Long, y?: String }}, e: Set<String>, f?: T{}, ip: ipaddr, when: datetime }}{tags};",
            (i + 1) % 20
        );
    }
    s.push_str("  action read; action write;\n");
    for a in 0..10 {
        let group = if a % 2 == 0 { "read" } else { "write" };
        let ps: Vec<String> = (0..4).map(|k| format!("T{}", (a + k) % 20)).collect();
        let rs: Vec<String> = (0..4).map(|k| format!("T{}", (a + 5 + k) % 20)).collect();
        let _ = writeln!(
            s,
            "  action a{a} in [{group}] appliesTo {{ principal: [{}], resource: [{}], context: {{ ok: Bool, n?: Long, k: String }} }};",
            ps.join(", "),
            rs.join(", ")
        );
    }
    s.push_str("}\n");
    s
}

/// 100 policies cycling through typical shapes (scope constraints, `has`
/// guards, tags, sets, extension calls, `if`), all of which validate.
fn policies_text() -> String {
    let shapes = [
        "permit(principal, action == App::Action::\"a{a}\", resource) when { principal.a > {i} && resource.b like \"x*\" };",
        "permit(principal, action in App::Action::\"read\", resource) when { principal has c && principal.c };",
        "forbid(principal, action == App::Action::\"a{a}\", resource) when { context.ok && (context has n && context.n < {i}) };",
        "permit(principal, action == App::Action::\"a{a}\", resource) when { principal.d.x + resource.d.x > 3 && principal.e.contains(context.k) };",
        "permit(principal, action == App::Action::\"a{a}\", resource) when { principal has f && principal.f.b == \"q\" };",
        "permit(principal is App::T{t}, action, resource) unless { principal.ip.isInRange(ip(\"10.0.0.0/8\")) };",
        "permit(principal, action == App::Action::\"a{a}\", resource) when { if principal has c then principal.c else resource.when < datetime(\"2024-01-01\") };",
        "forbid(principal, action, resource) when { principal.hasTag(\"t\") && principal.getTag(\"t\") == \"v\" };",
        "permit(principal in App::T{t}::\"g\", action in [App::Action::\"read\", App::Action::\"write\"], resource) when { [1, 2, 3].contains(principal.a) };",
        "permit(principal, action == App::Action::\"a{a}\", resource) when { resource.d has y && resource.d.y != principal.b };",
    ];
    let mut s = String::new();
    for i in 0..100 {
        let shape = shapes[i % shapes.len()];
        let text = shape
            .replace("{a}", &((i / 10) % 10).to_string())
            .replace("{i}", &i.to_string())
            .replace("{t}", &(i % 4).to_string());
        s.push_str(&text);
        s.push('\n');
    }
    s
}

fn bench(c: &mut Criterion) {
    let schema = Schema::from_cedar_str(&schema_text()).expect("benchmark schema parses");
    let policies = engine::parser::parse_policy_set(&policies_text()).expect("benchmark policies parse");
    assert_eq!(policies.policies.len(), 100);
    let r = validate(&schema, &policies);
    assert!(r.passed(), "benchmark policies must validate: {:#?}", r.errors);
    c.bench_function("validate 100 policies / 20 entity types", |b| b.iter(|| validate(&schema, &policies)));
    c.bench_function("parse 20-type schema (Cedar syntax)", |b| {
        b.iter(|| Schema::from_cedar_str(&schema_text()).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
