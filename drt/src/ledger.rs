//! The findings ledger of local fuzzing nights (`fuzz/findings/`): one JSON
//! file per finding signature, recording every crash file of every run once,
//! with first and last run seen, count, targets, the smallest reproducing
//! case and a status:
//! - `new`: first seen (or seen again after being fixed) in the latest run;
//! - `known`: seen in an earlier run;
//! - `fixed`: its saved case no longer reproduces (re-checked at every
//!   update in which it was not seen), or marked so by hand.
//!
//! A crash's signature comes from the case file the fuzz target saved
//! beside it (`drt::fuzzing::signature`); crashes that are not our findings
//! (a panic inside our engine, a timeout, running out of memory) get one
//! from the run's libFuzzer logs: `panic/<file:line>`, `timeout/<target>`,
//! `oom/<target>`, else `crash/<target>`.

use crate::case::{fnv_hex, AnyCase};
use crate::diff::{Differ, FindingKind, Verdict};
use crate::targets::Target;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Known,
    Fixed,
}

/// One crash file, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crash {
    pub run: String,
    pub target: String,
    /// Path of the crash file (as given, normally relative to the checkout).
    pub file: String,
    /// FNV-1a of its bytes: the same input saved twice is one crash.
    pub input: String,
    pub bytes: u64,
}

/// The smallest reproducing input known for a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    pub target: String,
    /// A case file `scripts/repro` reads (saved case, shrunk when possible),
    /// or the raw crash file for findings without a case.
    pub file: String,
    /// Whether it was shrunk (`drt repro --minimize`'s structural shrinking).
    pub minimized: bool,
    /// The readable report of that input.
    pub report: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub signature: String,
    pub status: Status,
    pub first_seen: String,
    pub last_seen: String,
    /// Crash files recorded over all runs.
    pub count: u64,
    /// Crash files per run.
    pub runs: BTreeMap<String, u64>,
    pub targets: BTreeSet<String>,
    /// Runs in which a fixed finding was seen again.
    #[serde(default)]
    pub reopened: Vec<String>,
    /// The run whose update found its case no longer reproducing, or "by hand".
    #[serde(default)]
    pub fixed_in: Option<String>,
    pub example: Option<Example>,
    pub crashes: Vec<Crash>,
}

impl Entry {
    /// The one-line command that shows this finding again.
    pub fn repro_command(&self) -> Option<String> {
        self.example.as_ref().map(|e| format!("scripts/repro {} --target {}", e.file, e.target))
    }
}

/// The ledger folder: `<dir>/<slug>.json` per signature, case files in `<dir>/<slug>/`.
pub struct Ledger {
    pub dir: PathBuf,
    pub entries: BTreeMap<String, Entry>,
}

/// `disagreement/decision` → `disagreement-decision` (a file name).
pub fn slug(signature: &str) -> String {
    signature.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' }).collect()
}

impl Ledger {
    pub fn open(dir: &Path) -> Result<Ledger, String> {
        let mut entries = BTreeMap::new();
        if dir.is_dir() {
            let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let mut files: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            for p in files {
                let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                let e: Entry = serde_json::from_str(&text)
                    .map_err(|e| format!("{}: {}:{}: {e}", p.display(), e.line(), e.column()))?;
                entries.insert(e.signature.clone(), e);
            }
        }
        Ok(Ledger { dir: dir.to_path_buf(), entries })
    }

    pub fn save(&self) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        for e in self.entries.values() {
            let p = self.dir.join(format!("{}.json", slug(&e.signature)));
            let text = serde_json::to_string_pretty(e).map_err(|e| e.to_string())?;
            std::fs::write(&p, text + "\n").map_err(|e| format!("{}: {e}", p.display()))?;
        }
        Ok(())
    }

    fn recorded(&self) -> BTreeSet<(String, String)> {
        self.entries.values().flat_map(|e| e.crashes.iter().map(|c| (c.file.clone(), c.input.clone()))).collect()
    }
}

/// A crash file found in the artifacts folder, with what we know of it.
#[derive(Debug, Clone)]
pub struct Found {
    pub target: String,
    pub file: PathBuf,
    pub bytes: Vec<u8>,
    pub signature: String,
    /// The case file the target saved beside it, when there is one.
    pub case_file: Option<PathBuf>,
}

/// Crash-like files libFuzzer writes (slow units are not crashes).
const CRASH_PREFIXES: [&str; 4] = ["crash-", "timeout-", "oom-", "leak-"];

