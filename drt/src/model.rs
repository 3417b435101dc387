//! The reference model behind the `Engine` trait, through the model-runner
//! client (a supervised child process speaking Cedar's public JSON). The
//! model gets the policy-set JSON and the EST expression: its front end is
//! the JSON reader, ours is the text parser.

use crate::answer::{AuthAnswer, EngineResult, EvalAnswer, Fault, Outcome};
use crate::case::{AuthCase, EvalCase};
use crate::engine::Engine;
use crate::entity_validation::{Conformity, DataJson, DataVerdicts};
use crate::pipeline::{Job, SentAhead};
use crate::validation::{RequestValidationCase, RequestVerdicts, ValidationCase, Verdicts};
use engine::authorizer::Decision;
use model_runner::{
    ClientConfig, FaultKind, ModelClient, ModelFault, ModelReply, PendingAuthorize, PendingEvaluate, PendingValidate,
};

pub struct ModelEngine {
    client: ModelClient,
    /// Jobs sent ahead and not yet answered (`crate::pipeline`).
    ahead: SentAhead<Sent>,
}

/// The client's handle to a request sent ahead.
enum Sent {
    Authorize(PendingAuthorize),
    Evaluate(PendingEvaluate),
    Validate(PendingValidate),
}

impl ModelEngine {
    pub fn spawn() -> Result<ModelEngine, String> {
        let client =
            ModelClient::spawn(ClientConfig::from_env()).map_err(|f| format!("cannot start the model: {f}"))?;
        Ok(ModelEngine { client, ahead: SentAhead::default() })
    }
}

/// The reply to a request sent ahead (`sent`), or to one sent now. A
/// request sent before the model restarted (a fault on an earlier case) is
/// asked again; a failure to send it ahead is this job's fault.
fn reply<P, R>(
    client: &mut ModelClient,
    sent: Option<Result<P, Fault>>,
    send: impl Fn(&mut ModelClient) -> Result<P, ModelFault>,
    finish: impl Fn(&mut ModelClient, P) -> Result<R, ModelFault>,
) -> Result<R, Fault> {
    let again = |client: &mut ModelClient| send(client).and_then(|p| finish(client, p));
    match sent.transpose()?.map(|p| finish(client, p)) {
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

    fn send_ahead(&mut self, job: Job<'_>) {
        let c = &mut self.client;
        let sent = match job {
            Job::Authorize(case) => {
                c.send_authorize(&case.policies_json, &case.entities, &case.requests).map(Sent::Authorize)
            }
            Job::Evaluate(case) => c.send_evaluate(&case.expr_json, &case.entities, &case.request).map(Sent::Evaluate),
            Job::Validate(case) => c.send_validate(&case.schema_json, &case.policies_json).map(Sent::Validate),
        };
        self.ahead.push(job, sent.map_err(fault));
    }

    fn has_validator(&self) -> bool {
        true
    }

    fn validate(&mut self, case: &ValidationCase) -> EngineResult<Verdicts> {
        let sent = self.ahead.take(Job::Validate(case)).map(|s| match s? {
            Sent::Validate(p) => Ok(p),
            _ => unreachable!("taken for a validation job"),
        });
        let send = |c: &mut ModelClient| c.send_validate(&case.schema_json, &case.policies_json);
        match reply(&mut self.client, sent, send, ModelClient::finish_validate)? {
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

    fn validate_data(&mut self, schema_json: &serde_json::Value, data: &DataJson) -> EngineResult<DataVerdicts> {
        // The model's loader refuses some data before it consults the schema
        // (an action with a non-action parent, as Cedar's loader does): that
        // is its verdict that the entities do not conform, naming no kind.
        let entities = match self.client.validate_entities(schema_json, &data.entities).map_err(fault)? {
            ModelReply::InputRejected(_) => Conformity::Fails(Default::default()),
            ModelReply::Answer(errs) if errs.is_empty() => Conformity::Conforms,
            ModelReply::Answer(errs) => Conformity::Fails(errs.into_iter().map(|e| e.kind).collect()),
        };
        let requests = match self.client.validate_requests(schema_json, &data.requests).map_err(fault)? {
            ModelReply::InputRejected(why) => return Ok(Outcome::Rejected(format!("requests: {why}"))),
            ModelReply::Answer(vs) => vs
                .into_iter()
                .map(|v| match v {
                    Ok(()) => Conformity::Conforms,
                    Err(n) => Conformity::Fails([n.kind].into()),
                })
                .collect(),
        };
        Ok(Outcome::Answer(DataVerdicts { entities, requests }))
    }

    fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
        let sent = self.ahead.take(Job::Authorize(case)).map(|s| match s? {
            Sent::Authorize(p) => Ok(p),
            _ => unreachable!("taken for an authorization job"),
        });
        let send = |c: &mut ModelClient| c.send_authorize(&case.policies_json, &case.entities, &case.requests);
        match reply(&mut self.client, sent, send, ModelClient::finish_authorize)? {
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
        let sent = self.ahead.take(Job::Evaluate(case)).map(|s| match s? {
            Sent::Evaluate(p) => Ok(p),
            _ => unreachable!("taken for an evaluation job"),
        });
        let send = |c: &mut ModelClient| c.send_evaluate(&case.expr_json, &case.entities, &case.request);
        match reply(&mut self.client, sent, send, ModelClient::finish_evaluate)? {
            ModelReply::InputRejected(why) => Ok(Outcome::Rejected(why)),
            ModelReply::Answer(model_runner::EvalAnswer::Error(c)) => {
                Ok(Outcome::Answer(crate::answer::spec_error(self.name(), &c)?))
            }
            ModelReply::Answer(model_runner::EvalAnswer::Value(j)) => {
                Ok(Outcome::Answer(match crate::ours::read_value(&j) {
                    Ok(v) => EvalAnswer::Value(v),
                    Err(why) => EvalAnswer::Unreadable(j, why),
                }))
            }
        }
    }
}
