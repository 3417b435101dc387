//! Input generators.
//!
//! One chain, schema first: a random schema → entities conforming to it (with
//! multi-level principal and resource hierarchies) → policies generated
//! type-directed from the schema (templates with links) → requests valid for
//! an action's `appliesTo`. `Mode::Abac` produces the same kind of input
//! without a schema and with looser typing; `Mode::Rbac` concentrates on
//! scopes, hierarchies, templates and links.
//!
//! Decisions come from a `Choices` source: libFuzzer bytes (`ByteSource`) or
//! a seeded RNG (`SeededSource`). Settings are chosen at run time
//! (`Settings::profile`, `Settings::from_env`, `Settings::apply_overrides`).
//!
//! `AuthInput` and `EvalInput` are the contract with the differential core.

pub mod choices;
pub mod counts;
mod expr;
pub(crate) mod policy;
pub mod pool;
pub mod render;
pub mod settings;
pub mod stats;
pub mod text;
mod world;

pub use choices::{ByteSource, Choices, SeededSource};
pub use counts::{Counts, InjectionCounts, ReachCounts};
pub use settings::{Settings, SettingsError};
pub use world::build_store;

use engine::ast::{Expr, PolicySet};
use engine::entities::Entities;
use engine::request::Request;
use engine::schema::Schema;
use std::fmt;
use std::str::FromStr;

/// One authorization input: everything the engines need, mutually consistent.
#[derive(Debug, Clone)]
pub struct AuthInput {
    /// `None` in untyped mode.
    pub schema: Option<Schema>,
    pub entities: Entities,
    pub policies: PolicySet,
    pub requests: Vec<Request>,
    /// Seed for `text::policy_set_text` when this input's policy text is to
    /// be written by the varied writer (`Settings::varied_text`), else `None`.
    pub text_seed: Option<u64>,
    /// Seeds the encoding choices of `render::DataWriter` for this input.
    pub render_seed: u64,
}

/// One evaluation input.
#[derive(Debug, Clone)]
pub struct EvalInput {
    pub schema: Option<Schema>,
    pub entities: Entities,
    pub expr: Expr,
    pub request: Request,
    /// Seed for `text::expr_text`, as `AuthInput::text_seed`.
    pub text_seed: Option<u64>,
    /// Seeds the encoding choices of `render::DataWriter` for this input.
    pub render_seed: u64,
}

/// Which kind of authorization input to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// No schema in the input; expressions are well-formed but loosely typed
    /// and requests need not fit `appliesTo`.
    Abac,
    /// Policies typed against the schema; requests fit `appliesTo`.
    TypeDirected,
    /// Scope constraints over hierarchies, templates and links; few conditions.
    Rbac,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Abac, Mode::TypeDirected, Mode::Rbac];
    pub fn name(self) -> &'static str {
        match self {
            Mode::Abac => "abac",
            Mode::TypeDirected => "type-directed",
            Mode::Rbac => "rbac",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        match s {
            "abac" | "untyped" => Ok(Mode::Abac),
            "type-directed" | "typed" | "abac-type-directed" => Ok(Mode::TypeDirected),
            "rbac" => Ok(Mode::Rbac),
            _ => Err(format!("unknown generation mode `{s}` (known: abac, type-directed, rbac)")),
        }
    }
}

/// An authorization input; injected errors are added to `counts`.
pub fn auth_input_counted<C: Choices>(src: &mut C, s: &Settings, mode: Mode, counts: &mut Counts) -> AuthInput {
    let mut g = world::Gen::new(src, s, mode);
    let entities = build_store(g.gen_entities());
    let policies = g.gen_policy_set();
    let requests = g.gen_requests(&entities);
    let render_seed = g.c.below(1 << 32) as u64;
    counts.injected += g.counts;
    counts.reach += g.reach;
    let schema = if mode == Mode::Abac { None } else { Some(g.schema) };
    let text_seed = text_seed(src, s);
    AuthInput { schema, entities, policies, requests, text_seed, render_seed }
}

/// An authorization input.
pub fn auth_input<C: Choices>(src: &mut C, s: &Settings, mode: Mode) -> AuthInput {
    auth_input_counted(src, s, mode, &mut Counts::default())
}

/// An evaluation input (`eval-type-directed`); injected errors are added to `counts`.
pub fn eval_input_counted<C: Choices>(src: &mut C, s: &Settings, counts: &mut Counts) -> EvalInput {
    let mut g = world::Gen::new(src, s, Mode::TypeDirected);
    let entities = build_store(g.gen_entities());
    let (expr, request) = g.gen_eval();
    let render_seed = g.c.below(1 << 32) as u64;
    counts.injected += g.counts;
    counts.reach += g.reach;
    let schema = Some(g.schema);
    let text_seed = text_seed(src, s);
    EvalInput { schema, entities, expr, request, text_seed, render_seed }
}

/// Drawn after everything else, so the rest of an input does not depend on
/// `varied_text`.
fn text_seed<C: Choices>(src: &mut C, s: &Settings) -> Option<u64> {
    if src.flip(s.varied_text) {
        Some(src.below(usize::MAX) as u64)
    } else {
        None
    }
}

/// An evaluation input (`eval-type-directed`).
pub fn eval_input<C: Choices>(src: &mut C, s: &Settings) -> EvalInput {
    eval_input_counted(src, s, &mut Counts::default())
}

/// An authorization input decoded from fuzzer bytes (never rejects).
pub fn from_bytes(data: &[u8], s: &Settings, mode: Mode) -> AuthInput {
    auth_input(&mut ByteSource::new(data), s, mode)
}

/// An authorization input from a seed (same seed, same input).
pub fn from_seed(seed: u64, s: &Settings, mode: Mode) -> AuthInput {
    auth_input(&mut SeededSource::new(seed), s, mode)
}

/// An evaluation input decoded from fuzzer bytes.
pub fn eval_from_bytes(data: &[u8], s: &Settings) -> EvalInput {
    eval_input(&mut ByteSource::new(data), s)
}

/// An evaluation input from a seed.
pub fn eval_from_seed(seed: u64, s: &Settings) -> EvalInput {
    eval_input(&mut SeededSource::new(seed), s)
}

/// Phase-by-phase access for the timing example (not a stable API).
#[doc(hidden)]
pub mod __phases {
    use super::*;
    pub struct G<'a>(world::Gen<'a, SeededSource>);
    pub fn new<'a>(c: &'a mut SeededSource, s: &'a Settings) -> G<'a> {
        G(world::Gen::new(c, s, Mode::TypeDirected))
    }
    pub fn entities(g: &mut G) -> Entities {
        build_store(g.0.gen_entities())
    }
    pub fn policies(g: &mut G) -> PolicySet {
        g.0.gen_policy_set()
    }
    pub fn requests(g: &mut G, es: &Entities) -> Vec<Request> {
        g.0.gen_requests(es)
    }
}
