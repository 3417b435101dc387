//! `entity-validation`: entities and requests checked against the schema by
//! both engines. Our engine reads the entities with the schema
//! (`Entities::from_json_conforming`) and each request with schema-directed
//! parsing and `validate_request`; the model validates the entities (op
//! `validateEntities`) and the requests (op `validateRequests`).
//!
//! Every input is checked twice: its data as generated (which conforms to
//! the schema) and the same data with one injected wrongness
//! (`data_validation::Wrong`). Per part (the entities, each request) the
//! verdicts must agree; on the injected data the part must not conform for
//! either engine (the injection is a third opinion: data both engines accept
//! is a finding too), and the kind the model names must be the one the
//! injection stands for. Our engine names no kinds (its errors are
//! messages), so kinds are checked on the model's side only.

use crate::answer::Outcome;
use crate::compare::Bucket;
use crate::data_validation::{inject_one, Data, Wrong};
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::fmt::Write;

/// An entity-validation input in public formats: the conforming data and,
/// where some wrongness applies to it, a spoiled copy.
#[derive(Debug, Clone)]
pub struct EntityValidationCase {
    pub schema_text: String,
    pub schema_json: Json,
    pub valid: DataJson,
    pub injected: Option<Injected>,
}

/// Entities JSON and request JSONs (explicit `__entity`/`__extn` escapes).
#[derive(Debug, Clone, PartialEq)]
pub struct DataJson {
    pub entities: Json,
    pub requests: Vec<Json>,
}

#[derive(Debug, Clone)]
pub struct Injected {
    pub wrong: Wrong,
    /// What was done, for reports.
    pub what: String,
    pub data: DataJson,
}

/// One part's verdict: conforms, or not with the error kinds named (none
/// for our engine, and none for a model loader refusal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conformity {
    Conforms,
    Fails(BTreeSet<String>),
}

impl Conformity {
    pub fn conforms(&self) -> bool {
        matches!(self, Conformity::Conforms)
    }
}

/// The verdicts on one data set: the entities, then each request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataVerdicts {
    pub entities: Conformity,
    pub requests: Vec<Conformity>,
}

impl DataVerdicts {
    fn parts(&self) -> impl Iterator<Item = &Conformity> {
        std::iter::once(&self.entities).chain(&self.requests)
    }
}

impl EntityValidationCase {
    pub fn render_input(i: &generators::AuthInput) -> Option<EntityValidationCase> {
        let schema = i.schema.as_ref()?;
        let valid = Data::render(i);
        let injected = inject_one(schema, &valid, i.render_seed).map(|(wrong, what, bad)| Injected {
            wrong,
            what,
            data: DataJson::from(bad),
        });
        Some(EntityValidationCase {
            schema_text: crate::schema_text::schema_to_text(schema),
            schema_json: schema.to_json(),
            valid: DataJson::from(valid),
            injected,
        })
    }
}

impl From<Data> for DataJson {
    fn from(d: Data) -> DataJson {
        DataJson { entities: d.entities, requests: d.requests }
    }
}

/// The kind the model names for each injected wrongness; `None` where the
/// model's loader refuses the data before the schema is consulted (an action
/// with a non-action parent, two differing entries for one entity, a cycle),
/// so no kind is named.
pub fn expected_kind(w: Wrong) -> Option<&'static str> {
    Some(match w {
        Wrong::AttrType | Wrong::ContextAttrType => "AttributeType",
        Wrong::MissingAttr | Wrong::MissingContextAttr => "MissingAttribute",
        Wrong::UndeclaredAttr | Wrong::UndeclaredContextAttr => "UndeclaredAttribute",
        Wrong::ParentType => "ParentType",
        Wrong::UndeclaredEntityType => "UnknownEntityType",
        Wrong::ActionWithNonActionParent | Wrong::ConflictingDuplicate | Wrong::HierarchyCycle => return None,
        Wrong::ActionAncestorsDiffer | Wrong::ActionGroupLeftOut => "ActionParents",
        Wrong::TagType => "TagType",
        Wrong::UndeclaredTags => "UndeclaredTags",
        Wrong::EnumId => "InvalidEnumId",
        Wrong::PrincipalType => "PrincipalType",
        Wrong::ResourceType => "ResourceType",
        Wrong::UndeclaredAction => "UnknownAction",
    })
}

