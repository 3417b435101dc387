#![no_main]
//! `entity-validation`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("entity-validation"), |data: &[u8]| drt::fuzzing::fuzz_one("entity-validation", data));
