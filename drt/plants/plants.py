# Planted bugs: realistic single-point mistakes a developer could make in the
# engine, one per value-space or structural class the harness must see.
# `scripts/plant-check` applies each (exact text replacement: a plant whose
# text no longer occurs fails loudly instead of silently testing nothing),
# rebuilds, runs the seeded harness and reports where it was first found.
# Add a plant: one entry; `old` must occur exactly once in `file`.

PLANTS = [
    dict(
        name="closure-direct-parents",
        what="`in` sees direct parents only (no transitive closure)",
        file="engine/src/entities.rs",
        old="                    anc.extend(pe.ancestors.iter().cloned());",
        new="                    let _ = pe;",
        extra=[("engine/src/entities.rs", "        let mut anc = biggest.map(|pe| pe.ancestors.clone()).unwrap_or_default();",
                "        let mut anc = BTreeSet::new();\n        let _ = biggest;")],
    ),
    dict(
        name="like-case-insensitive",
        what="`like` compares characters ignoring ASCII case",
        file="engine/src/like.rs",
        old="Some(PatternElem::Char(pc)) if *pc == c =>",
        new="Some(PatternElem::Char(pc)) if pc.eq_ignore_ascii_case(&c) =>",
    ),
    dict(
        name="is-basename",
        what="`is` compares only the last component of the entity type",
        file="engine/src/eval.rs",
        old="boolean(&as_uid(\"is\", &v)?.ty == ty)",
        new="boolean(as_uid(\"is\", &v)?.ty.0.rsplit(\"::\").next() == ty.0.rsplit(\"::\").next())",
    ),
    dict(
        name="in-empty-set",
        what="`e in set` is true for an empty set (all instead of any)",
        file="engine/src/eval.rs",
        old="""                        boolean(s.iter().any(|x| match x {
                            Value::EntityUid(r) => r == lhs || ancestors.is_some_and(|an| an.contains(r)),""",
        new="""                        boolean(s.is_empty() || s.iter().any(|x| match x {
                            Value::EntityUid(r) => r == lhs || ancestors.is_some_and(|an| an.contains(r)),""",
    ),
    dict(
        name="record-eq-left-keys",
        what="`==` on records compares only the left record's attributes",
        file="engine/src/eval.rs",
        old="            Eq => boolean(a == b),",
        new="""            Eq => boolean(match (a, b) {
                (Value::Record(x), Value::Record(y)) => x.iter().all(|(k, v)| y.get(k) == Some(v)),
                _ => a == b,
            }),""",
    ),
    dict(
        name="less-wrapping-sub",
        what="`<` on longs computed as the sign of a wrapping subtraction",
        file="engine/src/eval.rs",
        old="                    (Value::Long(x), Value::Long(y)) => x.cmp(y),",
        new="                    (Value::Long(x), Value::Long(y)) => x.wrapping_sub(*y).cmp(&0),",
    ),
    dict(
        name="extn-args-unread",
        what="`__extn` with `args` (instead of `arg`) is not recognised",
        file="engine/src/json_value.rs",
        old="        (None, Some(Json::Array(items))) => {",
        new="        (None, Some(Json::Array(items))) if items.len() > 1 => {",
    ),
    dict(
        name="entity-escape-unread",
        what="an entity reference wrapped in `__entity` is not read where `{type,id}` is",
        file="engine/src/json_value.rs",
        old="""        if let Some(Json::Object(inner)) = o.get("__entity") {
            let p = path.key("__entity");
            if let Some(u) = type_and_id(inner, &p)? {
                return Ok(u);
            }
        } else if""",
        new="""        if o.contains_key("__entity") {
        } else if""",
    ),
    dict(
        name="quote-no-backslash-escape",
        what="the printer writes a backslash in a string or id unescaped",
        file="engine/src/ast.rs",
        old="""            '\\\\' => out.push_str("\\\\\\\\"),\n""",
        new="",
    ),
    dict(
        name="validator-lax-less",
        what="the validator accepts any operand types for `<` and `<=`",
        file="engine/src/validator/typecheck.rs",
        old="                if t1 == t2 && valid(t1) {",
        new="                if t1 == t2 && valid(t1) || ok {",
    ),
    dict(
        name="validator-unguarded-optional",
        what="the validator accepts an optional attribute read without `has`",
        file="engine/src/validator/typecheck.rs",
        old="                        if at.required || caps.contains(&Cap::Attr(x, attr)) {",
        new="                        if at.required || !caps.contains(&Cap::Attr(x, attr)) || true {",
    ),
]
