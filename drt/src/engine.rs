//! The one trait every engine implements. An engine receives a case already
//! rendered in public formats and reads it through its own front end.

use crate::answer::{AuthAnswer, EngineResult, EvalAnswer};
use crate::case::{AuthCase, EvalCase};

pub trait Engine {
    fn name(&self) -> &str;
    /// One answer per request of the case, in order.
    fn authorize(&mut self, case: &AuthCase) -> EngineResult<Vec<AuthAnswer>>;
    fn evaluate(&mut self, case: &EvalCase) -> EngineResult<EvalAnswer>;
}
