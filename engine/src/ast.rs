//! The core syntax tree shared by the parser, printer, JSON policy format,
//! evaluator, validator and the generators.
//!
//! It is Cedar's *core* AST (the Lean `Expr` constructors): the parser
//! desugars `!=`, `>`, `>=`, `is … in` and extended `has` (docs/semantics.md §2.7),
//! so every consumer sees one canonical form. Policies keep their scope
//! structure (needed to print them, to convert them to JSON and to link
//! templates); `Policy::condition` gives the single boolean expression.

use std::collections::BTreeMap;
use std::fmt;

/// A source position (1-based line and column, in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// An entity type: its full path, e.g. `NS::User` (components joined by `::`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityType(pub String);

impl EntityType {
    pub fn new(path: impl Into<String>) -> Self {
        EntityType(path.into())
    }
    /// Path components: `NS::User` → `["NS", "User"]`.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split("::")
    }
    /// The last component (`Action` for action types).
    pub fn basename(&self) -> &str {
        self.0.rsplit("::").next().unwrap_or(&self.0)
    }
    /// The namespace part (`NS` for `NS::User`, empty for `User`).
    pub fn namespace(&self) -> &str {
        match self.0.rfind("::") {
            Some(i) => &self.0[..i],
            None => "",
        }
    }
    pub fn is_action(&self) -> bool {
        self.basename() == "Action"
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An entity UID: type and id (`User::"alice"`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntityUid {
    pub ty: EntityType,
    pub id: String,
}

impl EntityUid {
    pub fn new(ty: impl Into<String>, id: impl Into<String>) -> Self {
        EntityUid { ty: EntityType(ty.into()), id: id.into() }
    }
}

impl fmt::Display for EntityUid {
    /// Cedar syntax, with the id escaped as a Cedar string literal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", self.ty, quote_string(&self.id))
    }
}

/// Quote `s` as a Cedar string literal (escaping `"`, `\`, control characters).
pub fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Var {
    Principal,
    Action,
    Resource,
    Context,
}

impl Var {
    pub fn name(self) -> &'static str {
        match self {
            Var::Principal => "principal",
            Var::Action => "action",
            Var::Resource => "resource",
            Var::Context => "context",
        }
    }
}

/// A template slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlotId {
    Principal,
    Resource,
}

