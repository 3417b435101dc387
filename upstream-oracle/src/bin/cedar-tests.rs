//! `cedar-tests TEST.json…`: run tests in Cedar's integration-test format
//! the way Cedar's own harness does, with the upstream `cedar-policy` crate
//! (paths inside a test are relative to its folder). One line per failing
//! test, then `N passed, M failed`; exit 1 when any failed.

use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    if files.is_empty() {
        eprintln!("usage: cedar-tests TEST.json…");
        return ExitCode::from(2);
    }
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        let problems = upstream_oracle::cedar_format::check_file(f);
        if problems.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            println!("FAIL {}: {}", f.display(), problems.join("; "));
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
