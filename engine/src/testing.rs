//! Runner for Cedar's integration-test format (docs/semantics.md §10).
//!
//! A test is a JSON file naming a policy set, an entities file and a schema
//! (paths relative to a root directory) plus a list of requests with their
//! expected decision, reason set and erroring-policy set, and whether the
//! policy set passes strict validation. [`load_test`] reads and parses all of
//! it up front (so a broken test is reported as such, not as a wrong answer),
//! and [`run_test`] authorizes every request and lists what differed. (The
//! harness writes tests in this format: `drt/src/testfile.rs`.)

use crate::ast::PolicySet;
use crate::authorizer::{Authorizer, Decision, Response};
use crate::entities::Entities;
use crate::request::Request;
use crate::schema::Schema;
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The syntax a policy set or schema file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Cedar,
    Json,
}

/// One request of a test with its expected answer.
#[derive(Debug, Clone)]
pub struct TestRequest {
    pub description: String,
    pub request: Request,
    /// Validate the request against the schema before authorizing (default true).
    pub validate_request: bool,
    pub decision: Decision,
    pub reason: BTreeSet<String>,
    pub errors: BTreeSet<String>,
}

/// A loaded, fully parsed test.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// Where the test came from (for messages).
    pub name: String,
    pub policies: PolicySet,
    pub schema: Option<Schema>,
    pub entities: Entities,
    /// `None` when the test does not say (then validation is not checked).
    pub should_validate: Option<bool>,
    pub requests: Vec<TestRequest>,
}

/// What [`run_test`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestOutcome {
    /// One readable line per difference; empty when the test passed.
    pub failures: Vec<String>,
}

impl TestOutcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Read a file as UTF-8, naming the file (and the byte offset of invalid
/// UTF-8) in the error.
pub fn read_utf8(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let (line, col) = line_col(&String::from_utf8_lossy(&e.as_bytes()[..off]));
        format!("{}:{line}:{col}: invalid UTF-8 (byte offset {off})", path.display())
    })
}

