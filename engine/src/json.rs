//! Strict JSON reading shared by every data format (OWNER: semantics). Stub.
//! Duplicate keys, non-i64 numbers and invalid UTF-8 are errors naming the
//! line/column or JSON path.
use serde_json::Value as Json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError {
    /// A JSON path (`[3].attrs.manager`) or `line:col` for syntax errors.
    pub path: String,
    pub message: String,
}
impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}
impl std::error::Error for DataError {}

/// Parse JSON text, rejecting duplicate object keys.
pub fn parse_strict(_src: &str) -> Result<Json, DataError> {
    todo!()
}
/// Same from bytes (rejects invalid UTF-8 with its byte offset).
pub fn parse_strict_bytes(_src: &[u8]) -> Result<Json, DataError> {
    todo!()
}
