#![no_main]
//! `data-validation`: see `drt::data_validation` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("data-validation"), |data: &[u8]| drt::fuzzing::fuzz_one("data-validation", data));
