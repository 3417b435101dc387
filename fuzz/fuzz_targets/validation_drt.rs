#![no_main]
//! `validation-drt`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("validation-drt"), |data: &[u8]| drt::fuzzing::fuzz_one("validation-drt", data));
