//! `validation-soundness` (docs/semantics.md §9.8): a policy our validator
//! accepts never meets a type error (or a missing attribute or tag) on data
//! that conforms to the schema, and always evaluates to a boolean. Inputs
//! come with error injection on (ill-typed operands, unguarded optional
//! attribute and tag reads), so the validator must reject what is wrong: a
//! lax validator lets an injected policy through and that policy then errors
//! here. A link counts as accepted only when the whole set validates (links
//! are checked through their templates).
//!
//! Each accepted policy's condition is evaluated on each conforming request
//! by our evaluator and then by every other engine (the model, op
//! `evaluate`, reading the same entities and request JSON): the theorem is
//! about the language, so an evaluator that hides a type error — ours or
//! the model's — must not hide the validator's unsoundness.

use crate::answer::{EvalAnswer, Outcome};
use crate::case::EvalCase;
use crate::diff::{Differ, Verdict};
use crate::pipeline::Job;
use crate::targets::{property, Target};
use engine::ast::Policy;
use engine::entities::Entities;
use engine::eval::ErrorKind;
use engine::value::Value;
use std::fmt::Write;

/// One input after our engine's check: its verdict, and the evaluations
/// the other engines must pass (each accepted policy's condition on each
/// request that conforms).
pub struct SoundnessCase {
    verdict: Verdict,
    /// Whether some policy validated (the share is reported: a target whose
    /// inputs never validate tests nothing).
    pub validated: bool,
    schema_text: String,
    evals: Vec<Evaluation>,
}

struct Evaluation {
    policy_id: String,
    policy_text: String,
    request_index: usize,
    case: EvalCase,
}

pub fn prepare(i: &generators::AuthInput) -> SoundnessCase {
    let skipped = |verdict| SoundnessCase { verdict, validated: false, schema_text: String::new(), evals: vec![] };
    let Some(schema) = &i.schema else { return skipped(Verdict::Skipped) };
    let res = engine::validator::validate(schema, &i.policies);
    if std::env::var_os("DRT_SHOW_VALIDATION").is_some() {
        for e in &res.errors {
            eprintln!("validation: {e}");
        }
    }
    let rejected: std::collections::BTreeSet<&engine::ast::PolicyId> =
        res.errors.iter().map(|e| &e.policy_id).collect();
    let Ok(effective) = i.policies.effective_policies() else { return skipped(Verdict::Skipped) };
    let is_link = |p: &Policy| i.policies.links.iter().any(|l| l.new_id == p.id);
    let accepted: Vec<&Policy> =
        effective.iter().filter(|p| if is_link(p) { res.passed() } else { !rejected.contains(&p.id) }).collect();
    if accepted.is_empty() {
        return skipped(Verdict::Agree);
    }
    let mut case = SoundnessCase {
        verdict: Verdict::Agree,
        validated: true,
        schema_text: crate::schema_text::schema_to_text(schema),
        evals: vec![],
    };
    case.verdict = ours(i, schema, &accepted, &mut case);
    case
}

/// Our evaluator on every accepted policy and conforming request; records
/// the evaluations for the other engines as it goes.
fn ours(
    i: &generators::AuthInput,
    schema: &engine::schema::Schema,
    accepted: &[&Policy],
    out: &mut SoundnessCase,
) -> Verdict {
    // Read the data back *with* the schema, from the independent writer:
    // input that does not conform is outside the theorem's premise.
    let mut w = generators::render::DataWriter::new(i.render_seed);
    let entities_json = w.entities(&i.entities);
    let Ok(es) = Entities::from_json_conforming(&entities_json, schema) else { return Verdict::Skipped };
    for (ri, r) in i.requests.iter().enumerate() {
        let request_json = w.request(r);
        let Ok(req) = engine::request::Request::from_json(&request_json, Some(schema)) else { continue };
        if engine::validator::validate_request(schema, &req).is_err() {
            continue;
        }
        for p in accepted {
            let cond = p.condition();
            let bad = match engine::eval::evaluate(&cond, &req, &es) {
                Ok(Value::Bool(_)) => None,
                Ok(v) => Some(format!("evaluated to a non-boolean: {}", crate::display::value(&v))),
                Err(e)
                    if matches!(
                        e.kind,
                        ErrorKind::TypeError | ErrorKind::AttrDoesNotExist | ErrorKind::TagDoesNotExist
                    ) =>
                {
                    Some(format!("{:?}: {}", e.kind, e.message))
                }
                Err(_) => None,
            };
            let policy_text = engine::printer::policy_to_text(p);
            if let Some(bad) = bad {
                let mut r = String::new();
                writeln!(r, "policy {} validated but our evaluator: {bad}", p.id).unwrap();
                writeln!(r, "--- schema ---\n{}", out.schema_text).unwrap();
                writeln!(r, "--- policy ---\n{policy_text}").unwrap();
                writeln!(r, "--- entities ---\n{}", serde_json::to_string_pretty(&es.to_json()).unwrap_or_default())
                    .unwrap();
                writeln!(r, "--- request {ri} ---\n{}", req.to_json()).unwrap();
                return property(Target::ValidationSoundness, "validation-soundness", r);
            }
            out.evals.push(Evaluation {
                policy_id: p.id.0.clone(),
                policy_text,
                request_index: ri,
                case: EvalCase {
                    schema: None,
                    expr_text: engine::printer::expr_to_text(&cond),
                    expr_json: engine::est::expr_to_json(&cond),
                    entities: entities_json.clone(),
                    request: request_json.clone(),
                    text_seed: None,
                    render_seed: i.render_seed,
                },
            });
        }
    }
    Verdict::Agree
}

/// The other engines (after ours, the first) on the recorded evaluations.
/// All are sent before any answer is read, so the model works while the
/// client writes.
pub fn finish(case: SoundnessCase, d: &mut Differ) -> Verdict {
    if !matches!(case.verdict, Verdict::Agree) {
        return case.verdict;
    }
    for engine in d.engines.iter_mut().skip(1) {
        for e in &case.evals {
            engine.send_ahead(Job::Evaluate(&e.case));
        }
        for e in &case.evals {
            let answer = match engine.evaluate(&e.case) {
                Ok(a) => a,
                Err(f) => return Verdict::Fault(f),
            };
            let bad = match &answer {
                Outcome::Answer(EvalAnswer::Value(Value::Bool(_))) => None,
                Outcome::Answer(EvalAnswer::Error(c)) => {
                    matches!(c.as_str(), "typeError" | "attrDoesNotExist" | "tagDoesNotExist").then(|| c.clone())
                }
                Outcome::Answer(other) => Some(format!("{other}")),
                // The model must read what our engine read: not a premise
                // failure but a fault of the comparison, reported.
                Outcome::Rejected(why) => Some(format!("rejected the input: {why}")),
            };
            if let Some(bad) = bad {
                let mut r = String::new();
                writeln!(r, "policy {} validated (our validator) but {}: {bad}", e.policy_id, engine.name()).unwrap();
                writeln!(r, "--- schema ---\n{}", case.schema_text).unwrap();
                writeln!(r, "--- policy ---\n{}", e.policy_text).unwrap();
                writeln!(r, "--- condition (EST, as the model read it) ---\n{}", e.case.expr_json).unwrap();
                writeln!(r, "--- entities ---\n{}", serde_json::to_string_pretty(&e.case.entities).unwrap_or_default())
                    .unwrap();
                writeln!(r, "--- request {} ---\n{}", e.request_index, e.case.request).unwrap();
                return property(Target::ValidationSoundness, "validation-soundness", r);
            }
        }
    }
    d.counters.requests += case.evals.len() as u64;
    Verdict::Agree
}