/// Every crash file under `artifacts/<target>/`, sorted by path, with its signature.
pub fn scan(artifacts: &Path, logs: &LogIndex) -> Result<Vec<Found>, String> {
    let mut out = Vec::new();
    let Ok(targets) = std::fs::read_dir(artifacts) else { return Ok(out) };
    let mut dirs: Vec<PathBuf> = targets.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        let target = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let n = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                CRASH_PREFIXES.iter().any(|pre| n.starts_with(pre))
            })
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let case_file = Some(crate::fuzzing::case_file_for(&dir, &bytes)).filter(|p| p.is_file());
            let from_case = match &case_file {
                Some(p) => Some(case_signature(p)?),
                None => None,
            };
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let signature = from_case
                .or_else(|| logs.signature_of(&file))
                .unwrap_or_else(|| format!("{}/{target}", name.split('-').next().unwrap_or("crash")));
            out.push(Found { target: target.clone(), file, bytes, signature, case_file });
        }
    }
    Ok(out)
}

/// The signature a case file records (`signature`, or `finding` in files
/// written before signatures existed: the same text).
fn case_signature(p: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let j: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
    ["signature", "finding"]
        .iter()
        .find_map(|k| j.get(*k).and_then(|v| v.as_str()).map(str::to_string))
        .ok_or_else(|| format!("{}: no `signature` field", p.display()))
}

/// What the libFuzzer logs of a run say about each crash file they wrote.
#[derive(Debug, Default)]
pub struct LogIndex {
    /// Crash file name → signature.
    by_file: BTreeMap<String, String>,
}

impl LogIndex {
    /// Read every `*.log` in `dir`.
    pub fn read(dir: &Path) -> Result<LogIndex, String> {
        let mut idx = LogIndex::default();
        let Ok(rd) = std::fs::read_dir(dir) else { return Ok(idx) };
        let mut logs: Vec<PathBuf> =
            rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "log")).collect();
        logs.sort();
        for p in logs {
            let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let target = p.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            idx.add_log(&target, &String::from_utf8_lossy(&bytes));
        }
        Ok(idx)
    }

    /// Between two crashes, the last panic location or libFuzzer error
    /// names the crash that `Test unit written to FILE` then saves.
    pub fn add_log(&mut self, target: &str, log: &str) {
        let mut cause: Option<String> = None;
        let mut lines = log.lines().peekable();
        while let Some(line) = lines.next() {
            if let Some(rest) = line.split_once("' panicked at ").map(|(_, r)| r) {
                // `panicked at FILE:LINE:COL:` then the message on the next line;
                // our findings' message starts with their signature.
                let loc = rest.trim_end_matches(':');
                let loc = loc.rsplit_once(':').map_or(loc, |(l, _col)| l);
                let first_msg = lines.peek().map(|l| l.trim()).unwrap_or_default();
                cause = Some(match first_msg.split_once(" | target ") {
                    Some((sig, _)) if sig.starts_with("disagreement/") || sig.starts_with("property/") => sig.into(),
                    _ => format!("panic/{loc}"),
                });
            } else if line.contains("ERROR: libFuzzer: timeout") {
                cause = Some(format!("timeout/{target}"));
            } else if line.contains("ERROR: libFuzzer: out-of-memory") {
                cause = Some(format!("oom/{target}"));
            } else if let Some(path) = line.split_once("Test unit written to ").map(|(_, p)| p.trim()) {
                let name = Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or(path).to_string();
                if let Some(c) = cause.take() {
                    self.by_file.insert(name, c);
                }
            }
        }
    }

    fn signature_of(&self, file: &Path) -> Option<String> {
        self.by_file.get(file.file_name()?.to_str()?).cloned()
    }
}

/// What an update did, per signature seen in this run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Signature → (crash files in this run, status after the update).
    pub seen: BTreeMap<String, (u64, Status)>,
    /// Target → signatures new in this run among its crashes.
    pub new_by_target: BTreeMap<String, BTreeSet<String>>,
    /// Signatures found fixed by this update.
    pub fixed: Vec<String>,
}

impl RunSummary {
    pub fn new_count(&self) -> usize {
        self.seen.values().filter(|(_, s)| *s == Status::New).count()
    }
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "findings": self.seen.iter().map(|(sig, (n, st))| serde_json::json!({
                "signature": sig, "crashes": n, "status": st,
            })).collect::<Vec<_>>(),
            "new": self.new_count(),
            "known": self.seen.len() - self.new_count(),
            "new_by_target": self.new_by_target.iter().map(|(t, s)| (t.clone(), s.len())).collect::<BTreeMap<_, _>>(),
            "fixed": self.fixed,
        })
    }
}

