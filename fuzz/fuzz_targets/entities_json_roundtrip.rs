#![no_main]
//! `entities-json-roundtrip`: see `drt::targets::Target` for what it generates and checks.
use libfuzzer_sys::fuzz_target;

fuzz_target!(init: drt::fuzzing::init("entities-json-roundtrip"), |data: &[u8]| drt::fuzzing::fuzz_one("entities-json-roundtrip", data));
