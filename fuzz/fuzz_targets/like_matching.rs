#![no_main]
//! `like-matching`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("like-matching"), |data: &[u8]| drt::fuzzing::fuzz_one("like-matching", data));
