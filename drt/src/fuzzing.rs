//! What every libFuzzer target calls: run one input, and on a finding save
//! the input in public formats beside the crash file, print the report and
//! panic (libFuzzer then writes the crash file). A model fault is logged and
//! counted (`DRT_FAULT_LOG`), not turned into a crash: a hung model must not
//! be mistaken for a bug in the input.
//!
//! The panic comes from a function of its own per finding signature
//! ([`fail`]): ClusterFuzz groups crashes by their top stack frames, so one
//! shared `panic!` would fold every kind of disagreement into one issue.

use crate::case::{fnv_hex, AnyCase};
use crate::compare::Bucket;
use crate::diff::{Differ, Finding, FindingKind, Verdict};
use crate::gen::Source;
use crate::targets::Target;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

static DIFFER: OnceLock<Mutex<Differ>> = OnceLock::new();

fn differ(t: Target) -> &'static Mutex<Differ> {
    DIFFER.get_or_init(|| {
        let d = if t.is_differential() && std::env::var_os("DRT_ENGINE_ONLY").is_none() {
            match Differ::with_model() {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("drt: target {} needs the model: {e}\n(build it with scripts/build-model, or set DRT_ENGINE_ONLY=1 to run our engine alone)", t.name());
                    std::process::exit(2);
                }
            }
        } else {
            Differ::engine_only()
        };
        Mutex::new(d)
    })
}

/// The `init:` of `fuzz_target!`: start the engines before the first input,
/// so a target that cannot start the model fails at once with the reason
/// (exit 2), and one told to run our engine alone says so.
pub fn init(name: &str) {
    let t = Target::from_name(name).unwrap_or_else(|| panic!("unknown target {name}"));
    let d = differ(t).lock().unwrap_or_else(|p| p.into_inner());
    let names = d.names().join(" against ");
    if t.is_differential() && d.engines.len() < 2 {
        eprintln!("drt: WARNING: target {name} runs our engine ALONE (DRT_ENGINE_ONLY is set): nothing is compared");
    } else if t.is_differential() {
        let bin = model_runner::ClientConfig::from_env().binary;
        eprintln!("drt: target {name}: {names} (model binary {})", bin.display());
    } else {
        eprintln!("drt: target {name}: {names}");
    }
}

/// The body of `fuzz_target!` for target `name`.
pub fn fuzz_one(name: &str, data: &[u8]) {
    let t = Target::from_name(name).unwrap_or_else(|| panic!("unknown target {name}"));
    let mut d = differ(t).lock().unwrap_or_else(|p| p.into_inner());
    match t.run(Source::Bytes(data), &mut d) {
        Verdict::Finding(f) => {
            let saved = save_finding(&f, data);
            eprintln!("{}", f.report);
            if let Some(p) = saved {
                eprintln!("drt: input saved as {}", p.display());
            }
            fail(&f, data)
        }
        Verdict::Fault(fault) => {
            eprintln!("drt: {fault} (target {name}, input {})", fnv_hex(data));
            log_fault(name, &fault.to_string());
            if std::env::var_os("DRT_PANIC_ON_FAULT").is_some() {
                panic!("DRT {fault}");
            }
        }
        _ => {}
    }
}

/// The one-line signature of a finding, the key findings are deduplicated
/// by (here, in ClusterFuzz through the panic frame, and in the ledger):
/// `disagreement/<bucket>` or `property/<name>`.
pub fn signature(kind: &FindingKind) -> String {
    kind.to_string()
}

/// The first line of a finding's panic message: the signature, then where.
pub fn panic_line(f: &Finding, data: &[u8]) -> String {
    let case = f.case.as_ref().map_or_else(|| fnv_hex(data), case_hash);
    format!("{} | target {} | case {case}", signature(&f.kind), f.target)
}

fn case_hash(c: &AnyCase) -> String {
    match c {
        AnyCase::Auth(a) => a.hash(),
        AnyCase::Eval(e) => e.hash(),
    }
}

