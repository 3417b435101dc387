//! Glue to the generators: which profile each target uses, and the two
//! sources of randomness (fuzzer bytes, a seed).

use crate::diff::Verdict;
use crate::targets::Target;
use generators::{AuthInput, EvalInput};
use rand::{Rng, SeedableRng};

/// Where an input's randomness comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Bytes(&'a [u8]),
    Seed(u64),
}

pub fn auth_input(_t: Target, _src: Source<'_>) -> Option<AuthInput> {
    None // replaced when the generators land
}

pub fn eval_input(_t: Target, _src: Source<'_>) -> Option<EvalInput> {
    None
}

/// Byte-level targets: fuzzer bytes as they are; a seed gives up to 256
/// random bytes.
pub fn with_bytes(src: Source<'_>, f: fn(&[u8]) -> Verdict) -> Verdict {
    match src {
        Source::Bytes(b) => f(b),
        Source::Seed(s) => {
            let mut rng = rand::rngs::StdRng::seed_from_u64(s);
            let n = rng.gen_range(0..256);
            let bytes: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
            f(&bytes)
        }
    }
}

/// Does the policy set pass strict validation? (The validator's entry point.)
pub fn validates(_s: &engine::schema::Schema, _ps: &engine::ast::PolicySet) -> bool {
    false // replaced when the validator lands
}

/// Read a schema in Cedar syntax (the engine's schema parser).
pub fn parse_schema(_text: &str) -> Option<engine::schema::Schema> {
    None // replaced when the schema parser lands
}
