#![no_main]
//! `rbac`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("rbac"), |data: &[u8]| drt::fuzzing::fuzz_one("rbac", data));
