//! `drt repro`: from a crash file (or a saved case) to a readable report and
//! an integration-format test, optionally shrunk first.

use crate::case::{fnv_hex, AnyCase};
use crate::diff::{Differ, FindingKind, Verdict};
use crate::gen::Source;
use crate::shrink::{self, Budget};
use crate::targets::Target;
use crate::testfile;
use serde_json::Value as Json;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// What a file holds.
enum Loaded {
    Case { target: String, case: Box<AnyCase> },
    Bytes { target: Option<String>, bytes: Vec<u8> },
}

fn load(file: &Path, target: Option<&str>) -> Result<Loaded, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if let Ok(j) = serde_json::from_slice::<Json>(&bytes) {
        // Our saved finding: {"target", "case", …}; or a bare case.
        if let Some(c) = j.get("case").filter(|c| !c.is_null()) {
            let t = target.map(str::to_string).or_else(|| j.get("target").and_then(Json::as_str).map(str::to_string));
            return Ok(Loaded::Case {
                target: t.unwrap_or_else(|| "repro".into()),
                case: Box::new(AnyCase::from_json(c)?),
            });
        }
        if j.get("kind").is_some() {
            return Ok(Loaded::Case {
                target: target.unwrap_or("repro").into(),
                case: Box::new(AnyCase::from_json(&j)?),
            });
        }
    }
    // A crash file: the case saved beside it wins (it survives generator changes).
    let dir = file.parent().unwrap_or(Path::new("."));
    let side = crate::fuzzing::case_file_for(dir, &bytes);
    if side.is_file() {
        eprintln!("drt: using the case saved beside the crash file: {}", side.display());
        return load(&side, target);
    }
    // Else the target is named, or is the crash file's folder (cargo-fuzz's layout).
    let t = target.map(str::to_string).or_else(|| {
        dir.file_name().and_then(|n| n.to_str()).filter(|n| Target::from_name(n).is_some()).map(str::to_string)
    });
    Ok(Loaded::Bytes { target: t, bytes })
}

fn differ_for(needs_model: bool) -> Differ {
    if needs_model {
        match Differ::with_model() {
            Ok(d) => return d,
            Err(e) => eprintln!("drt: WARNING: running without the model ({e}); only our engine's answers are shown"),
        }
    }
    Differ::engine_only()
}

