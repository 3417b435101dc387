//! The targets: each turns one source of randomness (fuzzer bytes or a
//! seed) into an input and checks it. libFuzzer targets and the seeded
//! driver call the same functions.

use crate::case::{AuthCase, EvalCase, EvalParts};
use crate::diff::{Differ, Finding, FindingKind, Verdict};
use crate::entity_validation::EntityValidationCase;
use crate::gen::{self, Source};
use crate::pipeline::Job;
use crate::validation::{RequestValidationCase, ValidationCase};
use engine::ast::{Expr, Pattern, PatternElem};
use engine::entities::Entities;
use engine::value::Value;

/// The one list of targets. Each line gives the variant, its name (the
/// `drt run --target` name and the libFuzzer binary's), whether it compares
/// two engines or checks a property of ours, and whether it reads generated
/// inputs or raw bytes. Everything else is derived from this list or checked
/// against it by `drt/tests/target_list.rs`: `fuzz/Cargo.toml`'s `[[bin]]`s
/// and `fuzz/fuzz_targets/<name with _>.rs`, `scripts/fuzz` (`drt targets`),
/// the raw-byte list of `scripts/fuzz-build` and `scripts/seed-corpus`, and
/// the differential list of `scripts/cflite-check`.
macro_rules! targets {
    ($($variant:ident => $name:literal, $kind:ident, $input:ident;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Target {
            $($variant,)*
        }

        /// Every target, in the list's order.
        pub const ALL: &[Target] = &[$(Target::$variant,)*];

        impl Target {
            pub fn name(self) -> &'static str {
                match self {
                    $(Target::$variant => $name,)*
                }
            }
            pub fn kind(self) -> Kind {
                match self {
                    $(Target::$variant => Kind::$kind,)*
                }
            }
            pub fn input(self) -> Input {
                match self {
                    $(Target::$variant => Input::$input,)*
                }
            }
        }
    };
}

targets! {
    Abac => "abac", Differential, Generated;
    AbacTypeDirected => "abac-type-directed", Differential, Generated;
    Rbac => "rbac", Differential, Generated;
    EvalTypeDirected => "eval-type-directed", Differential, Generated;
    ValidationSoundness => "validation-soundness", Differential, Generated;
    ValidationDrt => "validation-drt", Differential, Generated;
    RequestValidation => "request-validation", Differential, Generated;
    EntityValidation => "entity-validation", Differential, Generated;
    DataValidation => "data-validation", Property, Generated;
    PolicyTextRoundtrip => "policy-text-roundtrip", Property, Generated;
    PolicyJsonRoundtrip => "policy-json-roundtrip", Property, Generated;
    EntitiesJsonRoundtrip => "entities-json-roundtrip", Property, Generated;
    ParserBytes => "parser-bytes", Property, Bytes;
    LikeMatching => "like-matching", Property, Bytes;
}

/// What a target checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Our engine against the model (needs the model binary).
    Differential,
    /// A property of our engine alone.
    Property,
}

/// What a target's randomness becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Choices of the generators (libFuzzer builds without compare tracing).
    Generated,
    /// The bytes themselves (policy text, `like` patterns): built with
    /// compare tracing, seeded from hand-written files.
    Bytes,
}

impl Target {
    pub fn from_name(s: &str) -> Option<Target> {
        ALL.iter().copied().find(|t| t.name() == s)
    }
    /// Compares engines (needs the model); the others check properties of
    /// our engine alone.
    pub fn is_differential(self) -> bool {
        self.kind() == Kind::Differential
    }

    /// Generate one input from `src`, send it ahead and judge it.
    pub fn run(self, src: Source<'_>, d: &mut Differ) -> Verdict {
        let p = self.prepare(src);
        if let Some(job) = p.job() {
            d.send_ahead(job);
        }
        self.judge(p, d)
    }

