//! `drt`: the seeded driver, repro, minimisation and conformance runner.

use clap::{Parser, Subcommand};
use drt::diff::Differ;
use drt::driver::{print_table, run_target, RunOptions};
use drt::targets::{Input, Target, ALL};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "drt", about = "Differential random testing: our engine against the reference model")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run seeded inputs of one or more targets through the engines.
    Run {
        /// Target names, comma-separated; `differential`, `properties` or `all` for groups.
        #[arg(long, default_value = "abac-type-directed")]
        target: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Index of the first input (to replay one input of a run).
        #[arg(long, default_value_t = 0)]
        start: u64,
        /// Inputs per target.
        #[arg(long, default_value_t = 1000)]
        count: u64,
        #[arg(long, default_value_t = 3)]
        max_findings: u64,
        /// Run differential targets through our engine alone (no model).
        #[arg(long)]
        engine_only: bool,
        /// Engines for the differential targets, `ours` first: `ours,model` (default),
        /// `ours,model,upstream`, `ours,upstream` (upstream needs the `upstream` feature).
        #[arg(long, default_value = "ours,model")]
        engines: String,
        /// Save findings as case files here.
        #[arg(long, default_value = "target/drt-artifacts")]
        artifacts: PathBuf,
        /// Write the per-target table as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        #[arg(long)]
        quiet: bool,
        /// Generator overrides `key=value,…` (after the profile and GEN_* variables).
        #[arg(long, default_value = "")]
        gen: String,
    },
    /// Print the report for a crash file or case file, optionally write it
    /// as an integration-format test, optionally shrinking it first.
    Repro {
        file: PathBuf,
        #[arg(long)]
        target: Option<String>,
        /// Write a self-contained integration-format test into this folder.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Shrink structurally while the disagreement stays.
        #[arg(long)]
        minimize: bool,
        /// Name of the written test (default: derived from the case hash).
        #[arg(long)]
        name: Option<String>,
    },
    /// The findings ledger of fuzzing nights (`fuzz/findings/`).
    Findings {
        #[command(subcommand)]
        cmd: drt::ledger::FindingsCmd,
    },
    /// Write the HTML report of fuzzing nights (`scripts/report` runs this).
    Report {
        #[arg(long, default_value = "fuzz/runs")]
        runs: PathBuf,
        #[arg(long, default_value = "fuzz/findings")]
        ledger: PathBuf,
        /// `gen-stats --json` output to show the generator's construct coverage.
        #[arg(long)]
        gen_stats: Option<PathBuf>,
        /// Coverage reports (`<dir>/<target>/index.html`, from scripts/coverage) to link.
        #[arg(long, default_value = "fuzz/coverage")]
        coverage: PathBuf,
        #[arg(long, default_value = "fuzz/report")]
        out: PathBuf,
    },
    /// Write seeded inputs of a differential target as tests in Cedar's
    /// integration-test format, expecting the model's answers.
    Export {
        #[arg(long)]
        target: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Tests to write.
        #[arg(long, default_value_t = 100)]
        count: usize,
        #[arg(long)]
        out: PathBuf,
        /// Generator overrides `key=value,…` (after the profile and GEN_* variables).
        #[arg(long, default_value = "")]
        gen: String,
    },
    /// Print target names, one a line (scripts take the list from here).
    Targets {
        /// Names or groups as for `run --target`; an unknown name is an error.
        #[arg(default_value = "all")]
        selection: String,
        /// Only the targets that read raw bytes (`bytes`) or generated inputs (`generated`).
        #[arg(long, value_parser = ["bytes", "generated"])]
        input: Option<String>,
    },
    /// Write seeded model protocol lines to stdout, one per line, as the model
    /// client sends them (the differential targets' inputs and targeted edge
    /// cases; `scripts/check-model` feeds them to both model binaries).
    ModelLines {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 1000)]
        count: u64,
    },
    /// Run integration-format tests through the engine and the model.
    Conformance {
        /// Folder the tests' paths are relative to (default: each test's folder).
        #[arg(long)]
        root: Option<PathBuf>,
        tests: Vec<PathBuf>,
        /// How many disagreements to print in full.
        #[arg(long, default_value_t = 3)]
        show: usize,
    },
}

