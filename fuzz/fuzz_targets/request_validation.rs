#![no_main]
//! `request-validation`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("request-validation"), |data: &[u8]| drt::fuzzing::fuzz_one("request-validation", data));