/// Panic from the frame that names the finding's signature.
pub fn fail(f: &Finding, data: &[u8]) -> ! {
    let msg = panic_line(f, data);
    match &f.kind {
        FindingKind::Disagreement(b) => match b {
            Bucket::Rejection => frames::disagreement_rejection(msg),
            Bucket::Decision => frames::disagreement_decision(msg),
            Bucket::Errors => frames::disagreement_errors(msg),
            Bucket::Reason => frames::disagreement_reason(msg),
            Bucket::Value => frames::disagreement_value(msg),
            Bucket::Validity => frames::disagreement_validity(msg),
            Bucket::ErrorKind => frames::disagreement_error_kind(msg),
        },
        FindingKind::Property(p) => match *p {
            "validation-soundness" => frames::property_validation_soundness(msg),
            "data-validation" => frames::property_data_validation(msg),
            "policy-text-roundtrip" => frames::property_policy_text_roundtrip(msg),
            "policy-json-roundtrip" => frames::property_policy_json_roundtrip(msg),
            "entities-json-roundtrip" => frames::property_entities_json_roundtrip(msg),
            "parse-print-parse" => frames::property_parse_print_parse(msg),
            "like-matching" => frames::property_like_matching(msg),
            // A new property: its signature line still tells it apart;
            // give it a frame here so ClusterFuzz does too.
            _ => frames::property_other(msg),
        },
    }
}

/// One never-inlined function per signature, so each has its own top frame.
mod frames {
    macro_rules! frame {
        ($($name:ident),* $(,)?) => {$(
            #[inline(never)]
            #[cold]
            pub fn $name(msg: String) -> ! {
                // The frame's name in the text keeps the bodies distinct, so
                // the compiler cannot merge them into one function.
                panic!("{msg}\n(panic frame: {})", stringify!($name))
            }
        )*};
    }
    frame!(
        disagreement_rejection,
        disagreement_decision,
        disagreement_errors,
        disagreement_reason,
        disagreement_validity,
        disagreement_error_kind,
        disagreement_value,
        property_validation_soundness,
        property_data_validation,
        property_policy_text_roundtrip,
        property_policy_json_roundtrip,
        property_entities_json_roundtrip,
        property_parse_print_parse,
        property_like_matching,
        property_other,
    );
}

/// The folder crash files go to: `DRT_ARTIFACT_DIR`, else cargo-fuzz's
/// default `fuzz/artifacts/<target>` when it exists, else the current one.
pub fn artifact_dir(target: &str) -> PathBuf {
    if let Some(d) = std::env::var_os("DRT_ARTIFACT_DIR") {
        return PathBuf::from(d);
    }
    let p = PathBuf::from("fuzz/artifacts").join(target);
    if p.is_dir() {
        p
    } else {
        PathBuf::from(".")
    }
}

/// `case-<fnv of the bytes>.json` beside the crash file: the input in
/// public formats plus the report, so the crash survives generator changes.
pub fn case_file_for(dir: &std::path::Path, data: &[u8]) -> PathBuf {
    dir.join(format!("case-{}.json", fnv_hex(data)))
}

pub fn save_finding(f: &Finding, data: &[u8]) -> Option<PathBuf> {
    let dir = artifact_dir(&f.target);
    std::fs::create_dir_all(&dir).ok()?;
    let path = case_file_for(&dir, data);
    let j = serde_json::json!({
        "target": f.target,
        "finding": f.kind.to_string(),
        "signature": signature(&f.kind),
        "case": f.case.as_ref().map(|c| c.to_json()),
        "report": f.report,
    });
    std::fs::write(&path, serde_json::to_string_pretty(&j).ok()?).ok()?;
    Some(path)
}

/// Append one line per fault to `DRT_FAULT_LOG` (read by `scripts/fuzz`).
pub fn log_fault(target: &str, msg: &str) {
    if let Some(p) = std::env::var_os("DRT_FAULT_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(p) {
            let _ = writeln!(f, "{target}\t{}", msg.replace('\n', " "));
        }
    }
}