pub fn main(file: &Path, target: Option<&str>, out: Option<&Path>, minimize: bool, name: Option<&str>) -> ExitCode {
    let loaded = match load(file, target) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("drt: {e}");
            return ExitCode::from(2);
        }
    };
    let (target, case) = match loaded {
        Loaded::Case { target, case } => (target, *case),
        Loaded::Bytes { target: None, .. } => {
            eprintln!("drt: cannot tell the target of {}; pass --target", file.display());
            return ExitCode::from(2);
        }
        Loaded::Bytes { target: Some(t), bytes } => {
            let Some(tg) = Target::from_name(&t) else {
                eprintln!("drt: unknown target {t}");
                return ExitCode::from(2);
            };
            // Differential targets: regenerate the case from the bytes and go
            // on as for a saved case (so even an input that agrees now can be
            // exported as a test).
            if let Some(c) = case_from(tg, Source::Bytes(&bytes)) {
                (t, c)
            } else {
                let mut d = differ_for(tg.is_differential());
                match tg.run(Source::Bytes(&bytes), &mut d) {
                    Verdict::Finding(f) => {
                        println!("{}", f.report);
                        match f.case {
                            Some(c) => (t, c),
                            None => {
                                println!("(target {t} checks a property of our engine; the report above is the repro)");
                                return ExitCode::FAILURE;
                            }
                        }
                    }
                    Verdict::Fault(f) => {
                        println!("fault (not a disagreement): {f}");
                        return ExitCode::FAILURE;
                    }
                    Verdict::Skipped => {
                        println!("the generator builds no input from these bytes (input {})", fnv_hex(&bytes));
                        return ExitCode::SUCCESS;
                    }
                    v => {
                        println!("no finding for this input now ({v:?}): it may have been fixed");
                        return ExitCode::SUCCESS;
                    }
                }
            }
        }
    };
    let mut d = differ_for(true);
    let verdict = check(&mut d, &target, &case);
    let kind = match &verdict {
        Verdict::Finding(f) => {
            println!("{}", f.report);
            Some(f.kind.clone())
        }
        Verdict::Fault(f) => {
            println!("fault (not a disagreement): {f}");
            None
        }
        Verdict::Known(id) => {
            println!("known discrepancy {id}");
            None
        }
        _ => {
            println!("engines agree on this input now: it may have been fixed");
            None
        }
    };
    let mut case = case;
    if let (true, Some(kind)) = (minimize, &kind) {
        match shrink_case(&mut d, &target, &case, kind) {
            Ok(c) => {
                case = c;
                if let Verdict::Finding(f) = check(&mut d, &target, &case) {
                    println!("---- after shrinking ----\n{}", f.report);
                }
            }
            Err(e) => eprintln!("drt: cannot shrink: {e}"),
        }
    }
    if let Some(dir) = out {
        let name = name.map(str::to_string).unwrap_or_else(|| format!("{}-{}", target, hash(&case)));
        match write(&mut d, dir, &name, &case) {
            Ok(w) => {
                match &w.test_json {
                    Ok(t) => println!("wrote {} and {}", t.display(), w.drt_json.display()),
                    Err(_) => println!("wrote {} only", w.drt_json.display()),
                }
                println!("{}", w.about);
            }
            Err(e) => {
                eprintln!("drt: cannot write the test: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if kind.is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The case a differential target generates from `src` (`None` for a
/// property target, or when the generator builds no input).
pub fn case_from(t: Target, src: Source<'_>) -> Option<AnyCase> {
    match t {
        Target::Abac | Target::AbacTypeDirected | Target::Rbac => {
            crate::gen::auth_input(t, src).map(|i| AnyCase::Auth(crate::case::AuthParts::from_input(&i).render()))
        }
        Target::EvalTypeDirected => {
            crate::gen::eval_input(t, src).map(|i| AnyCase::Eval(crate::case::EvalParts::from_input(&i).render()))
        }
        _ => None,
    }
}

fn hash(c: &AnyCase) -> String {
    match c {
        AnyCase::Auth(a) => a.hash(),
        AnyCase::Eval(e) => e.hash(),
    }
}

pub fn check(d: &mut Differ, target: &str, c: &AnyCase) -> Verdict {
    match c {
        AnyCase::Auth(a) => d.check_auth(target, a),
        AnyCase::Eval(e) => d.check_eval(target, e),
    }
}

const NOT_FROM_TREES: &str =
    "the finding does not survive re-rendering the case from its syntax trees (it lives in the saved text/JSON); kept unshrunk";

/// Shrink while the same kind of finding stays.
pub fn shrink_case(d: &mut Differ, target: &str, c: &AnyCase, kind: &FindingKind) -> Result<AnyCase, String> {
    let mut budget = Budget::new(20_000, Duration::from_secs(120));
    let same = |v: Verdict| matches!(v, Verdict::Finding(f) if &f.kind == kind);
    Ok(match c {
        AnyCase::Auth(a) => {
            let p = shrink::auth_parts(a)?;
            // Shrinking re-renders from syntax trees; if that alone loses the
            // finding (the saved text and JSON disagree), keep the case as is.
            if !same(d.check_auth(target, &p.render())) {
                return Err(NOT_FROM_TREES.into());
            }
            let p = shrink::shrink_auth(p, |p| same(d.check_auth(target, &p.render())), &mut budget);
            AnyCase::Auth(p.render())
        }
        AnyCase::Eval(e) => {
            let p = shrink::eval_parts(e)?;
            if !same(d.check_eval(target, &p.render())) {
                return Err(NOT_FROM_TREES.into());
            }
            let p = shrink::shrink_eval(p, |p| same(d.check_eval(target, &p.render())), &mut budget);
            AnyCase::Eval(p.render())
        }
    })
}

/// Run every engine on the case and write it as a test; the model's answers
/// are the expectation when it answered (it is the reference), else ours.
pub fn write(d: &mut Differ, dir: &Path, name: &str, c: &AnyCase) -> std::io::Result<testfile::Written> {
    let names = d.names();
    let mut answers = Vec::new();
    match c {
        AnyCase::Auth(a) => {
            for (n, e) in names.iter().zip(d.engines.iter_mut()) {
                let j = match e.authorize(a) {
                    Ok(o) => testfile::auth_outcome_json(&o),
                    Err(f) => serde_json::json!({ "fault": f.message }),
                };
                answers.push((n.clone(), j));
            }
        }
        AnyCase::Eval(ev) => {
            for (n, e) in names.iter().zip(d.engines.iter_mut()) {
                let j = match e.evaluate(ev) {
                    Ok(o) => testfile::eval_outcome_json(&o),
                    Err(f) => serde_json::json!({ "fault": f.message }),
                };
                answers.push((n.clone(), j));
            }
        }
    }
    let expected = if names.iter().any(|n| n == "model") { "model" } else { "engine" };
    testfile::write_case(dir, name, c, &answers, expected, "")
}
