//! Protocol lines for `scripts/check-model`, which feeds the same lines to
//! the shipped model binary and to the plain one (the Dafny translation
//! without speed patches) and compares the replies byte for byte.
//!
//! Three lines in four are the differential targets' own inputs, written as
//! the model client sends them; the fourth comes from a targeted maker for
//! what the generators reach rarely or never: non-ASCII and astral-plane
//! record keys and strings (whose code-point order differs from UTF-16 order),
//! deep nesting, every extension function, tags, hierarchy cycles, and bad
//! input of every kind the reader and the loader refuse.

use crate::driver::mix;
use crate::gen::Source;
use crate::targets::{Prepared, Target};
use model_runner::{authorize_line, evaluate_line, validate_entities_line, validate_line, validate_requests_line};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value as Json};

/// The differential targets whose inputs become lines, in turn.
const TARGETS: &[Target] = &[
    Target::Abac,
    Target::AbacTypeDirected,
    Target::Rbac,
    Target::EvalTypeDirected,
    Target::ValidationDrt,
    Target::RequestValidation,
];

/// Line `i` of the seeded series (no newline). Deterministic in (seed, i).
pub fn line(seed: u64, i: u64) -> Vec<u8> {
    let s = mix(seed, i);
    if i % 4 != 3 {
        let t = TARGETS[((i / 4 * 3 + i % 4) % TARGETS.len() as u64) as usize];
        if let Some(l) = target_line(t, s) {
            return l;
        }
    }
    edge_line(&mut StdRng::seed_from_u64(s))
}

/// The line the model client sends for target `t`'s input from seed `s`
/// (`None` when the generator gave no differential input).
fn target_line(t: Target, s: u64) -> Option<Vec<u8>> {
    match t.prepare(Source::Seed(s)) {
        Prepared::Auth(c) => Some(authorize_line(&c.policies_json, &c.entities, &c.requests)),
        Prepared::Eval(c) => Some(evaluate_line(&c.expr_json, &c.entities, &c.request)),
        Prepared::Validation(c) => Some(validate_line(&c.schema_json, &c.policies_json)),
        Prepared::RequestValidation(c) => Some(validate_requests_line(&c.schema_json, &c.requests)),
        Prepared::EntityValidation(c) => Some(validate_entities_line(&c.schema_json, &c.valid.entities)),
        // Soundness sends one evaluate line per accepted policy and request,
        // as eval-type-directed does; its own are not needed here.
        Prepared::Soundness(_) | Prepared::Checked { .. } => None,
    }
}

/// Pieces of keys and strings: ASCII, BMP characters on both sides of the
/// surrogate range, and astral ones. Code-point order and UTF-16 order
/// disagree between U+E000..U+FFFF and everything above U+FFFF.
const PIECES: &[&str] = &[
    "",
    "a",
    "b",
    "Z",
    "é",
    "\u{D7FF}",
    "\u{E000}",
    "\u{FB01}",
    "\u{FFFD}",
    "\u{FFFF}",
    "😀",
    "😁",
    "\u{10000}",
    "𝔸",
    "\u{10FFFF}",
    "日本",
    "\"",
    "\\",
    "\n",
    "\u{1}",
    "\u{7F}",
    "\u{80}",
    "*",
];

fn text(rng: &mut StdRng) -> String {
    (0..rng.gen_range(1..=3)).map(|_| *PIECES.choose(rng).unwrap()).collect()
}

fn lit(v: Json) -> Json {
    json!({ "Value": v })
}

fn uid(ty: &str, id: &str) -> Json {
    json!({ "type": ty, "id": id })
}

fn escaped(ty: &str, id: &str) -> Json {
    json!({ "__entity": uid(ty, id) })
}

fn extn(f: &str, arg: &str) -> Json {
    json!({ "__extn": { "fn": f, "arg": arg } })
}

fn request(context: Json) -> Json {
    json!({ "principal": uid("U", "alice"), "action": uid("Action", "view"), "resource": uid("U", "bob"), "context": context })
}

fn entity(ty: &str, id: &str, attrs: Json, parents: Vec<Json>, tags: Json) -> Json {
    json!({ "uid": uid(ty, id), "attrs": attrs, "parents": parents, "tags": tags })
}

fn binary(op: &str, l: Json, r: Json) -> Json {
    json!({ op: { "left": l, "right": r } })
}

fn call(f: &str, args: Vec<Json>) -> Json {
    json!({ f: args })
}

