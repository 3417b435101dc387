//! Properties of generated inputs, over many seeds and all modes.

use engine::ast::{Expr, ExprKind, PolicySet, SlotId};
use engine::entities::{Entities, Entity};
use engine::schema::{RecordType, Schema, SchemaType};
use engine::value::{ExtValue, Value};
use generators::{
    auth_input_counted, eval_from_seed, from_bytes, from_seed, AuthInput, Counts, Mode, SeededSource, Settings,
};
use std::collections::BTreeSet;

const SEEDS: u64 = 300;

/// A canonical text form of an input, for equality checks.
fn fingerprint(i: &AuthInput) -> String {
    let mut es: Vec<&Entity> = i.entities.map.values().collect();
    es.sort_by(|a, b| a.uid.cmp(&b.uid));
    format!("{:?}\n{:?}\n{:?}\n{:?}", i.schema, es, i.policies, i.requests)
}

fn settings() -> Settings {
    Settings::default()
}

#[test]
fn same_seed_same_input() {
    let s = settings();
    for mode in Mode::ALL {
        for seed in 0..50 {
            assert_eq!(fingerprint(&from_seed(seed, &s, mode)), fingerprint(&from_seed(seed, &s, mode)));
        }
        assert_ne!(fingerprint(&from_seed(1, &s, mode)), fingerprint(&from_seed(2, &s, mode)));
    }
    let bytes: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert_eq!(
        fingerprint(&from_bytes(&bytes, &s, Mode::TypeDirected)),
        fingerprint(&from_bytes(&bytes, &s, Mode::TypeDirected))
    );
}

/// Does `v` conform to `ty` under `schema` (the entity-validation rules of
/// docs/semantics.md §9.7, without the existence of referenced entities)?
fn conforms(v: &Value, ty: &SchemaType, schema: &Schema) -> bool {
    match (v, ty) {
        (Value::Bool(_), SchemaType::Bool)
        | (Value::Long(_), SchemaType::Long)
        | (Value::String(_), SchemaType::String) => true,
        (Value::EntityUid(u), SchemaType::Entity(t)) => {
            u.ty == *t
                && match schema.entity_types.get(t).and_then(|d| d.enum_ids.as_ref()) {
                    Some(ids) => ids.contains(&u.id),
                    None => true,
                }
        }
        (Value::Set(xs), SchemaType::Set(el)) => xs.iter().all(|x| conforms(x, el, schema)),
        (Value::Record(m), SchemaType::Record(rt)) => record_conforms(m, rt, schema),
        (Value::Ext(e), SchemaType::Extension(t)) => {
            use engine::schema::ExtType::*;
            matches!(
                (e, t),
                (ExtValue::Decimal(_), Decimal)
                    | (ExtValue::IpAddr(_), IpAddr)
                    | (ExtValue::Datetime(_), Datetime)
                    | (ExtValue::Duration(_), Duration)
            )
        }
        _ => false,
    }
}

fn record_conforms(m: &std::collections::BTreeMap<String, Value>, rt: &RecordType, schema: &Schema) -> bool {
    m.keys().all(|k| rt.attrs.contains_key(k))
        && rt.attrs.iter().all(|(k, at)| match m.get(k) {
            Some(v) => conforms(v, &at.ty, schema),
            None => !at.required,
        })
}

/// Walk every node (explicit stack).
fn any_node(e: &Expr, f: &dyn Fn(&Expr) -> bool) -> bool {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if f(e) {
            return true;
        }
        match &e.kind {
            ExprKind::If { cond, then_expr, else_expr } => stack.extend([&**cond, &**then_expr, &**else_expr]),
            ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Binary(_, a, b) => stack.extend([&**a, &**b]),
            ExprKind::Unary(_, a)
            | ExprKind::GetAttr(a, _)
            | ExprKind::HasAttr(a, _)
            | ExprKind::Like(a, _)
            | ExprKind::Is(a, _) => stack.push(a),
            ExprKind::Set(es) | ExprKind::ExtCall(_, es) => stack.extend(es.iter()),
            ExprKind::Record(m) => stack.extend(m.values()),
            ExprKind::Lit(_) | ExprKind::Var(_) | ExprKind::Slot(_) => {}
        }
    }
    false
}

