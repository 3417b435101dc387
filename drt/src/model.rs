//! The reference model behind the `Engine` trait, through the model-runner
//! client (a supervised child process speaking Cedar's public JSON). The
//! model gets the policy-set JSON and the EST expression: its front end is
//! the JSON reader, ours is the text parser.

use crate::answer::{AuthAnswer, EngineResult, EvalAnswer, Fault, Outcome};
use crate::case::{AuthCase, EvalCase};
use crate::engine::Engine;
use engine::authorizer::Decision;
use model_runner::{ClientConfig, ModelClient, ModelFault, ModelReply};

pub struct ModelEngine {
    client: ModelClient,
}

impl ModelEngine {
    pub fn spawn() -> Result<ModelEngine, String> {
        let client = ModelClient::spawn(ClientConfig::from_env()).map_err(|f| format!("cannot start the model: {f}"))?;
        Ok(ModelEngine { client })
    }
}

fn fault(f: ModelFault) -> Fault {
    Fault { engine: "model".into(), message: f.to_string() }
}

impl Engine for ModelEngine {
    fn name(&self) -> &str {
        "model"
    }

    fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
        match self.client.authorize(&case.policies_json, &case.entities, &case.requests).map_err(fault)? {
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
        match self.client.evaluate(&case.expr_json, &case.entities, &case.request).map_err(fault)? {
            ModelReply::InputRejected(why) => Ok(Outcome::Rejected(why)),
            ModelReply::Answer(model_runner::EvalAnswer::Error(c)) => Ok(Outcome::Answer(EvalAnswer::Error(c))),
            ModelReply::Answer(model_runner::EvalAnswer::Value(j)) => Ok(Outcome::Answer(match crate::ours::read_value(&j) {
                Ok(v) => EvalAnswer::Value(v),
                Err(why) => EvalAnswer::Unreadable(j, why),
            })),
        }
    }
}
