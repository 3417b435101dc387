//! Every saved finding in `drt/regressions/` replayed: always through our
//! engine against the recorded expectation, and through the model too when
//! its binary can be started.

use drt::diff::Differ;
use std::path::Path;

#[test]
fn saved_findings_replay() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut d = match Differ::with_model() {
        Ok(d) => d,
        Err(e) if std::env::var_os("MODEL_RUNNER_REQUIRED").is_some() => {
            panic!("MODEL_RUNNER_REQUIRED is set but the model cannot be started: {e}")
        }
        Err(e) => {
            eprintln!("regressions: model not available ({e}); replaying through our engine only");
            Differ::engine_only()
        }
    };
    let s = drt::regress::check_dir(&dir, &mut d);
    for n in &s.notes {
        eprintln!("note: {n}");
    }
    eprintln!("regressions: {} replayed through {:?}", s.checked, s.engines);
    assert!(s.failures.is_empty(), "regressions failed:\n{}", s.failures.join("\n"));
}
