//! The `engine` command-line tool.
//!
//! Exit codes: 0 success (for `validate`: the policies are valid; for
//! `run-tests`: every test passed), 1 a negative answer (`validate`: invalid;
//! `run-tests`: some test failed), 2 bad input or usage (the message names the
//! file and the line/column or JSON path), 3 an internal error (a bug).

use clap::{Parser, Subcommand, ValueEnum};
use engine::ast::PolicySet;
use engine::authorizer::{Authorizer, Decision};
use engine::entities::Entities;
use engine::request::Request;
use engine::schema::Schema;
use engine::testing::{self, Format};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "engine", version, about = "A Cedar 4.x compatible authorization engine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum SyntaxArg {
    Cedar,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Authorize one request; prints the response as JSON.
    Authorize {
        /// Policy set: Cedar text, or Cedar's JSON policy-set format if the name ends in `.json`.
        #[arg(long)]
        policies: PathBuf,
        /// Entities JSON (an array of `{uid, attrs, parents, tags?}`).
        #[arg(long)]
        entities: PathBuf,
        /// Request JSON: `{"principal", "action", "resource", "context"}`.
        #[arg(long)]
        request: PathBuf,
        /// Schema (Cedar syntax, or JSON if the name ends in `.json`): entities and context
        /// are read against it and the request is validated.
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Override the policy syntax chosen from the file name.
        #[arg(long, value_enum)]
        policy_format: Option<SyntaxArg>,
    },
    /// Pretty-print a policy file as Cedar text.
    Format {
        file: PathBuf,
        /// Override the policy syntax chosen from the file name.
        #[arg(long, value_enum)]
        policy_format: Option<SyntaxArg>,
    },
    /// Convert Cedar policy text to the JSON policy-set format, or back (`--reverse`,
    /// the default for files ending in `.json`).
    PolicyJson {
        file: PathBuf,
        /// JSON → Cedar text.
        #[arg(long)]
        reverse: bool,
    },
    /// Strictly validate a policy set against a schema; exit 0 valid, 1 invalid.
    Validate {
        #[arg(long)]
        policies: PathBuf,
        #[arg(long)]
        schema: PathBuf,
        /// Print the result as JSON (`{"passed", "errors", "warnings"}`).
        #[arg(long)]
        json: bool,
    },
    /// Convert a schema between the Cedar syntax and the JSON format.
    Schema {
        /// The output syntax.
        #[arg(long, value_enum)]
        to: SyntaxArg,
        file: PathBuf,
    },
    /// Run tests in Cedar's integration-test format; ends with `N passed, M failed`.
    RunTests {
        /// Directory the paths inside the tests are relative to (default: each test's directory).
        #[arg(long)]
        root: Option<PathBuf>,
        #[arg(required = true)]
        tests: Vec<PathBuf>,
    },
}

/// A failure to report: message already names the file and position.
struct Failure {
    message: String,
    code: u8,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure { message, code: 2 }
    }
}

