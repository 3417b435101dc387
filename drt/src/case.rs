//! Cases: one input rendered in Cedar's public formats. Each engine reads
//! the form its own front end takes (ours: policy text; the model: policy
//! JSON), so printer, parser and JSON-format bugs show up as disagreements.
//! A case is also what we save beside a crash file: it survives generator
//! changes because it names no generator internals.
//!
//! Entities and requests are written by `generators::render::DataWriter`,
//! never by the engine under test (declared parents only, shuffled order,
//! equivalent encodings chosen per value): see ARCHITECTURE.md.

use engine::ast::{Expr, PolicyId, PolicySet};
use engine::entities::Entities;
use engine::request::Request;
use engine::schema::Schema;
use generators::render::DataWriter;
use serde_json::{json, Value as Json};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// An authorization input in public formats.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthCase {
    /// The schema in Cedar syntax (`None` in untyped mode); only for reports
    /// and exported tests: both engines get fully escaped data.
    pub schema: Option<String>,
    /// Policies and templates as Cedar text (ids `policy0`, … by position).
    pub policies_text: String,
    /// The same policy set in Cedar's policy-set JSON (with template links).
    pub policies_json: Json,
    /// Entities JSON with explicit `__entity`/`__extn` escapes in values
    /// and declared (not closed) parents.
    pub entities: Json,
    /// For a quarter of the cases with a schema (chosen by `render_seed`):
    /// the same data written for a reader that has the schema.
    pub with_schema: Option<SchemaData>,
    /// `{"principal","action","resource","context"}` each.
    pub requests: Vec<Json>,
    /// The seed `generators::text` wrote `policies_text` from (`None`: the
    /// printer wrote it); kept so that shrinking re-renders the same way.
    pub text_seed: Option<u64>,
    /// The seed of the data writer's encoding choices (`renderSeed`), for
    /// the same reason.
    pub render_seed: u64,
}

/// Whether a case gets `AuthCase::with_schema`: a quarter of those
/// with a schema, chosen by `render_seed` so a saved case keeps it.
pub fn renders_for_schema_reader(has_schema: bool, render_seed: u64) -> bool {
    has_schema && render_seed.is_multiple_of(4)
}

/// Entities and requests written for a reader that has the schema, as
/// Cedar's schema-directed parsing reads them: no action entities (such a
/// reader adds the schema's, docs/semantics.md §6.3 step 5), and values in
/// forms only a schema makes readable (`DataWriter::entities_with_schema`,
/// `DataWriter::request_with_schema`). Our engine and upstream read these
/// with the schema and must reach the store and requests the model reads
/// from the escaped `entities` and `requests`.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaData {
    pub entities: Json,
    pub requests: Vec<Json>,
}

/// Cedar's action entity types: `Action` or `Namespace::Action`.
pub fn is_action_type(ty: &str) -> bool {
    ty.rsplit("::").next() == Some("Action")
}

/// An evaluation input in public formats.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalCase {
    pub schema: Option<String>,
    /// The expression as Cedar text.
    pub expr_text: String,
    /// The same expression as EST JSON.
    pub expr_json: Json,
    pub entities: Json,
    pub request: Json,
    /// As `AuthCase::text_seed`, for `expr_text`.
    pub text_seed: Option<u64>,
    /// As `AuthCase::render_seed`.
    pub render_seed: u64,
}

/// An authorization input as syntax trees, the form shrinking works on.
#[derive(Debug, Clone)]
pub struct AuthParts {
    pub schema: Option<String>,
    /// `schema` read (the generator's own, or parsed from a saved case):
    /// the data writer needs the declared types.
    pub schema_def: Option<Schema>,
    pub policies: PolicySet,
    pub entities: Entities,
    pub requests: Vec<Request>,
    /// Write the policy text with `generators::text` from this seed (else the printer).
    pub text_seed: Option<u64>,
    /// Seeds the data writer's encoding choices.
    pub render_seed: u64,
}

