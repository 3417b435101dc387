#![no_main]
//! `eval-type-directed`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("eval-type-directed"), |data: &[u8]| drt::fuzzing::fuzz_one("eval-type-directed", data));
