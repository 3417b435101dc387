//! Every finding signature panics from a stack frame of its own, and the
//! panic message starts with the signature line: what ClusterFuzz needs to
//! file distinct findings as distinct issues (it groups crashes by their top
//! frames after dropping the panic machinery).

use drt::compare::Bucket;
use drt::diff::{Finding, FindingKind};
use std::backtrace::Backtrace;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::panic;

thread_local! {
    static CAPTURED: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Panic through `drt::fuzzing::fail` and return (message, backtrace).
fn panic_of(kind: FindingKind) -> (String, String) {
    let f = Finding { target: "abac".into(), kind, case: None, report: "report".into() };
    let r = panic::catch_unwind(|| drt::fuzzing::fail(&f, b"input bytes"));
    assert!(r.is_err(), "fail() returned");
    CAPTURED.with(|c| c.borrow_mut().take()).expect("the hook saw the panic")
}

/// Function names of a backtrace, innermost first, without what
/// ClusterFuzz's stack analysis ignores for Rust (std/core/alloc panic and
/// backtrace machinery) and without this test's own hook.
fn frames(bt: &str) -> Vec<String> {
    bt.lines()
        .filter_map(|l| {
            let (n, rest) = l.trim_start().split_once(": ")?;
            n.parse::<u32>().ok()?;
            Some(rest.trim().to_string())
        })
        .filter(|f| {
            !(f.starts_with("std::")
                || f.starts_with("core::")
                || f.starts_with("alloc::")
                || f.starts_with("<alloc::")
                || f.starts_with("rust_begin_unwind")
                || f.starts_with("__rust")
                || f.starts_with("finding_frames::"))
        })
        .collect()
}

#[test]
fn each_signature_has_its_own_top_frame_and_leads_the_message() {
    panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| info.payload().downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        let bt = Backtrace::force_capture().to_string();
        CAPTURED.with(|c| *c.borrow_mut() = Some((msg, bt)));
    }));
    let kinds = [
        FindingKind::Disagreement(Bucket::Rejection),
        FindingKind::Disagreement(Bucket::Decision),
        FindingKind::Disagreement(Bucket::Errors),
        FindingKind::Disagreement(Bucket::Reason),
        FindingKind::Disagreement(Bucket::Value),
        FindingKind::Disagreement(Bucket::Validity),
        FindingKind::Disagreement(Bucket::ErrorKind),
        FindingKind::Property("validation-soundness"),
        FindingKind::Property("data-validation"),
        FindingKind::Property("policy-text-roundtrip"),
        FindingKind::Property("policy-json-roundtrip"),
        FindingKind::Property("entities-json-roundtrip"),
        FindingKind::Property("parse-print-parse"),
        FindingKind::Property("like-matching"),
    ];
    let kinds_len = kinds.len();
    let mut tops = BTreeSet::new();
    for kind in kinds {
        let sig = drt::fuzzing::signature(&kind);
        let (msg, bt) = panic_of(kind);
        let first = msg.lines().next().unwrap_or_default();
        assert!(first.starts_with(&format!("{sig} | target abac | case ")), "first line: {first}");
        let fs = frames(&bt);
        let want = format!("drt::fuzzing::frames::{}", sig.replace(['/', '-'], "_"));
        assert_eq!(fs.first(), Some(&want), "top frame for {sig}; frames: {fs:#?}\n{bt}");
        assert_eq!(fs.get(1).map(String::as_str), Some("drt::fuzzing::fail"), "{fs:#?}");
        tops.insert(fs[0].clone());
    }
    assert_eq!(tops.len(), kinds_len, "top frames not distinct: {tops:?}");
    let _ = panic::take_hook();
}