impl SlotId {
    /// `?principal` / `?resource`.
    pub fn name(self) -> &'static str {
        match self {
            SlotId::Principal => "?principal",
            SlotId::Resource => "?resource",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Literal {
    Bool(bool),
    Long(i64),
    String(String),
    EntityUid(EntityUid),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnaryOp {
    /// `!e`
    Not,
    /// `-e`
    Neg,
    /// `e.isEmpty()`
    IsEmpty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BinaryOp {
    Eq,
    Less,
    LessEq,
    Add,
    Sub,
    Mul,
    /// Hierarchy membership `a in b`.
    In,
    /// `a.contains(b)`
    Contains,
    ContainsAll,
    ContainsAny,
    /// `a.hasTag(b)`
    HasTag,
    /// `a.getTag(b)`
    GetTag,
}

impl BinaryOp {
    /// The operator's Cedar spelling: the infix symbol, or the method name
    /// for the method-style operators (also its key in the JSON policy format).
    pub fn name(self) -> &'static str {
        match self {
            BinaryOp::Eq => "==",
            BinaryOp::Less => "<",
            BinaryOp::LessEq => "<=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::In => "in",
            BinaryOp::Contains => "contains",
            BinaryOp::ContainsAll => "containsAll",
            BinaryOp::ContainsAny => "containsAny",
            BinaryOp::HasTag => "hasTag",
            BinaryOp::GetTag => "getTag",
        }
    }
}

/// One element of a `like` pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PatternElem {
    /// An unescaped `*`: any run of zero or more characters.
    Wildcard,
    Char(char),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pattern(pub Vec<PatternElem>);

/// An expression with an optional source location. Equality ignores the
/// location, so a printed-and-reparsed expression equals the original.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub loc: Option<Loc>,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}
impl Eq for Expr {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    Lit(Literal),
    Var(Var),
    /// Only inside policy scopes of templates (never in conditions).
    Slot(SlotId),
    If {
        cond: Box<Expr>,
        then_expr: Box<Expr>,
        else_expr: Box<Expr>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `e.attr` / `e["attr"]`
    GetAttr(Box<Expr>, String),
    /// `e has attr` (one step; extended `has` is desugared)
    HasAttr(Box<Expr>, String),
    Like(Box<Expr>, Pattern),
    /// `e is T` (`is … in` is desugared)
    Is(Box<Expr>, EntityType),
    /// Set literal, elements evaluated left to right.
    Set(Vec<Expr>),
    /// Record literal; keys are unique (the parser rejects duplicates) and
    /// fields are evaluated in key order.
    Record(BTreeMap<String, Expr>),
    /// Extension function or method call, e.g. `decimal("1.0")`,
    /// `ip("…").isInRange(r)` (receiver is the first argument). The name is
    /// the bare function name (`ip`, `lessThan`, …).
    ExtCall(String, Vec<Expr>),
}

impl Expr {
    pub fn new(kind: ExprKind) -> Self {
        Expr { kind, loc: None }
    }
    pub fn with_loc(kind: ExprKind, loc: Option<Loc>) -> Self {
        Expr { kind, loc }
    }
    // Small constructors, handy for tests and generators.
    pub fn lit(l: Literal) -> Self {
        Expr::new(ExprKind::Lit(l))
    }
    pub fn bool(b: bool) -> Self {
        Expr::lit(Literal::Bool(b))
    }
    pub fn long(i: i64) -> Self {
        Expr::lit(Literal::Long(i))
    }
    pub fn string(s: impl Into<String>) -> Self {
        Expr::lit(Literal::String(s.into()))
    }
    pub fn entity(uid: EntityUid) -> Self {
        Expr::lit(Literal::EntityUid(uid))
    }
    pub fn var(v: Var) -> Self {
        Expr::new(ExprKind::Var(v))
    }
    pub fn and(a: Expr, b: Expr) -> Self {
        Expr::new(ExprKind::And(Box::new(a), Box::new(b)))
    }
    pub fn or(a: Expr, b: Expr) -> Self {
        Expr::new(ExprKind::Or(Box::new(a), Box::new(b)))
    }
    // A constructor named after Cedar's `!`, like `and`/`or` beside it (not `ops::Not`).
    #[allow(clippy::should_implement_trait)]
    pub fn not(a: Expr) -> Self {
        Expr::new(ExprKind::Unary(UnaryOp::Not, Box::new(a)))
    }
    pub fn unary(op: UnaryOp, a: Expr) -> Self {
        Expr::new(ExprKind::Unary(op, Box::new(a)))
    }
    pub fn binary(op: BinaryOp, a: Expr, b: Expr) -> Self {
        Expr::new(ExprKind::Binary(op, Box::new(a), Box::new(b)))
    }
    pub fn ite(c: Expr, t: Expr, e: Expr) -> Self {
        Expr::new(ExprKind::If { cond: Box::new(c), then_expr: Box::new(t), else_expr: Box::new(e) })
    }
    pub fn get_attr(e: Expr, attr: impl Into<String>) -> Self {
        Expr::new(ExprKind::GetAttr(Box::new(e), attr.into()))
    }
    pub fn has_attr(e: Expr, attr: impl Into<String>) -> Self {
        Expr::new(ExprKind::HasAttr(Box::new(e), attr.into()))
    }
    pub fn like(e: Expr, p: Pattern) -> Self {
        Expr::new(ExprKind::Like(Box::new(e), p))
    }
    pub fn is(e: Expr, ty: EntityType) -> Self {
        Expr::new(ExprKind::Is(Box::new(e), ty))
    }
    pub fn set(es: Vec<Expr>) -> Self {
        Expr::new(ExprKind::Set(es))
    }
    pub fn record(fields: BTreeMap<String, Expr>) -> Self {
        Expr::new(ExprKind::Record(fields))
    }
    pub fn call(name: impl Into<String>, args: Vec<Expr>) -> Self {
        Expr::new(ExprKind::ExtCall(name.into(), args))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    Permit,
    Forbid,
}

/// The operand of a principal/resource scope constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EntityOrSlot {
    Entity(EntityUid),
    Slot(SlotId),
}

/// Principal or resource scope constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScopeConstraint {
    Any,
    Eq(EntityOrSlot),
    In(EntityOrSlot),
    Is(EntityType),
    IsIn(EntityType, EntityOrSlot),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionConstraint {
    Any,
    Eq(EntityUid),
    /// `action in A` is `In(vec![A])`; `action in [A, B]` is `In(vec![A, B])`.
    In(Vec<EntityUid>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConditionKind {
    When,
    Unless,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub kind: ConditionKind,
    pub body: Expr,
}

/// A policy id (`policy0`, … for policies read from text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PolicyId(pub String);

impl fmt::Display for PolicyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A static policy or a template (a policy whose scope uses slots).
/// Equality ignores `loc` (via `Expr` and by skipping it here).
#[derive(Debug, Clone)]
pub struct Policy {
    pub id: PolicyId,
    /// `@key` alone has value `None`; `@key("v")` has `Some("v")`.
    pub annotations: BTreeMap<String, Option<String>>,
    pub effect: Effect,
    pub principal: ScopeConstraint,
    pub action: ActionConstraint,
    pub resource: ScopeConstraint,
    pub conditions: Vec<Condition>,
    pub loc: Option<Loc>,
}

impl PartialEq for Policy {
    fn eq(&self, o: &Self) -> bool {
        self.id == o.id
            && self.annotations == o.annotations
            && self.effect == o.effect
            && self.principal == o.principal
            && self.action == o.action
            && self.resource == o.resource
            && self.conditions == o.conditions
    }
}
impl Eq for Policy {}

impl Policy {
    /// The slots this policy's scope uses (empty for a static policy).
    pub fn slots(&self) -> Vec<SlotId> {
        let mut out = Vec::new();
        for c in [&self.principal, &self.resource] {
            match c {
                ScopeConstraint::Eq(EntityOrSlot::Slot(s))
                | ScopeConstraint::In(EntityOrSlot::Slot(s))
                | ScopeConstraint::IsIn(_, EntityOrSlot::Slot(s)) => out.push(*s),
                _ => {}
            }
        }
        out
    }

    pub fn is_template(&self) -> bool {
        !self.slots().is_empty()
    }

    /// The single boolean expression the authorizer evaluates (docs/semantics.md §2.7):
    /// `P && (A && (R && C))`.
    pub fn condition(&self) -> Expr {
        let p = scope_expr(Var::Principal, &self.principal);
        let r = scope_expr(Var::Resource, &self.resource);
        let a = match &self.action {
            ActionConstraint::Any => Expr::bool(true),
            ActionConstraint::Eq(e) => Expr::binary(BinaryOp::Eq, Expr::var(Var::Action), Expr::entity(e.clone())),
            ActionConstraint::In(es) => Expr::binary(
                BinaryOp::In,
                Expr::var(Var::Action),
                Expr::set(es.iter().cloned().map(Expr::entity).collect()),
            ),
        };
        let mut conds = self.conditions.iter().rev().map(|c| match c.kind {
            ConditionKind::When => c.body.clone(),
            ConditionKind::Unless => Expr::not(c.body.clone()),
        });
        let c = match conds.next() {
            None => Expr::bool(true),
            Some(last) => conds.fold(last, |acc, c| Expr::and(c, acc)),
        };
        Expr::and(p, Expr::and(a, Expr::and(r, c)))
    }

    /// Substitute slot values (template linking). Errors name the missing
    /// or superfluous slot.
    pub fn link(&self, new_id: PolicyId, values: &BTreeMap<SlotId, EntityUid>) -> Result<Policy, String> {
        let slots = self.slots();
        for s in &slots {
            if !values.contains_key(s) {
                return Err(format!("template `{}` needs a value for {}", self.id, s.name()));
            }
        }
        for s in values.keys() {
            if !slots.contains(s) {
                return Err(format!("template `{}` has no slot {}", self.id, s.name()));
            }
        }
        let fill = |c: &ScopeConstraint| -> ScopeConstraint {
            let f = |o: &EntityOrSlot| match o {
                EntityOrSlot::Slot(s) => EntityOrSlot::Entity(values[s].clone()),
                e => e.clone(),
            };
            match c {
                ScopeConstraint::Eq(o) => ScopeConstraint::Eq(f(o)),
                ScopeConstraint::In(o) => ScopeConstraint::In(f(o)),
                ScopeConstraint::IsIn(t, o) => ScopeConstraint::IsIn(t.clone(), f(o)),
                c => c.clone(),
            }
        };
        Ok(Policy { id: new_id, principal: fill(&self.principal), resource: fill(&self.resource), ..self.clone() })
    }
}

fn scope_expr(var: Var, c: &ScopeConstraint) -> Expr {
    let operand = |o: &EntityOrSlot| match o {
        EntityOrSlot::Entity(e) => Expr::entity(e.clone()),
        EntityOrSlot::Slot(s) => Expr::new(ExprKind::Slot(*s)),
    };
    match c {
        ScopeConstraint::Any => Expr::bool(true),
        ScopeConstraint::Eq(o) => Expr::binary(BinaryOp::Eq, Expr::var(var), operand(o)),
        ScopeConstraint::In(o) => Expr::binary(BinaryOp::In, Expr::var(var), operand(o)),
        ScopeConstraint::Is(t) => Expr::is(Expr::var(var), t.clone()),
        ScopeConstraint::IsIn(t, o) => {
            Expr::and(Expr::is(Expr::var(var), t.clone()), Expr::binary(BinaryOp::In, Expr::var(var), operand(o)))
        }
    }
}

/// A link of a template: `new_id` = `template` with slots filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateLink {
    pub new_id: PolicyId,
    pub template_id: PolicyId,
    pub values: BTreeMap<SlotId, EntityUid>,
}

/// Policies and templates in source order, plus template links.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicySet {
    pub policies: Vec<Policy>,
    pub links: Vec<TemplateLink>,
}

impl PolicySet {
    pub fn get(&self, id: &PolicyId) -> Option<&Policy> {
        self.policies.iter().find(|p| &p.id == id)
    }

    /// The policies the authorizer evaluates: static policies in order, then
    /// each link instantiated. Fails if a link names a missing template or
    /// gives the wrong slots, or if ids collide.
    pub fn effective_policies(&self) -> Result<Vec<Policy>, String> {
        let mut out: Vec<Policy> = self.policies.iter().filter(|p| !p.is_template()).cloned().collect();
        for l in &self.links {
            let t = self
                .get(&l.template_id)
                .filter(|t| t.is_template())
                .ok_or_else(|| format!("link `{}` names unknown template `{}`", l.new_id, l.template_id))?;
            out.push(t.link(l.new_id.clone(), &l.values)?);
        }
        let mut seen = std::collections::BTreeSet::new();
        for p in self.policies.iter().map(|p| &p.id).chain(self.links.iter().map(|l| &l.new_id)) {
            if !seen.insert(p) {
                return Err(format!("duplicate policy id `{p}`"));
            }
        }
        Ok(out)
    }
}
