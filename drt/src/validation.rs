//! Validation cases (`validation-drt`): a schema and a policy set in public
//! formats, each engine's validator's verdict per policy, and their
//! comparison. Our engine reads the schema JSON and the policy text (links
//! from the policy-set JSON); the model reads the schema JSON and the
//! policy-set JSON.

use crate::answer::Outcome;
use crate::compare::Bucket;
use engine::ast::PolicySet;
use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A validation input in public formats.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationCase {
    /// The schema in Cedar syntax, for reports only.
    pub schema_text: String,
    /// The schema in Cedar's JSON schema format: what both engines read.
    pub schema_json: Json,
    /// The schema-level mistake put into `schema_json` (see
    /// `SCHEMA_SPOILS`), if any; `schema_text` is then the schema before it.
    pub schema_spoil: Option<&'static str>,
    /// Policies and templates as Cedar text (ids `policy0`, … by position).
    pub policies_text: String,
    /// The same policy set in Cedar's policy-set JSON (with template links).
    pub policies_json: Json,
}

/// Per policy, template and link id: the kinds of the validation errors
/// found (Cedar's Rust names, e.g. `UnexpectedType`); empty means valid.
pub type Verdicts = BTreeMap<String, BTreeSet<String>>;

impl ValidationCase {
    /// A generated input in public formats; `None` without a schema. About
    /// one schema in 25 gets a schema-level mistake (`spoil_schema`) that
    /// both schema readers must refuse: the generator builds valid schemas
    /// only.
    pub fn render_input(i: &generators::AuthInput) -> Option<ValidationCase> {
        use rand::{Rng, SeedableRng};
        let schema = i.schema.as_ref()?;
        let ps = crate::case::renumber(&i.policies);
        let mut schema_json = schema.to_json();
        // The mistake is a function of the input, so a seed replays it.
        let digest = crate::case::fnv_hex(schema_json.to_string().as_bytes());
        let mut rng = rand::rngs::StdRng::seed_from_u64(u64::from_str_radix(&digest, 16).unwrap_or(0));
        let schema_spoil = if rng.gen_bool(0.04) {
            let how = rng.gen_range(0..SCHEMA_SPOILS.len());
            let ns = rng.gen_range(0..schema_json.as_object().map_or(0, |m| m.len()).max(1));
            spoil_schema(&mut schema_json, how, ns);
            Some(SCHEMA_SPOILS[how])
        } else {
            None
        };
        Some(ValidationCase {
            schema_text: crate::schema_text::schema_to_text(schema),
            schema_json,
            schema_spoil,
            policies_text: engine::printer::policy_set_to_text(&ps),
            policies_json: engine::est::policy_set_to_json(&ps),
        })
    }
}

/// The schema-level mistakes `validation-drt` puts into generated schemas.
/// Cedar refuses each; a reader that accepts one builds a schema the
/// validator's soundness argument does not cover (an entity type `Action`
/// would make action literals and entities of that type indistinguishable).
pub const SCHEMA_SPOILS: [&str; 6] = [
    "an entity type named `Action`",
    "an entity type named `__cedar`",
    "a qualified entity type name `Spoiled::Nested`",
    "an action whose parent is not a declared action",
    "an action that is its own parent (a cycle)",
    "an entity type `Spoiled::Shadowed` beside an empty-namespace `Shadowed` (RFC 70)",
];

/// Put mistake `how` (an index into `SCHEMA_SPOILS`) into the `ns`-th
/// namespace of a schema in the JSON format (the empty namespace, created,
/// if the schema has none).
fn spoil_schema(schema: &mut Json, how: usize, ns: usize) {
    let Some(top) = schema.as_object_mut() else { return };
    if top.is_empty() {
        top.insert(String::new(), serde_json::json!({"entityTypes": {}, "actions": {}}));
    }
    if how == 5 {
        let empty = top.entry(String::new()).or_insert_with(|| serde_json::json!({"entityTypes": {}, "actions": {}}));
        empty["entityTypes"]["Shadowed"] = serde_json::json!({});
        top.insert("Spoiled".into(), serde_json::json!({"entityTypes": {"Shadowed": {}}, "actions": {}}));
        return;
    }
    let n = top.len();
    let Some((_, body)) = top.iter_mut().nth(ns % n) else { return };
    match how {
        0 => body["entityTypes"]["Action"] = serde_json::json!({}),
        1 => body["entityTypes"]["__cedar"] = serde_json::json!({}),
        2 => body["entityTypes"]["Spoiled::Nested"] = serde_json::json!({}),
        3 => body["actions"]["spoiledAction"] = serde_json::json!({"memberOf": [{"id": "undeclaredParent"}]}),
        _ => body["actions"]["spoiledAction"] = serde_json::json!({"memberOf": [{"id": "spoiledAction"}]}),
    }
}

