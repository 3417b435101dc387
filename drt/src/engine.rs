//! The one trait every engine implements. An engine receives a case already
//! rendered in public formats and reads it through its own front end.

use crate::answer::{AuthAnswer, EngineResult, EvalAnswer, Fault};
use crate::case::{AuthCase, EvalCase};
use crate::entity_validation::{DataJson, DataVerdicts};
use crate::pipeline::Job;
use crate::validation::{RequestValidationCase, RequestVerdicts, ValidationCase, Verdicts};

pub trait Engine {
    fn name(&self) -> &str;
    /// Hands `job` over before its answer is asked for (`crate::pipeline`):
    /// an engine in another process starts computing now. In-process engines
    /// ignore it. Every engine must still answer a job it never got ahead.
    fn send_ahead(&mut self, _job: Job<'_>) {}
    /// One answer per request of the case, in order.
    fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>>;
    fn evaluate(&mut self, case: &EvalCase) -> EngineResult<EvalAnswer>;
    /// Whether the engine has a validator (`validate`); validation cases
    /// go only to those that do.
    fn has_validator(&self) -> bool {
        false
    }
    /// The validator's verdict per policy, template and link. An engine
    /// without a validator says so with a fault (never a verdict).
    fn validate(&mut self, _case: &ValidationCase) -> EngineResult<Verdicts> {
        Err(Fault { engine: self.name().to_string(), message: "this engine has no validator".into() })
    }
    /// Per request: whether it conforms to the schema.
    fn validate_requests(&mut self, _case: &RequestValidationCase) -> EngineResult<RequestVerdicts> {
        Err(Fault { engine: self.name().to_string(), message: "this engine has no validator".into() })
    }
    /// Entities and requests against the schema (JSON schema format).
    fn validate_data(&mut self, _schema_json: &serde_json::Value, _data: &DataJson) -> EngineResult<DataVerdicts> {
        Err(Fault { engine: self.name().to_string(), message: "this engine has no validator".into() })
    }
}
