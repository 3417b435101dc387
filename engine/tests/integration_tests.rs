//! Runs every hand-written integration test (`tests/integration/tests/*.json`,
//! expectations computed by the upstream crate, see `upstream-oracle`)
//! through `engine::testing`.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/integration")
}

fn test_files() -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("tests"))
        .expect("tests/integration/tests exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn hand_written_integration_tests_pass() {
    let files = test_files();
    assert!(files.len() >= 8, "expected the hand-written tests, found {files:?}");
    let root = root();
    let (report, passed, failed) = engine::testing::run_files(&files, Some(&root));
    assert_eq!(failed, 0, "{report}");
    assert_eq!(passed, files.len());
}

#[test]
fn hand_written_tests_have_enough_requests_and_both_validation_outcomes() {
    let mut requests = 0;
    let (mut valid, mut invalid) = (0, 0);
    for f in test_files() {
        let t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        requests += t["requests"].as_array().unwrap().len();
        match t["shouldValidate"].as_bool() {
            Some(true) => valid += 1,
            Some(false) => invalid += 1,
            None => {}
        }
    }
    assert!(requests >= 150, "{requests} requests");
    assert!(valid >= 2 && invalid >= 2, "{valid} valid, {invalid} invalid tests");
}

/// A wrong expectation must be reported, naming what differed (the runner can fail).
#[test]
fn a_wrong_expectation_is_reported() {
    let root = root();
    let path = root.join("tests/photoapp.json");
    let mut t: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let flipped = if t["requests"][0]["decision"] == "allow" { "deny" } else { "allow" };
    t["requests"][0]["decision"] = flipped.into();
    t["requests"][1]["reason"] = serde_json::json!(["policy99"]);
    t["shouldValidate"] = (!t["shouldValidate"].as_bool().unwrap()).into();
    let case = engine::testing::load_test_json(&t, "mutated", &root).unwrap();
    let outcome = engine::testing::run_test(&case);
    let text = outcome.failures.join("\n");
    assert_eq!(outcome.failures.len(), 3, "{text}");
    assert!(text.contains("shouldValidate"), "{text}");
    assert!(text.contains("requests[0]") && text.contains("decision"), "{text}");
    assert!(text.contains("requests[1]") && text.contains("policy99"), "{text}");
}