/// The valid and invalid argument strings of each extension constructor.
const EXT_ARGS: &[(&str, &[&str])] = &[
    (
        "decimal",
        &["0.0", "1.2345", "-922337203685477.5808", "922337203685477.5807", "1.23456", "1", "a.b", "1.٣", "-0.5"],
    ),
    (
        "ip",
        &[
            "127.0.0.1",
            "10.0.0.0/8",
            "::1",
            "ff02::1/16",
            "224.0.0.1",
            "1.2.3.4/33",
            "::ffff:1.2.3.4",
            "01.2.3.4",
            "😀",
        ],
    ),
    (
        "datetime",
        &[
            "2024-01-01",
            "2024-02-29T12:00:00Z",
            "2024-01-01T23:59:59.999+0100",
            "1969-12-31T00:00:00-2359",
            "2023-02-29",
            "2024-1-1",
            "9999-12-31T23:59:59Z",
        ],
    ),
    (
        "duration",
        &[
            "1d2h3m4s5ms",
            "-1ms",
            "0ms",
            "9223372036854775807ms",
            "9223372036854775808ms",
            "1h1d",
            "1x",
            "-106751991167d",
        ],
    ),
];

fn ext_value(rng: &mut StdRng, kind: &str) -> Json {
    let (_, args) = EXT_ARGS.iter().find(|(k, _)| *k == kind).unwrap();
    call(kind, vec![lit(json!(args.choose(rng).unwrap()))])
}

/// An extension call, its arguments of the right kind most of the time.
fn ext_expr(rng: &mut StdRng) -> Json {
    let kinds = ["decimal", "ip", "datetime", "duration"];
    let any = |rng: &mut StdRng| {
        let kind = *kinds.choose(rng).unwrap();
        ext_value(rng, kind)
    };
    match rng.gen_range(0..9) {
        0 => any(rng),
        1 => {
            let f = ["lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"].choose(rng).unwrap();
            let kind = if rng.gen_bool(0.8) { "decimal" } else { "datetime" };
            call(f, vec![ext_value(rng, kind), ext_value(rng, kind)])
        }
        2 => call(["isIpv4", "isIpv6", "isLoopback", "isMulticast"].choose(rng).unwrap(), vec![ext_value(rng, "ip")]),
        3 => call("isInRange", vec![ext_value(rng, "ip"), ext_value(rng, "ip")]),
        4 => call("offset", vec![ext_value(rng, "datetime"), ext_value(rng, "duration")]),
        5 => call("durationSince", vec![ext_value(rng, "datetime"), ext_value(rng, "datetime")]),
        6 => call(["toDate", "toTime"].choose(rng).unwrap(), vec![ext_value(rng, "datetime")]),
        7 => call(
            ["toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays"].choose(rng).unwrap(),
            vec![ext_value(rng, "duration")],
        ),
        // Wrong arity or a wrong kind of argument.
        _ => {
            let f = ["decimal", "isInRange", "offset", "toDays", "lessThan"].choose(rng).unwrap();
            let args = (0..rng.gen_range(0..3)).map(|_| any(rng)).collect();
            call(f, args)
        }
    }
}

/// A small expression: literals, context and tag access with tricky names,
/// extension calls, arithmetic at the i64 bounds, and error-raising forms.
fn expr(rng: &mut StdRng, depth: u32) -> Json {
    let leaf = depth == 0 || rng.gen_bool(0.3);
    match if leaf { rng.gen_range(0..5) } else { rng.gen_range(5..13) } {
        0 => lit(json!(rng.gen_range(-3..4))),
        1 => lit(json!(text(rng))),
        2 => json!({ ".": { "left": { "Var": "context" }, "attr": text(rng) } }),
        3 => ext_expr(rng),
        4 => lit(json!([i64::MAX, i64::MIN, 1].choose(rng).unwrap())),
        5 => record_expr(rng, depth - 1),
        6 => binary(
            ["+", "-", "*", "==", "<", "&&", "||"].choose(rng).unwrap(),
            expr(rng, depth - 1),
            expr(rng, depth - 1),
        ),
        7 => json!({ "has": { "left": { "Var": "context" }, "attr": text(rng) } }),
        8 => binary(["hasTag", "getTag"].choose(rng).unwrap(), json!({ "Var": "principal" }), lit(json!(text(rng)))),
        9 => json!({ "like": { "left": expr(rng, depth - 1), "pattern": pattern(rng) } }),
        10 => {
            json!({ "if-then-else": { "if": expr(rng, depth - 1), "then": expr(rng, depth - 1), "else": expr(rng, depth - 1) } })
        }
        11 => json!({ "Set": (0..rng.gen_range(0..4)).map(|_| expr(rng, depth - 1)).collect::<Vec<_>>() }),
        _ => json!({ ".": { "left": expr(rng, depth - 1), "attr": text(rng) } }),
    }
}

