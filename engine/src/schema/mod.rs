//! Schemas (language doc §7): one internal form read from the Cedar schema
//! syntax (`cedar_syntax`) or the JSON schema format (`json_format`).

pub mod types;
pub use types::*;
