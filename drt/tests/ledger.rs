//! The findings ledger over several runs: one entry per signature, counted,
//! `new` in the run that first saw it and `known` after, `fixed` when its
//! case stops reproducing, `new` again when a fixed finding comes back.

use drt::case::{fnv_hex, AnyCase, AuthCase};
use drt::ledger::{scan, update, Ledger, LogIndex, Minimizer, Status};
use serde_json::json;
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("drt-ledger-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn case(text: &str) -> AuthCase {
    AuthCase {
        schema: None,
        policies_text: text.into(),
        policies_json: json!({"staticPolicies": {}, "templates": {}, "templateLinks": []}),
        entities: json!([]),
        with_schema: None,
        requests: vec![json!({"principal": {"type": "User", "id": "a"}})],
        text_seed: None,
        render_seed: 0,
    }
}

/// A crash file plus the case file a fuzz target saves beside it.
fn finding_crash(dir: &Path, bytes: &[u8], signature: &str, c: &AuthCase) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("crash-{}", fnv_hex(bytes))), bytes).unwrap();
    let j = json!({"target": "abac", "finding": signature, "signature": signature,
                   "case": c.to_json(), "report": format!("report of {signature}")});
    std::fs::write(dir.join(format!("case-{}.json", fnv_hex(bytes))), j.to_string()).unwrap();
}

/// Shrinks by keeping the first line of the policies; says whether a case
/// reproduces from a switch the test flips (the "fix").
struct Fake {
    fixed: bool,
    shrunk: usize,
}
impl Minimizer for Fake {
    fn shrink(&mut self, _: &str, c: &AnyCase, sig: &str) -> Option<(AnyCase, String)> {
        self.shrunk += 1;
        let AnyCase::Auth(a) = c else { return None };
        let small = case(a.policies_text.lines().next().unwrap_or_default());
        Some((AnyCase::Auth(small), format!("shrunk report of {sig}")))
    }
    fn reproduces(&mut self, _: &str, _: &AnyCase, _: &str) -> Option<bool> {
        Some(!self.fixed)
    }
}