fn pattern(rng: &mut StdRng) -> Json {
    (0..rng.gen_range(0..4))
        .map(|_| if rng.gen_bool(0.3) { json!("Wildcard") } else { json!({ "Literal": text(rng) }) })
        .collect()
}

/// A record literal with tricky keys: its fields are evaluated in key order,
/// so which error wins (and the reply's key order) depends on that order.
fn record_expr(rng: &mut StdRng, depth: u32) -> Json {
    let mut m = Map::new();
    for _ in 0..rng.gen_range(0..6) {
        m.insert(text(rng), expr(rng, depth));
    }
    json!({ "Record": m })
}

/// A record value with tricky keys (context, attributes, tags).
fn record_value(rng: &mut StdRng, depth: u32) -> Json {
    let mut m = Map::new();
    for _ in 0..rng.gen_range(0..6) {
        let v = match rng.gen_range(0..6) {
            0 if depth > 0 => record_value(rng, depth - 1),
            1 => json!(rng.gen_range(-2..3)),
            2 => extn(["decimal", "ip"].choose(rng).unwrap(), ["1.5", "10.0.0.1"].choose(rng).unwrap()),
            3 => json!([text(rng), text(rng)]),
            4 => escaped("U", &text(rng)),
            _ => json!(text(rng)),
        };
        m.insert(text(rng), v);
    }
    Json::Object(m)
}

fn policies(conditions: Vec<Json>) -> Json {
    let mut statics = Map::new();
    for (n, c) in conditions.into_iter().enumerate() {
        let effect = if n % 3 == 2 { "forbid" } else { "permit" };
        statics.insert(
            format!("p{n}"),
            json!({ "effect": effect, "principal": { "op": "All" }, "action": { "op": "All" }, "resource": { "op": "All" },
                    "conditions": [{ "kind": "when", "body": c }] }),
        );
    }
    json!({ "staticPolicies": statics, "templates": {}, "templateLinks": [] })
}

fn base_entities(rng: &mut StdRng) -> Vec<Json> {
    vec![
        entity("U", "alice", record_value(rng, 1), vec![], record_value(rng, 0)),
        entity("U", "bob", record_value(rng, 1), vec![uid("G", "g")], json!({})),
        entity("G", "g", json!({}), vec![], json!({})),
        entity("Action", "view", json!({}), vec![], json!({})),
    ]
}

fn edge_line(rng: &mut StdRng) -> Vec<u8> {
    match rng.gen_range(0..8) {
        0 => {
            let e = if rng.gen_bool(0.7) { record_expr(rng, 2) } else { expr(rng, 3) };
            evaluate_line(&e, &Json::Array(base_entities(rng)), &request(record_value(rng, 2)))
        }
        1 => {
            let conditions = (0..rng.gen_range(1..5)).map(|_| expr(rng, 3)).collect();
            let requests: Vec<Json> = (0..rng.gen_range(1..4)).map(|_| request(record_value(rng, 2))).collect();
            authorize_line(&policies(conditions), &Json::Array(base_entities(rng)), &requests)
        }
        2 => deep_line(rng),
        3 => {
            let e = if rng.gen_bool(0.5) { ext_expr(rng) } else { binary("==", ext_expr(rng), ext_expr(rng)) };
            let context =
                json!({ "x": extn("duration", "1h"), "ip": extn("ip", "::1"), "d": extn("datetime", "2024-01-01") });
            evaluate_line(&e, &json!([]), &request(context))
        }
        4 => tags_line(rng),
        5 => hierarchy_line(rng),
        6 => bad_line(rng),
        _ => validate_schema_line(rng),
    }
}