/// How the example of a new finding is made reproducible and small.
pub trait Minimizer {
    /// The shrunk case and its report, when the finding has a case and
    /// still reproduces; `None` keeps the crash's own case.
    fn shrink(&mut self, target: &str, case: &AnyCase, signature: &str) -> Option<(AnyCase, String)>;
    /// Whether a saved case still shows a finding with this signature.
    fn reproduces(&mut self, target: &str, case: &AnyCase, signature: &str) -> Option<bool>;
}

fn is_new_in(e: &Entry, run: &str) -> bool {
    e.first_seen == run || e.reopened.last().is_some_and(|r| r == run)
}

/// Record every crash file not recorded yet as seen in `run`, then set the
/// statuses and re-check findings not seen in this run.
pub fn update(ledger: &mut Ledger, run: &str, found: &[Found], m: &mut dyn Minimizer) -> Result<RunSummary, String> {
    let recorded = ledger.recorded();
    let mut summary = RunSummary::default();
    for f in found {
        let file = f.file.to_string_lossy().to_string();
        let input = fnv_hex(&f.bytes);
        if recorded.contains(&(file.clone(), input.clone())) {
            continue;
        }
        let e = ledger.entries.entry(f.signature.clone()).or_insert_with(|| Entry {
            signature: f.signature.clone(),
            status: Status::New,
            first_seen: run.to_string(),
            last_seen: run.to_string(),
            count: 0,
            runs: BTreeMap::new(),
            targets: BTreeSet::new(),
            reopened: vec![],
            fixed_in: None,
            example: None,
            crashes: vec![],
        });
        if e.status == Status::Fixed {
            e.reopened.push(run.to_string());
            e.fixed_in = None;
        }
        e.status = if is_new_in(e, run) { Status::New } else { Status::Known };
        e.last_seen = run.to_string();
        e.count += 1;
        *e.runs.entry(run.to_string()).or_default() += 1;
        e.targets.insert(f.target.clone());
        e.crashes.push(Crash {
            run: run.to_string(),
            target: f.target.clone(),
            file,
            input,
            bytes: f.bytes.len() as u64,
        });
        let seen = summary.seen.entry(f.signature.clone()).or_insert((0, e.status));
        seen.0 += 1;
        seen.1 = e.status;
        if e.status == Status::New {
            summary.new_by_target.entry(f.target.clone()).or_default().insert(f.signature.clone());
        }
    }
    // `new` only in the run that first saw them (or saw them reopen).
    for e in ledger.entries.values_mut() {
        if e.status != Status::Fixed {
            e.status = if is_new_in(e, run) { Status::New } else { Status::Known };
        }
    }
    // Examples: the smallest crash of each finding seen now, shrunk once.
    for (sig, _) in summary.seen.clone() {
        let slug_dir = ledger.dir.join(slug(&sig));
        let e = ledger.entries.get_mut(&sig).expect("entry just recorded");
        let best = found.iter().filter(|f| f.signature == sig).min_by_key(|f| (f.case_file.is_none(), f.bytes.len()));
        let Some(best) = best else { continue };
        if e.example.as_ref().is_some_and(|x| x.minimized) {
            continue;
        }
        e.example = Some(example(best, &sig, &slug_dir, m)?);
    }
    // Findings not seen in this run: fixed when their case no longer reproduces.
    for e in ledger.entries.values_mut() {
        if summary.seen.contains_key(&e.signature) || e.status == Status::Fixed {
            continue;
        }
        let Some(x) = &e.example else { continue };
        let Ok(Some((target, case))) = read_case(Path::new(&x.file)) else { continue };
        if m.reproduces(&target, &case, &e.signature) == Some(false) {
            e.status = Status::Fixed;
            e.fixed_in = Some(run.to_string());
            summary.fixed.push(e.signature.clone());
        }
    }
    Ok(summary)
}