/// Our validator on the case, read through our front ends.
pub fn our_verdicts(case: &ValidationCase) -> Outcome<Verdicts> {
    let schema = match engine::schema::Schema::from_json_value(&case.schema_json) {
        Ok(s) => s,
        Err(e) => return Outcome::Rejected(format!("schema: {e}")),
    };
    let mut ps: PolicySet = match engine::parser::parse_policy_set(&case.policies_text) {
        Ok(p) => p,
        Err(e) => return Outcome::Rejected(format!("policy text: {e}")),
    };
    ps.links = match crate::ours::read_links(&case.policies_json) {
        Ok(l) => l,
        Err(e) => return Outcome::Rejected(format!("template links: {e}")),
    };
    let result = engine::validator::validate(&schema, &ps);
    let mut out: Verdicts = ps.policies.iter().map(|p| (p.id.0.clone(), BTreeSet::new())).collect();
    out.extend(ps.links.iter().map(|l| (l.new_id.0.clone(), BTreeSet::new())));
    for e in &result.errors {
        out.entry(e.policy_id.0.clone()).or_default().insert(e.kind.clone());
    }
    Outcome::Answer(out)
}

/// What must agree: whether each policy validates, and every error kind
/// the model names must be among ours. Not compared: messages and
/// locations, and errors beyond the first in a request environment — the
/// model stops at the first error it meets (operands left to right) in each
/// environment, while our validator recovers and reports them all.
/// Rejected by both is agreement; by one side only, a disagreement.
pub fn compare_validation(ours: &Outcome<Verdicts>, model: &Outcome<Verdicts>) -> Option<Bucket> {
    match (ours, model) {
        (Outcome::Rejected(_), Outcome::Rejected(_)) => None,
        (Outcome::Rejected(_), _) | (_, Outcome::Rejected(_)) => Some(Bucket::Rejection),
        (Outcome::Answer(a), Outcome::Answer(b)) => {
            if a.keys().ne(b.keys()) || a.iter().any(|(id, ka)| ka.is_empty() != b[id].is_empty()) {
                Some(Bucket::Validity)
            } else if a.iter().any(|(id, ka)| !b[id].is_subset(ka)) {
                Some(Bucket::ErrorKind)
            } else {
                None
            }
        }
    }
}

/// A request-validation input (`request-validation`): the schema and the
/// requests in public formats (contexts with explicit escapes).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestValidationCase {
    pub schema_text: String,
    pub schema_json: Json,
    pub requests: Vec<Json>,
}

impl RequestValidationCase {
    /// The generated requests, about half of them spoiled (see `spoil`):
    /// type-directed generation only makes conforming requests.
    pub fn render_input(i: &generators::AuthInput) -> Option<RequestValidationCase> {
        use rand::{Rng, SeedableRng};
        let schema = i.schema.as_ref()?;
        let schema_json = schema.to_json();
        // The mutations are a function of the input, so a seed replays them.
        let digest = crate::case::fnv_hex(schema_json.to_string().as_bytes());
        let mut rng = rand::rngs::StdRng::seed_from_u64(u64::from_str_radix(&digest, 16).unwrap_or(0));
        let requests = i
            .requests
            .iter()
            .map(|r| {
                let j = r.to_json();
                if rng.gen_bool(0.5) {
                    spoil(j, rng.gen_range(0..5))
                } else {
                    j
                }
            })
            .collect();
        Some(RequestValidationCase { schema_text: crate::schema_text::schema_to_text(schema), schema_json, requests })
    }
}

/// One of five changes that usually (not always: a swap of equal types, a
/// context with no attributes) make a request non-conforming.
fn spoil(mut j: Json, how: u32) -> Json {
    let ctx_key = |j: &Json| j["context"].as_object().and_then(|m| m.keys().next().cloned());
    match how {
        0 => {
            let p = j["principal"].clone();
            j["principal"] = j["resource"].clone();
            j["resource"] = p;
        }
        1 => j["action"]["id"] = Json::String("undeclared-action".into()),
        2 => j["context"]["undeclaredAttribute"] = Json::Bool(true),
        3 => {
            if let Some(k) = ctx_key(&j) {
                j["context"].as_object_mut().map(|m| m.remove(&k));
            }
        }
        _ => {
            if let Some(k) = ctx_key(&j) {
                let wrong = if j["context"][&k].is_string() { Json::from(7) } else { Json::from("seven") };
                j["context"][&k] = wrong;
            }
        }
    }
    j
}

