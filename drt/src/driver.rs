//! The seeded driver: the same targets as the fuzzer, fed by seeds instead
//! of bytes. Input `i` of a run with seed `s` uses the seed `mix(s, i)`, so
//! any single input can be replayed (`drt run --seed s --start i --count 1`).

use crate::diff::{Differ, Verdict};
use crate::pipeline::Pipeline;
use crate::targets::Target;
use std::path::PathBuf;
use std::time::Instant;

/// The seed of input `i` in a run seeded with `seed` (SplitMix64 finaliser).
pub fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed.wrapping_add(i.wrapping_mul(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
    z ^ (z >> 31)
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub seed: u64,
    pub start: u64,
    pub count: u64,
    /// Stop a target after this many findings (each is printed in full).
    pub max_findings: u64,
    /// Where findings are saved as case files (`None`: not saved).
    pub artifacts: Option<PathBuf>,
    pub quiet: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TargetStats {
    pub target: String,
    pub inputs: u64,
    pub requests: u64,
    pub skipped: u64,
    pub rejected_by_all: u64,
    pub known: u64,
    pub findings: u64,
    pub faults: u64,
    pub validated: u64,
    pub invalid_policies: u64,
    pub seconds: f64,
}

impl TargetStats {
    pub fn inputs_per_s(&self) -> f64 {
        self.inputs as f64 / self.seconds.max(1e-9)
    }
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "target": self.target, "inputs": self.inputs, "requests": self.requests,
            "inputs_per_s": (self.inputs_per_s() * 10.0).round() / 10.0,
            "skipped": self.skipped, "rejected_by_all": self.rejected_by_all,
            "known": self.known, "disagreements": self.findings, "faults": self.faults,
        })
    }
}

/// Run `count` seeded inputs of one target through `d`, through a
/// [`Pipeline`] (inputs are sent to the engines ahead of being judged, see
/// `crate::pipeline`).
pub fn run_target(t: Target, d: &mut Differ, o: &RunOptions) -> TargetStats {
    let before = d.counters.clone();
    let t0 = Instant::now();
    let mut findings = 0;
    let mut last_print = Instant::now();
    let mut inputs = Pipeline::new(t, o.seed, o.start..o.start + o.count);
    while let Some((i, outcome)) = inputs.next(d) {
        let v = outcome.unwrap_or_else(|msg| {
            d.counters.inputs += 1;
            d.counters.findings += 1;
            Verdict::Finding(Box::new(crate::diff::Finding {
                target: t.name().to_string(),
                kind: crate::diff::FindingKind::Property("no-panic"),
                case: None,
                report: format!("==================== DRT PANIC ====================\ntarget: {} seed {} input {i}: panicked: {msg}\nreplay: drt run --target {} --seed {} --start {i} --count 1\n", t.name(), o.seed, t.name(), o.seed),
            }))
        });
        match &v {
            Verdict::Finding(f) => {
                findings += 1;
                println!("{}", f.report);
                println!("replay: drt run --target {} --seed {} --start {i} --count 1", t.name(), o.seed);
                if let (Some(dir), Some(c)) = (&o.artifacts, &f.case) {
                    let _ = std::fs::create_dir_all(dir);
                    let p = dir.join(format!("case-{}-seed{}-{i}.json", t.name(), o.seed));
                    let j = serde_json::json!({"target": t.name(), "finding": f.kind.to_string(), "case": c.to_json(), "report": f.report});
                    if std::fs::write(&p, serde_json::to_string_pretty(&j).unwrap()).is_ok() {
                        println!("saved: {}", p.display());
                    }
                }
                if findings >= o.max_findings {
                    println!("(stopping {} after {findings} findings)", t.name());
                    break;
                }
            }
            Verdict::Fault(f) => {
                println!("FAULT in {} seed {} input {i}: {f}", t.name(), o.seed);
                crate::fuzzing::log_fault(t.name(), &f.to_string());
            }
            _ => {}
        }
        if !o.quiet && last_print.elapsed().as_secs_f64() > 2.0 {
            last_print = Instant::now();
            let n = d.counters.inputs - before.inputs;
            eprint!("\r{}: {n} inputs, {:.0}/s   ", t.name(), n as f64 / t0.elapsed().as_secs_f64());
        }
    }
    if !o.quiet {
        eprint!("\r\x1b[K");
    }
    let c = &d.counters;
    TargetStats {
        target: t.name().to_string(),
        inputs: c.inputs - before.inputs,
        requests: c.requests - before.requests,
        skipped: c.skipped - before.skipped,
        rejected_by_all: c.rejected_by_all - before.rejected_by_all,
        known: c.known - before.known,
        findings: c.findings - before.findings,
        faults: c.faults - before.faults,
        validated: c.validated - before.validated,
        invalid_policies: c.invalid_policies - before.invalid_policies,
        seconds: t0.elapsed().as_secs_f64(),
    }
}

pub fn print_table(rows: &[TargetStats]) {
    println!(
        "{:<26} {:>8} {:>9} {:>10} {:>8} {:>9} {:>6} {:>13} {:>7}",
        "target", "inputs", "requests", "inputs/s", "skipped", "rejected", "known", "disagreements", "faults"
    );
    for r in rows {
        println!(
            "{:<26} {:>8} {:>9} {:>10.0} {:>8} {:>9} {:>6} {:>13} {:>7}",
            r.target,
            r.inputs,
            r.requests,
            r.inputs_per_s(),
            r.skipped,
            r.rejected_by_all,
            r.known,
            r.findings,
            r.faults
        );
    }
    for r in rows.iter().filter(|r| r.target == "validation-soundness") {
        println!(
            "validation-soundness: {} of {} inputs validated (only those test the theorem)",
            r.validated, r.inputs
        );
    }
    for r in rows.iter().filter(|r| r.target == "request-validation") {
        println!(
            "request-validation: {} of {} requests do not conform (per our engine)",
            r.invalid_policies, r.requests
        );
    }
    for r in rows.iter().filter(|r| r.target == "entity-validation") {
        println!(
            "entity-validation: {} of {} inputs also checked with an injected wrongness; {} requests",
            r.invalid_policies, r.inputs, r.requests
        );
    }
    for r in rows.iter().filter(|r| r.target == "validation-drt") {
        println!(
            "validation-drt: {} of {} policies/templates/links invalid, {} of {} inputs wholly valid (per our validator)",
            r.invalid_policies, r.requests, r.validated, r.inputs
        );
    }
}
