#![no_main]
//! `parser-bytes`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("parser-bytes"), |data: &[u8]| drt::fuzzing::fuzz_one("parser-bytes", data));
