#![no_main]
//! `policy-json-roundtrip`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("policy-json-roundtrip"), |data: &[u8]| drt::fuzzing::fuzz_one("policy-json-roundtrip", data));