#[test]
fn new_then_known_then_fixed_then_reopened() {
    let root = temp_dir("runs");
    let art = root.join("artifacts");
    let ledger_dir = root.join("findings");
    let mut m = Fake { fixed: false, shrunk: 0 };
    let run = |name: &str, m: &mut Fake| {
        let mut l = Ledger::open(&ledger_dir).unwrap();
        let found = scan(&art, &LogIndex::default()).unwrap();
        let s = update(&mut l, name, &found, m).unwrap();
        l.save().unwrap();
        (Ledger::open(&ledger_dir).unwrap(), s)
    };

    // Night 1: two crashes of one signature in two targets.
    finding_crash(&art.join("abac"), b"one", "disagreement/decision", &case("permit(a);\nforbid(b);"));
    finding_crash(&art.join("rbac"), b"two-long", "disagreement/decision", &case("permit(c);\nforbid(d);"));
    let (l, s) = run("night1", &mut m);
    assert_eq!(l.entries.len(), 1);
    let e = &l.entries["disagreement/decision"];
    assert_eq!((e.status, e.count, e.first_seen.as_str()), (Status::New, 2, "night1"));
    assert_eq!(e.targets.iter().cloned().collect::<Vec<_>>(), ["abac", "rbac"]);
    assert_eq!(s.new_count(), 1);
    assert_eq!(s.new_by_target.len(), 2);
    // The example is the smallest crash, shrunk once, saved as a case file.
    let x = e.example.as_ref().unwrap();
    assert!(x.minimized && x.target == "abac", "{x:?}");
    assert_eq!(x.report, "shrunk report of disagreement/decision");
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&x.file).unwrap()).unwrap();
    assert_eq!(saved["case"]["policies"], "permit(a);");
    assert_eq!(m.shrunk, 1);
    assert!(e.repro_command().unwrap().starts_with("scripts/repro "));

    // The same update again records nothing twice.
    let (l, s) = run("night1", &mut m);
    assert_eq!(l.entries["disagreement/decision"].count, 2);
    assert!(s.seen.is_empty());
    assert_eq!(l.entries["disagreement/decision"].status, Status::New);

    // Night 2: the same signature again (known, one entry) and a new one.
    finding_crash(&art.join("abac"), b"three", "disagreement/decision", &case("permit(e);"));
    finding_crash(&art.join("abac"), b"four", "disagreement/errors", &case("permit(f);"));
    let (l, s) = run("night2", &mut m);
    assert_eq!(l.entries.len(), 2);
    let e = &l.entries["disagreement/decision"];
    assert_eq!((e.status, e.count, e.last_seen.as_str()), (Status::Known, 3, "night2"));
    assert_eq!(e.runs.len(), 2);
    assert_eq!(l.entries["disagreement/errors"].status, Status::New);
    assert_eq!((s.new_count(), s.seen.len()), (1, 2));
    assert_eq!(m.shrunk, 2, "an already shrunk example is kept");

    // Night 3: nothing crashes, and the engines were fixed.
    m.fixed = true;
    let (l, s) = run("night3", &mut m);
    assert!(l.entries.values().all(|e| e.status == Status::Fixed), "{:?}", l.entries);
    assert_eq!(s.fixed.len(), 2);

    // Night 4: one comes back: new again, noted as reopened.
    finding_crash(&art.join("abac"), b"five", "disagreement/errors", &case("permit(g);"));
    let (l, _) = run("night4", &mut m);
    let e = &l.entries["disagreement/errors"];
    assert_eq!((e.status, e.reopened.clone()), (Status::New, vec!["night4".to_string()]));
    assert_eq!(l.entries["disagreement/decision"].status, Status::Fixed);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn crashes_without_a_case_are_named_from_the_logs() {
    let mut logs = LogIndex::default();
    logs.add_log(
        "parser-bytes",
        "#1234 NEW cov: 10\nthread '<unnamed>' panicked at engine/src/parser.rs:120:9:\nindex out of bounds\n\
         ==1== ERROR: libFuzzer: deadly signal\nTest unit written to fuzz/artifacts/parser-bytes/crash-aa\n\
         thread '<unnamed>' panicked at drt/src/fuzzing.rs:80:17:\nproperty/parse-print-parse | target parser-bytes | case 12\n\
         Test unit written to fuzz/artifacts/parser-bytes/crash-bb\n\
         ==2== ERROR: libFuzzer: timeout after 20 seconds\nTest unit written to fuzz/artifacts/parser-bytes/timeout-cc\n",
    );
    let root = temp_dir("logs");
    let dir = root.join("artifacts/parser-bytes");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["crash-aa", "crash-bb", "timeout-cc", "crash-dd", "slow-unit-ee"] {
        std::fs::write(dir.join(f), f).unwrap();
    }
    let found = scan(&root.join("artifacts"), &logs).unwrap();
    let sigs: Vec<(&str, &str)> =
        found.iter().map(|f| (f.file.file_name().unwrap().to_str().unwrap(), f.signature.as_str())).collect();
    assert_eq!(
        sigs,
        [
            ("crash-aa", "panic/engine/src/parser.rs:120"),
            ("crash-bb", "property/parse-print-parse"),
            ("crash-dd", "crash/parser-bytes"),
            ("timeout-cc", "timeout/parser-bytes"),
        ]
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_damaged_ledger_file_is_named_with_its_position() {
    let root = temp_dir("bad");
    std::fs::write(root.join("disagreement-decision.json"), "{\"signature\": 1,\n}").unwrap();
    let err = Ledger::open(&root).err().expect("damaged file refused");
    assert!(err.contains("disagreement-decision.json: 1:"), "{err}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_property_failure_keeps_its_crash_bytes_and_report() {
    let root = temp_dir("property");
    let dir = root.join("artifacts/like-matching");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("crash-{}", fnv_hex(b"xy"))), b"xy").unwrap();
    let j = json!({"target": "like-matching", "finding": "property/like-matching",
                   "signature": "property/like-matching", "case": null, "report": "DP matcher: true"});
    std::fs::write(dir.join(format!("case-{}.json", fnv_hex(b"xy"))), j.to_string()).unwrap();
    let mut l = Ledger::open(&root.join("findings")).unwrap();
    let found = scan(&root.join("artifacts"), &LogIndex::default()).unwrap();
    let mut m = Fake { fixed: false, shrunk: 0 };
    update(&mut l, "n1", &found, &mut m).unwrap();
    let x = l.entries["property/like-matching"].example.clone().unwrap();
    assert!(x.file.ends_with(&format!("crash-{}", fnv_hex(b"xy"))), "{x:?}");
    assert_eq!((x.report.as_str(), x.minimized, m.shrunk), ("DP matcher: true", false, 0));
    let _ = std::fs::remove_dir_all(&root);
}