fn check_store(i: &AuthInput) {
    for (uid, e) in &i.entities.map {
        assert_eq!(*uid, e.uid);
        assert!(!e.ancestors.contains(uid), "cycle through {uid}");
        assert!(e.parents.is_subset(&e.ancestors), "ancestors of {uid} miss a parent");
        // Transitively closed through the entities present.
        for a in &e.ancestors {
            if let Some(ae) = i.entities.map.get(a) {
                assert!(ae.ancestors.is_subset(&e.ancestors), "ancestors of {uid} not closed over {a}");
            }
        }
    }
}

fn check_conformance(i: &AuthInput) {
    let schema = i.schema.as_ref().expect("typed input");
    for e in i.entities.map.values() {
        if e.uid.ty.is_action() {
            let def = &schema.actions[&e.uid];
            assert!(e.attrs.is_empty() && e.tags.is_empty());
            assert_eq!(e.parents, def.member_of.iter().cloned().collect::<BTreeSet<_>>());
            continue;
        }
        let def = schema.entity_types.get(&e.uid.ty).unwrap_or_else(|| panic!("undeclared type of {}", e.uid));
        assert!(def.enum_ids.is_none(), "enum entity {} in the store", e.uid);
        assert!(record_conforms(&e.attrs, &def.attrs, schema), "attrs of {} do not conform: {:?}", e.uid, e.attrs);
        for p in &e.parents {
            assert!(def.member_of_types.contains(&p.ty), "{} may not be in {}", e.uid, p);
        }
        match &def.tags {
            Some(tt) => assert!(e.tags.values().all(|v| conforms(v, tt, schema))),
            None => assert!(e.tags.is_empty()),
        }
    }
}

fn check_requests(i: &AuthInput, s: &Settings) {
    assert_eq!(i.requests.len(), s.requests as usize);
    let schema = i.schema.as_ref().expect("typed input");
    for r in &i.requests {
        let def = schema.actions.get(&r.action).unwrap_or_else(|| panic!("undeclared action {}", r.action));
        let at = def.applies_to.as_ref().expect("request action applies to something");
        assert!(at.principal_types.contains(&r.principal.ty), "principal {} not in appliesTo", r.principal);
        assert!(at.resource_types.contains(&r.resource.ty), "resource {} not in appliesTo", r.resource);
        let Value::Record(ctx) = &r.context else { panic!("context is not a record") };
        assert!(record_conforms(ctx, &at.context, schema), "context {ctx:?} does not fit {:?}", at.context);
    }
}

fn check_policies(ps: &PolicySet) {
    let mut ids = BTreeSet::new();
    for p in &ps.policies {
        assert!(ids.insert(p.id.clone()), "duplicate id {}", p.id);
        for c in &p.conditions {
            assert!(!any_node(&c.body, &|e| matches!(e.kind, ExprKind::Slot(_))), "slot in a condition of {}", p.id);
        }
    }
    for l in &ps.links {
        let t = ps.get(&l.template_id).expect("link names a template");
        assert!(t.is_template());
        let slots: BTreeSet<SlotId> = t.slots().into_iter().collect();
        let given: BTreeSet<SlotId> = l.values.keys().copied().collect();
        assert_eq!(slots, given, "link {} fills the wrong slots", l.new_id);
    }
    // Every template has at least one link; static policies have no slots.
    for p in &ps.policies {
        if p.is_template() {
            assert!(ps.links.iter().any(|l| l.template_id == p.id), "unlinked template {}", p.id);
        }
    }
    let eff = ps.effective_policies().expect("policy set links cleanly");
    assert!(eff.iter().all(|p| !p.is_template()));
}

