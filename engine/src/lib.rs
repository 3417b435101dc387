//! A Cedar 4.x compatible authorization engine.
//!
//! Data flows: policy text --parser--> `ast` --(Policy::condition)--> `eval`
//! ← `entities` + `request`; `authorizer` combines per-policy results.
//! `est` converts the AST to and from Cedar's JSON policy format, `printer`
//! back to Cedar text. `desugar` builds the expression trees of both policy
//! readers (parser and `est`). `schema` + `validator` implement strict validation.

pub mod ast;
pub mod authorizer;
mod desugar;
pub mod entities;
pub mod est;
pub mod eval;
pub mod ext;
pub mod json;
pub mod json_value;
pub mod like;
pub mod parser;
pub mod printer;
pub mod request;
pub mod schema;
pub mod testing;
pub mod validator;
pub mod value;
