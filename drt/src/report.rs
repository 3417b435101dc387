//! Readable reports of disagreements and faults.

use crate::answer::{AuthAnswer, EvalAnswer, Outcome};
use crate::case::{AuthCase, EvalCase};
use crate::compare::Difference;
use std::fmt::Write;

fn pretty(j: &serde_json::Value) -> String {
    serde_json::to_string_pretty(j).unwrap_or_else(|_| j.to_string())
}

/// Entities JSON with one entity per line: a store of 20 entities stays
/// readable in a terminal, where pretty-printing would take hundreds of lines.
fn entities_lines(j: &serde_json::Value) -> String {
    match j.as_array() {
        Some(items) => {
            let lines: Vec<String> = items.iter().map(|e| format!("  {e}")).collect();
            format!("[\n{}\n]", lines.join(",\n"))
        }
        None => pretty(j),
    }
}

fn outcome_line<T: std::fmt::Display>(o: &Outcome<T>) -> String {
    match o {
        Outcome::Answer(a) => a.to_string(),
        Outcome::Rejected(why) => format!("REJECTED: {why}"),
    }
}

fn header(out: &mut String, target: &str, hash: &str, d: &Difference) {
    writeln!(out, "==================== DRT DISAGREEMENT ====================").unwrap();
    writeln!(out, "target: {target}   bucket: {}   case: {hash}", d.bucket).unwrap();
}

fn schema_section(out: &mut String, schema: &Option<String>) {
    match schema {
        Some(s) => writeln!(out, "--- schema (Cedar syntax) ---\n{}", s.trim_end()).unwrap(),
        None => writeln!(out, "--- schema: none (untyped input) ---").unwrap(),
    }
}

pub fn auth_report(
    target: &str,
    case: &AuthCase,
    names: &[&str],
    outcomes: &[&Outcome<Vec<AuthAnswer>>],
    d: &Difference,
) -> String {
    let mut out = String::new();
    header(&mut out, target, &case.hash(), d);
    schema_section(&mut out, &case.schema);
    writeln!(out, "--- policies (Cedar text, read by the engine) ---\n{}", case.policies_text.trim_end()).unwrap();
    if case.policies_json.get("templateLinks").and_then(|l| l.as_array()).is_some_and(|l| !l.is_empty()) {
        writeln!(out, "--- template links ---\n{}", pretty(&case.policies_json["templateLinks"])).unwrap();
    }
    writeln!(out, "--- entities JSON ---\n{}", entities_lines(&case.entities)).unwrap();
    let rejected = outcomes.iter().any(|o| matches!(o, Outcome::Rejected(_)));
    if rejected {
        for (n, o) in names.iter().zip(outcomes) {
            let line = match o {
                Outcome::Answer(_) => "answered".to_string(),
                Outcome::Rejected(why) => format!("REJECTED: {why}"),
            };
            writeln!(out, "{n:>7}: {line}").unwrap();
        }
    }
    for (i, r) in case.requests.iter().enumerate() {
        let diff = d.requests.iter().find(|(j, _)| *j == i);
        let mark = if diff.is_some() { "  <-- DIFFERS" } else { "" };
        writeln!(out, "--- request {i}{mark} ---\n{r}").unwrap();
        for (n, o) in names.iter().zip(outcomes) {
            if let Outcome::Answer(answers) = o {
                if let Some(a) = answers.get(i) {
                    writeln!(out, "{n:>7}: {a}").unwrap();
                }
            }
        }
        if let Some((_, bs)) = diff {
            let bs: Vec<&str> = bs.iter().map(|b| b.name()).collect();
            writeln!(out, "differs: {}", bs.join(", ")).unwrap();
        }
    }
    writeln!(out, "--- policy-set JSON (read by the model) ---\n{}", pretty(&case.policies_json)).unwrap();
    out.push_str("==========================================================\n");
    out
}

pub fn eval_report(
    target: &str,
    case: &EvalCase,
    names: &[&str],
    outcomes: &[&Outcome<EvalAnswer>],
    d: &Difference,
) -> String {
    let mut out = String::new();
    header(&mut out, target, &case.hash(), d);
    schema_section(&mut out, &case.schema);
    writeln!(out, "--- expression (Cedar text, read by the engine) ---\n{}", case.expr_text).unwrap();
    writeln!(out, "--- entities JSON ---\n{}", entities_lines(&case.entities)).unwrap();
    writeln!(out, "--- request ---\n{}", case.request).unwrap();
    for (n, o) in names.iter().zip(outcomes) {
        writeln!(out, "{n:>7}: {}", outcome_line(o)).unwrap();
    }
    writeln!(out, "differs: {}", d.bucket).unwrap();
    writeln!(out, "--- expression JSON (read by the model) ---\n{}", case.expr_json).unwrap();
    out.push_str("==========================================================\n");
    out
}