/// The example of a finding from its best crash: its case shrunk and saved
/// under the ledger (`<slug>/case.json`), or the crash file itself.
fn example(best: &Found, sig: &str, slug_dir: &Path, m: &mut dyn Minimizer) -> Result<Example, String> {
    let raw = || Example {
        target: best.target.clone(),
        file: best.file.to_string_lossy().into(),
        minimized: false,
        report: String::new(),
    };
    let Some(case_file) = &best.case_file else { return Ok(raw()) };
    let original_report = std::fs::read_to_string(case_file)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|j| j.get("report").and_then(|r| r.as_str()).map(str::to_string))
        .unwrap_or_default();
    // A property failure saves its report but no case: the crash bytes are the input.
    let Some((_, case)) = read_case(case_file)? else { return Ok(Example { report: original_report, ..raw() }) };
    let (case, report, minimized) = match m.shrink(&best.target, &case, sig) {
        Some((c, r)) => (c, r, true),
        None => (case, original_report, false),
    };
    std::fs::create_dir_all(slug_dir).map_err(|e| format!("{}: {e}", slug_dir.display()))?;
    let path = slug_dir.join("case.json");
    let j = serde_json::json!({
        "target": best.target, "signature": sig, "finding": sig,
        "case": case.to_json(), "report": report, "shrunk_from": best.file,
    });
    std::fs::write(&path, serde_json::to_string_pretty(&j).map_err(|e| e.to_string())? + "\n")
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Example { target: best.target.clone(), file: path.to_string_lossy().into(), minimized, report })
}

/// A saved case file's target and case (`None` for files without a case).
fn read_case(p: &Path) -> Result<Option<(String, AnyCase)>, String> {
    let Ok(text) = std::fs::read_to_string(p) else { return Ok(None) };
    let Ok(j) = serde_json::from_str::<serde_json::Value>(&text) else { return Ok(None) };
    let Some(c) = j.get("case").filter(|c| !c.is_null()) else { return Ok(None) };
    let target = j.get("target").and_then(|t| t.as_str()).unwrap_or("repro").to_string();
    Ok(Some((target, AnyCase::from_json(c).map_err(|e| format!("{}: case: {e}", p.display()))?)))
}

/// Shrinking and re-checking through the real engines (the model when a
/// target needs it).
pub struct EngineMinimizer {
    differ: Option<Differ>,
    model_error: Option<String>,
}

impl EngineMinimizer {
    pub fn new() -> EngineMinimizer {
        EngineMinimizer { differ: None, model_error: None }
    }

    fn differ(&mut self) -> Option<&mut Differ> {
        if self.differ.is_none() && self.model_error.is_none() {
            match Differ::with_model() {
                Ok(d) => self.differ = Some(d),
                Err(e) => {
                    eprintln!(
                        "drt findings: the model cannot be started ({e}): cases are neither shrunk nor re-checked"
                    );
                    self.model_error = Some(e);
                }
            }
        }
        self.differ.as_mut()
    }
}

impl Default for EngineMinimizer {
    fn default() -> Self {
        Self::new()
    }
}

fn kind_of(signature: &str) -> Option<FindingKind> {
    let bucket = signature.strip_prefix("disagreement/")?;
    crate::compare::Bucket::from_name(bucket).map(FindingKind::Disagreement)
}

impl Minimizer for EngineMinimizer {
    fn shrink(&mut self, target: &str, case: &AnyCase, signature: &str) -> Option<(AnyCase, String)> {
        let kind = kind_of(signature)?;
        Target::from_name(target)?;
        let d = self.differ()?;
        let shrunk = match crate::repro::shrink_case(d, target, case, &kind) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("drt findings: {signature}: not shrunk: {e}");
                return None;
            }
        };
        match crate::repro::check(d, target, &shrunk) {
            Verdict::Finding(f) if f.kind == kind => Some((shrunk, f.report)),
            _ => None,
        }
    }

    fn reproduces(&mut self, target: &str, case: &AnyCase, signature: &str) -> Option<bool> {
        let kind = kind_of(signature)?;
        let d = self.differ()?;
        match crate::repro::check(d, target, case) {
            Verdict::Finding(f) => Some(f.kind == kind),
            Verdict::Agree | Verdict::Known(_) => Some(false),
            // A fault or a skipped case says nothing about the finding.
            Verdict::Fault(_) | Verdict::Skipped => None,
        }
    }
}

/// Mark a finding's status by hand (`drt findings mark SIG fixed`).
pub fn mark(ledger: &mut Ledger, signature: &str, status: Status) -> Result<(), String> {
    let e = ledger
        .entries
        .get_mut(signature)
        .ok_or_else(|| format!("no finding with signature `{signature}` in {}", ledger.dir.display()))?;
    e.status = status;
    e.fixed_in = (status == Status::Fixed).then(|| "by hand".to_string());
    Ok(())
}

