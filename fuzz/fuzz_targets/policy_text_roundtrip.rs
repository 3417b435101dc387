#![no_main]
//! `policy-text-roundtrip`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("policy-text-roundtrip"), |data: &[u8]| drt::fuzzing::fuzz_one("policy-text-roundtrip", data));