/// Our engine's verdicts, read through its own front ends with the schema.
pub fn our_data_verdicts(schema_json: &Json, d: &DataJson) -> Outcome<DataVerdicts> {
    let schema = match engine::schema::Schema::from_json_value(schema_json) {
        Ok(s) => s,
        Err(e) => return Outcome::Rejected(format!("schema: {e}")),
    };
    let verdict = |ok: bool| if ok { Conformity::Conforms } else { Conformity::Fails(BTreeSet::new()) };
    let entities = verdict(engine::entities::Entities::from_json_conforming(&d.entities, &schema).is_ok());
    let requests = d
        .requests
        .iter()
        .map(|r| {
            let read = engine::request::Request::from_json(r, Some(&schema));
            verdict(read.is_ok_and(|req| engine::validator::validate_request(&schema, &req).is_ok()))
        })
        .collect();
    Outcome::Answer(DataVerdicts { entities, requests })
}

/// Compare the engines' verdicts on one data set; `injected` is the
/// wrongness the data carries, if any. Rejected by both is agreement.
pub fn compare_data(
    ours: &Outcome<DataVerdicts>,
    model: &Outcome<DataVerdicts>,
    injected: Option<Wrong>,
) -> Option<Bucket> {
    let (a, b) = match (ours, model) {
        (Outcome::Rejected(_), Outcome::Rejected(_)) => return None,
        (Outcome::Answer(a), Outcome::Answer(b)) => (a, b),
        _ => return Some(Bucket::Rejection),
    };
    if a.requests.len() != b.requests.len() || a.parts().zip(b.parts()).any(|(x, y)| x.conforms() != y.conforms()) {
        return Some(Bucket::Validity);
    }
    let wrong = injected?;
    if a.parts().all(Conformity::conforms) {
        // Both accepted data the injection made wrong.
        return Some(Bucket::Validity);
    }
    let named: BTreeSet<&str> = b
        .parts()
        .flat_map(|c| match c {
            Conformity::Fails(k) => k.iter().map(String::as_str).collect(),
            Conformity::Conforms => vec![],
        })
        .collect();
    let want: BTreeSet<&str> = expected_kind(wrong).into_iter().collect();
    (named != want).then_some(Bucket::ErrorKind)
}