#[test]
fn typed_inputs_are_consistent() {
    for profile in ["default", "small", "large", "clean", "rbac"] {
        let s = Settings::profile(profile).unwrap();
        for mode in [Mode::TypeDirected, Mode::Rbac] {
            for seed in 0..SEEDS {
                let i = from_seed(seed, &s, mode);
                check_store(&i);
                check_conformance(&i);
                check_requests(&i, &s);
                check_policies(&i.policies);
            }
        }
    }
}

#[test]
fn untyped_inputs_are_consistent() {
    let s = Settings::profile("untyped").unwrap();
    for seed in 0..SEEDS {
        let i = from_seed(seed, &s, Mode::Abac);
        assert!(i.schema.is_none());
        check_store(&i);
        check_policies(&i.policies);
        assert_eq!(i.requests.len(), s.requests as usize);
        // Action entities are in the store even without a schema.
        assert!(i.entities.map.keys().any(|u| u.ty.is_action()));
    }
}

#[test]
fn exhausted_bytes_still_give_inputs() {
    let s = settings();
    for mode in Mode::ALL {
        for len in [0usize, 1, 3, 17, 100] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let i = from_bytes(&bytes, &s, mode);
            assert!(!i.policies.policies.is_empty());
            assert_eq!(i.requests.len(), s.requests as usize);
            check_store(&i);
            check_policies(&i.policies);
            if mode != Mode::Abac {
                check_conformance(&i);
                check_requests(&i, &s);
            }
        }
    }
    // Random byte strings of many lengths: never a panic.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for n in 0..400usize {
        let bytes: Vec<u8> = (0..n * 3)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let i = from_bytes(&bytes, &s, Mode::ALL[n % 3]);
        check_policies(&i.policies);
        let _ = generators::eval_from_bytes(&bytes, &s);
    }
}

#[test]
fn requests_are_mostly_distinct() {
    let s = settings();
    let mut identical = 0;
    for seed in 0..SEEDS {
        let i = from_seed(seed, &s, Mode::TypeDirected);
        if i.requests.iter().all(|r| *r == i.requests[0]) {
            identical += 1;
        }
    }
    assert!(identical * 20 < SEEDS, "{identical} of {SEEDS} inputs have identical requests");
}

#[test]
fn injection_is_counted_and_can_be_off() {
    let mut on = Counts::default();
    let s = Settings::default().clone();
    let mut hot = s.clone();
    hot.apply_overrides("missing_entities=0.5 ill_typed=0.5 bad_ext_strings=0.5 unsafe_access=0.5 schema_mistakes=0.5")
        .unwrap();
    for seed in 0..200 {
        auth_input_counted(&mut SeededSource::new(seed), &hot, Mode::TypeDirected, &mut on);
    }
    for (k, v) in on.injected.named() {
        assert!(v > 0, "{k} never injected");
    }
    let clean = Settings::profile("clean").unwrap();
    let mut off = Counts::default();
    for seed in 0..200 {
        auth_input_counted(&mut SeededSource::new(seed), &clean, Mode::TypeDirected, &mut off);
    }
    assert_eq!(off.injected.total(), 0, "{off:?}");
}

/// Every value-space class is reached with its setting on (the typed and
/// untyped profiles) and never with it off.
#[test]
fn value_space_classes_are_reached_and_can_be_off() {
    for (profile, mode) in [("default", Mode::TypeDirected), ("untyped", Mode::Abac)] {
        let s = Settings::profile(profile).unwrap();
        let mut on = Counts::default();
        for seed in 0..300 {
            auth_input_counted(&mut SeededSource::new(seed), &s, mode, &mut on);
        }
        for (k, v) in on.reach.named() {
            assert!(v > 0, "{profile}: {k} never reached");
        }
        let mut off_settings = s.clone();
        for (k, _) in on.reach.named() {
            off_settings.set(k, "false").unwrap();
        }
        let mut off = Counts::default();
        for seed in 0..300 {
            auth_input_counted(&mut SeededSource::new(seed), &off_settings, mode, &mut off);
        }
        for (k, v) in off.reach.named() {
            assert_eq!(v, 0, "{profile}: {k} reached although off");
        }
    }
}