    /// Generate one input from `src`: a rendered case for the differential
    /// targets; the others are checked here and now (they need no engine).
    pub fn prepare(self, src: Source<'_>) -> Prepared {
        let checked = |verdict| Prepared::Checked { verdict, validated: false };
        match self {
            Target::Abac | Target::AbacTypeDirected | Target::Rbac => match gen::auth_input(self, src) {
                Some(i) => Prepared::Auth(AuthCase::render_input(&i)),
                None => checked(Verdict::Skipped),
            },
            Target::EvalTypeDirected => match gen::eval_input(self, src) {
                Some(i) => Prepared::Eval(EvalParts::from_input(&i).render()),
                None => checked(Verdict::Skipped),
            },
            // Typed inputs of the `validation` profile (the default's error
            // injection plus schema mistakes): some policies are invalid on
            // purpose, most are not.
            Target::ValidationDrt => match gen::auth_input(self, src).as_ref().and_then(ValidationCase::render_input) {
                Some(case) => Prepared::Validation(case),
                None => checked(Verdict::Skipped),
            },
            Target::RequestValidation => {
                match gen::auth_input(self, src).as_ref().and_then(RequestValidationCase::render_input) {
                    Some(case) => Prepared::RequestValidation(case),
                    None => checked(Verdict::Skipped),
                }
            }
            // Generated (conforming) data, and a copy with one injected
            // wrongness (`data_validation::Wrong`).
            Target::EntityValidation => {
                match gen::auth_input(self, src).as_ref().and_then(EntityValidationCase::render_input) {
                    Some(case) => Prepared::EntityValidation(case),
                    None => checked(Verdict::Skipped),
                }
            }
            Target::ValidationSoundness => match gen::auth_input(self, src) {
                Some(i) => Prepared::Soundness(Box::new(crate::soundness::prepare(&i))),
                None => checked(Verdict::Skipped),
            },
            Target::DataValidation => {
                checked(gen::auth_input(self, src).map_or(Verdict::Skipped, |i| crate::data_validation::check(&i)))
            }
            Target::PolicyTextRoundtrip => {
                checked(gen::auth_input(self, src).map_or(Verdict::Skipped, |i| text_roundtrip(&i)))
            }
            Target::PolicyJsonRoundtrip => {
                checked(gen::auth_input(self, src).map_or(Verdict::Skipped, |i| json_roundtrip(&i)))
            }
            Target::EntitiesJsonRoundtrip => {
                checked(gen::auth_input(self, src).map_or(Verdict::Skipped, |i| entities_roundtrip(&i.entities)))
            }
            Target::ParserBytes => checked(gen::with_bytes(src, parser_bytes)),
            Target::LikeMatching => checked(gen::with_bytes(src, like_matching)),
        }
    }

    /// Ask the engines for their answers to an input (sent ahead or not),
    /// compare, and count.
    pub fn judge(self, p: Prepared, d: &mut Differ) -> Verdict {
        let v = match p {
            Prepared::Auth(case) => d.judge_auth(self.name(), &case),
            Prepared::Eval(case) => d.judge_eval(self.name(), &case),
            Prepared::Validation(case) => d.judge_validate(self.name(), &case),
            Prepared::RequestValidation(case) => d.check_request_validation(self.name(), &case),
            Prepared::Soundness(case) => {
                d.counters.validated += case.validated as u64;
                crate::soundness::finish(*case, d)
            }
            Prepared::EntityValidation(case) => d.check_entity_validation(self.name(), &case),
            Prepared::Checked { verdict, validated } => {
                d.counters.validated += validated as u64;
                verdict
            }
        };
        d.counters.count(&v);
        v
    }
}

/// One generated input between generation and comparison.
pub enum Prepared {
    Auth(AuthCase),
    Eval(EvalCase),
    Validation(ValidationCase),
    RequestValidation(RequestValidationCase),
    EntityValidation(EntityValidationCase),
    Soundness(Box<crate::soundness::SoundnessCase>),
    /// A single-engine property's verdict; `validated` says, for
    /// validation-soundness, whether the policies validated.
    Checked {
        verdict: Verdict,
        validated: bool,
    },
}

impl Prepared {
    /// What the engines are asked, if anything (`crate::pipeline`). Request
    /// validation is asked on the spot.
    pub fn job(&self) -> Option<Job<'_>> {
        match self {
            Prepared::Auth(case) => Some(Job::Authorize(case)),
            Prepared::Eval(case) => Some(Job::Evaluate(case)),
            Prepared::Validation(case) => Some(Job::Validate(case)),
            Prepared::Soundness(case) => case.auth.as_ref().map(Job::Authorize),
            Prepared::RequestValidation(_) | Prepared::EntityValidation(_) | Prepared::Checked { .. } => None,
        }
    }
}

pub(crate) fn property(target: Target, what: &'static str, report: String) -> Verdict {
    Verdict::Finding(Box::new(Finding {
        target: target.name().to_string(),
        kind: FindingKind::Property(what),
        case: None,
        report: format!(
            "==================== DRT PROPERTY FAILURE ====================\ntarget: {}   property: {what}\n{report}\n",
            target.name()
        ),
    }))
}

