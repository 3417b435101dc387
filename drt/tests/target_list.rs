//! The list of targets lives in `drt/src/targets.rs` (the `targets!` table).
//! Whatever outside Rust names targets must agree with it: the libFuzzer
//! binaries of `fuzz/Cargo.toml` and their files, the shell lists of
//! `scripts/fuzz-build`, `scripts/seed-corpus` and `scripts/cflite-check`, and
//! the README's list. (`scripts/fuzz` and ClusterFuzzLite's `build.sh` ask
//! `drt targets` and `cargo fuzz list` instead of keeping a list.)

use drt::targets::{Input, Kind, Target, ALL};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("drt/ sits in the repository").to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn names(filter: impl Fn(Target) -> bool) -> BTreeSet<String> {
    ALL.iter().copied().filter(|t| filter(*t)).map(|t| t.name().to_string()).collect()
}

/// The words of the shell assignment `var="a b c"` in `script`.
fn shell_list(script: &str, var: &str) -> BTreeSet<String> {
    let text = read(script);
    let prefix = format!("{var}=\"");
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("{script}: no `{var}=\"…\"` line"));
    let body = &line[prefix.len()..];
    let body = &body[..body.find('"').unwrap_or_else(|| panic!("{script}: `{var}` is not closed"))];
    body.split_whitespace().map(String::from).collect()
}

#[test]
fn names_are_unique_and_found_by_name() {
    let all = names(|_| true);
    assert_eq!(all.len(), ALL.len(), "two targets share a name");
    for &t in ALL {
        assert_eq!(Target::from_name(t.name()), Some(t));
    }
}

#[test]
fn fuzz_binaries_are_exactly_the_targets() {
    let manifest: toml::Table = read("fuzz/Cargo.toml").parse().expect("fuzz/Cargo.toml parses");
    let bins = manifest["bin"].as_array().expect("fuzz/Cargo.toml has [[bin]] entries");
    let mut seen = BTreeSet::new();
    for bin in bins {
        let name = bin["name"].as_str().expect("a [[bin]] name");
        let path = bin["path"].as_str().expect("a [[bin]] path");
        let t = Target::from_name(name).unwrap_or_else(|| panic!("fuzz/Cargo.toml: `{name}` is not a drt target"));
        assert_eq!(path, format!("fuzz_targets/{}.rs", name.replace('-', "_")), "fuzz/Cargo.toml: path of `{name}`");
        // The binary runs the target of its own name.
        let source = read(&format!("fuzz/{path}"));
        for call in [format!("drt::fuzzing::init(\"{name}\")"), format!("drt::fuzzing::fuzz_one(\"{name}\"")] {
            assert!(source.contains(&call), "fuzz/{path} does not call `{call}…`");
        }
        assert!(seen.insert(t), "fuzz/Cargo.toml: `{name}` twice");
    }
    assert_eq!(seen.len(), ALL.len(), "fuzz/Cargo.toml lacks a [[bin]] for some target");

    let files: BTreeSet<String> = std::fs::read_dir(repo().join("fuzz/fuzz_targets"))
        .expect("fuzz/fuzz_targets/")
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = ALL.iter().map(|t| format!("{}.rs", t.name().replace('-', "_"))).collect();
    assert_eq!(files, expected, "fuzz/fuzz_targets/ holds exactly one file per target");
}

#[test]
fn script_lists_match_the_table() {
    let bytes = names(|t| t.input() == Input::Bytes);
    assert_eq!(shell_list("scripts/fuzz-build", "BYTE_TARGETS"), bytes, "scripts/fuzz-build BYTE_TARGETS");
    let differential = names(|t| t.kind() == Kind::Differential);
    assert_eq!(shell_list("scripts/cflite-check", "differential"), differential, "scripts/cflite-check differential");

    // scripts/seed-corpus: an arm of its own for each raw-bytes target,
    // generated ones share the `*)` arm.
    let arms: BTreeSet<String> = read("scripts/seed-corpus")
        .lines()
        .filter_map(|l| l.trim().split_once(')').map(|(arm, _)| arm.to_string()))
        .filter(|arm| Target::from_name(arm).is_some())
        .collect();
    assert_eq!(arms, bytes, "scripts/seed-corpus: case arms");

    let fuzz = read("scripts/fuzz");
    assert!(fuzz.contains("\"$DRT\" targets"), "scripts/fuzz takes its target list from `drt targets`");
}

#[test]
fn readmes_name_every_target() {
    let readme = read("drt/README.md");
    for &t in ALL {
        assert!(readme.contains(&format!("`{}`", t.name())), "drt/README.md does not name `{}`", t.name());
    }
}
