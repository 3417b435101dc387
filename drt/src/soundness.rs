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
//! by our evaluator, and then by every other engine (the model, reading the
//! same entities and request JSON): the theorem is about the language, so an
//! evaluator that hides a type error — ours or the model's — must not hide
//! the validator's unsoundness. The other engines get one authorization of
//! the accepted policies (as static policies) on the conforming requests:
//! a policy not among a request's erroring policies evaluated to a boolean.
//! Only the erroring (policy, request) pairs are then evaluated alone, to
//! learn the error's kind. One line for the model per input instead of one
//! per pair, which re-sent the whole store each time.

use crate::answer::{EvalAnswer, Fault, Outcome};
use crate::case::{AuthCase, EvalCase};
use crate::diff::{Differ, Verdict};
use crate::engine::Engine;
use crate::targets::{property, Target};
use engine::ast::Policy;
use engine::entities::Entities;
use engine::eval::ErrorKind;
use engine::value::Value;
use serde_json::{json, Value as Json};
use std::fmt::Write;

/// One input after our engine's check: its verdict, and what the other
/// engines must pass.
pub struct SoundnessCase {
    verdict: Verdict,
    /// Whether some policy validated (the share is reported: a target whose
    /// inputs never validate tests nothing).
    pub validated: bool,
    schema_text: String,
    accepted: Vec<Accepted>,
    /// The accepted policies as static policies `policy0`, … (in the order
    /// of `accepted`) on the conforming requests, with the escaped data;
    /// `None` when nothing is left to ask.
    pub auth: Option<AuthCase>,
    /// `auth.requests[k]` is the generated input's request `request_index[k]`.
    request_index: Vec<usize>,
}

/// An accepted policy, as the other engines get it.
struct Accepted {
    policy_id: String,
    policy_text: String,
    condition: engine::ast::Expr,
}

pub fn prepare(i: &generators::AuthInput) -> SoundnessCase {
    let skipped = |verdict| SoundnessCase {
        verdict,
        validated: false,
        schema_text: String::new(),
        accepted: vec![],
        auth: None,
        request_index: vec![],
    };
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
    let mut case = skipped(Verdict::Agree);
    case.validated = true;
    case.schema_text = crate::schema_text::schema_to_text(schema);
    case.verdict = ours(i, schema, &accepted, &mut case);
    case
}

/// Our evaluator on every accepted policy and conforming request; records
/// what the other engines are asked.
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
    out.accepted = accepted
        .iter()
        .map(|p| Accepted {
            policy_id: p.id.0.clone(),
            policy_text: engine::printer::policy_to_text(p),
            condition: p.condition(),
        })
        .collect();
    let mut requests = vec![];
    for (ri, r) in i.requests.iter().enumerate() {
        let request_json = w.request(r);
        let Ok(req) = engine::request::Request::from_json(&request_json, Some(schema)) else { continue };
        if engine::validator::validate_request(schema, &req).is_err() {
            continue;
        }
        for p in &out.accepted {
            let bad = match engine::eval::evaluate(&p.condition, &req, &es) {
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
            if let Some(bad) = bad {
                let mut r = String::new();
                writeln!(r, "policy {} validated but our evaluator: {bad}", p.policy_id).unwrap();
                writeln!(r, "--- schema ---\n{}", out.schema_text).unwrap();
                writeln!(r, "--- policy ---\n{}", p.policy_text).unwrap();
                writeln!(r, "--- entities ---\n{}", serde_json::to_string_pretty(&es.to_json()).unwrap_or_default())
                    .unwrap();
                writeln!(r, "--- request {ri} ---\n{}", req.to_json()).unwrap();
                return property(Target::ValidationSoundness, "validation-soundness", r);
            }
        }
        out.request_index.push(ri);
        requests.push(request_json);
    }
    if !requests.is_empty() {
        // The policy JSON has no id: the key names it.
        let statics: serde_json::Map<String, Json> =
            accepted.iter().enumerate().map(|(k, p)| (format!("policy{k}"), engine::est::policy_to_json(p))).collect();
        out.auth = Some(AuthCase {
            schema: None,
            // Ids by position, as readers of policy text assign them.
            policies_text: out.accepted.iter().map(|a| a.policy_text.as_str()).collect::<Vec<_>>().join("\n"),
            policies_json: json!({"staticPolicies": statics, "templates": {}, "templateLinks": []}),
            entities: entities_json,
            with_schema: None,
            requests,
            text_seed: None,
            render_seed: i.render_seed,
        });
    }
    Verdict::Agree
}

