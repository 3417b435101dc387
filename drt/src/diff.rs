//! Running every engine on one case and turning the comparison into a
//! verdict: agreement, a known discrepancy, a finding with its report, or an
//! engine fault (never confused with a disagreement).

use crate::answer::{AuthAnswer, EvalAnswer, Fault, Outcome};
use crate::case::{AnyCase, AuthCase, EvalCase};
use crate::compare::{compare_auth, compare_eval, Bucket};
use crate::engine::Engine;
use crate::entity_validation::{DataVerdicts, EntityValidationCase};
use crate::known::KnownList;
use crate::ours::OurEngine;
use crate::pipeline::Job;
use crate::validation::{compare_validation, RequestValidationCase, RequestVerdicts, ValidationCase, Verdicts};
use std::fmt;

/// What kind of finding: two engines disagree, or a property failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    Disagreement(Bucket),
    /// A single-engine property (roundtrip, soundness, no panic, `like`).
    Property(&'static str),
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FindingKind::Disagreement(b) => write!(f, "disagreement/{b}"),
            FindingKind::Property(p) => write!(f, "property/{p}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub target: String,
    pub kind: FindingKind,
    /// The input in public formats, when it has one.
    pub case: Option<AnyCase>,
    pub report: String,
}

#[derive(Debug, Clone)]
pub enum Verdict {
    Agree,
    /// The generator could not build an input from these bytes (counted).
    Skipped,
    /// Listed in the known-discrepancy list (its id).
    Known(String),
    Finding(Box<Finding>),
    Fault(Fault),
}

/// Counters over a run.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    pub inputs: u64,
    pub requests: u64,
    pub agreed: u64,
    pub rejected_by_all: u64,
    pub skipped: u64,
    pub known: u64,
    pub findings: u64,
    pub faults: u64,
    /// validation-soundness: inputs whose policies validated (validation-drt:
    /// inputs all of whose policies validated, by our validator).
    pub validated: u64,
    /// validation-drt: policies, templates and links our validator rejected
    /// (request-validation: requests that do not conform).
    pub invalid_policies: u64,
}

impl Counters {
    pub fn count(&mut self, v: &Verdict) {
        self.inputs += 1;
        match v {
            Verdict::Agree => self.agreed += 1,
            Verdict::Skipped => self.skipped += 1,
            Verdict::Known(_) => self.known += 1,
            Verdict::Finding(_) => self.findings += 1,
            Verdict::Fault(_) => self.faults += 1,
        }
    }
}

/// The engines under test; the first is the one the others are compared to.
pub struct Differ {
    pub engines: Vec<Box<dyn Engine + Send>>,
    pub known: KnownList,
    pub counters: Counters,
}

impl Differ {
    pub fn new(engines: Vec<Box<dyn Engine + Send>>) -> Differ {
        Differ { engines, known: KnownList::builtin(), counters: Counters::default() }
    }

    /// Our engine alone (property targets, or no model available).
    pub fn engine_only() -> Differ {
        Differ::new(vec![Box::new(OurEngine::new())])
    }

    /// Our engine and the model, or an error saying why the model is missing.
    #[cfg(feature = "model")]
    pub fn with_model() -> Result<Differ, String> {
        let m = crate::model::ModelEngine::spawn()?;
        Ok(Differ::new(vec![Box::new(OurEngine::new()), Box::new(m)]))
    }
    #[cfg(not(feature = "model"))]
    pub fn with_model() -> Result<Differ, String> {
        Err("drt was built without the `model` feature".into())
    }