/// The ledger as a table, newest first.
pub fn table(ledger: &Ledger) -> String {
    let mut es: Vec<&Entry> = ledger.entries.values().collect();
    es.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then(a.signature.cmp(&b.signature)));
    let mut out = format!(
        "{:<36} {:<6} {:>6} {:<16} {:<16} {}\n",
        "signature", "status", "count", "first seen", "last seen", "targets"
    );
    for e in es {
        let st = match e.status {
            Status::New => "new",
            Status::Known => "known",
            Status::Fixed => "fixed",
        };
        let ts: Vec<&str> = e.targets.iter().map(String::as_str).collect();
        out.push_str(&format!(
            "{:<36} {:<6} {:>6} {:<16} {:<16} {}\n",
            e.signature,
            st,
            e.count,
            e.first_seen,
            e.last_seen,
            ts.join(",")
        ));
    }
    out
}

/// `drt findings …`
#[derive(clap::Subcommand)]
pub enum FindingsCmd {
    /// Record the crash files under ARTIFACTS not recorded yet as seen in
    /// RUN, shrink new findings' cases, re-check the others; print the ledger.
    Update {
        #[arg(long, default_value = "fuzz/findings")]
        ledger: PathBuf,
        #[arg(long, default_value = "fuzz/artifacts")]
        artifacts: PathBuf,
        /// The run's id (scripts/fuzz: its UTC start time, e.g. 20261206T120000).
        #[arg(long)]
        run: String,
        /// The run's libFuzzer logs (`<target>.log`), for crashes without a case file.
        #[arg(long)]
        logs: Option<PathBuf>,
        /// Write this run's findings (signature, crashes, status; new per target) here.
        #[arg(long)]
        summary: Option<PathBuf>,
        /// Neither shrink nor re-check (no engine runs).
        #[arg(long)]
        no_engines: bool,
    },
    /// Print the ledger.
    List {
        #[arg(long, default_value = "fuzz/findings")]
        ledger: PathBuf,
    },
    /// Set a finding's status by hand (e.g. `fixed` after a fix landed).
    Mark {
        signature: String,
        #[arg(long, value_parser = ["new", "known", "fixed"])]
        status: String,
        #[arg(long, default_value = "fuzz/findings")]
        ledger: PathBuf,
    },
}

/// Never shrinks, never re-checks: a ledger update without engines.
struct NoEngines;
impl Minimizer for NoEngines {
    fn shrink(&mut self, _: &str, _: &AnyCase, _: &str) -> Option<(AnyCase, String)> {
        None
    }
    fn reproduces(&mut self, _: &str, _: &AnyCase, _: &str) -> Option<bool> {
        None
    }
}

pub fn main(cmd: FindingsCmd) -> std::process::ExitCode {
    match run_cli(cmd) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("drt findings: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run_cli(cmd: FindingsCmd) -> Result<(), String> {
    match cmd {
        FindingsCmd::Update { ledger, artifacts, run, logs, summary, no_engines } => {
            let mut l = Ledger::open(&ledger)?;
            let logs = match logs {
                Some(d) => LogIndex::read(&d)?,
                None => LogIndex::default(),
            };
            let found = scan(&artifacts, &logs)?;
            let s = if no_engines {
                update(&mut l, &run, &found, &mut NoEngines)?
            } else {
                update(&mut l, &run, &found, &mut EngineMinimizer::new())?
            };
            l.save()?;
            if let Some(p) = summary {
                let text = serde_json::to_string_pretty(&s.to_json()).map_err(|e| e.to_string())?;
                std::fs::write(&p, text + "\n").map_err(|e| format!("{}: {e}", p.display()))?;
            }
            print!("{}", table(&l));
            let crashes: u64 = s.seen.values().map(|(n, _)| n).sum();
            println!(
                "this run: {crashes} crash files, {} findings ({} new, {} known){}; ledger: {} findings in {}",
                s.seen.len(),
                s.new_count(),
                s.seen.len() - s.new_count(),
                if s.fixed.is_empty() { String::new() } else { format!(", {} now fixed", s.fixed.len()) },
                l.entries.len(),
                l.dir.display()
            );
            Ok(())
        }
        FindingsCmd::List { ledger } => {
            print!("{}", table(&Ledger::open(&ledger)?));
            Ok(())
        }
        FindingsCmd::Mark { signature, status, ledger } => {
            let mut l = Ledger::open(&ledger)?;
            let st = match status.as_str() {
                "new" => Status::New,
                "known" => Status::Known,
                _ => Status::Fixed,
            };
            mark(&mut l, &signature, st)?;
            l.save()
        }
    }
}
