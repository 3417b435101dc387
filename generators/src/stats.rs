//! Statistics over generated inputs: which constructs occur, how many
//! policies are trivial, how often all requests coincide, and (with the
//! engine's authorizer and evaluator) the decision balance and the share of
//! policy evaluations that error, by error class.

use crate::{AuthInput, InjectionCounts, ReachCounts};
use engine::ast::{ActionConstraint, ConditionKind, Expr, ExprKind, Literal, Policy, ScopeConstraint, UnaryOp};
use engine::authorizer::{Authorizer, Decision};
use engine::eval::{evaluate, ErrorKind};
use serde_json::{json, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

/// Operators, methods and extension functions the generators must all
/// produce (the goal is each in ≥ 0.5 % of type-directed inputs).
pub fn goal_constructs() -> Vec<&'static str> {
    let mut v = vec![
        "&&",
        "||",
        "!",
        "neg",
        "if",
        "==",
        "<",
        "<=",
        "+",
        "-",
        "*",
        "in",
        "contains",
        "containsAll",
        "containsAny",
        "isEmpty",
        "hasTag",
        "getTag",
        "has",
        ".attr",
        "like",
        "is",
        "set",
        "record",
    ];
    v.extend(engine::ext::FUNCTIONS.iter().map(|f| f.name));
    v
}

/// Add the names of the constructs in `e` to `out`.
pub fn expr_constructs(e: &Expr, out: &mut BTreeSet<&'static str>) {
    // Explicit stack: generated expressions are shallow, but inputs given
    // to this function may not be.
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match &e.kind {
            ExprKind::Lit(Literal::EntityUid(_)) => {
                out.insert("entity-literal");
            }
            ExprKind::Lit(_) => {}
            ExprKind::Var(v) => {
                out.insert(v.name());
            }
            ExprKind::Slot(_) => {
                out.insert("slot");
            }
            ExprKind::If { cond, then_expr, else_expr } => {
                out.insert("if");
                stack.extend([&**cond, &**then_expr, &**else_expr]);
            }
            ExprKind::And(a, b) => {
                out.insert("&&");
                stack.extend([&**a, &**b]);
            }
            ExprKind::Or(a, b) => {
                out.insert("||");
                stack.extend([&**a, &**b]);
            }
            ExprKind::Unary(op, a) => {
                out.insert(match op {
                    UnaryOp::Not => "!",
                    UnaryOp::Neg => "neg",
                    UnaryOp::IsEmpty => "isEmpty",
                });
                stack.push(a);
            }
            ExprKind::Binary(op, a, b) => {
                out.insert(op.name());
                stack.extend([&**a, &**b]);
            }
            ExprKind::GetAttr(a, _) => {
                out.insert(".attr");
                stack.push(a);
            }
            ExprKind::HasAttr(a, _) => {
                out.insert("has");
                stack.push(a);
            }
            ExprKind::Like(a, _) => {
                out.insert("like");
                stack.push(a);
            }
            ExprKind::Is(a, _) => {
                out.insert("is");
                stack.push(a);
            }
            ExprKind::Set(es) => {
                out.insert("set");
                stack.extend(es.iter());
            }
            ExprKind::Record(m) => {
                out.insert("record");
                stack.extend(m.values());
            }
            ExprKind::ExtCall(name, args) => {
                if let Some(f) = engine::ext::lookup(name) {
                    out.insert(f.name);
                } else {
                    out.insert("unknown-function");
                }
                stack.extend(args.iter());
            }
        }
    }
}

/// Constructs of a policy: scope forms plus its conditions' constructs.
pub fn policy_constructs(p: &Policy, out: &mut BTreeSet<&'static str>) {
    for (c, eq, inn, is, isin) in [
        (&p.principal, "principal-scope:==", "principal-scope:in", "principal-scope:is", "principal-scope:is-in"),
        (&p.resource, "resource-scope:==", "resource-scope:in", "resource-scope:is", "resource-scope:is-in"),
    ] {
        match c {
            ScopeConstraint::Any => {}
            ScopeConstraint::Eq(_) => {
                out.insert(eq);
            }
            ScopeConstraint::In(_) => {
                out.insert(inn);
            }
            ScopeConstraint::Is(_) => {
                out.insert(is);
            }
            ScopeConstraint::IsIn(..) => {
                out.insert(isin);
            }
        }
    }
    match &p.action {
        ActionConstraint::Any => {}
        ActionConstraint::Eq(_) => {
            out.insert("action-scope:==");
        }
        ActionConstraint::In(_) => {
            out.insert("action-scope:in");
        }
    }
    if p.is_template() {
        out.insert("template");
    }
    for c in &p.conditions {
        if c.kind == ConditionKind::Unless {
            out.insert("unless");
        }
        expr_constructs(&c.body, out);
    }
}

/// No scope constraint and no condition other than `true`.
pub fn is_trivial(p: &Policy) -> bool {
    p.principal == ScopeConstraint::Any
        && p.resource == ScopeConstraint::Any
        && p.action == ActionConstraint::Any
        && p.conditions.iter().all(|c| c.kind == ConditionKind::When && c.body == Expr::bool(true))
}

pub fn error_class(k: ErrorKind) -> &'static str {
    k.name()
}

