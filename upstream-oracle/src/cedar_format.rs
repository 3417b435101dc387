//! Checks a test file the way Cedar's own integration-test harness
//! (`cedar-testing`, which is not published as a crate) would: the file must
//! have exactly the harness's fields — `policies` (Cedar text),
//! `entities`, `schema` (Cedar schema syntax), `shouldValidate`, `requests`,
//! and per request `description`, `principal`, `action`, `resource`,
//! `context`, optional `validateRequest`, `decision`, `reason`, `errors` —
//! and every expectation must be what the upstream crate answers
//! ([`crate::expect::compute`]: entities and contexts read against the
//! schema, requests validated unless `validateRequest` is false).

use serde::Deserialize;
use serde_json::Value as Json;
use std::path::Path;

/// The harness's test file (`JsonTest`): unknown fields are errors, all
/// fields are required.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)] // read for its shape; the values are read from the JSON
struct TestFile {
    policies: String,
    entities: String,
    schema: String,
    should_validate: bool,
    requests: Vec<RequestEntry>,
}

/// The harness's request (`JsonRequest`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct RequestEntry {
    description: String,
    principal: Json,
    action: Json,
    resource: Json,
    context: Json,
    #[serde(default)]
    validate_request: Option<bool>,
    decision: Decision,
    reason: Vec<String>,
    errors: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Decision {
    Allow,
    Deny,
}

/// Every way `file` fails the harness: a shape error, an input upstream
/// cannot load, or an expectation upstream does not share. Empty: it passes.
/// Paths inside the test are relative to the test's folder.
pub fn check_file(file: &Path) -> Vec<String> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return vec![format!("cannot read: {e}")],
    };
    if let Err(e) = serde_json::from_str::<TestFile>(&text) {
        return vec![format!("not the integration-test format: {e}")];
    }
    let test: Json = match serde_json::from_str(&text) {
        Ok(t) => t,
        Err(e) => return vec![format!("invalid JSON: {e}")],
    };
    let root = file.parent().unwrap_or(Path::new("."));
    match crate::expect::compute(&test, root) {
        Err(e) => vec![format!("upstream cannot run it: {e}")],
        Ok(exp) => crate::expect::check(&test, &exp),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn write(dir: &Path, test: &Json) -> std::path::PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("t.cedar"), "permit(principal == U::\"a\", action, resource);\n").unwrap();
        std::fs::write(dir.join("t.cedarschema"), "entity U; action go appliesTo { principal: U, resource: U };\n")
            .unwrap();
        std::fs::write(dir.join("t.entities.json"), "[]").unwrap();
        let p = dir.join("t.json");
        std::fs::write(&p, test.to_string()).unwrap();
        p
    }

    fn test(decision: &str) -> Json {
        json!({
            "policies": "t.cedar", "entities": "t.entities.json", "schema": "t.cedarschema",
            "shouldValidate": true,
            "requests": [{
                "description": "a goes", "principal": {"type": "U", "id": "a"},
                "action": {"type": "Action", "id": "go"}, "resource": {"type": "U", "id": "b"},
                "context": {}, "decision": decision, "reason": ["policy0"], "errors": []
            }]
        })
    }

    #[test]
    fn passes_a_right_test_and_names_what_is_wrong() {
        let dir = std::env::temp_dir().join(format!("upstream-cedar-format-{}", std::process::id()));
        assert_eq!(check_file(&write(&dir, &test("allow"))), Vec::<String>::new());
        let wrong = check_file(&write(&dir, &test("deny")));
        assert!(wrong.len() == 1 && wrong[0].contains("decision"), "{wrong:?}");
        // A field the harness does not have.
        let mut extra = test("allow");
        extra["policyFormat"] = json!("json");
        let e = check_file(&write(&dir, &extra));
        assert!(e.len() == 1 && e[0].contains("policyFormat"), "{e:?}");
        // A missing required field.
        let mut no_schema = test("allow");
        no_schema.as_object_mut().unwrap().remove("schema");
        let e = check_file(&write(&dir, &no_schema));
        assert!(e.len() == 1 && e[0].contains("schema"), "{e:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