    /// The engines named in `list` (`ours`, `model`, `upstream`, comma-separated;
    /// `ours` must come first: it is the one the others are compared to).
    pub fn with_engines(list: &str) -> Result<Differ, String> {
        let names: Vec<&str> = list.split(',').map(str::trim).filter(|n| !n.is_empty()).collect();
        if names.first() != Some(&"ours") {
            return Err(format!("--engines must start with `ours` (got `{list}`)"));
        }
        let mut engines: Vec<Box<dyn Engine + Send>> = Vec::new();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(format!("engine `{n}` named twice"));
            }
            engines.push(match *n {
                "ours" => Box::new(OurEngine::new()),
                #[cfg(feature = "model")]
                "model" => Box::new(crate::model::ModelEngine::spawn()?),
                #[cfg(feature = "upstream")]
                "upstream" => Box::new(crate::upstream::UpstreamEngine::new()),
                #[cfg(not(feature = "model"))]
                "model" => return Err("drt was built without the `model` feature".into()),
                #[cfg(not(feature = "upstream"))]
                "upstream" => {
                    return Err("drt was built without the `upstream` feature (cargo … --features upstream)".into())
                }
                other => return Err(format!("unknown engine `{other}` (known: ours, model, upstream)")),
            });
        }
        Ok(Differ::new(engines))
    }

    pub fn names(&self) -> Vec<String> {
        self.engines.iter().map(|e| e.name().to_string()).collect()
    }

    /// Hands `job` to every engine ahead of judging it (`crate::pipeline`).
    pub fn send_ahead(&mut self, job: Job<'_>) {
        for e in self.engines.iter_mut() {
            e.send_ahead(job);
        }
    }

    /// Every engine's outcome for an authorization case (or the first fault).
    pub fn authorize_all(&mut self, case: &AuthCase) -> Result<Vec<Outcome<Vec<AuthAnswer>>>, Fault> {
        self.send_ahead(Job::Authorize(case));
        self.collect_auth(case)
    }

    fn collect_auth(&mut self, case: &AuthCase) -> Result<Vec<Outcome<Vec<AuthAnswer>>>, Fault> {
        let mut outs = Vec::new();
        for e in self.engines.iter_mut() {
            let o = e.authorize(case)?;
            if let Outcome::Answer(a) = &o {
                if a.len() != case.requests.len() {
                    return Err(Fault {
                        engine: e.name().to_string(),
                        message: format!("{} answers for {} requests", a.len(), case.requests.len()),
                    });
                }
            }
            outs.push(o);
        }
        Ok(outs)
    }

    pub fn evaluate_all(&mut self, case: &EvalCase) -> Result<Vec<Outcome<EvalAnswer>>, Fault> {
        self.send_ahead(Job::Evaluate(case));
        self.collect_eval(case)
    }

    fn collect_eval(&mut self, case: &EvalCase) -> Result<Vec<Outcome<EvalAnswer>>, Fault> {
        self.engines.iter_mut().map(|e| e.evaluate(case)).collect()
    }

    /// Runs every engine on `case` and compares.
    pub fn check_auth(&mut self, target: &str, case: &AuthCase) -> Verdict {
        self.send_ahead(Job::Authorize(case));
        self.judge_auth(target, case)
    }

    /// Asks every engine for its answers to `case` (sent ahead or not) and compares.
    pub fn judge_auth(&mut self, target: &str, case: &AuthCase) -> Verdict {
        self.counters.requests += case.requests.len() as u64;
        let outs = match self.collect_auth(case) {
            Ok(o) => o,
            Err(f) => return Verdict::Fault(f),
        };
        if outs.iter().all(|o| matches!(o, Outcome::Rejected(_))) {
            self.counters.rejected_by_all += 1;
        }
        for other in outs.iter().skip(1) {
            if let Some(d) = compare_auth(&outs[0], other) {
                let hash = case.hash();
                if let Some(k) = self.known.find(&hash, d.bucket) {
                    return Verdict::Known(k.id.clone());
                }
                let names = self.names();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let refs: Vec<&Outcome<Vec<AuthAnswer>>> = outs.iter().collect();
                let report = crate::report::auth_report(target, case, &names, &refs, &d);
                return Verdict::Finding(Box::new(Finding {
                    target: target.to_string(),
                    kind: FindingKind::Disagreement(d.bucket),
                    case: Some(AnyCase::Auth(case.clone())),
                    report,
                }));
            }
        }
        Verdict::Agree
    }

    /// Runs every engine's validator on `case` and compares.
    pub fn check_validate(&mut self, target: &str, case: &ValidationCase) -> Verdict {
        self.send_ahead(Job::Validate(case));
        self.judge_validate(target, case)
    }

    /// Compares every engine's validator on `case`, sent ahead or not (see
    /// `validation::compare_validation`).
    pub fn judge_validate(&mut self, target: &str, case: &ValidationCase) -> Verdict {
        let validators = self.engines.iter_mut().filter(|e| e.has_validator());
        let outs = match validators.map(|e| e.validate(case)).collect() {
            Ok(o) => o,
            Err(f) => return Verdict::Fault(f),
        };
        let outs: Vec<Outcome<Verdicts>> = outs;
        if outs.iter().all(|o| matches!(o, Outcome::Rejected(_))) {
            self.counters.rejected_by_all += 1;
        }
        if let Outcome::Answer(v) = &outs[0] {
            self.counters.requests += v.len() as u64;
            self.counters.validated += v.values().all(|k| k.is_empty()) as u64;
            self.counters.invalid_policies += v.values().filter(|k| !k.is_empty()).count() as u64;
        }
        for other in outs.iter().skip(1) {
            if let Some(bucket) = compare_validation(&outs[0], other) {
                let names: Vec<String> =
                    self.engines.iter().filter(|e| e.has_validator()).map(|e| e.name().to_string()).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let refs: Vec<&Outcome<Verdicts>> = outs.iter().collect();
                return Verdict::Finding(Box::new(Finding {
                    target: target.to_string(),
                    kind: FindingKind::Disagreement(bucket),
                    case: None,
                    report: crate::validation::report(target, case, &names, &refs, bucket),
                }));
            }
        }
        Verdict::Agree
    }

    /// Request validation by every engine with a validator: the same
    /// conforms / does not conform per request; both rejecting the input is
    /// agreement.
    pub fn check_request_validation(&mut self, target: &str, case: &RequestValidationCase) -> Verdict {
        let validators = self.engines.iter_mut().filter(|e| e.has_validator());
        let outs: Vec<Outcome<RequestVerdicts>> = match validators.map(|e| e.validate_requests(case)).collect() {
            Ok(o) => o,
            Err(f) => return Verdict::Fault(f),
        };
        self.counters.requests += case.requests.len() as u64;
        if outs.iter().all(|o| matches!(o, Outcome::Rejected(_))) {
            self.counters.rejected_by_all += 1;
            return Verdict::Agree;
        }
        if let Outcome::Answer(v) = &outs[0] {
            self.counters.invalid_policies += v.iter().filter(|ok| !**ok).count() as u64;
        }
        for other in outs.iter().skip(1) {
            let bucket = match (&outs[0], other) {
                (Outcome::Answer(a), Outcome::Answer(b)) if a == b => continue,
                (Outcome::Answer(_), Outcome::Answer(_)) => Bucket::Validity,
                _ => Bucket::Rejection,
            };
            let names: Vec<String> =
                self.engines.iter().filter(|e| e.has_validator()).map(|e| e.name().to_string()).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let refs: Vec<&Outcome<RequestVerdicts>> = outs.iter().collect();
            return Verdict::Finding(Box::new(Finding {
                target: target.to_string(),
                kind: FindingKind::Disagreement(bucket),
                case: None,
                report: crate::validation::request_report(target, case, &names, &refs),
            }));
        }
        Verdict::Agree
    }

    /// `entity-validation`: the valid data, then the injected data, through
    /// every engine with a validator (see `drt::entity_validation`).
    pub fn check_entity_validation(&mut self, target: &str, case: &EntityValidationCase) -> Verdict {
        let names: Vec<String> =
            self.engines.iter().filter(|e| e.has_validator()).map(|e| e.name().to_string()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let sets = std::iter::once(("valid", &case.valid, None))
            .chain(case.injected.iter().map(|i| ("injected", &i.data, Some(i.wrong))));
        for (which, data, wrong) in sets {
            let validators = self.engines.iter_mut().filter(|e| e.has_validator());
            let outs: Vec<Outcome<DataVerdicts>> =
                match validators.map(|e| e.validate_data(&case.schema_json, data)).collect() {
                    Ok(o) => o,
                    Err(f) => return Verdict::Fault(f),
                };
            self.counters.requests += data.requests.len() as u64;
            if wrong.is_some() {
                self.counters.invalid_policies += 1;
            }
            for other in outs.iter().skip(1) {
                if let Some(bucket) = crate::entity_validation::compare_data(&outs[0], other, wrong) {
                    let refs: Vec<&Outcome<DataVerdicts>> = outs.iter().collect();
                    return Verdict::Finding(Box::new(Finding {
                        target: target.to_string(),
                        kind: FindingKind::Disagreement(bucket),
                        case: None,
                        report: crate::entity_validation::report(target, case, which, data, &names, &refs, bucket),
                    }));
                }
            }
        }
        Verdict::Agree
    }

    pub fn check_eval(&mut self, target: &str, case: &EvalCase) -> Verdict {
        self.send_ahead(Job::Evaluate(case));
        self.judge_eval(target, case)
    }

    /// Asks every engine for its answer to `case` (sent ahead or not) and compares.
    pub fn judge_eval(&mut self, target: &str, case: &EvalCase) -> Verdict {
        self.counters.requests += 1;
        let outs = match self.collect_eval(case) {
            Ok(o) => o,
            Err(f) => return Verdict::Fault(f),
        };
        for other in outs.iter().skip(1) {
            if let Some(d) = compare_eval(&outs[0], other) {
                let hash = case.hash();
                if let Some(k) = self.known.find(&hash, d.bucket) {
                    return Verdict::Known(k.id.clone());
                }
                let names = self.names();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let refs: Vec<&Outcome<EvalAnswer>> = outs.iter().collect();
                let report = crate::report::eval_report(target, case, &names, &refs, &d);
                return Verdict::Finding(Box::new(Finding {
                    target: target.to_string(),
                    kind: FindingKind::Disagreement(d.bucket),
                    case: Some(AnyCase::Eval(case.clone())),
                    report,
                }));
            }
        }
        Verdict::Agree
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::EngineResult;
    use crate::known::Known;
    use engine::authorizer::Decision;
    use serde_json::json;

    /// An engine with canned outcomes, so the core is testable alone.
    struct Fake {
        name: &'static str,
        auth: EngineResult<Vec<AuthAnswer>>,
    }
    impl Engine for Fake {
        fn name(&self) -> &str {
            self.name
        }
        fn authorize(&mut self, _: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
            self.auth.clone()
        }
        fn evaluate(&mut self, _: &EvalCase) -> EngineResult<EvalAnswer> {
            Ok(Outcome::Answer(EvalAnswer::Error("typeError".into())))
        }
    }

    fn case() -> AuthCase {
        AuthCase {
            schema: Some("entity User;".into()),
            policies_text: "permit(principal, action, resource) when { context.x };".into(),
            policies_json: json!({"staticPolicies": {}, "templates": {}, "templateLinks": []}),
            entities: json!([]),
            with_schema: None,
            requests: vec![json!({"principal": {"type": "User", "id": "a"}})],
            text_seed: None,
            render_seed: 0,
        }
    }

    fn allow(reason: &[&str]) -> EngineResult<Vec<AuthAnswer>> {
        Ok(Outcome::Answer(vec![AuthAnswer {
            decision: if reason.is_empty() { Decision::Deny } else { Decision::Allow },
            reason: reason.iter().map(|s| s.to_string()).collect(),
            errors: Default::default(),
        }]))
    }

    fn differ(a: EngineResult<Vec<AuthAnswer>>, b: EngineResult<Vec<AuthAnswer>>) -> Differ {
        Differ::new(vec![Box::new(Fake { name: "engine", auth: a }), Box::new(Fake { name: "model", auth: b })])
    }

    #[test]
    fn agreement_finding_fault_and_known() {
        assert!(matches!(differ(allow(&["policy0"]), allow(&["policy0"])).check_auth("t", &case()), Verdict::Agree));

        let v = differ(allow(&["policy0"]), allow(&[])).check_auth("t", &case());
        let Verdict::Finding(f) = v else { panic!("expected a finding, got {v:?}") };
        assert_eq!(f.kind, FindingKind::Disagreement(Bucket::Decision));
        assert!(f.report.contains("when { context.x }"), "{}", f.report);
        assert!(f.report.contains("entity User;"), "{}", f.report);
        assert!(f.report.contains("<-- DIFFERS"), "{}", f.report);
        assert!(f.report.contains("differs: decision, reason"), "{}", f.report);

        let fault = Err(Fault { engine: "model".into(), message: "timed out".into() });
        assert!(matches!(differ(allow(&[]), fault).check_auth("t", &case()), Verdict::Fault(_)));

        // A wrong number of answers is a fault of that engine, not a disagreement.
        let v = differ(allow(&[]), Ok(Outcome::Answer(vec![]))).check_auth("t", &case());
        assert!(matches!(v, Verdict::Fault(f) if f.engine == "model"));

        let mut d = differ(allow(&["policy0"]), allow(&[]));
        d.known.entries.push(Known {
            id: "k1".into(),
            case_hash: case().hash(),
            bucket: Bucket::Decision,
            note: String::new(),
        });
        assert!(matches!(d.check_auth("t", &case()), Verdict::Known(id) if id == "k1"));
        // Exact match only: another case is still reported.
        let mut other = case();
        other.policies_text.push(' ');
        assert!(matches!(d.check_auth("t", &other), Verdict::Finding(_)));
    }

    #[test]
    fn rejection_by_one_side_is_a_disagreement() {
        let v = differ(Ok(Outcome::Rejected("bad".into())), allow(&[])).check_auth("t", &case());
        assert!(matches!(v, Verdict::Finding(f) if f.kind == FindingKind::Disagreement(Bucket::Rejection)));
        let mut d = differ(Ok(Outcome::Rejected("bad".into())), Ok(Outcome::Rejected("also".into())));
        assert!(matches!(d.check_auth("t", &case()), Verdict::Agree));
        assert_eq!(d.counters.rejected_by_all, 1);
    }
}