fn parse_targets(s: &str) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match name {
            "all" => out.extend(ALL.iter().copied()),
            "differential" => out.extend(ALL.iter().copied().filter(|t| t.is_differential())),
            "properties" => out.extend(ALL.iter().copied().filter(|t| !t.is_differential())),
            n => out.push(Target::from_name(n).ok_or_else(|| {
                format!("unknown target `{n}`; known: {}", ALL.iter().map(|t| t.name()).collect::<Vec<_>>().join(", "))
            })?),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Run { target, seed, start, count, max_findings, engine_only, engines, artifacts, json, quiet, gen } => {
            drt::gen::set_overrides(&gen);
            let targets = match parse_targets(&target) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("drt: {e}");
                    return ExitCode::from(2);
                }
            };
            let needs_model = !engine_only && targets.iter().any(|t| t.is_differential());
            let mut with_model = if needs_model {
                match Differ::with_engines(&engines) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        eprintln!("drt: the differential targets need their engines ({engines}): {e}\n(build the model with scripts/build-model, or pass --engine-only)");
                        return ExitCode::from(2);
                    }
                }
            } else {
                None
            };
            let mut alone = Differ::engine_only();
            let o = RunOptions { seed, start, count, max_findings, artifacts: Some(artifacts), quiet };
            let mut rows = Vec::new();
            for t in targets {
                let d = match (&mut with_model, t.is_differential()) {
                    (Some(d), true) => d,
                    _ => &mut alone,
                };
                rows.push(run_target(t, d, &o));
            }
            print_table(&rows);
            let bad: u64 = rows.iter().map(|r| r.findings + r.faults).sum();
            if let Some(p) = json {
                let j = serde_json::Value::Array(rows.iter().map(|r| r.to_json()).collect());
                if let Err(e) = std::fs::write(&p, serde_json::to_string_pretty(&j).unwrap()) {
                    eprintln!("drt: cannot write {}: {e}", p.display());
                }
            }
            let findings: u64 = rows.iter().map(|r| r.findings).sum();
            let faults: u64 = rows.iter().map(|r| r.faults).sum();
            println!("disagreements/property failures: {findings}, faults: {faults}");
            if bad > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Cmd::Repro { file, target, out, minimize, name } => {
            drt::repro::main(&file, target.as_deref(), out.as_deref(), minimize, name.as_deref())
        }
        Cmd::Findings { cmd } => drt::ledger::main(cmd),
        Cmd::Report { runs, ledger, gen_stats, coverage, out } => {
            drt::html_report::main(&runs, &ledger, gen_stats.as_deref(), &coverage, &out)
        }
        Cmd::Export { target, seed, count, out, gen } => export(&target, seed, count, &out, &gen),
        Cmd::ModelLines { seed, count } => model_lines(seed, count),
        Cmd::Conformance { root, tests, show } => drt::conformance::main(root.as_deref(), &tests, show),
        Cmd::Targets { selection, input } => match parse_targets(&selection) {
            Ok(targets) => {
                let wanted = |t: &Target| match input.as_deref() {
                    Some("bytes") => t.input() == Input::Bytes,
                    Some(_) => t.input() == Input::Generated,
                    None => true,
                };
                for t in targets.iter().filter(|t| wanted(t)) {
                    println!("{}", t.name());
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("drt targets: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn export(target: &str, seed: u64, count: usize, out: &std::path::Path, gen: &str) -> ExitCode {
    drt::gen::set_overrides(gen);
    let Some(t) = Target::from_name(target) else {
        eprintln!("drt export: unknown target `{target}`");
        return ExitCode::from(2);
    };
    // The model is the reference: without it there is nothing to expect.
    let mut d = match Differ::with_model() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("drt export: the expected answers come from the model: {e}\n(build it with scripts/build-model)");
            return ExitCode::from(2);
        }
    };
    let Some(model) = d.engines.iter_mut().find(|e| e.name() == "model") else {
        eprintln!("drt export: the model is not among the engines");
        return ExitCode::from(2);
    };
    match drt::export::export(t, seed, count, out, model.as_mut()) {
        Ok(s) => {
            println!("wrote {} tests to {} ({} inputs generated)", s.written, out.display(), s.inputs);
            if s.skipped() > 0 {
                println!("not written (the format cannot hold them): {}", drt::export::reasons(&s));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("drt export: {e}");
            ExitCode::FAILURE
        }
    }
}

fn model_lines(seed: u64, count: u64) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for i in 0..count {
        let written = out.write_all(&drt::model_lines::line(seed, i)).and_then(|()| out.write_all(b"\n"));
        if let Err(e) = written {
            eprintln!("drt model-lines: writing line {i}: {e}");
            return ExitCode::FAILURE;
        }
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("drt model-lines: {e}");
            ExitCode::FAILURE
        }
    }
}