type Outcome = Result<(String, u8), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Work on a thread with a generous stack: the parser and evaluator bound
    // their own depth, this is only a margin for deep but legal inputs.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli.command))));
    let result = match worker.map(|h| h.join()) {
        Ok(Ok(Ok(r))) => r,
        _ => {
            eprintln!("engine: internal error (this is a bug; the panic message is above)");
            return ExitCode::from(3);
        }
    };
    match result {
        Ok((out, code)) => {
            print!("{out}");
            ExitCode::from(code)
        }
        Err(f) => {
            eprintln!("engine: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn file_name(p: &Path) -> String {
    p.display().to_string()
}

fn has_json_ext(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn format_for(p: &Path, forced: Option<SyntaxArg>) -> Format {
    match forced {
        Some(SyntaxArg::Cedar) => Format::Cedar,
        Some(SyntaxArg::Json) => Format::Json,
        None if has_json_ext(p) => Format::Json,
        None => Format::Cedar,
    }
}

fn load_policies(p: &Path, forced: Option<SyntaxArg>) -> Result<PolicySet, String> {
    let src = testing::read_utf8(p)?;
    testing::parse_policies(&src, format_for(p, forced), &file_name(p))
}

fn load_schema(p: &Path) -> Result<Schema, String> {
    let src = testing::read_utf8(p)?;
    testing::parse_schema(&src, format_for(p, None), &file_name(p))
}

fn run(cmd: Command) -> Outcome {
    match cmd {
        Command::Authorize { policies, entities, request, schema, policy_format } => {
            authorize(&policies, &entities, &request, schema.as_deref(), policy_format)
        }
        Command::Format { file, policy_format } => {
            let ps = load_policies(&file, policy_format)?;
            Ok((to_text(&ps, &file, Layout::Pretty), 0))
        }
        Command::PolicyJson { file, reverse } => {
            if reverse || has_json_ext(&file) {
                let ps = load_policies(&file, Some(SyntaxArg::Json))?;
                Ok((to_text(&ps, &file, Layout::Compact), 0))
            } else {
                let ps = load_policies(&file, Some(SyntaxArg::Cedar))?;
                Ok((pretty(&engine::est::policy_set_to_json(&ps)), 0))
            }
        }
        Command::Validate { policies, schema, json } => {
            let schema = load_schema(&schema)?;
            let ps = load_policies(&policies, None)?;
            let (passed, errors, warnings) = testing::validation_report(&schema, &ps);
            let out = if json {
                pretty(&json!({ "passed": passed, "errors": errors, "warnings": warnings }))
            } else {
                let mut s = String::new();
                for e in &errors {
                    s += &format!("error: {e}\n");
                }
                for w in &warnings {
                    s += &format!("warning: {w}\n");
                }
                s += if passed { "validation passed\n" } else { "validation failed\n" };
                s
            };
            Ok((out, if passed { 0 } else { 1 }))
        }
        Command::Schema { to, file } => {
            let schema = load_schema(&file)?;
            let out = match to {
                SyntaxArg::Cedar => testing::schema_to_text(&schema, Format::Cedar),
                SyntaxArg::Json => testing::schema_to_text(&schema, Format::Json),
            };
            Ok((out, 0))
        }
        Command::RunTests { root, tests } => {
            let (report, _passed, failed) = testing::run_files(&tests, root.as_deref());
            Ok((report, if failed == 0 { 0 } else { 1 }))
        }
    }
}

fn authorize(
    policies: &Path,
    entities: &Path,
    request: &Path,
    schema: Option<&Path>,
    policy_format: Option<SyntaxArg>,
) -> Outcome {
    let schema = schema.map(load_schema).transpose()?;
    let ps = load_policies(policies, policy_format)?;
    let es: Entities = testing::parse_entities(&testing::read_utf8(entities)?, schema.as_ref(), &file_name(entities))?;
    let rsrc = testing::read_utf8(request)?;
    // Strict, like entities and schemas: a duplicate key anywhere (top level or
    // inside `context`) is refused with its JSON path. Cedar's own readers keep
    // the last duplicate in context JSON; a request file of ours never does.
    let rj = engine::json::parse_strict(&rsrc).map_err(|e| format!("{}: {e}", file_name(request)))?;
    let req = Request::from_json(&rj, schema.as_ref()).map_err(|e| format!("{}: {e}", file_name(request)))?;
    if let Some(s) = &schema {
        testing::check_request(s, &req)
            .map_err(|e| format!("{}: request does not conform to the schema: {e}", file_name(request)))?;
    }
    let authorizer = Authorizer::new(&ps).map_err(|e| format!("{}: {e}", file_name(policies)))?;
    let resp = authorizer.is_authorized(&req, &es);
    let out = json!({
        "decision": match resp.decision { Decision::Allow => "allow", Decision::Deny => "deny" },
        "reason": resp.reason.iter().map(|p| p.0.clone()).collect::<Vec<_>>(),
        "errors": resp.errors.iter().map(|e| json!({ "policy": e.id.0, "message": e.message })).collect::<Vec<_>>(),
    });
    Ok((pretty(&out), 0))
}

/// `format` lays policies out one clause per line; conversions print one
/// policy per line.
#[derive(Clone, Copy)]
enum Layout {
    Pretty,
    Compact,
}

/// Cedar text for a policy set. Template links have no text form, so say on
/// stderr that they were left out rather than dropping them silently.
fn to_text(ps: &PolicySet, file: &Path, layout: Layout) -> String {
    if !ps.links.is_empty() {
        eprintln!(
            "engine: note: {}: {} template link(s) have no Cedar text form and are not printed (use the JSON format to keep them)",
            file_name(file),
            ps.links.len()
        );
    }
    match layout {
        Layout::Pretty => engine::printer::pretty_policy_set(ps),
        Layout::Compact => engine::printer::policy_set_to_text(ps),
    }
}

fn pretty(j: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(j).unwrap_or_else(|_| j.to_string());
    s.push('\n');
    s
}
