//! Tests written by the harness (`drt export`, `drt repro`: one writer,
//! `drt/src/testfile.rs`) are in Cedar's integration-test format exactly, and
//! pass both Cedar's way of running them with the upstream crate and our
//! `engine run-tests`. The expected answers are the model's (the reference).

use drt::diff::Differ;
use drt::engine::Engine;
use drt::targets::Target;
use std::path::{Path, PathBuf};

/// The model, or (when it cannot start and is not required) our engine as the reference.
fn reference() -> Differ {
    match Differ::with_model() {
        Ok(d) => d,
        Err(e) if std::env::var_os("MODEL_RUNNER_REQUIRED").is_some() => panic!("model required: {e}"),
        Err(e) => {
            eprintln!("reproduced: model not available ({e}); our engine is the reference");
            Differ::engine_only()
        }
    }
}

fn reference_engine(d: &mut Differ) -> &mut (dyn Engine + Send) {
    let i = d.engines.iter().position(|e| e.name() == "model").unwrap_or(0);
    d.engines[i].as_mut()
}

fn tests_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".json") && !n.ends_with(".drt.json") && !n.ends_with(".entities.json")
        })
        .collect();
    v.sort();
    v
}

/// Upstream's and our engine's verdicts on every test in `dir`.
fn check_dir(dir: &Path, expect_tests: usize) {
    let files = tests_in(dir);
    assert_eq!(files.len(), expect_tests, "{}", dir.display());
    let problems: Vec<String> = files
        .iter()
        .flat_map(|f| {
            upstream_oracle::cedar_format::check_file(f).into_iter().map(move |p| format!("{}: {p}", f.display()))
        })
        .collect();
    assert!(problems.is_empty(), "upstream disagrees with the written tests:\n{}", problems.join("\n"));
    let (report, passed, failed) = engine::testing::run_files(&files, None);
    assert_eq!((passed, failed), (expect_tests, 0), "{report}");
}

#[test]
fn exported_tests_pass_upstream_and_our_engine() {
    let mut d = reference();
    let base = std::env::temp_dir().join(format!("reproduced-{}", std::process::id()));
    for (t, n) in [(Target::AbacTypeDirected, 25), (Target::Rbac, 10), (Target::EvalTypeDirected, 15)] {
        let dir = base.join(t.name());
        let s = drt::export::export(t, 7, n, &dir, reference_engine(&mut d)).unwrap();
        assert_eq!(s.written, n);
        check_dir(&dir, n);
    }
    std::fs::remove_dir_all(&base).ok();
}

/// A reproduced disagreement: the test expects the reference's answers and
/// says so; the other engine's answer is kept in `.drt.json` only.
#[test]
fn a_reproduced_disagreement_expects_the_reference() {
    let mut d = reference();
    let case = drt::repro::case_from(Target::AbacTypeDirected, drt::gen::Source::Seed(11)).unwrap();
    let drt::case::AnyCase::Auth(auth) = &case else { panic!("an authorization case") };
    let right = drt::testfile::auth_outcome_json(&reference_engine(&mut d).authorize(auth).unwrap());
    // The other side answers every request with the opposite decision.
    let mut wrong = right.clone();
    for a in wrong.as_array_mut().unwrap() {
        a["decision"] = if a["decision"] == "allow" { "deny".into() } else { "allow".into() };
    }
    let dir = std::env::temp_dir().join(format!("reproduced-disagreement-{}", std::process::id()));
    let answers = [("engine".to_string(), wrong), ("model".to_string(), right.clone())];
    let w = drt::testfile::write_case(&dir, "t", &case, &answers, "model", "").unwrap();
    let test: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.test_json.unwrap()).unwrap()).unwrap();
    for (r, a) in test["requests"].as_array().unwrap().iter().zip(right.as_array().unwrap()) {
        assert_eq!(r["decision"], a["decision"]);
    }
    assert!(w.about.contains("disagree") && w.about.contains("engine answered differently"), "{}", w.about);
    let drt_json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&w.drt_json).unwrap()).unwrap();
    assert_eq!((drt_json["expected"].as_str(), drt_json["wrong"].as_str()), (Some("model"), Some("engine")));
    check_dir(&dir, 1);
    std::fs::remove_dir_all(&dir).ok();
}