#[derive(Debug, Clone)]
pub struct EvalParts {
    pub schema: Option<String>,
    pub expr: Expr,
    pub entities: Entities,
    pub request: Request,
    /// Write the expression text with `generators::text` from this seed (else the printer).
    pub text_seed: Option<u64>,
    /// Seeds the data writer's encoding choices.
    pub render_seed: u64,
}

impl AuthParts {
    pub fn from_input(i: &generators::AuthInput) -> AuthParts {
        AuthParts {
            schema: i.schema.as_ref().map(crate::schema_text::schema_to_text),
            schema_def: i.schema.clone(),
            policies: i.policies.clone(),
            entities: i.entities.clone(),
            requests: i.requests.clone(),
            text_seed: i.text_seed,
            render_seed: i.render_seed,
        }
    }
    /// Whether the rendered case gets `AuthCase::with_schema`, so
    /// some engines take the action entities from the schema.
    pub fn actions_from_schema(&self) -> bool {
        renders_for_schema_reader(self.schema_def.is_some(), self.render_seed)
    }
    pub fn render(&self) -> AuthCase {
        AuthCase::render(
            self.schema.clone(),
            self.schema_def.as_ref(),
            &self.policies,
            &self.entities,
            &self.requests,
            self.text_seed,
            self.render_seed,
        )
    }
}

impl AuthCase {
    /// A generated input in public formats (without copying it first).
    pub fn render_input(i: &generators::AuthInput) -> AuthCase {
        let schema = i.schema.as_ref().map(crate::schema_text::schema_to_text);
        AuthCase::render(schema, i.schema.as_ref(), &i.policies, &i.entities, &i.requests, i.text_seed, i.render_seed)
    }

    #[allow(clippy::too_many_arguments)] // the parts of a case, each named
    fn render(
        schema: Option<String>,
        schema_def: Option<&Schema>,
        policies: &PolicySet,
        entities: &Entities,
        requests_in: &[Request],
        text_seed: Option<u64>,
        render_seed: u64,
    ) -> AuthCase {
        let ps = renumber(policies);
        let mut w = DataWriter::new(render_seed);
        let written = w.entities(entities);
        let requests = requests_in.iter().map(|r| w.request(r)).collect();
        let with_schema = schema_def.filter(|_| renders_for_schema_reader(true, render_seed)).map(|s| SchemaData {
            entities: w.entities_with_schema(entities, s),
            requests: requests_in.iter().map(|r| w.request_with_schema(r, s)).collect(),
        });
        AuthCase {
            schema,
            policies_text: policy_text(&ps, text_seed),
            policies_json: engine::est::policy_set_to_json(&ps),
            entities: written,
            with_schema,
            requests,
            text_seed,
            render_seed,
        }
    }
}

impl EvalParts {
    pub fn from_input(i: &generators::EvalInput) -> EvalParts {
        EvalParts {
            schema: i.schema.as_ref().map(crate::schema_text::schema_to_text),
            expr: i.expr.clone(),
            entities: i.entities.clone(),
            request: i.request.clone(),
            text_seed: i.text_seed,
            render_seed: i.render_seed,
        }
    }
    pub fn render(&self) -> EvalCase {
        let mut w = DataWriter::new(self.render_seed);
        EvalCase {
            schema: self.schema.clone(),
            expr_text: match self.text_seed {
                Some(seed) => generators::text::expr_text(&self.expr, &mut generators::SeededSource::new(seed)),
                None => engine::printer::expr_to_text(&self.expr),
            },
            expr_json: engine::est::expr_to_json(&self.expr),
            entities: w.entities(&self.entities),
            request: w.request(&self.request),
            text_seed: self.text_seed,
            render_seed: self.render_seed,
        }
    }
}

