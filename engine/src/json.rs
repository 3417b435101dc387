//! Strict JSON reading shared by every data format.
//!
//! `serde_json::from_str` silently keeps the last of duplicate keys and turns
//! `1.5` or `1e3` into floats. Cedar's data formats forbid both, so the text is
//! read through our own serde visitor that builds a `serde_json::Value` while
//! tracking the JSON path, and refuses:
//! * duplicate object keys, anywhere (Cedar itself keeps the last of
//!   duplicate keys in context JSON; our data files refuse them all);
//! * numbers that are not integers fitting `i64` (floats, exponents, integers
//!   beyond the i64 range);
//! * invalid UTF-8 (reported with its byte offset);
//! * nesting deeper than [`MAX_DEPTH`] (serde_json's own recursion limit,
//!   which is also Cedar's, since Cedar reads JSON with serde_json).
//!
//! Syntax errors are reported as `line:col`, value errors by JSON path
//! (`[3].attrs.manager`).
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use std::cell::RefCell;
use std::fmt;

/// Maximum nesting depth of arrays/objects (serde_json's recursion limit).
pub const MAX_DEPTH: usize = 128;

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

impl DataError {
    pub fn new(path: impl fmt::Display, message: impl Into<String>) -> DataError {
        DataError { path: path.to_string(), message: message.into() }
    }
}

/// A JSON path built on the stack as a linked list, so that descending into
/// a value costs nothing; it is only rendered when an error is reported.
#[derive(Clone, Copy)]
pub enum Path<'a> {
    /// The document root, optionally named (e.g. `context`).
    Root(&'a str),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    pub const ROOT: Path<'static> = Path::Root("");
    pub fn key(&'a self, k: &'a str) -> Path<'a> {
        Path::Key(self, k)
    }
    pub fn index(&'a self, i: usize) -> Path<'a> {
        Path::Index(self, i)
    }
    /// An error at this path.
    pub fn err(&self, message: impl Into<String>) -> DataError {
        DataError::new(self, message)
    }
    fn write(&self, out: &mut String) {
        match self {
            Path::Root(name) => out.push_str(name),
            Path::Key(parent, k) => {
                parent.write(out);
                if is_plain_key(k) {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                } else {
                    out.push('[');
                    out.push_str(&Json::String((*k).to_string()).to_string());
                    out.push(']');
                }
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push_str(&format!("[{i}]"));
            }
        }
    }
}

fn is_plain_key(k: &str) -> bool {
    let mut cs = k.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && cs.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        if s.is_empty() {
            s.push_str("top level");
        }
        f.write_str(&s)
    }
}

/// Parse JSON text, rejecting duplicate object keys.
pub fn parse_strict(src: &str) -> Result<Json, DataError> {
    parse_with(src)
}

/// Same from bytes (rejects invalid UTF-8 with its byte offset).
pub fn parse_strict_bytes(src: &[u8]) -> Result<Json, DataError> {
    parse_with(utf8(src)?)
}

fn utf8(src: &[u8]) -> Result<&str, DataError> {
    std::str::from_utf8(src)
        .map_err(|e| DataError::new(format!("byte {}", e.valid_up_to()), "invalid UTF-8 in JSON input"))
}

/// Shared state of one parse: the first value error (with its path), kept
/// aside because serde errors carry only a message.
struct Ctx {
    err: RefCell<Option<DataError>>,
}

fn parse_with(src: &str) -> Result<Json, DataError> {
    let ctx = Ctx { err: RefCell::new(None) };
    let mut de = serde_json::Deserializer::from_str(src);
    let res = Seed { ctx: &ctx, path: &Path::ROOT }.deserialize(&mut de).and_then(|v| de.end().map(|_| v));
    match res {
        Ok(v) => Ok(v),
        Err(e) => {
            if let Some(mut err) = ctx.err.into_inner() {
                if e.line() != 0 {
                    err.message = format!("{} (line {}, column {})", err.message, e.line(), e.column());
                }
                return Err(err);
            }
            Err(syntax_error(&e))
        }
    }
}

fn syntax_error(e: &serde_json::Error) -> DataError {
    let full = e.to_string();
    let msg = match full.rfind(" at line ") {
        Some(i) => &full[..i],
        None => full.as_str(),
    };
    let msg = if msg.contains("recursion limit exceeded") {
        format!("JSON nested more than {MAX_DEPTH} levels deep")
    } else if msg.starts_with("EOF") {
        format!("unexpected end of input ({msg})")
    } else {
        msg.to_string()
    };
    DataError::new(format!("{}:{}", e.line(), e.column()), msg)
}