#[test]
fn eval_inputs_are_consistent() {
    let s = settings();
    for seed in 0..SEEDS {
        let e = eval_from_seed(seed, &s);
        let schema = e.schema.as_ref().unwrap();
        assert!(!any_node(&e.expr, &|x| matches!(x.kind, ExprKind::Slot(_))));
        let at = schema.actions[&e.request.action].applies_to.as_ref().unwrap();
        assert!(at.principal_types.contains(&e.request.principal.ty));
        assert!(at.resource_types.contains(&e.request.resource.ty));
    }
}

#[test]
fn settings_change_the_output() {
    let mut s = settings();
    s.apply_overrides("extensions=false like=false templates=false").unwrap();
    for seed in 0..SEEDS {
        let i = from_seed(seed, &s, Mode::TypeDirected);
        assert!(i.policies.links.is_empty() && i.policies.policies.iter().all(|p| !p.is_template()));
        for p in &i.policies.policies {
            for c in &p.conditions {
                assert!(!any_node(&c.body, &|e| matches!(e.kind, ExprKind::ExtCall(..) | ExprKind::Like(..))));
            }
        }
    }
    let mut big = settings();
    big.apply_overrides("policies=12 requests=3").unwrap();
    let n: usize = (0..50).map(|seed| from_seed(seed, &big, Mode::TypeDirected).policies.policies.len()).max().unwrap();
    assert!(n > 6);
    assert_eq!(from_seed(0, &big, Mode::TypeDirected).requests.len(), 3);
}

#[test]
fn stores_load_through_the_engine() {
    let s = settings();
    for mode in Mode::ALL {
        for seed in 0..100 {
            let i = from_seed(seed, &s, mode);
            let list: Vec<Entity> = i.entities.map.values().cloned().collect();
            let loaded = Entities::from_entities(list, i.schema.as_ref())
                .unwrap_or_else(|e| panic!("seed {seed} {mode}: store rejected: {e}"));
            for (uid, e) in &i.entities.map {
                let l = loaded.get(uid).unwrap_or_else(|| panic!("{uid} lost"));
                assert_eq!(l.ancestors, e.ancestors, "ancestors of {uid}");
            }
        }
    }
}

#[test]
fn policies_print_and_reparse() {
    let s = settings();
    for mode in Mode::ALL {
        for seed in 0..200 {
            let i = from_seed(seed, &s, mode);
            let text = engine::printer::policy_set_to_text(&i.policies);
            let parsed = engine::parser::parse_policy_set(&text)
                .unwrap_or_else(|e| panic!("seed {seed} {mode}: printed policies do not parse: {e:?}\n{text}"));
            // The parser names policies policy0…; compare bodies in order.
            let ours: Vec<_> = i.policies.policies.iter().collect();
            assert_eq!(parsed.policies.len(), ours.len(), "{text}");
            for (a, b) in ours.iter().zip(&parsed.policies) {
                assert_eq!(a.effect, b.effect, "{text}");
                assert_eq!(a.principal, b.principal, "{text}");
                assert_eq!(a.action, b.action, "{text}");
                assert_eq!(a.resource, b.resource, "{text}");
                assert_eq!(a.conditions, b.conditions, "seed {seed}:\n{text}");
                assert_eq!(a.annotations, b.annotations, "{text}");
            }
        }
    }
}

/// The schema with its (unordered) type and group lists sorted.
fn normalized(s: &Schema) -> Schema {
    let mut s = s.clone();
    for d in s.actions.values_mut() {
        d.member_of.sort();
        if let Some(at) = d.applies_to.as_mut() {
            at.principal_types.sort();
            at.resource_types.sort();
        }
    }
    s
}