/// The Cedar text our engine reads: from the varied writer when the input
/// carries a seed for it, else from the printer.
pub fn policy_text(ps: &PolicySet, text_seed: Option<u64>) -> String {
    match text_seed {
        Some(seed) => generators::text::policy_set_text(ps, &mut generators::SeededSource::new(seed)),
        None => engine::printer::policy_set_to_text(ps),
    }
}

/// Give policies the ids a text parser assigns (`policyN` by position), so
/// both engines name the same policy the same way; links follow their
/// templates, and a link id that collides with a new policy id is renamed.
pub fn renumber(ps: &PolicySet) -> Cow<'_, PolicySet> {
    let positional =
        |(i, p): (usize, &engine::ast::Policy)| p.id.0.strip_prefix("policy") == Some(i.to_string().as_str());
    if ps.policies.iter().enumerate().all(positional) && ps.links.iter().all(|l| !l.new_id.0.starts_with("policy")) {
        return Cow::Borrowed(ps); // the generators' own naming: nothing to do
    }
    let map: BTreeMap<PolicyId, PolicyId> =
        ps.policies.iter().enumerate().map(|(i, p)| (p.id.clone(), PolicyId(format!("policy{i}")))).collect();
    let mut out = ps.clone();
    for (i, p) in out.policies.iter_mut().enumerate() {
        p.id = PolicyId(format!("policy{i}"));
    }
    let taken: std::collections::BTreeSet<PolicyId> = out.policies.iter().map(|p| p.id.clone()).collect();
    for (j, l) in out.links.iter_mut().enumerate() {
        if let Some(t) = map.get(&l.template_id) {
            l.template_id = t.clone();
        }
        if taken.contains(&l.new_id) {
            l.new_id = PolicyId(format!("link{j}"));
        }
    }
    Cow::Owned(out)
}

impl AuthCase {
    pub fn to_json(&self) -> Json {
        let mut j = json!({
            "kind": "authorize",
            "schema": self.schema,
            "policies": self.policies_text,
            "policiesJson": self.policies_json,
            "entities": self.entities,
            "requests": self.requests,
        });
        if let (Some(d), Some(o)) = (&self.with_schema, j.as_object_mut()) {
            o.insert("withSchema".into(), json!({"entities": d.entities, "requests": d.requests}));
        }
        with_seeds(&mut j, self.text_seed, self.render_seed);
        j
    }
    pub fn from_json(j: &Json) -> Result<AuthCase, String> {
        Ok(AuthCase {
            schema: opt_str(j, "schema")?,
            policies_text: req_str(j, "policies")?,
            policies_json: field(j, "policiesJson")?.clone(),
            entities: field(j, "entities")?.clone(),
            with_schema: match j.get("withSchema") {
                None | Some(Json::Null) => None,
                Some(d) => Some(SchemaData {
                    entities: field(d, "entities")?.clone(),
                    requests: field(d, "requests")?.as_array().ok_or("`withSchema.requests` must be an array")?.clone(),
                }),
            },
            requests: field(j, "requests")?.as_array().ok_or("`requests` must be an array")?.clone(),
            text_seed: text_seed_of(j)?,
            render_seed: render_seed_of(j)?,
        })
    }
    /// What an engine that can read with a schema reads: the schema text
    /// with `with_schema`'s data when the case has both, else no schema and
    /// the escaped data.
    pub fn data_to_read(&self) -> (Option<&str>, &Json, &[Json]) {
        match (&self.with_schema, &self.schema) {
            (Some(d), Some(text)) => (Some(text), &d.entities, &d.requests),
            _ => (None, &self.entities, &self.requests),
        }
    }
    /// A short stable fingerprint of the rendered case (FNV-1a of its JSON),
    /// used to name files and to match known discrepancies exactly.
    pub fn hash(&self) -> String {
        fnv_hex(self.to_json().to_string().as_bytes())
    }
}