/// A readable report: the schema, the data compared, each engine's verdicts.
pub fn report(
    target: &str,
    case: &EntityValidationCase,
    which: &str,
    data: &DataJson,
    names: &[&str],
    outs: &[&Outcome<DataVerdicts>],
    bucket: Bucket,
) -> String {
    let mut r = String::new();
    writeln!(r, "==================== DRT DISAGREEMENT ====================").unwrap();
    writeln!(r, "target: {target}   differs: {bucket}   data: {which}").unwrap();
    if let (Some(inj), "injected") = (&case.injected, which) {
        writeln!(
            r,
            "injected: {:?} ({}); the model should name {}",
            inj.wrong,
            inj.what,
            expected_kind(inj.wrong).unwrap_or("no kind (loader refusal)")
        )
        .unwrap();
    }
    writeln!(r, "--- schema ---\n{}", case.schema_text).unwrap();
    writeln!(r, "--- entities ---\n{}", serde_json::to_string_pretty(&data.entities).unwrap_or_default()).unwrap();
    for (k, q) in data.requests.iter().enumerate() {
        writeln!(r, "--- request {k} ---\n{q}").unwrap();
    }
    let show = |c: &Conformity| match c {
        Conformity::Conforms => "conforms".to_string(),
        Conformity::Fails(k) if k.is_empty() => "does not conform".to_string(),
        Conformity::Fails(k) => format!("does not conform: {}", k.iter().cloned().collect::<Vec<_>>().join(", ")),
    };
    writeln!(r, "--- verdicts ---").unwrap();
    for (n, o) in names.iter().zip(outs) {
        match o {
            Outcome::Rejected(why) => writeln!(r, "  {n:<7} rejected the input: {why}").unwrap(),
            Outcome::Answer(v) => {
                writeln!(r, "  {n:<7} entities: {}", show(&v.entities)).unwrap();
                for (k, c) in v.requests.iter().enumerate() {
                    writeln!(r, "  {n:<7} request {k}: {}", show(c)).unwrap();
                }
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(entities: Conformity, requests: Vec<Conformity>) -> Outcome<DataVerdicts> {
        Outcome::Answer(DataVerdicts { entities, requests })
    }
    fn fails(kinds: &[&str]) -> Conformity {
        Conformity::Fails(kinds.iter().map(|k| k.to_string()).collect())
    }

    #[test]
    fn comparison_rules() {
        use Conformity::Conforms;
        let ours_ok = v(Conforms, vec![Conforms]);
        assert_eq!(compare_data(&ours_ok, &v(Conforms, vec![Conforms]), None), None);
        assert_eq!(compare_data(&ours_ok, &v(fails(&["ParentType"]), vec![Conforms]), None), Some(Bucket::Validity));
        let ours_bad = v(fails(&[]), vec![Conforms]);
        let model_bad = v(fails(&["ParentType"]), vec![Conforms]);
        assert_eq!(compare_data(&ours_bad, &model_bad, Some(Wrong::ParentType)), None);
        assert_eq!(compare_data(&ours_bad, &model_bad, Some(Wrong::TagType)), Some(Bucket::ErrorKind));
        // Both accepting injected data is a finding.
        assert_eq!(compare_data(&ours_ok, &v(Conforms, vec![Conforms]), Some(Wrong::EnumId)), Some(Bucket::Validity));
        // A loader refusal names no kind.
        assert_eq!(
            compare_data(&ours_bad, &v(fails(&[]), vec![Conforms]), Some(Wrong::ActionWithNonActionParent)),
            None
        );
        let ours_req = v(Conforms, vec![Conforms, fails(&[])]);
        let model_req = v(Conforms, vec![Conforms, fails(&["PrincipalType"])]);
        assert_eq!(compare_data(&ours_req, &model_req, Some(Wrong::PrincipalType)), None);
        assert_eq!(compare_data(&ours_req, &model_req, Some(Wrong::ResourceType)), Some(Bucket::ErrorKind));
        let rej = Outcome::Rejected("bad schema".into());
        assert_eq!(compare_data(&ours_ok, &rej, None), Some(Bucket::Rejection));
        assert_eq!(compare_data(&rej, &Outcome::Rejected("x".into()), None), None);
    }

    /// Our engine accepts the rendered valid data and refuses the injected.
    #[test]
    fn our_engine_reads_the_rendered_cases() {
        let mut injected = 0;
        for s in 0..40u64 {
            let Some(i) = crate::gen::auth_input(crate::targets::Target::EntityValidation, crate::gen::Source::Seed(s))
            else {
                continue;
            };
            let Some(case) = EntityValidationCase::render_input(&i) else { continue };
            let Outcome::Answer(ok) = our_data_verdicts(&case.schema_json, &case.valid) else { panic!("rejected") };
            assert!(ok.parts().all(Conformity::conforms), "seed {s}: valid data refused: {ok:?}");
            if let Some(inj) = &case.injected {
                let Outcome::Answer(bad) = our_data_verdicts(&case.schema_json, &inj.data) else { panic!("rejected") };
                assert!(!bad.parts().all(Conformity::conforms), "seed {s}: {:?} accepted", inj.wrong);
                injected += 1;
            }
        }
        assert!(injected > 20, "only {injected} of 40 inputs had an injection");
    }
}
