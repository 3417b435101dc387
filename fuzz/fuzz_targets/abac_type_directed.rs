#![no_main]
//! `abac-type-directed`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("abac-type-directed"), |data: &[u8]| drt::fuzzing::fuzz_one("abac-type-directed", data));
