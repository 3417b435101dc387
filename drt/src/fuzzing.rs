//! What every libFuzzer target calls: run one input, and on a finding save
//! the input in public formats beside the crash file, print the report and
//! panic (libFuzzer then writes the crash file). A model fault is logged and
//! counted (`DRT_FAULT_LOG`), not turned into a crash: a hung model must not
//! be mistaken for a bug in the input.

use crate::case::fnv_hex;
use crate::diff::{Differ, Finding, Verdict};
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
            panic!("DRT {} in target {}", f.kind, f.target);
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
