//! The reference model behind the `Engine` trait, through the model-runner
//! client (a supervised child process speaking Cedar's public JSON). The
//! model gets the policy-set JSON and the EST expression: its front end is
//! the JSON reader, ours is the text parser.

use crate::answer::{AuthAnswer, EngineResult, EvalAnswer, Fault, Outcome};
use crate::case::{AuthCase, EvalCase};
use crate::engine::Engine;
use crate::validation::{RequestValidationCase, RequestVerdicts, ValidationCase, Verdicts};
use engine::authorizer::Decision;
use model_runner::{
    ClientConfig, FaultKind, ModelClient, ModelFault, ModelReply, PendingAuthorize, PendingEvaluate, PendingValidate,
};
use std::collections::VecDeque;

pub struct ModelEngine {
    client: ModelClient,
    /// Requests sent by `start_authorize`/`start_evaluate` and not yet
    /// received, oldest first, each with the case it was sent for.
    pending: VecDeque<Pending>,
}

enum Pending {
    Authorize(PendingAuthorize, AuthCase),
    Evaluate(PendingEvaluate, EvalCase),
    Validate(PendingValidate, ValidationCase),
}

impl Pending {
    fn is_for_auth(&self, case: &AuthCase) -> bool {
        matches!(self, Pending::Authorize(_, c) if c == case)
    }
    fn is_for_eval(&self, case: &EvalCase) -> bool {
        matches!(self, Pending::Evaluate(_, c) if c == case)
    }
    fn is_for_validation(&self, case: &ValidationCase) -> bool {
        matches!(self, Pending::Validate(_, c) if c == case)
    }
}

impl ModelEngine {
    pub fn spawn() -> Result<ModelEngine, String> {
        let client =
            ModelClient::spawn(ClientConfig::from_env()).map_err(|f| format!("cannot start the model: {f}"))?;
        Ok(ModelEngine { client, pending: VecDeque::new() })
    }

    /// The pending request sent for this case. Requests ahead of it whose
    /// case never came to be collected (the driver stopped early, or our
    /// engine panicked first) are dropped: the client discards their replies,
    /// so no answer is ever compared with another case's.
    fn take_pending(&mut self, is_for_case: impl Fn(&Pending) -> bool) -> Option<Pending> {
        while let Some(p) = self.pending.pop_front() {
            if is_for_case(&p) {
                return Some(p);
            }
        }
        None
    }
}

/// The reply to a request already sent (`pending`), or to one sent now. A
/// request sent before the model restarted (a fault on an earlier case) is
/// asked again.
fn reply<P, R>(
    client: &mut ModelClient,
    pending: Option<P>,
    send: impl Fn(&mut ModelClient) -> Result<P, ModelFault>,
    finish: impl Fn(&mut ModelClient, P) -> Result<R, ModelFault>,
) -> Result<R, Fault> {
    let again = |client: &mut ModelClient| send(client).and_then(|p| finish(client, p));
    match pending.map(|p| finish(client, p)) {
        Some(Err(f)) if f.kind == FaultKind::Lost => again(client),
        Some(r) => r,
        None => again(client),
    }
    .map_err(fault)
}

fn fault(f: ModelFault) -> Fault {
    Fault { engine: "model".into(), message: f.to_string() }
}

impl Engine for ModelEngine {
    fn name(&self) -> &str {
        "model"
    }

    fn start_authorize(&mut self, case: &AuthCase) -> Result<(), Fault> {
        let p = self.client.send_authorize(&case.policies_json, &case.entities, &case.requests).map_err(fault)?;
        self.pending.push_back(Pending::Authorize(p, case.clone()));
        Ok(())
    }

    fn start_evaluate(&mut self, case: &EvalCase) -> Result<(), Fault> {
        let p = self.client.send_evaluate(&case.expr_json, &case.entities, &case.request).map_err(fault)?;
        self.pending.push_back(Pending::Evaluate(p, case.clone()));
        Ok(())
    }

    fn has_validator(&self) -> bool {
        true
    }

    fn start_validate(&mut self, case: &ValidationCase) -> Result<(), Fault> {
        let p = self.client.send_validate(&case.schema_json, &case.policies_json).map_err(fault)?;
        self.pending.push_back(Pending::Validate(p, case.clone()));
        Ok(())
    }

    fn validate(&mut self, case: &ValidationCase) -> EngineResult<Verdicts> {
        let pending = match self.take_pending(|p| p.is_for_validation(case)) {
            Some(Pending::Validate(p, _)) => Some(p),
            _ => None,
        };
        let send = |c: &mut ModelClient| c.send_validate(&case.schema_json, &case.policies_json);
        match reply(&mut self.client, pending, send, ModelClient::finish_validate)? {
            ModelReply::InputRejected(why) => Ok(Outcome::Rejected(why)),
            ModelReply::Answer(verdicts) => {
                let mut out = Verdicts::new();
                for v in verdicts {
                    if out.insert(v.id.clone(), v.errors).is_some() {
                        return Err(Fault { engine: "model".into(), message: format!("two verdicts for {}", v.id) });
                    }
                }
                Ok(Outcome::Answer(out))
            }
        }
    }

    fn validate_requests(&mut self, case: &RequestValidationCase) -> EngineResult<RequestVerdicts> {
        match self.client.validate_requests(&case.schema_json, &case.requests).map_err(fault)? {
            ModelReply::InputRejected(why) => Ok(Outcome::Rejected(why)),
            ModelReply::Answer(vs) => Ok(Outcome::Answer(vs.iter().map(Result::is_ok).collect())),
        }
    }

    fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
        let pending = match self.take_pending(|p| p.is_for_auth(case)) {
            Some(Pending::Authorize(p, _)) => Some(p),
            _ => None,
        };
        let send = |c: &mut ModelClient| c.send_authorize(&case.policies_json, &case.entities, &case.requests);
        match reply(&mut self.client, pending, send, ModelClient::finish_authorize)? {
            ModelReply::InputRejected(why) => Ok(Outcome::Rejected(why)),
            ModelReply::Answer(answers) => Ok(Outcome::Answer(
                answers
                    .into_iter()
                    .map(|a| AuthAnswer {
                        decision: match a.decision {
                            model_runner::Decision::Allow => Decision::Allow,
                            model_runner::Decision::Deny => Decision::Deny,
                        },
                        reason: a.reason,
                        errors: a.errors,
                    })
                    .collect(),
            )),
        }
    }

    fn evaluate(&mut self, case: &EvalCase) -> EngineResult<EvalAnswer> {
        let pending = match self.take_pending(|p| p.is_for_eval(case)) {
            Some(Pending::Evaluate(p, _)) => Some(p),
            _ => None,
        };
        let send = |c: &mut ModelClient| c.send_evaluate(&case.expr_json, &case.entities, &case.request);
        match reply(&mut self.client, pending, send, ModelClient::finish_evaluate)? {
            ModelReply::InputRejected(why) => Ok(Outcome::Rejected(why)),
            ModelReply::Answer(model_runner::EvalAnswer::Error(c)) => Ok(Outcome::Answer(EvalAnswer::Error(c))),
            ModelReply::Answer(model_runner::EvalAnswer::Value(j)) => {
                Ok(Outcome::Answer(match crate::ours::read_value(&j) {
                    Ok(v) => EvalAnswer::Value(v),
                    Err(why) => EvalAnswer::Unreadable(j, why),
                }))
            }
        }
    }
}
