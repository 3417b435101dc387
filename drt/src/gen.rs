//! Glue to the generators: which profile each target uses, and the two
//! sources of randomness (fuzzer bytes, a seed).

use crate::diff::Verdict;
use crate::targets::Target;
use generators::{AuthInput, ByteSource, EvalInput, Mode, SeededSource, Settings};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Where an input's randomness comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Bytes(&'a [u8]),
    Seed(u64),
}

/// Generator overrides from the command line (`key=value,…`), applied
/// after the profile and the `GEN_*` environment variables.
static OVERRIDES: OnceLock<String> = OnceLock::new();

/// Set once, before the first input (the `drt` CLI's `--gen`).
pub fn set_overrides(list: &str) {
    let _ = OVERRIDES.set(list.to_string());
}

/// The profile a target uses unless `GEN_PROFILE` says otherwise.
pub fn default_profile(t: Target) -> &'static str {
    match t {
        Target::Abac => "untyped",
        Target::Rbac => "rbac",
        // Policies with injected type errors (the validator must reject
        // them); the data still conforms to the schema, the theorem's premise.
        Target::ValidationSoundness => "default",
        // Typed inputs with the default's injection plus schema mistakes
        // (unknown types and actions, `[]`, wrong arity, bad enum ids).
        Target::ValidationDrt => "validation",
        _ => "default",
    }
}

/// The settings of a target: its profile (or `GEN_PROFILE`), then every
/// `GEN_<KEY>` variable, then `--gen` overrides. Computed once per target.
pub fn settings(t: Target) -> &'static Settings {
    static CACHE: OnceLock<Mutex<HashMap<Target, &'static Settings>>> = OnceLock::new();
    let mut m = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    m.entry(t).or_insert_with(|| {
        let s = build_settings(t).unwrap_or_else(|e| {
            eprintln!("drt: generator settings for {}: {e}", t.name());
            std::process::exit(2)
        });
        Box::leak(Box::new(s))
    })
}

fn build_settings(t: Target) -> Result<Settings, generators::SettingsError> {
    let name = std::env::var("GEN_PROFILE").unwrap_or_else(|_| default_profile(t).to_string());
    let mut s = Settings::profile(&name)?;
    for (key, _) in generators::settings::KEYS {
        let var = format!("GEN_{}", key.to_ascii_uppercase());
        if let Ok(v) = std::env::var(&var) {
            s.set(key, &v).map_err(|e| generators::SettingsError(format!("{var}: {e}")))?;
        }
    }
    if let Some(o) = OVERRIDES.get() {
        s.apply_overrides(o)?;
    }
    Ok(s)
}

/// The generation mode of a target. Roundtrip targets mix all three modes
/// (chosen by the source) so they see untyped, typed and template-heavy sets.
fn mode(t: Target, src: &Source<'_>) -> Mode {
    match t {
        Target::Abac => Mode::Abac,
        Target::Rbac => Mode::Rbac,
        Target::AbacTypeDirected
        | Target::ValidationSoundness
        | Target::ValidationDrt
        | Target::RequestValidation
        | Target::EntityValidation
        | Target::DataValidation
        | Target::EvalTypeDirected => Mode::TypeDirected,
        _ => {
            let k = match src {
                Source::Bytes(b) => b.first().copied().unwrap_or(0) as u64,
                Source::Seed(s) => *s,
            };
            Mode::ALL[(k % 3) as usize]
        }
    }
}

/// The authorization input of target `t` from `src` (the generators never
/// reject: when the bytes run out they finish with finite choices).
pub fn auth_input(t: Target, src: Source<'_>) -> Option<AuthInput> {
    let s = settings(t);
    let m = mode(t, &src);
    Some(match src {
        Source::Bytes(b) => generators::auth_input(&mut ByteSource::new(b.get(1..).unwrap_or(&[])), s, m),
        Source::Seed(seed) => generators::auth_input(&mut SeededSource::new(seed), s, m),
    })
}

pub fn eval_input(t: Target, src: Source<'_>) -> Option<EvalInput> {
    let s = settings(t);
    Some(match src {
        Source::Bytes(b) => generators::eval_input(&mut ByteSource::new(b), s),
        Source::Seed(seed) => generators::eval_input(&mut SeededSource::new(seed), s),
    })
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
