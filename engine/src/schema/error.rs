//! Schema errors: where (line/column for the Cedar syntax, a JSON path for
//! the JSON format) and what.

use crate::ast::Loc;
use std::fmt;

/// Where something was written in a schema source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Where {
    /// Cedar schema syntax: 1-based line and column.
    Loc(Loc),
    /// JSON schema format: a path such as `NS.entityTypes.User.shape`.
    Path(String),
    /// No position is known (e.g. a schema built in memory).
    Unknown,
}

impl fmt::Display for Where {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Where::Loc(l) => write!(f, "{l}"),
            Where::Path(p) => write!(f, "{}", if p.is_empty() { "<root>" } else { p }),
            Where::Unknown => write!(f, "<unknown>"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    pub at: Where,
    pub message: String,
}

impl SchemaError {
    pub fn new(at: Where, message: impl Into<String>) -> Self {
        SchemaError { at, message: message.into() }
    }
    pub fn at_loc(line: u32, col: u32, message: impl Into<String>) -> Self {
        SchemaError::new(Where::Loc(Loc { line, col }), message)
    }
    /// The line/column, for errors in the Cedar syntax.
    pub fn loc(&self) -> Option<Loc> {
        match &self.at {
            Where::Loc(l) => Some(*l),
            _ => None,
        }
    }
    /// The JSON path, for errors in the JSON format.
    pub fn json_path(&self) -> Option<&str> {
        match &self.at {
            Where::Path(p) => Some(p),
            _ => None,
        }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Where::Loc(l) => write!(f, "schema error at {l}: {}", self.message),
            Where::Path(_) => write!(f, "schema error at {}: {}", self.at, self.message),
            Where::Unknown => write!(f, "schema error: {}", self.message),
        }
    }
}

impl std::error::Error for SchemaError {}
