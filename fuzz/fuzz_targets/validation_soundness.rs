#![no_main]
//! `validation-soundness`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("validation-soundness"), |data: &[u8]| drt::fuzzing::fuzz_one("validation-soundness", data));
