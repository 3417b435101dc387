//! What an engine answers, in a form every engine can produce from public
//! formats: authorization answers carry policy ids as strings, evaluation
//! answers carry a value or an error class name.

use engine::authorizer::Decision;
use engine::eval::ErrorKind;
use engine::value::Value;
use std::collections::BTreeSet;
use std::fmt;

/// One authorization answer: decision, determining policies, erroring policies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthAnswer {
    pub decision: Decision,
    pub reason: BTreeSet<String>,
    pub errors: BTreeSet<String>,
}

impl fmt::Display for AuthAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.decision.as_str();
        let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
        write!(f, "{d:<5}  reason {{{}}}  errors {{{}}}", list(&self.reason), list(&self.errors))
    }
}

/// One evaluation answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalAnswer {
    Value(Value),
    /// An error class name from the protocol vocabulary (`typeError`, …).
    Error(String),
    /// A value the engine's JSON value reader could not read back (the JSON
    /// and the reader's complaint); never equal to anything.
    Unreadable(serde_json::Value, String),
}

impl fmt::Display for EvalAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalAnswer::Value(v) => write!(f, "value {}", crate::display::value(v)),
            EvalAnswer::Error(c) => write!(f, "error {c}"),
            EvalAnswer::Unreadable(j, why) => write!(f, "unreadable value {j} ({why})"),
        }
    }
}

/// The protocol name of an engine error class.
pub fn error_class_name(k: ErrorKind) -> &'static str {
    k.name()
}

/// The six error classes both sides define (docs/semantics.md §4.1).
pub const ERROR_CLASSES: &[&str] =
    &["typeError", "entityDoesNotExist", "attrDoesNotExist", "tagDoesNotExist", "arithBoundsError", "extensionError"];

/// An evaluation error named by an engine that speaks the six-class
/// vocabulary (ours, the model): a name outside it is the engine's fault, not
/// an answer, so the lenient class comparison cannot hide it.
pub fn spec_error(engine: &str, class: &str) -> Result<EvalAnswer, Fault> {
    if ERROR_CLASSES.contains(&class) {
        Ok(EvalAnswer::Error(class.to_string()))
    } else {
        Err(Fault {
            engine: engine.to_string(),
            message: format!("error class `{class}` is not one of {ERROR_CLASSES:?}"),
        })
    }
}

/// An engine either answers or rejects the input as invalid (with why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    Answer(T),
    Rejected(String),
}

/// The engine itself failed (crash, hang, unreadable reply): not a verdict
/// about the input, so it is never compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub engine: String,
    pub message: String,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} fault: {}", self.engine, self.message)
    }
}

pub type EngineResult<T> = Result<Outcome<T>, Fault>;