/// 1-based line and column (in characters) just after `prefix`.
fn line_col(prefix: &str) -> (usize, usize) {
    let line = prefix.matches('\n').count() + 1;
    let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parse a policy set in either syntax; errors name `file` and a line/column
/// (text) or JSON path (JSON).
pub fn parse_policies(src: &str, format: Format, file: &str) -> Result<PolicySet, String> {
    match format {
        Format::Cedar => crate::parser::parse_policy_set(src).map_err(|errs| {
            errs.0.iter().map(|e| format!("{file}:{}: {}", e.loc, e.message)).collect::<Vec<_>>().join("\n")
        }),
        Format::Json => {
            let j = crate::json::parse_strict(src).map_err(|e| format!("{file}: {e}"))?;
            crate::est::policy_set_from_json(&j).map_err(|e| format!("{file}: {e}"))
        }
    }
}

/// Parse a schema in either syntax; errors name `file` and where.
pub fn parse_schema(src: &str, format: Format, file: &str) -> Result<Schema, String> {
    let r = match format {
        Format::Cedar => adapt::schema_from_cedar(src),
        Format::Json => adapt::schema_from_json(src),
    };
    r.map_err(|e| format!("{file}: {e}"))
}

/// A schema printed in either syntax.
pub fn schema_to_text(schema: &Schema, format: Format) -> String {
    match format {
        Format::Cedar => adapt::schema_to_cedar(schema),
        Format::Json => pretty(&adapt::schema_to_json(schema)),
    }
}

/// Check a request against the schema (principal/resource types the action
/// applies to, context type).
pub fn check_request(schema: &Schema, r: &Request) -> Result<(), String> {
    adapt::validate_request(schema, r)
}

/// Strict validation: (passed, errors, warnings), each message one line.
pub fn validation_report(schema: &Schema, ps: &PolicySet) -> (bool, Vec<String>, Vec<String>) {
    adapt::validate(schema, ps)
}

/// Load entities (schema-directed when a schema is given, then checked
/// against it).
pub fn parse_entities(src: &str, schema: Option<&Schema>, file: &str) -> Result<Entities, String> {
    let es = Entities::from_json_str(src, schema).map_err(|e| format!("{file}: {e}"))?;
    if let Some(s) = schema {
        adapt::validate_entities(s, &es).map_err(|e| format!("{file}: {e}"))?;
    }
    Ok(es)
}

/// Strict validation of `ps` against `schema`: `Ok(())` when it passes,
/// otherwise one readable line per error.
pub fn validate_policies(schema: &Schema, ps: &PolicySet) -> Result<(), Vec<String>> {
    let (passed, errors, _warnings) = validation_report(schema, ps);
    if passed {
        Ok(())
    } else {
        Err(errors)
    }
}

fn format_field(t: &Json, key: &str) -> Result<Format, String> {
    match t.get(key) {
        None => Ok(Format::Cedar),
        Some(Json::String(s)) if s == "cedar" => Ok(Format::Cedar),
        Some(Json::String(s)) if s == "json" => Ok(Format::Json),
        Some(other) => Err(format!("`{key}` must be \"cedar\" or \"json\", found {other}")),
    }
}

fn id_set(r: &Json, key: &str, at: &str) -> Result<BTreeSet<String>, String> {
    let arr =
        r.get(key).and_then(Json::as_array).ok_or_else(|| format!("{at}.{key}: expected an array of policy ids"))?;
    arr.iter()
        .enumerate()
        .map(|(i, v)| v.as_str().map(str::to_string).ok_or_else(|| format!("{at}.{key}[{i}]: expected a string")))
        .collect()
}

/// Load and parse a test. Paths inside the test are relative to `root`
/// (when `None`: the directory holding the test file).
pub fn load_test(path: &Path, root: Option<&Path>) -> Result<TestCase, String> {
    let text = read_utf8(path)?;
    let name = path.display().to_string();
    // Cedar's own harness reads test files with serde_json (duplicate keys:
    // last one wins), so do the same rather than the strict reader.
    let t: Json =
        serde_json::from_str(&text).map_err(|e| format!("{name}:{}:{}: invalid JSON: {e}", e.line(), e.column()))?;
    let root = root.map(Path::to_path_buf).unwrap_or_else(|| path.parent().unwrap_or(Path::new(".")).to_path_buf());
    load_test_json(&t, &name, &root).map_err(|e| format!("{name}: {e}"))
}

/// Load a test from its already-read JSON.
pub fn load_test_json(t: &Json, name: &str, root: &Path) -> Result<TestCase, String> {
    if !t.is_object() {
        return Err("a test must be a JSON object".into());
    }
    let file = |key: &str| -> Result<Option<(PathBuf, String)>, String> {
        match t.get(key) {
            None => Ok(None),
            Some(Json::String(p)) => {
                let path = root.join(p);
                Ok(Some((path.clone(), read_utf8(&path)?)))
            }
            Some(_) => Err(format!("`{key}` must be a path string")),
        }
    };
    let (ppath, psrc) = file("policies")?.ok_or("the test names no `policies` file")?;
    let policies = parse_policies(&psrc, format_field(t, "policyFormat")?, &ppath.display().to_string())?;
    let schema = match file("schema")? {
        None => None,
        Some((spath, ssrc)) => {
            Some(parse_schema(&ssrc, format_field(t, "schemaFormat")?, &spath.display().to_string())?)
        }
    };
    let (epath, esrc) = file("entities")?.ok_or("the test names no `entities` file")?;
    let entities = parse_entities(&esrc, schema.as_ref(), &epath.display().to_string())?;
    let should_validate = match t.get("shouldValidate") {
        None => None,
        Some(Json::Bool(b)) => Some(*b),
        Some(_) => return Err("`shouldValidate` must be a boolean".into()),
    };
    if should_validate.is_some() && schema.is_none() {
        return Err("`shouldValidate` given but the test names no `schema`".into());
    }
    let reqs = t.get("requests").and_then(Json::as_array).ok_or("the test has no `requests` array")?;
    let mut requests = Vec::with_capacity(reqs.len());
    for (i, r) in reqs.iter().enumerate() {
        let at = format!("requests[{i}]");
        let description = r.get("description").and_then(Json::as_str).unwrap_or("").to_string();
        // The harness needs all three UIDs (docs/semantics.md §10); a missing context is `{}`.
        let mut rj = serde_json::Map::new();
        for k in ["principal", "action", "resource"] {
            rj.insert(k.into(), r.get(k).cloned().ok_or_else(|| format!("{at}.{k} is missing"))?);
        }
        rj.insert("context".into(), r.get("context").cloned().unwrap_or_else(|| json!({})));
        let request =
            Request::from_json(&Json::Object(rj), schema.as_ref()).map_err(|e| format!("{at} ({description}): {e}"))?;
        let validate_request = match r.get("validateRequest") {
            None => true,
            Some(Json::Bool(b)) => *b,
            Some(_) => return Err(format!("{at}.validateRequest must be a boolean")),
        };
        let decision = match r.get("decision").and_then(Json::as_str) {
            Some("allow") => Decision::Allow,
            Some("deny") => Decision::Deny,
            _ => return Err(format!("{at}.decision must be \"allow\" or \"deny\"")),
        };
        requests.push(TestRequest {
            description,
            request,
            validate_request,
            decision,
            reason: id_set(r, "reason", &at)?,
            errors: id_set(r, "errors", &at)?,
        });
    }
    Ok(TestCase { name: name.to_string(), policies, schema, entities, should_validate, requests })
}

fn decision_str(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::Deny => "deny",
    }
}

