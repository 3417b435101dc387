//! The reference model behind the `Engine` trait, through the model-runner
//! client (a supervised child process speaking Cedar's public JSON). The
//! model gets the policy-set JSON and the EST expression: its front end is
//! the JSON reader, ours is the text parser.

use crate::answer::{AuthAnswer, EngineResult, EvalAnswer, Fault, Outcome};
use crate::case::{AuthCase, EvalCase};
use crate::engine::Engine;
use engine::authorizer::Decision;
use model_runner::{ClientConfig, ModelClient, ModelFault, ModelReply, PendingAuthorize, PendingEvaluate};

pub struct ModelEngine {
    client: ModelClient,
    /// A request sent by `start_authorize`/`start_evaluate`, not yet received.
    pending: Pending,
}

enum Pending {
    Nothing,
    Authorize(PendingAuthorize),
    Evaluate(PendingEvaluate),
}

impl ModelEngine {
    pub fn spawn() -> Result<ModelEngine, String> {
        let client = ModelClient::spawn(ClientConfig::from_env()).map_err(|f| format!("cannot start the model: {f}"))?;
        Ok(ModelEngine { client, pending: Pending::Nothing })
    }
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
        self.pending = Pending::Authorize(p);
        Ok(())
    }

    fn start_evaluate(&mut self, case: &EvalCase) -> Result<(), Fault> {
        let p = self.client.send_evaluate(&case.expr_json, &case.entities, &case.request).map_err(fault)?;
        self.pending = Pending::Evaluate(p);
        Ok(())
    }

    fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
        let sent = match std::mem::replace(&mut self.pending, Pending::Nothing) {
            Pending::Authorize(p) => p,
            _ => self.client.send_authorize(&case.policies_json, &case.entities, &case.requests).map_err(fault)?,
        };
        match self.client.finish_authorize(sent).map_err(fault)? {
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
        let sent = match std::mem::replace(&mut self.pending, Pending::Nothing) {
            Pending::Evaluate(p) => p,
            _ => self.client.send_evaluate(&case.expr_json, &case.entities, &case.request).map_err(fault)?,
        };
        match self.client.finish_evaluate(sent).map_err(fault)? {
            ModelReply::InputRejected(why) => Ok(Outcome::Rejected(why)),
            ModelReply::Answer(model_runner::EvalAnswer::Error(c)) => Ok(Outcome::Answer(EvalAnswer::Error(c))),
            ModelReply::Answer(model_runner::EvalAnswer::Value(j)) => Ok(Outcome::Answer(match crate::ours::read_value(&j) {
                Ok(v) => EvalAnswer::Value(v),
                Err(why) => EvalAnswer::Unreadable(j, why),
            })),
        }
    }
}
