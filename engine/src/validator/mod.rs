//! Strict validation of policies against a schema (docs/semantics.md §9), and
//! conformance of requests and entities to a schema (§9.7).
//!
//! `validate` runs, for every policy and template, the once-per-policy
//! passes of `scope` (unknown types/actions, enum ids, action application)
//! and then the typechecker of `typecheck` in every request environment of
//! `env`. Errors are reported with the policy id, the source location of the
//! offending expression and Cedar's Rust name for the error kind.

mod conformance;
mod describe;
mod env;
mod ext_args;
mod scope;
mod typecheck;
pub mod types;

pub use conformance::{
    instance_of, validate_context, validate_entities, validate_entity, validate_request, ConformanceError,
};

use crate::ast::{Loc, PolicyId, PolicySet};
use crate::schema::Schema;
use env::{envs_for, unlinked_envs, Index};
use std::fmt;
use types::{BoolType, Type};

/// One validation error or warning.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValidationError {
    pub policy_id: PolicyId,
    /// Where the offending expression is (the policy's location when the
    /// expression has none, e.g. for scope constraints).
    pub loc: Option<Loc>,
    /// Cedar's Rust name for the error kind (docs/semantics.md §9.6), e.g. `UnexpectedType`.
    pub kind: String,
    /// Human-readable; names the expression.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.loc {
            Some(l) => write!(f, "policy `{}` at {l}: {}: {}", self.policy_id, self.kind, self.message),
            None => write!(f, "policy `{}`: {}: {}", self.policy_id, self.kind, self.message),
        }
    }
}

impl std::error::Error for ValidationError {}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationResult {
    pub errors: Vec<ValidationError>,
    pub warnings: Vec<ValidationError>,
}

impl ValidationResult {
    /// Validation passes iff there are no errors (warnings never fail it).
    pub fn passed(&self) -> bool {
        self.errors.is_empty()
    }
    /// The distinct error kinds, sorted (handy for tests and reports).
    pub fn error_kinds(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self.errors.iter().map(|e| e.kind.as_str()).collect();
        k.sort();
        k.dedup();
        k
    }
}

fn push_unique(out: &mut Vec<ValidationError>, errs: impl IntoIterator<Item = ValidationError>) {
    for e in errs {
        if !out.contains(&e) {
            out.push(e);
        }
    }
}

/// Stack for the typechecker thread: expressions up to
/// `typecheck::MAX_EXPR_DEPTH` deep must fit even in unoptimised builds
/// (only the pages actually touched are committed).
const TYPECHECK_STACK: usize = 64 << 20;

/// Strict validation of every policy, template and template link.
///
/// Runs on a helper thread with a large stack so that deeply nested (but
/// within-limit) expressions validate whatever thread the caller is on.
pub fn validate(schema: &Schema, policies: &PolicySet) -> ValidationResult {
    std::thread::scope(|sc| {
        std::thread::Builder::new()
            .name("cedar-validate".into())
            .stack_size(TYPECHECK_STACK)
            .spawn_scoped(sc, || validate_here(schema, policies))
            .map(|h| h.join())
    })
    .unwrap_or_else(|_| Ok(validate_here(schema, policies)))
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn validate_here(schema: &Schema, policies: &PolicySet) -> ValidationResult {
    let idx = Index::new(schema);
    let base = unlinked_envs(&idx);
    let mut result = ValidationResult::default();
    for p in &policies.policies {
        let mut errs = Vec::new();
        scope::check_literals(&idx, p, &mut errs);
        scope::check_action_application(&idx, p, &mut errs);
        let cond = p.condition();
        let mut all_false = true;
        for env in envs_for(&idx, &base, p) {
            let mut ck =
                typecheck::Checker { idx: &idx, env: &env, policy_id: &p.id, policy_loc: p.loc, errors: Vec::new() };
            if ck.check_policy(&cond) != Some(Type::Bool(BoolType::False)) {
                all_false = false;
            }
            errs.extend(ck.errors);
        }
        push_unique(&mut result.errors, errs);
        if all_false {
            result.warnings.push(ValidationError {
                policy_id: p.id.clone(),
                loc: p.loc,
                kind: "ImpossiblePolicy".into(),
                message: format!(
                    "policy `{}` is impossible: it evaluates to false for every request the schema allows",
                    p.id
                ),
            });
        }
    }
    for link in &policies.links {
        let mut errs = Vec::new();
        let linked = policies
            .get(&link.template_id)
            .filter(|t| t.is_template())
            .ok_or_else(|| format!("link `{}` names unknown template `{}`", link.new_id, link.template_id))
            .and_then(|t| t.link(link.new_id.clone(), &link.values));
        match linked {
            Err(msg) => errs.push(ValidationError {
                policy_id: link.new_id.clone(),
                loc: None,
                kind: "InvalidTemplateLink".into(),
                message: msg,
            }),
            Ok(p) => {
                for (slot, uid) in &link.values {
                    if !uid.ty.is_action() && !idx.is_entity_type(&uid.ty) {
                        errs.push(ValidationError {
                            policy_id: p.id.clone(),
                            loc: None,
                            kind: "UnrecognizedEntityType".into(),
                            message: format!(
                                "the value `{uid}` of slot {} has unrecognized entity type `{}`",
                                slot.name(),
                                uid.ty
                            ),
                        });
                    }
                }
                scope::check_action_application(&idx, &p, &mut errs);
            }
        }
        push_unique(&mut result.errors, errs);
    }
    result
}

#[cfg(test)]
mod tests;