/// print → parse gives the same policies (ids are positional in text), in
/// the one-line and the pretty layout.
fn text_roundtrip(i: &generators::AuthInput) -> Verdict {
    let ps = crate::case::renumber(&i.policies);
    let text = engine::printer::policy_set_to_text(&ps);
    let report = |msg: String| {
        property(Target::PolicyTextRoundtrip, "policy-text-roundtrip", format!("{msg}\n--- printed text ---\n{text}"))
    };
    let back = match parses_to(&ps, &text, "printed") {
        Ok(b) => b,
        Err(msg) => return report(msg),
    };
    let again = engine::printer::policy_set_to_text(&back);
    if again != text {
        return report(format!("printing is not stable; second print:\n{again}"));
    }
    // `engine format`'s layout must read back the same way.
    let pretty = engine::printer::pretty_policy_set(&ps);
    if let Err(msg) = parses_to(&ps, &pretty, "pretty-printed (`engine format`)") {
        return report(format!("{msg}\n--- pretty-printed text ---\n{pretty}"));
    }
    varied_text_roundtrip(&ps, i.text_seed.unwrap_or_else(|| seed_of(&text)))
}

/// The varied writer's text (`generators::text`) parses to the same
/// policies: layout, comments, escapes and spellings the printer never
/// writes reach our parser. Inputs without a seed of their own get one from
/// their printed text, so every input is checked and stays reproducible.
fn varied_text_roundtrip(ps: &engine::ast::PolicySet, seed: u64) -> Verdict {
    let text = crate::case::policy_text(ps, Some(seed));
    let report = |msg: String| {
        property(
            Target::PolicyTextRoundtrip,
            "policy-text-roundtrip",
            format!(
                "{msg}\n--- varied text (generators::text, seed {seed}) ---\n{text}\n--- printed text ---\n{}",
                engine::printer::policy_set_to_text(ps)
            ),
        )
    };
    match parses_to(ps, &text, "varied") {
        Ok(_) => Verdict::Agree,
        Err(msg) => report(msg),
    }
}

/// Parse `text` (written by the `writer` named) and check that it gives the
/// policies of `ps`, in order; the parsed set, or what differs.
fn parses_to(ps: &engine::ast::PolicySet, text: &str, writer: &str) -> Result<engine::ast::PolicySet, String> {
    let back = engine::parser::parse_policy_set(text).map_err(|e| format!("{writer} text does not parse: {e}"))?;
    if back.policies.len() != ps.policies.len() {
        return Err(format!("{} policies written ({writer}), {} parsed", ps.policies.len(), back.policies.len()));
    }
    for (a, b) in ps.policies.iter().zip(&back.policies) {
        if a != b {
            return Err(format!("policy {} changed:\n  before: {a:?}\n  after:  {b:?}", a.id));
        }
    }
    Ok(back)
}

fn seed_of(text: &str) -> u64 {
    u64::from_str_radix(&crate::case::fnv_hex(text.as_bytes()), 16).unwrap_or(0)
}

/// AST → policy-set JSON → (JSON text →) AST is the identity, links included.
fn json_roundtrip(i: &generators::AuthInput) -> Verdict {
    let ps = crate::case::renumber(&i.policies);
    let j = engine::est::policy_set_to_json(&ps);
    let report = |msg: String| {
        property(
            Target::PolicyJsonRoundtrip,
            "policy-json-roundtrip",
            format!(
                "{msg}\n--- policy text ---\n{}\n--- JSON ---\n{}",
                engine::printer::policy_set_to_text(&ps),
                serde_json::to_string_pretty(&j).unwrap_or_default()
            ),
        )
    };
    let reread = match serde_json::from_str::<serde_json::Value>(&j.to_string()) {
        Ok(r) => r,
        Err(e) => return report(format!("JSON text does not re-read: {e}")),
    };
    let back = match engine::est::policy_set_from_json(&reread) {
        Ok(b) => b,
        Err(e) => return report(format!("JSON does not convert back: {e}")),
    };
    // The JSON keeps static policies and templates in separate maps, so
    // compare by id, not by position.
    let mut want: Vec<_> = ps.policies.clone();
    let mut got: Vec<_> = back.policies.clone();
    want.sort_by(|a, b| a.id.cmp(&b.id));
    got.sort_by(|a, b| a.id.cmp(&b.id));
    if want != got {
        let first = want.iter().zip(&got).find(|(a, b)| a != b);
        return report(match first {
            Some((a, b)) => format!("policy {} changed:\n  before: {a:?}\n  after:  {b:?}", a.id),
            None => format!("{} policies in, {} out", want.len(), got.len()),
        });
    }
    if ps.links != back.links {
        return report(format!("links changed:\n  before: {:?}\n  after:  {:?}", ps.links, back.links));
    }
    Verdict::Agree
}