/// Per request: whether it conforms to the schema (the reasons are worded
/// differently by the two engines and are not compared).
pub type RequestVerdicts = Vec<bool>;

/// Our request validation, reading the schema JSON and each request JSON.
pub fn our_request_verdicts(case: &RequestValidationCase) -> Outcome<RequestVerdicts> {
    let schema = match engine::schema::Schema::from_json_value(&case.schema_json) {
        Ok(s) => s,
        Err(e) => return Outcome::Rejected(format!("schema: {e}")),
    };
    let mut out = Vec::new();
    for (i, r) in case.requests.iter().enumerate() {
        match engine::request::Request::from_json(r, None) {
            Ok(req) => out.push(engine::validator::validate_request(&schema, &req).is_ok()),
            Err(e) => return Outcome::Rejected(format!("request {i}: {e}")),
        }
    }
    Outcome::Answer(out)
}

/// Report of a request-validation disagreement.
pub fn request_report(
    target: &str,
    case: &RequestValidationCase,
    names: &[&str],
    outs: &[&Outcome<RequestVerdicts>],
) -> String {
    let mut r = String::new();
    writeln!(r, "==================== DRT DISAGREEMENT ====================").unwrap();
    writeln!(r, "target: {target}   differs: validity").unwrap();
    writeln!(r, "--- schema ---\n{}", case.schema_text).unwrap();
    for (i, req) in case.requests.iter().enumerate() {
        writeln!(r, "--- request {i} ---\n{req}").unwrap();
        for (n, o) in names.iter().zip(outs) {
            let shown = match o {
                Outcome::Rejected(why) => format!("rejected the input: {why}"),
                Outcome::Answer(v) => match v.get(i) {
                    Some(true) => "conforms".to_string(),
                    Some(false) => "does not conform".to_string(),
                    None => "(no verdict)".to_string(),
                },
            };
            writeln!(r, "  {n:<7} {shown}").unwrap();
        }
    }
    r
}

