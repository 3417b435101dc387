//! The one trait every engine implements. An engine receives a case already
//! rendered in public formats and reads it through its own front end.

use crate::answer::{AuthAnswer, EngineResult, EvalAnswer, Fault};
use crate::case::{AuthCase, EvalCase};
use crate::validation::{RequestValidationCase, RequestVerdicts, ValidationCase, Verdicts};

pub trait Engine {
    fn name(&self) -> &str;
    /// Hands `case` over ahead of the `authorize` call that must follow
    /// with the same case. An engine in another process starts computing
    /// here, so that its work overlaps the other engines' (the differ starts
    /// every engine before asking any). In-process engines do nothing.
    fn start_authorize(&mut self, _case: &AuthCase) -> Result<(), Fault> {
        Ok(())
    }
    /// Like `start_authorize`, for `evaluate`.
    fn start_evaluate(&mut self, _case: &EvalCase) -> Result<(), Fault> {
        Ok(())
    }
    /// Like `start_authorize`, for `validate`.
    fn start_validate(&mut self, _case: &ValidationCase) -> Result<(), Fault> {
        Ok(())
    }
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
}
