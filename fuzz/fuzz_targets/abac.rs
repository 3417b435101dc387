#![no_main]
//! `abac`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("abac"), |data: &[u8]| drt::fuzzing::fuzz_one("abac", data));