/// The other engines (after ours, the first): the authorization sent ahead
/// (`Prepared::job`), then an evaluation of each erroring pair for its kind.
pub fn finish(case: SoundnessCase, d: &mut Differ) -> Verdict {
    let Some(auth) = case.auth.as_ref().filter(|_| matches!(case.verdict, Verdict::Agree)) else {
        return case.verdict;
    };
    for other in d.engines.iter_mut().skip(1) {
        match check_other(&case, auth, other.as_mut()) {
            Err(fault) => return Verdict::Fault(fault),
            Ok(Some(failure)) => return case.report(other.name(), auth, failure),
            Ok(None) => {}
        }
    }
    d.counters.requests += (case.accepted.len() * auth.requests.len()) as u64;
    Verdict::Agree
}

/// Where another engine broke the theorem: which accepted policy on which
/// of `auth`'s requests (both `None` when it refused the input itself).
struct Failure {
    policy: Option<usize>,
    request: Option<usize>,
    what: String,
    condition: Option<Json>,
}

fn check_other(case: &SoundnessCase, auth: &AuthCase, other: &mut dyn Engine) -> Result<Option<Failure>, Fault> {
    let refused = |why: String| Failure {
        policy: None,
        request: None,
        what: format!("rejected the input: {why}"),
        condition: None,
    };
    let answers = match other.authorize(auth)? {
        Outcome::Answer(a) => a,
        // It must read what our engine read: not a premise failure but a
        // failure of the comparison, reported.
        Outcome::Rejected(why) => return Ok(Some(refused(why))),
    };
    let name = other.name().to_string();
    let fault = |message: String| Fault { engine: name.clone(), message };
    if answers.len() != auth.requests.len() {
        return Err(fault(format!("{} answers for {} requests", answers.len(), auth.requests.len())));
    }
    for (k, answer) in answers.iter().enumerate() {
        for id in &answer.errors {
            let Some(p) =
                id.strip_prefix("policy").and_then(|n| n.parse::<usize>().ok()).filter(|&n| n < case.accepted.len())
            else {
                return Err(fault(format!("named an erroring policy `{id}` it was not given")));
            };
            let condition = &case.accepted[p].condition;
            let eval = EvalCase {
                schema: None,
                expr_text: engine::printer::expr_to_text(condition),
                expr_json: engine::est::expr_to_json(condition),
                entities: auth.entities.clone(),
                request: auth.requests[k].clone(),
                text_seed: None,
                render_seed: auth.render_seed,
            };
            let what = match other.evaluate(&eval)? {
                Outcome::Answer(EvalAnswer::Error(c)) => {
                    matches!(c.as_str(), "typeError" | "attrDoesNotExist" | "tagDoesNotExist").then(|| c.clone())
                }
                // Authorization said it errs: an engine contradicting itself.
                Outcome::Answer(EvalAnswer::Value(Value::Bool(b))) => {
                    Some(format!("errs in authorization, yet its condition evaluates to {b}"))
                }
                Outcome::Answer(other) => Some(format!("{other}")),
                Outcome::Rejected(why) => Some(format!("rejected the input: {why}")),
            };
            if let Some(what) = what {
                return Ok(Some(Failure { policy: Some(p), request: Some(k), what, condition: Some(eval.expr_json) }));
            }
        }
    }
    Ok(None)
}