/// A readable report: the inputs and both verdicts, differing lines marked.
pub fn report(
    target: &str,
    case: &ValidationCase,
    names: &[&str],
    outs: &[&Outcome<Verdicts>],
    bucket: Bucket,
) -> String {
    let mut r = String::new();
    writeln!(r, "==================== DRT DISAGREEMENT ====================").unwrap();
    writeln!(r, "target: {target}   differs: {bucket}").unwrap();
    writeln!(r, "--- schema ---\n{}", case.schema_text).unwrap();
    if let Some(spoil) = case.schema_spoil {
        writeln!(r, "--- schema JSON as read (the schema above plus {spoil}) ---\n{}", case.schema_json).unwrap();
    }
    writeln!(r, "--- policies ---\n{}", case.policies_text).unwrap();
    if let Some(links) = case.policies_json.get("templateLinks").filter(|l| l.as_array().is_some_and(|a| !a.is_empty()))
    {
        writeln!(r, "--- template links ---\n{links}").unwrap();
    }
    let show = |o: &Outcome<Verdicts>, id: &str| match o {
        Outcome::Rejected(why) => format!("rejected the input: {why}"),
        Outcome::Answer(v) => match v.get(id) {
            None => "(no verdict)".to_string(),
            Some(k) if k.is_empty() => "valid".to_string(),
            Some(k) => format!("invalid: {}", k.iter().cloned().collect::<Vec<_>>().join(", ")),
        },
    };
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for o in outs {
        if let Outcome::Answer(v) = o {
            ids.extend(v.keys().map(String::as_str));
        }
    }
    if ids.is_empty() {
        ids.insert("(all)");
    }
    writeln!(r, "--- verdicts ---").unwrap();
    for id in ids {
        let shown: Vec<String> = outs.iter().map(|o| show(o, id)).collect();
        let differs = shown.windows(2).any(|w| w[0] != w[1]);
        writeln!(r, "{id}{}", if differs { "   <-- DIFFERS" } else { "" }).unwrap();
        for (n, s) in names.iter().zip(&shown) {
            writeln!(r, "  {n:<7} {s}").unwrap();
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[(&str, &[&str])]) -> Outcome<Verdicts> {
        Outcome::Answer(
            items.iter().map(|(id, ks)| (id.to_string(), ks.iter().map(|k| k.to_string()).collect())).collect(),
        )
    }

    #[test]
    fn comparison_rules() {
        let ours = v(&[("p0", &[]), ("p1", &["UnexpectedType", "UnsafeAttributeAccess"])]);
        assert_eq!(compare_validation(&ours, &v(&[("p0", &[]), ("p1", &["UnexpectedType"])])), None);
        assert_eq!(
            compare_validation(&ours, &v(&[("p0", &[]), ("p1", &["IncompatibleTypes"])])),
            Some(Bucket::ErrorKind)
        );
        assert_eq!(
            compare_validation(&ours, &v(&[("p0", &["UnexpectedType"]), ("p1", &["UnexpectedType"])])),
            Some(Bucket::Validity)
        );
        assert_eq!(compare_validation(&ours, &v(&[("p0", &[])])), Some(Bucket::Validity));
        let rej = Outcome::Rejected("bad schema".into());
        assert_eq!(compare_validation(&ours, &rej), Some(Bucket::Rejection));
        assert_eq!(compare_validation(&rej, &Outcome::Rejected("x".into())), None);
    }

    /// The `validation` profile's schema mistakes reach the validator: each
    /// kind they stand for is reported on some of the first inputs.
    #[test]
    fn schema_mistakes_reach_the_validator() {
        let want = [
            "UnrecognizedEntityType",
            "UnrecognizedActionId",
            "EmptySetForbidden",
            "WrongNumberArguments",
            "InvalidEnumEntity",
        ];
        let mut seen = BTreeSet::new();
        for s in 0..600u64 {
            let i = crate::gen::auth_input(crate::targets::Target::ValidationDrt, crate::gen::Source::Seed(s)).unwrap();
            let Some(case) = ValidationCase::render_input(&i).filter(|c| c.schema_spoil.is_none()) else { continue };
            let Outcome::Answer(v) = our_verdicts(&case) else { panic!("our engine rejected its own rendering") };
            seen.extend(v.into_values().flatten().filter(|k| want.contains(&k.as_str())));
        }
        assert_eq!(seen.len(), want.len(), "only {seen:?}");
    }

    /// Every schema-level mistake occurs on the first inputs, and our
    /// schema reader refuses every spoiled schema (the model's must too:
    /// `compare_validation` counts a refusal by one side as a disagreement).
    #[test]
    fn spoiled_schemas_are_refused() {
        let mut seen = BTreeSet::new();
        for s in 0..2000u64 {
            let i = crate::gen::auth_input(crate::targets::Target::ValidationDrt, crate::gen::Source::Seed(s)).unwrap();
            let Some(case) = ValidationCase::render_input(&i) else { continue };
            let Some(spoil) = case.schema_spoil else { continue };
            seen.insert(spoil);
            let Err(e) = engine::schema::Schema::from_json_value(&case.schema_json) else {
                panic!("our schema reader accepted {spoil}:\n{}", case.schema_json)
            };
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(seen.len(), SCHEMA_SPOILS.len(), "only {seen:?}");
    }

    #[test]
    fn spoiling_reaches_every_namespace_and_an_empty_schema() {
        let mut j = serde_json::json!({});
        spoil_schema(&mut j, 0, 5);
        assert_eq!(j, serde_json::json!({"": {"entityTypes": {"Action": {}}, "actions": {}}}));
        let mut j =
            serde_json::json!({"A": {"entityTypes": {}, "actions": {}}, "B": {"entityTypes": {}, "actions": {}}});
        spoil_schema(&mut j, 3, 1);
        assert_eq!(j["B"]["actions"]["spoiledAction"]["memberOf"][0]["id"], "undeclaredParent");
        assert!(j["A"]["actions"].as_object().unwrap().is_empty());
        spoil_schema(&mut j, 5, 0);
        assert!(j[""]["entityTypes"]["Shadowed"].is_object() && j["Spoiled"]["entityTypes"]["Shadowed"].is_object());
    }

    #[test]
    fn our_validator_reads_the_rendered_case() {
        let i = (0..50u64)
            .map(|s| {
                crate::gen::auth_input(crate::targets::Target::ValidationDrt, crate::gen::Source::Seed(s)).unwrap()
            })
            .find(|i| {
                !i.policies.policies.is_empty()
                    && ValidationCase::render_input(i).is_some_and(|c| c.schema_spoil.is_none())
            })
            .expect("a typed input");
        let case = ValidationCase::render_input(&i).unwrap();
        let Outcome::Answer(v) = our_verdicts(&case) else { panic!("our engine rejected its own rendering") };
        assert_eq!(v.len(), i.policies.policies.len() + i.policies.links.len());
    }
}