fn show(s: &BTreeSet<String>) -> String {
    format!("[{}]", s.iter().map(String::as_str).collect::<Vec<_>>().join(", "))
}

/// The ids of a response's reason and erroring policies, as strings.
pub fn response_sets(resp: &Response) -> (BTreeSet<String>, BTreeSet<String>) {
    (resp.reason.iter().map(|p| p.0.clone()).collect(), resp.errors.iter().map(|e| e.id.0.clone()).collect())
}

/// Authorize every request of `t` and compare with its expectations.
pub fn run_test(t: &TestCase) -> TestOutcome {
    let mut failures = Vec::new();
    if let (Some(expected), Some(schema)) = (t.should_validate, &t.schema) {
        let got = validate_policies(schema, &t.policies);
        if got.is_ok() != expected {
            let detail = match &got {
                Ok(()) => String::new(),
                Err(errs) => format!(" ({})", errs.join("; ")),
            };
            failures.push(format!("shouldValidate: expected {expected}, validator says {}{detail}", got.is_ok()));
        }
    }
    let authorizer = match Authorizer::new(&t.policies) {
        Ok(a) => a,
        Err(e) => {
            failures.push(format!("cannot prepare the policy set: {e}"));
            return TestOutcome { failures };
        }
    };
    for (i, r) in t.requests.iter().enumerate() {
        let label = if r.description.is_empty() {
            format!("requests[{i}]")
        } else {
            format!("requests[{i}] ({})", r.description)
        };
        if r.validate_request {
            if let Some(schema) = &t.schema {
                if let Err(e) = check_request(schema, &r.request) {
                    failures.push(format!("{label}: request fails validation: {e}"));
                    continue;
                }
            }
        }
        let resp = authorizer.is_authorized(&r.request, &t.entities);
        let (reason, errors) = response_sets(&resp);
        let mut diffs = Vec::new();
        if resp.decision != r.decision {
            diffs.push(format!("decision {} (expected {})", decision_str(resp.decision), decision_str(r.decision)));
        }
        if reason != r.reason {
            diffs.push(format!("reason {} (expected {})", show(&reason), show(&r.reason)));
        }
        if errors != r.errors {
            let msgs: Vec<String> = resp.errors.iter().map(|e| format!("{}: {}", e.id, e.message)).collect();
            diffs.push(format!(
                "errors {} (expected {}; messages: {})",
                show(&errors),
                show(&r.errors),
                msgs.join("; ")
            ));
        }
        if !diffs.is_empty() {
            failures.push(format!("{label}: {}", diffs.join(", ")));
        }
    }
    TestOutcome { failures }
}

fn pretty(j: &Json) -> String {
    let mut s = serde_json::to_string_pretty(j).unwrap_or_else(|_| j.to_string());
    s.push('\n');
    s
}