/// Entities → JSON → entities keeps uids, attributes, ancestors and tags.
fn entities_roundtrip(es: &Entities) -> Verdict {
    let j = es.to_json();
    let report = |msg: String| {
        property(
            Target::EntitiesJsonRoundtrip,
            "entities-json-roundtrip",
            format!("{msg}\n--- JSON ---\n{}", serde_json::to_string_pretty(&j).unwrap_or_default()),
        )
    };
    let back = match Entities::from_json(&j, None) {
        Ok(b) => b,
        Err(e) => return report(format!("written entities do not read back: {e}")),
    };
    for (uid, e) in &es.map {
        match back.get(uid) {
            None => return report(format!("entity {uid} lost")),
            // The JSON lists ancestors as parents, so compare the closure.
            Some(b) if (&b.attrs, &b.ancestors, &b.tags) != (&e.attrs, &e.ancestors, &e.tags) => {
                return report(format!("entity {uid} changed:\n  before: {e:?}\n  after:  {b:?}"))
            }
            _ => {}
        }
    }
    if back.map.len() != es.map.len() {
        return report(format!("{} entities written, {} read", es.map.len(), back.map.len()));
    }
    Verdict::Agree
}

/// Arbitrary bytes never panic any reader; accepted policy text prints back
/// to text that parses to the same policies.
fn parser_bytes(data: &[u8]) -> Verdict {
    let text = String::from_utf8_lossy(data);
    if let Ok(ps) = engine::parser::parse_policy_set(&text) {
        let printed = engine::printer::policy_set_to_text(&ps);
        match engine::parser::parse_policy_set(&printed) {
            Ok(back) if back == ps => {}
            Ok(back) => {
                return property(
                    Target::ParserBytes,
                    "parse-print-parse",
                    format!("input:\n{text}\nprinted:\n{printed}\nfirst parse: {ps:?}\nsecond parse: {back:?}"),
                )
            }
            Err(e) => {
                return property(
                    Target::ParserBytes,
                    "parse-print-parse",
                    format!("input:\n{text}\nprinted (does not parse: {e}):\n{printed}"),
                )
            }
        }
    }
    let _ = engine::parser::parse_expr(&text);
    if let Ok(j) = engine::json::parse_strict_bytes(data) {
        let _ = Entities::from_json(&j, None);
        let _ = engine::est::policy_set_from_json(&j);
        let _ = engine::est::expr_from_json(&j);
        let _ = engine::request::Request::from_json(&j, None);
    }
    Verdict::Agree
}

/// `"s" like p` in the engine (evaluated directly, and after printing and
/// re-parsing the expression) agrees with the DP matcher.
fn like_matching(data: &[u8]) -> Verdict {
    // Small alphabets make matches common: the first half of the bytes
    // builds the pattern, the rest the string.
    const CHARS: [char; 5] = ['a', 'b', '*', 'é', '\\'];
    let split = data.first().map_or(0, |b| (*b as usize) % (data.len().max(1)));
    let body = data.get(1..).unwrap_or(&[]);
    let (pb, sb) = body.split_at(split.min(body.len()));
    let pattern = Pattern(
        pb.iter()
            .take(24)
            .map(|b| match b % 6 {
                0 | 1 => PatternElem::Wildcard,
                n => PatternElem::Char(CHARS[(n as usize - 2) % CHARS.len()]),
            })
            .collect(),
    );
    let s: String = sb.iter().take(32).map(|b| CHARS[(*b as usize) % CHARS.len()]).collect();
    let want = crate::like::dp_match(&pattern, &s);
    let e = Expr::like(Expr::string(s.clone()), pattern.clone());
    let req = engine::request::Request {
        principal: engine::ast::EntityUid::new("P", "p"),
        action: engine::ast::EntityUid::new("Action", "a"),
        resource: engine::ast::EntityUid::new("R", "r"),
        context: Value::empty_record(),
    };
    let es = Entities::default();
    let text = engine::printer::expr_to_text(&e);
    let direct = engine::eval::evaluate(&e, &req, &es);
    let reparsed = engine::parser::parse_expr(&text).map(|p| engine::eval::evaluate(&p, &req, &es));
    let ok = |r: &Result<Value, engine::eval::EvalError>| matches!(r, Ok(Value::Bool(b)) if *b == want);
    if ok(&direct) && matches!(&reparsed, Ok(r) if ok(r)) {
        return Verdict::Agree;
    }
    property(
        Target::LikeMatching,
        "like-matching",
        format!(
            "expression: {text}\npattern elements: {:?}\nstring: {s:?}\nDP matcher: {want}\nengine on the AST: {direct:?}\nengine on the re-parsed text: {reparsed:?}",
            pattern.0
        ),
    )
}
