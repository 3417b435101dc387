//! Every hand-written integration test's written expectations (decision,
//! reason set, error set, `shouldValidate`) agree with the upstream crate.
//! Refresh them with `cargo run -p upstream-oracle --bin expect -- --root
//! engine/tests/integration --write engine/tests/integration/tests/*.json`.

use std::path::PathBuf;

#[test]
fn hand_written_tests_agree_with_upstream() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../engine/tests/integration");
    let mut files: Vec<_> = std::fs::read_dir(root.join("tests"))
        .expect("engine/tests/integration/tests exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "expected the hand-written tests, found {files:?}");
    let mut problems = Vec::new();
    let mut requests = 0;
    for f in &files {
        let test: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        match upstream_oracle::expect::compute(&test, &root) {
            Err(e) => problems.push(format!("{}: {e}", f.display())),
            Ok(exp) => {
                requests += exp.answers.len();
                for d in upstream_oracle::expect::check(&test, &exp) {
                    problems.push(format!("{}: {d}", f.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "disagreements with upstream:\n{}", problems.join("\n"));
    assert!(requests >= 150, "only {requests} requests in the hand-written tests");
}