struct Seed<'c, 'p> {
    ctx: &'c Ctx,
    path: &'p Path<'p>,
}

impl Seed<'_, '_> {
    fn fail<E: serde::de::Error>(&self, msg: String) -> E {
        let mut slot = self.ctx.err.borrow_mut();
        if slot.is_none() {
            *slot = Some(self.path.err(msg.clone()));
        }
        E::custom(msg)
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_> {
    type Value = Json;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_, '_> {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E: serde::de::Error>(self, i: i64) -> Result<Json, E> {
        Ok(Json::from(i))
    }
    fn visit_u64<E: serde::de::Error>(self, u: u64) -> Result<Json, E> {
        match i64::try_from(u) {
            Ok(i) => Ok(Json::from(i)),
            Err(_) => Err(self.fail(format!("integer {u} does not fit in a signed 64-bit integer"))),
        }
    }
    fn visit_f64<E: serde::de::Error>(self, f: f64) -> Result<Json, E> {
        // serde_json reports fractions, exponents and integers too large for
        // u64 as floats; none of them is a Cedar Long.
        Err(self.fail(format!(
            "number {f} is not an integer in the signed 64-bit range (fractions, exponents and huge integers are not allowed)"
        )))
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_string()))
    }
    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Json, E> {
        Ok(Json::String(s))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        loop {
            let p = self.path.index(out.len());
            match seq.next_element_seed(Seed { ctx: self.ctx, path: &p })? {
                Some(v) => out.push(v),
                None => break,
            }
        }
        Ok(Json::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let p = self.path.key(&key);
            let v = map.next_value_seed(Seed { ctx: self.ctx, path: &p })?;
            // `insert` would silently keep one of the two (serde_json's
            // default reader does exactly that), so check first.
            if out.contains_key(&key) {
                let s = Seed { ctx: self.ctx, path: &p };
                return Err(s.fail(format!("duplicate key `{key}` in object")));
            }
            out.insert(key, v);
        }
        Ok(Json::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_json() {
        let v = parse_strict(r#"{"a": [1, -2, "x", true, null, {"b": {}}]}"#).unwrap();
        assert_eq!(v["a"][1], Json::from(-2));
        assert_eq!(parse_strict("9223372036854775807").unwrap(), Json::from(i64::MAX));
        assert_eq!(parse_strict("-9223372036854775808").unwrap(), Json::from(i64::MIN));
        // serde_json (and so Cedar) reads `-0` as a float.
        assert!(parse_strict("-0").is_err());
    }

    #[test]
    fn duplicate_keys_are_errors_with_path() {
        let e = parse_strict(r#"[{}, {"attrs": {"a": 1, "a": 2}}]"#).unwrap_err();
        assert_eq!(e.path, "[1].attrs.a");
        assert!(e.message.contains("duplicate key `a`"), "{e}");
        // Nested records too.
        let e = parse_strict(r#"{"x": {"y z": {"k": 1, "k": 1}}}"#).unwrap_err();
        assert_eq!(e.path, r#"x["y z"].k"#);
    }

    #[test]
    fn non_integers_are_errors() {
        for (src, path) in [
            ("[1.5]", "[0]"),
            (r#"{"a": 1e3}"#, "a"),
            (r#"{"a": [0, 9223372036854775808]}"#, "a[1]"),
            (r#"{"a": 99999999999999999999999}"#, "a"),
            (r#"{"a": -9223372036854775809}"#, "a"),
            ("1.0", "top level"),
        ] {
            let e = parse_strict(src).unwrap_err();
            assert_eq!(e.path, path, "{src}: {e}");
        }
    }

    #[test]
    fn syntax_errors_have_line_col() {
        let e = parse_strict("{\n  \"a\" 1}").unwrap_err();
        assert_eq!(e.path, "2:7", "{e}");
        let e = parse_strict("[1, 2").unwrap_err();
        assert!(e.message.contains("end of input"), "{e}");
        let e = parse_strict("[1] x").unwrap_err();
        assert!(e.message.contains("trailing"), "{e}");
    }

    #[test]
    fn invalid_utf8_reports_offset() {
        let e = parse_strict_bytes(b"[\"ab\xff\"]").unwrap_err();
        assert_eq!(e.path, "byte 4");
        assert!(e.message.contains("UTF-8"));
    }

    #[test]
    fn deep_nesting_is_a_clean_error() {
        let src = "[".repeat(10_000) + &"]".repeat(10_000);
        let e = parse_strict(&src).unwrap_err();
        assert!(e.message.contains("nested more than"), "{e}");
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse_strict(&ok).is_ok());
    }
}