/// Run many tests: one line per failing test (its differences separated by
/// `; `), then `N passed, M failed`. Returns (report, passed, failed).
pub fn run_files(files: &[PathBuf], root: Option<&Path>) -> (String, usize, usize) {
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    for f in files {
        match load_test(f, root) {
            Err(e) => {
                failed += 1;
                let _ = writeln!(out, "FAIL {}: cannot load: {}", f.display(), e.replace('\n', "; "));
            }
            Ok(t) => {
                let o = run_test(&t);
                if o.passed() {
                    passed += 1;
                } else {
                    failed += 1;
                    let _ = writeln!(out, "FAIL {}: {}", f.display(), o.failures.join("; "));
                }
            }
        }
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    (out, passed, failed)
}

/// The schema and validator entry points this module needs, with their
/// errors turned into strings, in one place.
mod adapt {
    use super::*;
    pub fn schema_from_cedar(src: &str) -> Result<Schema, String> {
        Schema::from_cedar_str(src).map_err(|e| e.to_string())
    }
    pub fn schema_from_json(src: &str) -> Result<Schema, String> {
        Schema::from_json_str(src).map_err(|e| e.to_string())
    }
    pub fn schema_to_cedar(s: &Schema) -> String {
        s.to_cedar_string()
    }
    pub fn schema_to_json(s: &Schema) -> Json {
        s.to_json()
    }
    pub fn validate_entities(s: &Schema, es: &Entities) -> Result<(), String> {
        crate::validator::validate_entities(s, es).map_err(|e| e.to_string())
    }
    pub fn validate_request(s: &Schema, r: &Request) -> Result<(), String> {
        crate::validator::validate_request(s, r).map_err(|e| e.to_string())
    }
    pub fn validate(s: &Schema, ps: &PolicySet) -> (bool, Vec<String>, Vec<String>) {
        let r = crate::validator::validate(s, ps);
        (
            r.passed(),
            r.errors.iter().map(|e| e.to_string()).collect(),
            r.warnings.iter().map(|w| w.to_string()).collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
        let p = std::env::temp_dir().join(format!("engine-testing-{}-{name}", std::process::id()));
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col(""), (1, 1));
        assert_eq!(line_col("ab"), (1, 3));
        assert_eq!(line_col("ab\nc"), (2, 2));
        assert_eq!(line_col("é\n\néé"), (3, 3));
    }

    #[test]
    fn read_utf8_names_file_and_position() {
        let p = tmp("bad.cedar", b"permit(\n  pr\xc3incipal");
        let e = read_utf8(&p).unwrap_err();
        assert!(e.starts_with(&format!("{}:2:5: invalid UTF-8", p.display())), "{e}");
        let e = read_utf8(Path::new("/no/such/file.json")).unwrap_err();
        assert!(e.starts_with("/no/such/file.json: cannot read"), "{e}");
        let ok = tmp("ok.cedar", "é".as_bytes());
        assert_eq!(read_utf8(&ok).unwrap(), "é");
    }

    #[test]
    fn load_test_reports_json_syntax_with_position_and_shape_errors() {
        let p = tmp("broken.json", b"{\n  \"policies\": ,\n}");
        let e = load_test(&p, None).unwrap_err();
        assert!(e.contains("broken.json:2:"), "{e}");
        let p = tmp("array.json", b"[]");
        let e = load_test(&p, None).unwrap_err();
        assert!(e.contains("must be a JSON object"), "{e}");
        let p = tmp("nopol.json", b"{\"entities\": \"e.json\"}");
        let e = load_test(&p, None).unwrap_err();
        assert!(e.contains("no `policies`"), "{e}");
        let e = load_test_json(&json!({"policies": "/no/such.cedar"}), "t", Path::new(".")).unwrap_err();
        assert!(e.contains("/no/such.cedar"), "{e}");
    }

    #[test]
    fn format_fields_are_checked() {
        assert_eq!(format_field(&json!({}), "policyFormat"), Ok(Format::Cedar));
        assert_eq!(format_field(&json!({"policyFormat": "json"}), "policyFormat"), Ok(Format::Json));
        assert!(format_field(&json!({"schemaFormat": "yaml"}), "schemaFormat").unwrap_err().contains("schemaFormat"));
    }

    #[test]
    fn id_sets_are_checked() {
        let r = json!({"reason": ["policy1", "policy0", "policy1"], "errors": [1]});
        assert_eq!(id_set(&r, "reason", "requests[0]").unwrap().len(), 2);
        assert_eq!(id_set(&r, "errors", "requests[0]").unwrap_err(), "requests[0].errors[0]: expected a string");
        assert!(id_set(&r, "missing", "requests[0]").is_err());
    }
}