/// Accumulated statistics over many inputs.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub inputs: u64,
    /// Per construct: number of inputs it occurs in.
    pub constructs: BTreeMap<&'static str, u64>,
    pub policies: u64,
    pub trivial_policies: u64,
    pub identical_request_inputs: u64,
    pub requests: u64,
    pub allow: u64,
    pub deny: u64,
    /// Policy evaluations (effective policy × request).
    pub evaluations: u64,
    /// Policy evaluations that gave `true`.
    pub satisfied: u64,
    pub errors: BTreeMap<&'static str, u64>,
    pub injections: InjectionCounts,
    pub reach: ReachCounts,
    /// Inputs whose policy set the authorizer refused to prepare.
    pub unpreparable: u64,
    pub gen_nanos: u128,
}

impl Stats {
    /// Record the structural facts about one input (no engine needed).
    pub fn add_structure(&mut self, input: &AuthInput) {
        self.inputs += 1;
        let mut seen = BTreeSet::new();
        for p in &input.policies.policies {
            self.policies += 1;
            if is_trivial(p) {
                self.trivial_policies += 1;
            }
            policy_constructs(p, &mut seen);
        }
        if !input.policies.links.is_empty() {
            seen.insert("link");
        }
        for c in seen {
            *self.constructs.entry(c).or_default() += 1;
        }
        if input.requests.len() > 1 && input.requests.iter().all(|r| *r == input.requests[0]) {
            self.identical_request_inputs += 1;
        }
    }

    /// Authorize every request and evaluate every effective policy on it
    /// (needs the engine's authorizer and evaluator).
    pub fn add_outcomes(&mut self, input: &AuthInput) {
        let effective = match input.policies.effective_policies() {
            Ok(p) => p,
            Err(_) => {
                self.unpreparable += 1;
                return;
            }
        };
        let conditions: Vec<Expr> = effective.iter().map(|p| p.condition()).collect();
        let authz = match Authorizer::new(&input.policies) {
            Ok(a) => a,
            Err(_) => {
                self.unpreparable += 1;
                return;
            }
        };
        for r in &input.requests {
            self.requests += 1;
            match authz.is_authorized(r, &input.entities).decision {
                Decision::Allow => self.allow += 1,
                Decision::Deny => self.deny += 1,
            }
            for c in &conditions {
                self.evaluations += 1;
                match evaluate(c, r, &input.entities) {
                    Err(e) => *self.errors.entry(error_class(e.kind)).or_default() += 1,
                    Ok(engine::value::Value::Bool(true)) => self.satisfied += 1,
                    Ok(_) => {}
                }
            }
        }
    }

    fn share(n: u64, d: u64) -> f64 {
        if d == 0 {
            0.0
        } else {
            n as f64 / d as f64
        }
    }

    pub fn allow_share(&self) -> f64 {
        Self::share(self.allow, self.requests)
    }
    pub fn deny_share(&self) -> f64 {
        Self::share(self.deny, self.requests)
    }
    pub fn error_share(&self) -> f64 {
        Self::share(self.errors.values().sum(), self.evaluations)
    }
    pub fn satisfied_share(&self) -> f64 {
        Self::share(self.satisfied, self.evaluations)
    }
    pub fn trivial_share(&self) -> f64 {
        Self::share(self.trivial_policies, self.policies)
    }
    pub fn identical_requests_share(&self) -> f64 {
        Self::share(self.identical_request_inputs, self.inputs)
    }
    pub fn construct_share(&self, name: &str) -> f64 {
        Self::share(self.constructs.get(name).copied().unwrap_or(0), self.inputs)
    }

    /// Goal constructs seen in fewer than 0.5 % of inputs.
    pub fn rare_constructs(&self) -> Vec<&'static str> {
        goal_constructs().into_iter().filter(|c| self.construct_share(c) < 0.005).collect()
    }

    pub fn to_json(&self) -> Json {
        let mut constructs = serde_json::Map::new();
        let mut names: BTreeSet<&str> = self.constructs.keys().copied().collect();
        names.extend(goal_constructs());
        for n in names {
            constructs.insert(n.to_string(), json!(self.construct_share(n)));
        }
        let errors: serde_json::Map<String, Json> =
            self.errors.iter().map(|(k, v)| (k.to_string(), json!(Self::share(*v, self.evaluations)))).collect();
        let inj: serde_json::Map<String, Json> =
            self.injections.named().iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        let reach: serde_json::Map<String, Json> =
            self.reach.named().iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        json!({
            "inputs": self.inputs,
            "allow_share": self.allow_share(),
            "deny_share": self.deny_share(),
            "error_share": self.error_share(),
            "error_share_by_class": errors,
            "satisfied_share": self.satisfied_share(),
            "trivial_share": self.trivial_share(),
            "identical_requests_share": self.identical_requests_share(),
            "constructs": constructs,
            "injections": inj,
            "reach": reach,
            "requests": self.requests,
            "evaluations": self.evaluations,
            "policies": self.policies,
            "unpreparable": self.unpreparable,
            "gen_us_per_input": if self.inputs == 0 { 0.0 } else { self.gen_nanos as f64 / 1000.0 / self.inputs as f64 },
        })
    }
}