impl EvalCase {
    pub fn to_json(&self) -> Json {
        let mut j = json!({
            "kind": "evaluate",
            "schema": self.schema,
            "expr": self.expr_text,
            "exprJson": self.expr_json,
            "entities": self.entities,
            "request": self.request,
        });
        with_seeds(&mut j, self.text_seed, self.render_seed);
        j
    }
    pub fn from_json(j: &Json) -> Result<EvalCase, String> {
        Ok(EvalCase {
            schema: opt_str(j, "schema")?,
            expr_text: req_str(j, "expr")?,
            expr_json: field(j, "exprJson")?.clone(),
            entities: field(j, "entities")?.clone(),
            request: field(j, "request")?.clone(),
            text_seed: text_seed_of(j)?,
            render_seed: render_seed_of(j)?,
        })
    }
    pub fn hash(&self) -> String {
        fnv_hex(self.to_json().to_string().as_bytes())
    }
}

/// Either kind of case, as saved in a `.json` file.
#[derive(Debug, Clone)]
pub enum AnyCase {
    Auth(AuthCase),
    Eval(EvalCase),
}

impl AnyCase {
    pub fn from_json(j: &Json) -> Result<AnyCase, String> {
        match j.get("kind").and_then(Json::as_str) {
            Some("authorize") => AuthCase::from_json(j).map(AnyCase::Auth),
            Some("evaluate") => EvalCase::from_json(j).map(AnyCase::Eval),
            other => Err(format!("`kind` must be \"authorize\" or \"evaluate\", found {other:?}")),
        }
    }
    pub fn to_json(&self) -> Json {
        match self {
            AnyCase::Auth(c) => c.to_json(),
            AnyCase::Eval(c) => c.to_json(),
        }
    }
}

/// `textSeed` only when the varied writer wrote the text; `renderSeed`
/// always (cases saved before it existed read back with seed 0).
fn with_seeds(j: &mut Json, text_seed: Option<u64>, render_seed: u64) {
    if let Some(o) = j.as_object_mut() {
        if let Some(seed) = text_seed {
            o.insert("textSeed".into(), json!(seed));
        }
        o.insert("renderSeed".into(), json!(render_seed));
    }
}
fn render_seed_of(j: &Json) -> Result<u64, String> {
    match j.get("renderSeed") {
        None | Some(Json::Null) => Ok(0),
        Some(v) => v.as_u64().ok_or_else(|| "`renderSeed` must be a non-negative integer".to_string()),
    }
}
fn text_seed_of(j: &Json) -> Result<Option<u64>, String> {
    match j.get("textSeed") {
        None | Some(Json::Null) => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| "`textSeed` must be a non-negative integer".to_string()),
    }
}

fn field<'a>(j: &'a Json, k: &str) -> Result<&'a Json, String> {
    j.get(k).ok_or_else(|| format!("case is missing `{k}`"))
}
fn req_str(j: &Json, k: &str) -> Result<String, String> {
    field(j, k)?.as_str().map(str::to_string).ok_or_else(|| format!("`{k}` must be a string"))
}
fn opt_str(j: &Json, k: &str) -> Result<Option<String>, String> {
    match j.get(k) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{k}` must be a string or null")),
    }
}

/// 64-bit FNV-1a as 16 hex digits.
pub fn fnv_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_of_the_cases_with_a_schema_have_entities_for_a_schema_reader() {
        assert!(!renders_for_schema_reader(false, 0));
        assert_eq!((0..400).filter(|s| renders_for_schema_reader(true, *s)).count(), 100);
        for t in [crate::targets::Target::AbacTypeDirected, crate::targets::Target::Abac] {
            for seed in 0..40 {
                let i = crate::gen::auth_input(t, crate::gen::Source::Seed(seed)).unwrap();
                let case = AuthCase::render_input(&i);
                let want = i.schema.is_some() && renders_for_schema_reader(true, i.render_seed);
                assert_eq!(case.with_schema.is_some(), want, "{} seed {seed}", t.name());
                assert_eq!(AuthCase::from_json(&case.to_json()).unwrap(), case);
            }
        }
    }
}
