//! Line-based cases in tests/cases/*.txt: a request line followed by its
//! expected reply line. Arrays compare as sets (apart from the order of
//! "answers"); for {"ok":false} replies only "kind" is compared, since
//! messages are free text.

use model_runner::{ClientConfig, Json, ModelClient};
use std::path::Path;

fn normalize(v: &Json) -> Json {
    match v {
        Json::Array(items) => {
            let mut items: Vec<Json> = items.iter().map(normalize).collect();
            items.sort_by_key(|i| i.to_string());
            items.dedup();
            Json::Array(items)
        }
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("answers", Json::Array(a)) => Json::Array(a.iter().map(normalize).collect()),
                        _ => normalize(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn comparable(v: &Json) -> Json {
    if v.get("ok") == Some(&Json::Bool(false)) {
        serde_json::json!({"ok": false, "kind": v.get("kind")})
    } else {
        normalize(v)
    }
}

#[test]
fn line_cases() {
    let cfg = ClientConfig::from_env();
    if !cfg.binary.exists() {
        if std::env::var_os("MODEL_RUNNER_REQUIRED").is_some() {
            panic!("model-runner binary missing at {}", cfg.binary.display());
        }
        eprintln!("NOTICE: skipping line cases: no model-runner binary at {}", cfg.binary.display());
        return;
    }
    let mut client = ModelClient::spawn(cfg).expect("spawn");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let (mut passed, mut failed) = (0, Vec::new());
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "txt")) {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<(usize, &str)> =
            text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#')).collect();
        assert!(lines.len().is_multiple_of(2), "{}: odd number of case lines", file.display());
        for pair in lines.chunks(2) {
            let (line_no, req) = pair[0];
            let expected: Json = serde_json::from_str(pair[1].1).unwrap();
            let got_text = client.raw_line(req).unwrap_or_else(|f| format!("FAULT {f}"));
            let got: Json = serde_json::from_str(&got_text).unwrap_or(Json::String(got_text.clone()));
            if comparable(&got) == comparable(&expected) {
                passed += 1;
            } else {
                failed.push(format!(
                    "{}:{}:\n  request:  {}\n  expected: {}\n  got:      {}",
                    file.display(),
                    line_no + 1,
                    &req[..req.len().min(300)],
                    pair[1].1,
                    got_text
                ));
            }
        }
    }
    println!("line cases: {passed} passed, {} failed", failed.len());
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert!(passed > 100, "too few cases ran: {passed}");
}
