//! `expect [--root DIR] [--write] TEST.json…`: compare (or with `--write`,
//! fill in) the expected answers of integration-format tests with what the
//! upstream `cedar-policy` crate computes. Exit 0 when all agree.

use std::path::PathBuf;

fn main() {
    let mut root = PathBuf::from(".");
    let mut write = false;
    let mut why = false;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--root" => root = args.next().map(PathBuf::from).unwrap_or_else(|| usage()),
            "--write" => write = true,
            "--why" => why = true,
            "-h" | "--help" => usage(),
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        usage();
    }
    let mut bad = 0;
    for f in &files {
        let result = std::fs::read_to_string(f)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).map_err(|e| e.to_string()))
            .and_then(|mut t| {
                let exp = upstream_oracle::expect::compute(&t, &root)?;
                let diffs = upstream_oracle::expect::check(&t, &exp);
                if why {
                    for m in &exp.validation_messages {
                        println!("{}: validation {m}", f.display());
                    }
                }
                if write && !diffs.is_empty() {
                    upstream_oracle::expect::fill(&mut t, &exp);
                    let text = serde_json::to_string_pretty(&t).map_err(|e| e.to_string())? + "\n";
                    std::fs::write(f, text).map_err(|e| e.to_string())?;
                    println!("{}: wrote {} requests", f.display(), exp.answers.len());
                    return Ok(Vec::new());
                }
                Ok(diffs)
            });
        match result {
            Ok(d) if d.is_empty() => {}
            Ok(d) => {
                bad += 1;
                for line in d {
                    println!("{}: {line}", f.display());
                }
            }
            Err(e) => {
                bad += 1;
                println!("{}: {e}", f.display());
            }
        }
    }
    println!("{} agree, {} differ", files.len() - bad, bad);
    std::process::exit(if bad == 0 { 0 } else { 1 });
}

fn usage() -> ! {
    eprintln!("usage: expect [--root DIR] [--write] [--why] TEST.json...");
    std::process::exit(2);
}