#[test]
fn schemas_print_and_reparse() {
    let s = settings();
    for seed in 0..SEEDS {
        let i = from_seed(seed, &s, Mode::TypeDirected);
        let schema = i.schema.unwrap();
        let text = schema.to_cedar_string();
        let back = Schema::from_cedar_str(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        assert_eq!(normalized(&back), normalized(&schema), "seed {seed}:\n{text}");
        let json = schema.to_json();
        let back = Schema::from_json_value(&json).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{json}"));
        assert_eq!(normalized(&back), normalized(&schema), "seed {seed}:\n{json}");
    }
}

#[test]
fn data_conforms_per_the_engine() {
    // Entity data and requests are valid per the engine's conformance checks
    // (entities are never dropped into invalidity: only missing).
    let s = settings();
    for mode in [Mode::TypeDirected, Mode::Rbac] {
        for seed in 0..SEEDS {
            let i = from_seed(seed, &s, mode);
            let schema = i.schema.as_ref().unwrap();
            engine::validator::validate_entities(schema, &i.entities)
                .unwrap_or_else(|e| panic!("seed {seed} {mode}: entities: {e:?}"));
            for r in &i.requests {
                engine::validator::validate_request(schema, r)
                    .unwrap_or_else(|e| panic!("seed {seed} {mode}: request {r:?}: {e:?}"));
            }
        }
    }
}

#[test]
fn clean_typed_policies_validate() {
    // Without error injection, type-directed policies pass strict validation
    // (measured 99.7% over 3,000 seeds: a few literal records cannot be
    // unified with declared record types that have optional attributes).
    let s = Settings::profile("clean").unwrap();
    for mode in [Mode::TypeDirected, Mode::Rbac] {
        let n = 1000;
        let mut failed = Vec::new();
        for seed in 0..n {
            let i = from_seed(seed, &s, mode);
            let r = engine::validator::validate(i.schema.as_ref().unwrap(), &i.policies);
            if !r.passed() {
                failed.push(format!("seed {seed}: {}", r.errors[0]));
            }
        }
        eprintln!("{mode}: {} of {n} clean inputs fail validation", failed.len());
        assert!(failed.len() * 100 <= n as usize, "{mode}: too many fail:\n{}", failed.join("\n"));
        for f in &failed {
            assert!(f.contains("IncompatibleTypes"), "{mode}: unexpected failure kind: {f}");
        }
    }
}

/// What `scripts/fuzz`'s corpus seeds rely on: 2 KB of random bytes make
/// inputs as rich as seeded generation (not the minimal ones that running
/// out of bytes gives).
#[test]
fn two_kilobytes_of_random_bytes_make_full_size_inputs() {
    let s = settings();
    let mut rng = SeededSource::new(5);
    let (mut seeded, mut from_random) = (generators::stats::Stats::default(), generators::stats::Stats::default());
    for k in 0..200u64 {
        let bytes: Vec<u8> = (0..2048).map(|_| generators::Choices::below(&mut rng, 256) as u8).collect();
        let i = from_bytes(&bytes, &s, Mode::TypeDirected);
        from_random.add_structure(&i);
        from_random.add_outcomes(&i);
        let i = from_seed(k, &s, Mode::TypeDirected);
        seeded.add_structure(&i);
        seeded.add_outcomes(&i);
    }
    let per_input = |st: &generators::stats::Stats| st.policies as f64 / st.inputs as f64;
    assert!(
        per_input(&from_random) > 0.8 * per_input(&seeded),
        "{} vs {}",
        per_input(&from_random),
        per_input(&seeded)
    );
    assert!(from_random.allow_share() > 0.15, "allow share {}", from_random.allow_share());
    assert!(from_random.error_share() > 0.03, "error share {}", from_random.error_share());
    // And the exhausted case really is poor, which is why the seeds exist.
    let short = from_bytes(&[1, 2, 3], &s, Mode::TypeDirected);
    assert_eq!(short.policies.policies.len(), 1);
}
