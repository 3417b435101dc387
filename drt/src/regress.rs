//! Replaying saved findings (`drt/regressions/*.drt.json`). Each file holds
//! the exact case, every engine's answer when it was found, which engine's
//! answer is expected, and a status: `open` (the bug is not fixed yet: the
//! wrong side may still differ, and a fix is reported) or `fixed` (every
//! engine must give the expected answer).

use crate::case::AnyCase;
use crate::diff::Differ;
use crate::testfile::{auth_outcome_json, eval_outcome_json, same_outcome};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct Summary {
    pub checked: usize,
    /// Engines run per test (names).
    pub engines: Vec<String>,
    pub failures: Vec<String>,
    pub notes: Vec<String>,
}

pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    v.retain(|p| p.to_string_lossy().ends_with(".drt.json"));
    v.sort();
    v
}

/// Replay every saved finding in `dir` through the engines of `d`.
pub fn check_dir(dir: &Path, d: &mut Differ) -> Summary {
    let mut s = Summary { engines: d.names(), ..Default::default() };
    for f in files(dir) {
        s.checked += 1;
        if let Err(e) = check_file(&f, d, &mut s) {
            s.failures.push(format!("{}: {e}", f.display()));
        }
    }
    s
}

fn check_file(f: &Path, d: &mut Differ, s: &mut Summary) -> Result<(), String> {
    let j: Json =
        serde_json::from_str(&std::fs::read_to_string(f).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let case = AnyCase::from_json(j.get("case").ok_or("missing `case`")?)?;
    let expected_side = j.get("expected").and_then(Json::as_str).ok_or("missing `expected`")?;
    let expected =
        j.get("answers").and_then(|a| a.get(expected_side)).ok_or("no answer for the expected side")?.clone();
    let open = j.get("status").and_then(Json::as_str) == Some("open");
    let wrong = j.get("wrong").and_then(Json::as_str).unwrap_or("");
    let names = d.names();
    for (n, e) in names.iter().zip(d.engines.iter_mut()) {
        let got = match &case {
            AnyCase::Auth(c) => e.authorize(c).map(|o| auth_outcome_json(&o)),
            AnyCase::Eval(c) => e.evaluate(c).map(|o| eval_outcome_json(&o)),
        }
        .map_err(|f| format!("{f}"))?;
        let ok = same_outcome(&got, &expected);
        match (ok, open && n == wrong) {
            (true, false) | (false, true) => {}
            (true, true) => s.notes.push(format!("{}: {n} now gives the expected answer: mark it fixed", f.display())),
            (false, false) => {
                return Err(format!("{n} answered {got}, expected ({expected_side}'s answer) {expected}"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::{AuthAnswer, EngineResult, EvalAnswer, Outcome};
    use crate::case::{AuthCase, EvalCase};
    use crate::engine::Engine;
    use engine::authorizer::Decision;
    use serde_json::json;

    struct Fixed(&'static str, Decision);
    impl Engine for Fixed {
        fn name(&self) -> &str {
            self.0
        }
        fn authorize(&mut self, c: &AuthCase) -> EngineResult<Vec<AuthAnswer>> {
            Ok(Outcome::Answer(
                c.requests
                    .iter()
                    .map(|_| AuthAnswer { decision: self.1, reason: Default::default(), errors: Default::default() })
                    .collect(),
            ))
        }
        fn evaluate(&mut self, _: &EvalCase) -> EngineResult<EvalAnswer> {
            unreachable!()
        }
    }

    #[test]
    fn written_findings_replay_with_status() {
        let dir = std::env::temp_dir().join(format!("drt-regress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let case = AnyCase::Auth(AuthCase {
            schema: Some("entity U; entity R; action v appliesTo { principal: U, resource: R };\n".into()),
            policies_text: "permit(principal, action, resource);\n".into(),
            policies_json: json!({"staticPolicies": {}, "templates": {}, "templateLinks": []}),
            entities: json!([]),
            with_schema: None,
            requests: vec![json!({"principal": {"type": "U", "id": "a"}, "action": {"type": "Action", "id": "v"},
                                  "resource": {"type": "R", "id": "r"}, "context": {}})],
            text_seed: None,
            render_seed: 0,
        });
        let allow = json!([{"decision": "allow", "reason": [], "errors": []}]);
        let deny = json!([{"decision": "deny", "reason": [], "errors": []}]);
        let answers = vec![("engine".to_string(), deny), ("model".to_string(), allow)];
        let w = crate::testfile::write_case(&dir, "t1", &case, &answers, "model", "").unwrap();
        let test: Json = serde_json::from_str(&std::fs::read_to_string(w.test_json.unwrap()).unwrap()).unwrap();
        assert_eq!(test["requests"][0]["decision"], "allow");
        assert_eq!(test["policies"], "t1.cedar");
        assert!(dir.join("t1.cedar").is_file() && dir.join("t1.entities.json").is_file());

        // Open, engine still wrong: passes.
        let mut d =
            Differ::new(vec![Box::new(Fixed("engine", Decision::Deny)), Box::new(Fixed("model", Decision::Allow))]);
        let s = check_dir(&dir, &mut d);
        assert_eq!((s.checked, s.failures.len(), s.notes.len()), (1, 0, 0), "{:?}", s.failures);
        // Engine fixed: passes with a note to mark it fixed.
        let mut d = Differ::new(vec![Box::new(Fixed("engine", Decision::Allow))]);
        let s = check_dir(&dir, &mut d);
        assert_eq!((s.failures.len(), s.notes.len()), (0, 1));
        // The reference side regressing fails.
        let mut d = Differ::new(vec![Box::new(Fixed("model", Decision::Deny))]);
        assert_eq!(check_dir(&dir, &mut d).failures.len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