/// Deep expressions and deep values, up to the reader's 20,000 levels and
/// just past them. Written as text: serde_json recurses per level.
fn deep_line(rng: &mut StdRng) -> Vec<u8> {
    let n = *[1, 10, 100, 1000, 5000, 20001].choose(rng).unwrap();
    let nested = |open: &str, inner: &str, close: &str, n: usize| {
        let mut t = open.repeat(n);
        t.push_str(inner);
        t.push_str(&close.repeat(n));
        t
    };
    let (expr, context) = match rng.gen_range(0..4) {
        0 => (nested(r#"{"!":{"arg":"#, r#"{"Value":true}"#, "}}", n), "{}".to_string()),
        1 => {
            let open = format!(r#"{{"if-then-else":{{"if":{{"Value":{}}},"then":"#, rng.gen_bool(0.5));
            (nested(&open, r#"{"Value":1}"#, r#","else":{"Value":2}}}"#, n.min(3000)), "{}".to_string())
        }
        2 => {
            let key = serde_json::to_string(&text(rng)).unwrap();
            let value = serde_json::to_string(&text(rng)).unwrap();
            (r#"{"Var":"context"}"#.to_string(), nested(&format!("{{{key}:"), &value, "}", n.min(2000)))
        }
        // Set values are quadratic to write back (README), so shallower.
        _ => (nested(r#"{"Set":["#, r#"{"Value":0}"#, "]}", n.min(200)), "{}".to_string()),
    };
    let line = String::from_utf8(evaluate_line(&json!("@expr"), &json!([]), &request(json!("@context")))).unwrap();
    line.replacen(r#""@expr""#, &expr, 1).replacen(r#""@context""#, &context, 1).into_bytes()
}

fn tags_line(rng: &mut StdRng) -> Vec<u8> {
    let tags = record_value(rng, 1);
    let keys: Vec<String> = tags.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let mut entities = base_entities(rng);
    entities[0] = entity("U", "alice", json!({}), vec![], tags);
    let probe = |rng: &mut StdRng| match keys.choose(rng) {
        Some(k) if rng.gen_bool(0.7) => k.clone(),
        _ => text(rng),
    };
    let e = binary(
        "&&",
        binary("hasTag", json!({ "Var": "principal" }), lit(json!(probe(rng)))),
        binary("==", binary("getTag", json!({ "Var": "principal" }), lit(json!(probe(rng)))), expr(rng, 1)),
    );
    let mut line = evaluate_line(&e, &Json::Array(entities), &request(json!({})));
    if rng.gen_bool(0.2) {
        // A duplicate tag key, which the loader refuses: spliced into the
        // text, since a JSON map cannot hold it.
        if let Some(k) = keys.first() {
            let key = serde_json::to_string(k).unwrap();
            let dup = format!("\"tags\":{{{key}:1,");
            let text = String::from_utf8(line).unwrap().replacen("\"tags\":{", &dup, 1);
            line = text.into_bytes();
        }
    }
    line
}

/// Entities with random parents, cycles included (a cycle is an input
/// error), and `in` tests over them.
fn hierarchy_line(rng: &mut StdRng) -> Vec<u8> {
    let n = rng.gen_range(2..9);
    let ids: Vec<String> = (0..n).map(|k| format!("{}{k}", text(rng))).collect();
    let acyclic = rng.gen_bool(0.6);
    let mut entities: Vec<Json> = ids
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let parents = (0..rng.gen_range(0..3))
                .filter_map(|_| {
                    let p = rng.gen_range(0..n);
                    (!acyclic || p > k).then(|| uid("G", &ids[p]))
                })
                .collect();
            entity("G", id, json!({}), parents, json!({}))
        })
        .collect();
    entities.extend(base_entities(rng));
    let member = |rng: &mut StdRng| lit(escaped("G", ids.choose(rng).unwrap()));
    let conditions = (0..rng.gen_range(1..4))
        .map(|_| match rng.gen_range(0..3) {
            0 => binary("in", member(rng), member(rng)),
            1 => binary("in", member(rng), json!({ "Set": [member(rng), member(rng)] })),
            _ => binary("in", json!({ "Var": "principal" }), member(rng)),
        })
        .collect();
    authorize_line(&policies(conditions), &Json::Array(entities), &[request(json!({}))])
}

/// Input the model must refuse, or answer with an error.
fn bad_line(rng: &mut StdRng) -> Vec<u8> {
    let good = String::from_utf8(evaluate_line(&expr(rng, 2), &json!([]), &request(record_value(rng, 1)))).unwrap();
    match rng.gen_range(0..10) {
        0 => good.as_bytes()[..rng.gen_range(0..good.len())].to_vec(),
        1 => br#"{"op":"nonsense"}"#.to_vec(),
        2 => br#"{"op":"version"}"#.to_vec(),
        // Lone surrogates in escapes (the reader makes them U+FFFD), a pair.
        3 => evaluate_line(&lit(json!("@")), &json!([]), &request(json!({})))
            .into_iter()
            .flat_map(|b| if b == b'@' { br"\ud800\ud83d\ude00\udfff".to_vec() } else { vec![b] })
            .collect(),
        4 => {
            let mut l = br#"{"op":"evaluate","expr":{"Value":"x"#.to_vec();
            l.extend_from_slice(&[0xff, 0xc3, b'"', b'}']);
            l.extend_from_slice(br#","entities":[],"request":{"principal":{"type":"U","id":"a"},"action":{"type":"Action","id":"a"},"resource":{"type":"U","id":"a"},"context":{}}}"#);
            l
        }
        5 => good.replacen("\"context\":{", "\"context\":{\"k\":1,\"k\":2,", 1).into_bytes(),
        6 => good.replacen("\"expr\":", "\"expr\":{\"Value\":1},\"expr\":", 1).into_bytes(),
        7 => authorize_line(
            &json!({ "staticPolicies": {}, "templates": {}, "templateLinks": [{ "templateId": "nope", "newId": "l", "values": {} }] }),
            &json!([]),
            &[request(json!({}))],
        ),
        8 => evaluate_line(
            &lit(json!(1)),
            &json!([entity("U", "a", json!({ "x": extn("decimal", &text(rng)) }), vec![], json!({}))]),
            &request(json!({})),
        ),
        _ => good.replace(':', " : ").into_bytes(),
    }
}

/// A schema and policies whose attribute names are tricky strings.
fn validate_schema_line(rng: &mut StdRng) -> Vec<u8> {
    let mut attrs = Map::new();
    let names: Vec<String> = (0..rng.gen_range(1..5)).map(|_| text(rng)).collect();
    for n in &names {
        let ty = ["String", "Long", "Boolean"].choose(rng).unwrap();
        attrs.insert(n.clone(), json!({ "type": ty, "required": rng.gen_bool(0.7) }));
    }
    let record = json!({ "type": "Record", "attributes": attrs });
    let schema = json!({ "": {
        "entityTypes": { "U": { "shape": record.clone() } },
        "actions": { "view": { "appliesTo": { "principalTypes": ["U"], "resourceTypes": ["U"], "context": record } } }
    } });
    let conditions = (0..rng.gen_range(1..4))
        .map(|_| {
            let n = names.choose(rng).unwrap();
            let base = if rng.gen_bool(0.5) { json!({ "Var": "context" }) } else { json!({ "Var": "principal" }) };
            match rng.gen_range(0..3) {
                0 => json!({ "has": { "left": base, "attr": n } }),
                1 => binary("==", json!({ ".": { "left": base, "attr": n } }), lit(json!(text(rng)))),
                _ => binary(
                    "&&",
                    json!({ "has": { "left": base.clone(), "attr": n } }),
                    json!({ ".": { "left": base, "attr": n } }),
                ),
            }
        })
        .collect();
    match rng.gen_range(0..10) {
        0..=2 => return validate_requests_line(&schema, &[request(record_value(rng, 0))]),
        3..=4 => return validate_entities_line(&schema, &Json::Array(base_entities(rng))),
        _ => {}
    }
    validate_line(&schema, &policies(conditions))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_deterministic_and_reach_every_maker() {
        let a: Vec<Vec<u8>> = (0..400).map(|i| line(5, i)).collect();
        let b: Vec<Vec<u8>> = (0..400).map(|i| line(5, i)).collect();
        assert_eq!(a, b);
        let text: Vec<String> = a.iter().map(|l| String::from_utf8_lossy(l).into_owned()).collect();
        for needle in [
            "\"op\":\"authorize\"",
            "\"op\":\"evaluate\"",
            "\"op\":\"validate\"",
            "\"op\":\"validateRequests\"",
            "\"op\":\"validateEntities\"",
            "😀",
            "\u{FFFD}",
            "getTag",
            "isInRange",
            "durationSince",
            "\"op\":\"nonsense\"",
        ] {
            assert!(text.iter().any(|t| t.contains(needle)), "no line contains {needle}");
        }
        assert!(a.iter().all(|l| !l.contains(&b'\n')), "a line holds a newline");
    }
}