impl SoundnessCase {
    fn report(&self, engine: &str, auth: &AuthCase, f: Failure) -> Verdict {
        let mut r = String::new();
        let policies = match f.policy {
            Some(p) => {
                writeln!(r, "policy {} validated (our validator) but {engine}: {}", self.accepted[p].policy_id, f.what)
                    .unwrap();
                self.accepted[p].policy_text.clone()
            }
            None => {
                writeln!(r, "the policies validated (our validator) but {engine}: {}", f.what).unwrap();
                auth.policies_text.clone()
            }
        };
        writeln!(r, "--- schema ---\n{}", self.schema_text).unwrap();
        writeln!(r, "--- policy ---\n{policies}").unwrap();
        if let Some(c) = &f.condition {
            writeln!(r, "--- condition (EST, as {engine} read it) ---\n{c}").unwrap();
        }
        writeln!(r, "--- entities ---\n{}", serde_json::to_string_pretty(&auth.entities).unwrap_or_default()).unwrap();
        match f.request {
            Some(k) => writeln!(r, "--- request {} ---\n{}", self.request_index[k], auth.requests[k]).unwrap(),
            None => writeln!(r, "--- requests ---\n{}", Json::Array(auth.requests.clone())).unwrap(),
        }
        property(Target::ValidationSoundness, "validation-soundness", r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::{AuthAnswer, EngineResult};
    use crate::gen::Source;
    use engine::authorizer::Decision;

    /// Another engine with canned answers: the given request errs in
    /// `erring` (an id as it names it), whose evaluation gives `evaluation`.
    struct Canned {
        erring: Option<(usize, &'static str)>,
        evaluation: EvalAnswer,
    }
    impl Engine for Canned {
        fn name(&self) -> &str {
            "canned"
        }
        fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
            Ok(Outcome::Answer(
                (0..case.requests.len())
                    .map(|k| AuthAnswer {
                        decision: Decision::Deny,
                        reason: Default::default(),
                        errors: self.erring.filter(|e| e.0 == k).map(|e| e.1.to_string()).into_iter().collect(),
                    })
                    .collect(),
            ))
        }
        fn evaluate(&mut self, _: &EvalCase) -> EngineResult<EvalAnswer> {
            Ok(Outcome::Answer(self.evaluation.clone()))
        }
    }

    /// A seeded input with an accepted policy and a conforming request.
    fn accepted_case() -> SoundnessCase {
        (0..200)
            .map(|seed| prepare(&crate::gen::auth_input(Target::ValidationSoundness, Source::Seed(seed)).unwrap()))
            .find(|c| c.auth.is_some() && matches!(c.verdict, Verdict::Agree))
            .expect("some seed validates")
    }

    fn judge(erring: Option<(usize, &'static str)>, evaluation: EvalAnswer) -> Verdict {
        let ours = Box::new(crate::ours::OurEngine);
        let mut d = Differ::new(vec![ours, Box::new(Canned { erring, evaluation })]);
        finish(accepted_case(), &mut d)
    }

    #[test]
    fn another_engine_breaking_the_theorem_is_a_finding() {
        let type_error = || EvalAnswer::Error("typeError".into());
        assert!(matches!(judge(None, type_error()), Verdict::Agree), "no erroring policy: nothing to report");
        let overflow = EvalAnswer::Error("arithBoundsError".into());
        assert!(matches!(judge(Some((0, "policy0")), overflow), Verdict::Agree), "an allowed error");
        for bad in [type_error(), EvalAnswer::Error("attrDoesNotExist".into()), EvalAnswer::Value(Value::Long(1))] {
            let v = judge(Some((0, "policy0")), bad);
            assert!(
                matches!(&v, Verdict::Finding(f) if f.report.contains("validated (our validator) but canned")),
                "{v:?}"
            );
        }
        let contradiction = judge(Some((0, "policy0")), EvalAnswer::Value(Value::Bool(true)));
        assert!(matches!(&contradiction, Verdict::Finding(f) if f.report.contains("errs in authorization")));
        assert!(matches!(judge(Some((0, "policy99")), type_error()), Verdict::Fault(_)), "an id it was not given");
    }
}
