//! Cedar's JSON policy format ("EST") ↔ `ast` (docs/semantics.md §2.8).
//!
//! Writing emits the core form Cedar itself writes from an AST (`!=`, `>`,
//! `>=`, `is … in` and extended `has` never appear because the AST has
//! none). Reading accepts everything Cedar reads — including those sugared
//! forms, `has` with a list of attributes, `Value` holding any Cedar JSON
//! value (sets, records, `__entity` and `__extn` escapes), `"op": "all"` —
//! and builds its trees with the text parser's builder
//! ([`crate::desugar::Builder`]), so both desugar alike. Errors name the JSON
//! path (`staticPolicies.policy0.conditions[0].body.==.left`).
//!
//! Robustness: reading tracks both JSON nesting (limit
//! [`crate::parser::MAX_NESTING`]) and the height of the tree it builds
//! (limit [`crate::parser::MAX_EXPR_HEIGHT`], in the builder), so a
//! hostile document cannot overflow the stack here or downstream. The
//! recursive reader is split into small per-construct functions so one
//! nesting level costs little stack even in unoptimised builds.

use crate::ast::*;
use crate::desugar::{Builder, ConditionHeight, Ex, Relation, Site};
use crate::ext;
use crate::parser::{is_plain_ident, MAX_NESTING};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::fmt::Write;

/// An error at a JSON path such as `staticPolicies.policy0.conditions[0].body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstError {
    pub path: String,
    pub message: String,
}
impl std::fmt::Display for EstError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}
impl std::error::Error for EstError {}

// =====================================================================
// Writing
// =====================================================================

fn obj<const N: usize>(fields: [(&str, Json); N]) -> Json {
    let mut m = Map::new();
    for (k, v) in fields {
        m.insert(k.to_string(), v);
    }
    Json::Object(m)
}

fn uid_json(u: &EntityUid) -> Json {
    obj([("type", Json::String(u.ty.0.clone())), ("id", Json::String(u.id.clone()))])
}

fn lit_json(l: &Literal) -> Json {
    match l {
        Literal::Bool(b) => Json::Bool(*b),
        Literal::Long(n) => Json::from(*n),
        Literal::String(s) => Json::String(s.clone()),
        Literal::EntityUid(u) => obj([("__entity", uid_json(u))]),
    }
}

/// Pattern elements, consecutive characters grouped into one `Literal`.
fn pattern_json(p: &Pattern) -> Json {
    let mut out = Vec::new();
    let mut run = String::new();
    for el in &p.0 {
        match el {
            PatternElem::Char(c) => run.push(*c),
            PatternElem::Wildcard => {
                if !run.is_empty() {
                    out.push(obj([("Literal", Json::String(std::mem::take(&mut run)))]));
                }
                out.push(Json::String("Wildcard".into()));
            }
        }
    }
    if !run.is_empty() {
        out.push(obj([("Literal", Json::String(run))]));
    }
    Json::Array(out)
}

fn lr(key: &str, a: &Expr, b: &Expr) -> Json {
    obj([(key, obj([("left", expr_to_json(a)), ("right", expr_to_json(b))]))])
}

pub fn expr_to_json(e: &Expr) -> Json {
    match &e.kind {
        ExprKind::Lit(l) => obj([("Value", lit_json(l))]),
        ExprKind::Var(v) => obj([("Var", Json::String(v.name().into()))]),
        ExprKind::Slot(s) => obj([("Slot", Json::String(s.name().into()))]),
        ExprKind::If { cond, then_expr, else_expr } => obj([(
            "if-then-else",
            obj([("if", expr_to_json(cond)), ("then", expr_to_json(then_expr)), ("else", expr_to_json(else_expr))]),
        )]),
        ExprKind::And(a, b) => lr("&&", a, b),
        ExprKind::Or(a, b) => lr("||", a, b),
        ExprKind::Unary(op, a) => {
            let key = match op {
                UnaryOp::Not => "!",
                UnaryOp::Neg => "neg",
                UnaryOp::IsEmpty => "isEmpty",
            };
            obj([(key, obj([("arg", expr_to_json(a))]))])
        }
        ExprKind::Binary(op, a, b) => lr(op.name(), a, b),
        ExprKind::GetAttr(a, attr) => {
            obj([(".", obj([("left", expr_to_json(a)), ("attr", Json::String(attr.clone()))]))])
        }
        ExprKind::HasAttr(a, attr) => {
            obj([("has", obj([("left", expr_to_json(a)), ("attr", Json::String(attr.clone()))]))])
        }
        ExprKind::Like(a, p) => obj([("like", obj([("left", expr_to_json(a)), ("pattern", pattern_json(p))]))]),
        ExprKind::Is(a, t) => {
            obj([("is", obj([("left", expr_to_json(a)), ("entity_type", Json::String(t.0.clone()))]))])
        }
        ExprKind::Set(items) => obj([("Set", Json::Array(items.iter().map(expr_to_json).collect()))]),
        ExprKind::Record(fields) => {
            let m: Map<String, Json> = fields.iter().map(|(k, v)| (k.clone(), expr_to_json(v))).collect();
            obj([("Record", Json::Object(m))])
        }
        ExprKind::ExtCall(name, args) => obj([(name.as_str(), Json::Array(args.iter().map(expr_to_json).collect()))]),
    }
}

fn operand_json(o: &EntityOrSlot) -> (&'static str, Json) {
    match o {
        EntityOrSlot::Entity(u) => ("entity", uid_json(u)),
        EntityOrSlot::Slot(s) => ("slot", Json::String(s.name().into())),
    }
}

fn scope_json(c: &ScopeConstraint) -> Json {
    match c {
        ScopeConstraint::Any => obj([("op", "All".into())]),
        ScopeConstraint::Eq(o) => {
            let (k, v) = operand_json(o);
            obj([("op", "==".into()), (k, v)])
        }
        ScopeConstraint::In(o) => {
            let (k, v) = operand_json(o);
            obj([("op", "in".into()), (k, v)])
        }
        ScopeConstraint::Is(t) => obj([("op", "is".into()), ("entity_type", Json::String(t.0.clone()))]),
        ScopeConstraint::IsIn(t, o) => {
            let (k, v) = operand_json(o);
            obj([("op", "is".into()), ("entity_type", Json::String(t.0.clone())), ("in", obj([(k, v)]))])
        }
    }
}

fn action_json(c: &ActionConstraint) -> Json {
    match c {
        ActionConstraint::Any => obj([("op", "All".into())]),
        ActionConstraint::Eq(u) => obj([("op", "==".into()), ("entity", uid_json(u))]),
        ActionConstraint::In(es) if es.len() == 1 => obj([("op", "in".into()), ("entity", uid_json(&es[0]))]),
        ActionConstraint::In(es) => {
            obj([("op", "in".into()), ("entities", Json::Array(es.iter().map(uid_json).collect()))])
        }
    }
}

/// A policy or template. `@key` without a value is written as `null`
/// (Cedar 4.x reads `null` and a string alike; `@key` means `@key("")`).
pub fn policy_to_json(p: &Policy) -> Json {
    let conditions: Vec<Json> = p
        .conditions
        .iter()
        .map(|c| {
            let kind = match c.kind {
                ConditionKind::When => "when",
                ConditionKind::Unless => "unless",
            };
            obj([("kind", kind.into()), ("body", expr_to_json(&c.body))])
        })
        .collect();
    let mut m = Map::new();
    m.insert(
        "effect".into(),
        match p.effect {
            Effect::Permit => "permit".into(),
            Effect::Forbid => "forbid".into(),
        },
    );
    m.insert("principal".into(), scope_json(&p.principal));
    m.insert("action".into(), action_json(&p.action));
    m.insert("resource".into(), scope_json(&p.resource));
    m.insert("conditions".into(), Json::Array(conditions));
    if !p.annotations.is_empty() {
        let a: Map<String, Json> = p
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.as_ref().map_or(Json::Null, |s| Json::String(s.clone()))))
            .collect();
        m.insert("annotations".into(), Json::Object(a));
    }
    Json::Object(m)
}

/// Cedar's policy-set JSON: `{"staticPolicies": {id: policy}, "templates": {id: policy},
/// "templateLinks": [{"templateId", "newId", "values": {"?principal": {"type","id"}}}]}`.
pub fn policy_set_to_json(ps: &PolicySet) -> Json {
    let mut statics = Map::new();
    let mut templates = Map::new();
    for p in &ps.policies {
        let target = if p.is_template() { &mut templates } else { &mut statics };
        target.insert(p.id.0.clone(), policy_to_json(p));
    }
    let links: Vec<Json> = ps
        .links
        .iter()
        .map(|l| {
            let values: Map<String, Json> = l.values.iter().map(|(s, u)| (s.name().to_string(), uid_json(u))).collect();
            obj([
                ("templateId", Json::String(l.template_id.0.clone())),
                ("newId", Json::String(l.new_id.0.clone())),
                ("values", Json::Object(values)),
            ])
        })
        .collect();
    obj([
        ("staticPolicies", Json::Object(statics)),
        ("templates", Json::Object(templates)),
        ("templateLinks", Json::Array(links)),
    ])
}

// =====================================================================
// Reading
// =====================================================================

/// A JSON path as a linked list on the stack (no allocation until an
/// error is rendered).
#[derive(Clone, Copy)]
struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    seg: Seg<'a>,
    depth: usize,
}

#[derive(Clone, Copy)]
enum Seg<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Path<'a> {
    fn root() -> Path<'static> {
        Path { parent: None, seg: Seg::Root, depth: 0 }
    }
    fn key(&'a self, k: &'a str) -> Path<'a> {
        Path { parent: Some(self), seg: Seg::Key(k), depth: self.depth }
    }
    fn index(&'a self, i: usize) -> Path<'a> {
        Path { parent: Some(self), seg: Seg::Index(i), depth: self.depth }
    }
    /// A child one nesting level deeper (expression operator keys, the
    /// elements of `Value` sets and records).
    fn key_nested(&'a self, k: &'a str) -> Path<'a> {
        Path { parent: Some(self), seg: Seg::Key(k), depth: self.depth + 1 }
    }
    fn index_nested(&'a self, i: usize) -> Path<'a> {
        Path { parent: Some(self), seg: Seg::Index(i), depth: self.depth + 1 }
    }
    fn render(&self) -> String {
        let mut segs = Vec::new();
        let mut cur = Some(self);
        while let Some(p) = cur {
            segs.push(p.seg);
            cur = p.parent;
        }
        let mut out = String::new();
        for s in segs.iter().rev() {
            match s {
                Seg::Root => {}
                Seg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Seg::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        if out.is_empty() {
            out.push_str("(root)");
        }
        out
    }
    fn err<T>(&self, msg: impl Into<String>) -> Result<T, EstError> {
        Err(EstError { path: self.render(), message: msg.into() })
    }
}

type R<T> = Result<T, EstError>;

/// JSON nodes carry no source location; errors name the JSON path.
impl Site for &Path<'_> {
    type Error = EstError;
    fn loc(self) -> Option<Loc> {
        None
    }
    fn error(self, message: String) -> EstError {
        EstError { path: self.render(), message }
    }
}

fn describe(j: &Json) -> &'static str {
    match j {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn as_object<'j>(j: &'j Json, p: &Path, what: &str) -> R<&'j Map<String, Json>> {
    match j {
        Json::Object(m) => Ok(m),
        other => p.err(format!("expected {what} (a JSON object), found {}", describe(other))),
    }
}

fn as_str<'j>(j: &'j Json, p: &Path, what: &str) -> R<&'j str> {
    match j {
        Json::String(s) => Ok(s),
        other => p.err(format!("expected {what} (a string), found {}", describe(other))),
    }
}

fn as_array<'j>(j: &'j Json, p: &Path, what: &str) -> R<&'j Vec<Json>> {
    match j {
        Json::Array(a) => Ok(a),
        other => p.err(format!("expected {what} (an array), found {}", describe(other))),
    }
}

/// Check that `m` has only `allowed` keys and all `required` ones.
fn check_fields(m: &Map<String, Json>, p: &Path, required: &[&str], optional: &[&str]) -> R<()> {
    for k in m.keys() {
        if !required.contains(&k.as_str()) && !optional.contains(&k.as_str()) {
            let mut expected: Vec<String> = required.iter().chain(optional).map(|s| format!("`{s}`")).collect();
            expected.sort();
            return p.err(format!("unknown field `{k}`, expected {}", expected.join(", ")));
        }
    }
    for r in required {
        if !m.contains_key(*r) {
            return p.err(format!("missing field `{r}`"));
        }
    }
    Ok(())
}

fn field<'j>(m: &'j Map<String, Json>, k: &str) -> &'j Json {
    m.get(k).expect("checked by check_fields")
}

/// A valid entity type name: `::`-separated unreserved identifiers.
fn valid_type_name(s: &str) -> bool {
    s.split("::").all(is_plain_ident)
}

fn entity_type(j: &Json, p: &Path) -> R<EntityType> {
    let s = as_str(j, p, "an entity type")?;
    if !valid_type_name(s) {
        return p.err(format!("`{s}` is not a valid entity type name"));
    }
    Ok(EntityType(s.to_string()))
}

/// `{"type": T, "id": I}` (unknown fields rejected).
fn type_and_id(j: &Json, p: &Path) -> R<EntityUid> {
    let m = as_object(j, p, "an entity reference")?;
    check_fields(m, p, &["type", "id"], &[])?;
    let ty = entity_type(field(m, "type"), &p.key("type"))?;
    let id = as_str(field(m, "id"), &p.key("id"), "an entity id")?;
    Ok(EntityUid { ty, id: id.to_string() })
}

/// An entity reference in a scope or link: `{"type","id"}` or
/// `{"__entity": {"type","id"}}`.
fn entity_uid_json(j: &Json, p: &Path) -> R<EntityUid> {
    if let Json::Object(m) = j {
        if m.len() == 1 {
            if let Some(inner) = m.get("__entity") {
                return type_and_id(inner, &p.key("__entity"));
            }
        }
    }
    type_and_id(j, p)
}

pub fn expr_from_json(j: &Json) -> Result<Expr, EstError> {
    read_expr(j, &Path::root()).map(|x| x.e)
}

/// Read an expression; the recursive core. Kept small: each construct has
/// its own function.
fn read_expr(j: &Json, p: &Path) -> R<Ex> {
    if p.depth >= MAX_NESTING {
        return p.err(format!("expression is nested too deeply (limit {MAX_NESTING} levels)"));
    }
    let m = as_object(j, p, "an expression")?;
    let mut it = m.iter();
    let (k, v) = match (it.next(), it.next()) {
        (Some(kv), None) => kv,
        (None, _) => return p.err("an expression object must have exactly one key, found none"),
        (Some((k1, _)), Some((k2, _))) => {
            return p.err(format!("an expression object must have exactly one key, found `{k1}` and `{k2}`"))
        }
    };
    let p = p.key_nested(k);
    match k.as_str() {
        "Value" => read_value(v, &p),
        "Var" => read_var(v, &p),
        "Slot" => read_slot(v, &p).map(|s| Builder(&p).leaf(ExprKind::Slot(s))),
        "!" | "neg" | "isEmpty" => read_unary(k, v, &p),
        "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||" | "+" | "-" | "*" | "in" | "contains" | "containsAll"
        | "containsAny" | "getTag" | "hasTag" => read_binary(k, v, &p),
        "." | "has" => read_attr(k, v, &p),
        "like" => read_like(v, &p),
        "is" => read_is(v, &p),
        "if-then-else" => read_ite(v, &p),
        "Set" => read_set(v, &p),
        "Record" => read_record(v, &p),
        name if ext::lookup(name).is_some() => read_call(name, v, &p),
        other => p.err(format!("unknown expression kind or extension function `{other}`")),
    }
}

fn read_var(v: &Json, p: &Path) -> R<Ex> {
    let var = match as_str(v, p, "a variable name")? {
        "principal" => Var::Principal,
        "action" => Var::Action,
        "resource" => Var::Resource,
        "context" => Var::Context,
        other => return p.err(format!("unknown variable `{other}`")),
    };
    Ok(Builder(p).leaf(ExprKind::Var(var)))
}

fn read_slot(v: &Json, p: &Path) -> R<SlotId> {
    match as_str(v, p, "a slot name")? {
        "?principal" => Ok(SlotId::Principal),
        "?resource" => Ok(SlotId::Resource),
        other => p.err(format!("unknown slot `{other}`: expected `?principal` or `?resource`")),
    }
}

fn read_unary(k: &str, v: &Json, p: &Path) -> R<Ex> {
    let m = as_object(v, p, "an operator body")?;
    check_fields(m, p, &["arg"], &[])?;
    let a = read_expr(field(m, "arg"), &p.key("arg"))?;
    let op = match k {
        "!" => UnaryOp::Not,
        "neg" => UnaryOp::Neg,
        _ => UnaryOp::IsEmpty,
    };
    Builder(p).unary(op, a)
}

fn read_binary(k: &str, v: &Json, p: &Path) -> R<Ex> {
    let m = as_object(v, p, "an operator body")?;
    check_fields(m, p, &["left", "right"], &[])?;
    let l = read_expr(field(m, "left"), &p.key("left"))?;
    let r = read_expr(field(m, "right"), &p.key("right"))?;
    combine_binary(k, l, r, p)
}

fn combine_binary(k: &str, l: Ex, r: Ex, p: &Path) -> R<Ex> {
    let b = Builder(p);
    match k {
        "==" => b.relation(Relation::Eq, l, r),
        "!=" => b.relation(Relation::NotEq, l, r),
        "<" => b.relation(Relation::Less, l, r),
        "<=" => b.relation(Relation::LessEq, l, r),
        ">" => b.relation(Relation::Greater, l, r),
        ">=" => b.relation(Relation::GreaterEq, l, r),
        "in" => b.relation(Relation::In, l, r),
        "&&" => b.and(l, r),
        "||" => b.or(l, r),
        "+" => b.binary(BinaryOp::Add, l, r),
        "-" => b.binary(BinaryOp::Sub, l, r),
        "*" => b.binary(BinaryOp::Mul, l, r),
        "contains" => b.binary(BinaryOp::Contains, l, r),
        "containsAll" => b.binary(BinaryOp::ContainsAll, l, r),
        "containsAny" => b.binary(BinaryOp::ContainsAny, l, r),
        "getTag" => b.binary(BinaryOp::GetTag, l, r),
        _ => b.binary(BinaryOp::HasTag, l, r),
    }
}

fn read_attr(k: &str, v: &Json, p: &Path) -> R<Ex> {
    let m = as_object(v, p, "an operator body")?;
    check_fields(m, p, &["left", "attr"], &[])?;
    let l = read_expr(field(m, "left"), &p.key("left"))?;
    let ap = p.key("attr");
    if k == "." {
        let attr = as_str(field(m, "attr"), &ap, "an attribute name")?;
        return Builder(p).get_attr(l, attr.to_string());
    }
    // `has` takes one attribute or (extended has) a non-empty list of them.
    let path: Vec<String> = match field(m, "attr") {
        Json::String(s) => vec![s.clone()],
        Json::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, a)| Ok(as_str(a, &ap.index(i), "an attribute name")?.to_string()))
            .collect::<R<_>>()?,
        Json::Array(_) => return ap.err("an attribute path must not be empty"),
        other => return ap.err(format!("expected an attribute name or a list of them, found {}", describe(other))),
    };
    Builder(p).has_path(l, path)
}

fn read_like(v: &Json, p: &Path) -> R<Ex> {
    let m = as_object(v, p, "an operator body")?;
    check_fields(m, p, &["left", "pattern"], &[])?;
    let l = read_expr(field(m, "left"), &p.key("left"))?;
    let pp = p.key("pattern");
    let mut elems = Vec::new();
    for (i, el) in as_array(field(m, "pattern"), &pp, "a pattern")?.iter().enumerate() {
        let ep = pp.index(i);
        match el {
            Json::String(s) if s == "Wildcard" => elems.push(PatternElem::Wildcard),
            Json::Object(o) if o.len() == 1 && o.contains_key("Literal") => {
                let s = as_str(&o["Literal"], &ep.key("Literal"), "literal pattern text")?;
                elems.extend(s.chars().map(PatternElem::Char));
            }
            _ => return ep.err("expected `\"Wildcard\"` or `{\"Literal\": \"…\"}`"),
        }
    }
    Builder(p).like(l, Pattern(elems))
}

fn read_is(v: &Json, p: &Path) -> R<Ex> {
    let m = as_object(v, p, "an operator body")?;
    check_fields(m, p, &["left", "entity_type"], &["in"])?;
    let l = read_expr(field(m, "left"), &p.key("left"))?;
    let ty = entity_type(field(m, "entity_type"), &p.key("entity_type"))?;
    match m.get("in") {
        None => Builder(p).is(l, ty),
        Some(x) => {
            let r = read_expr(x, &p.key("in"))?;
            Builder(p).is_in(l, ty, r)
        }
    }
}

fn read_ite(v: &Json, p: &Path) -> R<Ex> {
    let m = as_object(v, p, "an operator body")?;
    check_fields(m, p, &["if", "then", "else"], &[])?;
    let c = read_expr(field(m, "if"), &p.key("if"))?;
    let t = read_expr(field(m, "then"), &p.key("then"))?;
    let e = read_expr(field(m, "else"), &p.key("else"))?;
    Builder(p).if_then_else(c, t, e)
}

fn read_list(v: &Json, p: &Path, what: &str) -> R<Vec<Ex>> {
    let items = as_array(v, p, what)?;
    items.iter().enumerate().map(|(i, x)| read_expr(x, &p.index(i))).collect()
}

fn read_set(v: &Json, p: &Path) -> R<Ex> {
    let items = read_list(v, p, "a list of set elements")?;
    Builder(p).set(items)
}

fn read_record(v: &Json, p: &Path) -> R<Ex> {
    let m = as_object(v, p, "record fields")?;
    let mut fields = BTreeMap::new();
    for (k, x) in m {
        fields.insert(k.clone(), read_expr(x, &p.key(k))?);
    }
    Builder(p).record(fields)
}

fn read_call(name: &str, v: &Json, p: &Path) -> R<Ex> {
    let args = read_list(v, p, "a list of arguments")?;
    Builder(p).call(name, args)
}

/// `{"Value": v}`: any Cedar JSON value (docs/semantics.md §6.1) as an expression.
fn read_value(v: &Json, p: &Path) -> R<Ex> {
    if p.depth >= MAX_NESTING {
        return p.err(format!("value is nested too deeply (limit {MAX_NESTING} levels)"));
    }
    match v {
        Json::Bool(b) => Ok(Builder(p).leaf(ExprKind::Lit(Literal::Bool(*b)))),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Ok(Builder(p).leaf(ExprKind::Lit(Literal::Long(i)))),
            None => p.err(format!("`{n}` is not a 64-bit signed integer")),
        },
        Json::String(s) => Ok(Builder(p).leaf(ExprKind::Lit(Literal::String(s.clone())))),
        Json::Null => p.err("`null` is not a Cedar value"),
        Json::Array(items) => {
            let out = items.iter().enumerate().map(|(i, x)| read_value(x, &p.index_nested(i))).collect::<R<_>>()?;
            Builder(p).set(out)
        }
        Json::Object(m) => read_value_object(m, p),
    }
}

/// An object value: an `__entity` or `__extn` escape, else a record. As in
/// Cedar, an escape whose body has the wrong shape is just a record.
fn read_value_object(m: &Map<String, Json>, p: &Path) -> R<Ex> {
    if m.contains_key("__expr") {
        return p.err("the `__expr` escape is no longer supported");
    }
    if let Some(Json::Object(inner)) = m.get("__entity") {
        if let (Some(Json::String(_)), Some(Json::String(id))) = (inner.get("type"), inner.get("id")) {
            let ty = entity_type(&inner["type"], &p.key("__entity").key("type"))?;
            return Ok(Builder(p).leaf(ExprKind::Lit(Literal::EntityUid(EntityUid { ty, id: id.clone() }))));
        }
    }
    if let Some(Json::Object(inner)) = m.get("__extn") {
        if let Some(Json::String(f)) = inner.get("fn") {
            let ep = p.key("__extn");
            let args: Option<Vec<&Json>> = match (inner.get("arg"), inner.get("args")) {
                (Some(a), None) => Some(vec![a]),
                (None, Some(Json::Array(a))) => Some(a.iter().collect()),
                _ => None,
            };
            if let Some(args) = args {
                if ext::lookup(f).is_none() {
                    return ep.key("fn").err(format!("unknown extension function `{f}`"));
                }
                let out =
                    args.into_iter().enumerate().map(|(i, a)| read_value(a, &ep.index_nested(i))).collect::<R<_>>()?;
                return Builder(p).call(f, out);
            }
        }
    }
    let mut fields = BTreeMap::new();
    for (k, x) in m {
        fields.insert(k.clone(), read_value(x, &p.key_nested(k))?);
    }
    Builder(p).record(fields)
}

// ----- policies --------------------------------------------------------

fn read_operand(m: &Map<String, Json>, p: &Path, slot: SlotId, is_in: bool) -> R<EntityOrSlot> {
    match (m.get("entity"), m.get("slot")) {
        (Some(e), None) => Ok(EntityOrSlot::Entity(entity_uid_json(e, &p.key("entity"))?)),
        (None, Some(s)) => {
            let sp = p.key("slot");
            let got = read_slot(s, &sp)?;
            // Cedar ignores which slot is named inside `is … in`; for `==`
            // and `in` it must be the slot of this scope position.
            if got != slot && !is_in {
                return sp.err(format!("only `{}` may be used here", slot.name()));
            }
            Ok(EntityOrSlot::Slot(slot))
        }
        (Some(_), Some(_)) => p.err("give either `entity` or `slot`, not both"),
        (None, None) => p.err("missing field `entity` or `slot`"),
    }
}

/// A scope constraint's object and its `op`.
fn scope_op<'j>(j: &'j Json, p: &Path) -> R<(&'j Map<String, Json>, &'j str)> {
    let m = as_object(j, p, "a scope constraint")?;
    let op = as_str(m.get("op").unwrap_or(&Json::Null), &p.key("op"), "a scope operator")?;
    Ok((m, op))
}

fn read_scope(j: &Json, p: &Path, slot: SlotId) -> R<ScopeConstraint> {
    let (m, op) = scope_op(j, p)?;
    match op {
        "All" | "all" => {
            check_fields(m, p, &["op"], &[])?;
            Ok(ScopeConstraint::Any)
        }
        "==" | "in" => {
            check_fields(m, p, &["op"], &["entity", "slot"])?;
            let o = read_operand(m, p, slot, false)?;
            Ok(if op == "==" { ScopeConstraint::Eq(o) } else { ScopeConstraint::In(o) })
        }
        "is" => {
            check_fields(m, p, &["op", "entity_type"], &["in"])?;
            let ty = entity_type(field(m, "entity_type"), &p.key("entity_type"))?;
            match m.get("in") {
                None => Ok(ScopeConstraint::Is(ty)),
                Some(x) => {
                    let ip = p.key("in");
                    let im = as_object(x, &ip, "an `in` operand")?;
                    check_fields(im, &ip, &[], &["entity", "slot"])?;
                    Ok(ScopeConstraint::IsIn(ty, read_operand(im, &ip, slot, true)?))
                }
            }
        }
        other => p.key("op").err(format!("unknown scope operator `{other}`: expected `All`, `==`, `in` or `is`")),
    }
}

fn action_uid(j: &Json, p: &Path) -> R<EntityUid> {
    let u = entity_uid_json(j, p)?;
    if !u.ty.is_action() {
        return p.err(format!("`{u}` is not an action: action entity types must be `Action` or end in `::Action`"));
    }
    Ok(u)
}

fn read_action(j: &Json, p: &Path) -> R<ActionConstraint> {
    let (m, op) = scope_op(j, p)?;
    match op {
        "All" | "all" => {
            check_fields(m, p, &["op"], &[])?;
            Ok(ActionConstraint::Any)
        }
        "==" => {
            check_fields(m, p, &["op"], &["entity", "slot"])?;
            if m.contains_key("slot") {
                return p.key("slot").err("slots are not allowed in the action constraint");
            }
            match m.get("entity") {
                Some(e) => Ok(ActionConstraint::Eq(action_uid(e, &p.key("entity"))?)),
                None => p.err("missing field `entity`"),
            }
        }
        "in" => {
            check_fields(m, p, &["op"], &["entity", "entities"])?;
            match (m.get("entity"), m.get("entities")) {
                (Some(e), None) => Ok(ActionConstraint::In(vec![action_uid(e, &p.key("entity"))?])),
                (None, Some(es)) => {
                    let ep = p.key("entities");
                    let items = as_array(es, &ep, "a list of actions")?;
                    let mut out = Vec::with_capacity(items.len());
                    for (i, e) in items.iter().enumerate() {
                        out.push(action_uid(e, &ep.index(i))?);
                    }
                    Ok(ActionConstraint::In(out))
                }
                (Some(_), Some(_)) => p.err("give either `entity` or `entities`, not both"),
                (None, None) => p.err("missing field `entity` or `entities`"),
            }
        }
        "is" => p.key("op").err("`is` is not allowed in the action constraint"),
        other => p.key("op").err(format!("unknown scope operator `{other}`: expected `All`, `==` or `in`")),
    }
}

fn contains_slot(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Slot(_) => true,
        ExprKind::Lit(_) | ExprKind::Var(_) => false,
        ExprKind::If { cond, then_expr, else_expr } => {
            contains_slot(cond) || contains_slot(then_expr) || contains_slot(else_expr)
        }
        ExprKind::And(a, b) | ExprKind::Or(a, b) | ExprKind::Binary(_, a, b) => contains_slot(a) || contains_slot(b),
        ExprKind::Unary(_, a)
        | ExprKind::GetAttr(a, _)
        | ExprKind::HasAttr(a, _)
        | ExprKind::Like(a, _)
        | ExprKind::Is(a, _) => contains_slot(a),
        ExprKind::Set(xs) | ExprKind::ExtCall(_, xs) => xs.iter().any(contains_slot),
        ExprKind::Record(fs) => fs.values().any(contains_slot),
    }
}

fn valid_annotation_key(k: &str) -> bool {
    let mut cs = k.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && cs.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

pub fn policy_from_json(id: PolicyId, j: &Json) -> Result<Policy, EstError> {
    read_policy(id, j, &Path::root())
}

fn read_policy(id: PolicyId, j: &Json, p: &Path) -> R<Policy> {
    let m = as_object(j, p, "a policy")?;
    check_fields(m, p, &["effect", "principal", "action", "resource", "conditions"], &["annotations"])?;
    let effect = match as_str(field(m, "effect"), &p.key("effect"), "an effect")? {
        "permit" => Effect::Permit,
        "forbid" => Effect::Forbid,
        other => return p.key("effect").err(format!("unknown effect `{other}`: expected `permit` or `forbid`")),
    };
    let principal = read_scope(field(m, "principal"), &p.key("principal"), SlotId::Principal)?;
    let action = read_action(field(m, "action"), &p.key("action"))?;
    let resource = read_scope(field(m, "resource"), &p.key("resource"), SlotId::Resource)?;
    let cp = p.key("conditions");
    let mut conditions = Vec::new();
    let mut height = ConditionHeight::default();
    for (i, c) in as_array(field(m, "conditions"), &cp, "a list of conditions")?.iter().enumerate() {
        let ip = cp.index(i);
        let cm = as_object(c, &ip, "a condition")?;
        check_fields(cm, &ip, &["kind", "body"], &[])?;
        let kind = match as_str(field(cm, "kind"), &ip.key("kind"), "a condition kind")? {
            "when" => ConditionKind::When,
            "unless" => ConditionKind::Unless,
            other => {
                return ip.key("kind").err(format!("unknown condition kind `{other}`: expected `when` or `unless`"))
            }
        };
        let bp = ip.key("body");
        let body = read_expr(field(cm, "body"), &bp)?;
        if contains_slot(&body.e) {
            return bp.err("slots may only appear in the policy scope, not in conditions");
        }
        if !height.add(&body) {
            return ip.err(ConditionHeight::error_message());
        }
        conditions.push(Condition { kind, body: body.e });
    }
    let mut annotations = BTreeMap::new();
    if let Some(a) = m.get("annotations") {
        let ap = p.key("annotations");
        for (k, v) in as_object(a, &ap, "annotations")? {
            let kp = ap.key(k);
            if !valid_annotation_key(k) {
                return kp.err(format!("`{k}` is not a valid annotation key (an identifier)"));
            }
            let v = match v {
                Json::Null => None,
                Json::String(s) => Some(s.clone()),
                other => return kp.err(format!("expected a string or null, found {}", describe(other))),
            };
            annotations.insert(k.clone(), v);
        }
    }
    Ok(Policy { id, annotations, effect, principal, action, resource, conditions, loc: None })
}

/// Read a policy set. Policies come out as the static policies in document
/// order followed by the templates in document order. Ids must be unique
/// across both maps; links must name a template and fill exactly its slots.
pub fn policy_set_from_json(j: &Json) -> Result<PolicySet, EstError> {
    let p = Path::root();
    let m = as_object(j, &p, "a policy set")?;
    check_fields(m, &p, &[], &["staticPolicies", "templates", "templateLinks"])?;
    let mut policies: Vec<Policy> = Vec::new();
    let empty = Json::Object(Map::new());
    for (key, want_template) in [("staticPolicies", false), ("templates", true)] {
        let kp = p.key(key);
        for (id, pj) in as_object(m.get(key).unwrap_or(&empty), &kp, "a map from policy ids to policies")? {
            let ip = kp.key(id);
            if policies.iter().any(|q| q.id.0 == *id) {
                return ip.err(format!("duplicate policy id `{id}`"));
            }
            let pol = read_policy(PolicyId(id.clone()), pj, &ip)?;
            if pol.is_template() != want_template {
                return ip.err(if want_template {
                    "a template must use `?principal` or `?resource` in its scope".to_string()
                } else {
                    "a static policy may not contain slots; put it under `templates`".to_string()
                });
            }
            policies.push(pol);
        }
    }
    let mut links = Vec::new();
    let no_links = Json::Array(Vec::new());
    let lp = p.key("templateLinks");
    for (i, l) in
        as_array(m.get("templateLinks").unwrap_or(&no_links), &lp, "a list of template links")?.iter().enumerate()
    {
        let ip = lp.index(i);
        let lm = as_object(l, &ip, "a template link")?;
        check_fields(lm, &ip, &["templateId", "newId", "values"], &[])?;
        let template_id =
            PolicyId(as_str(field(lm, "templateId"), &ip.key("templateId"), "a template id")?.to_string());
        let new_id = PolicyId(as_str(field(lm, "newId"), &ip.key("newId"), "a policy id")?.to_string());
        let vp = ip.key("values");
        let mut values = BTreeMap::new();
        for (k, v) in as_object(field(lm, "values"), &vp, "slot values")? {
            let kp = vp.key(k);
            let slot = read_slot(&Json::String(k.clone()), &kp)?;
            values.insert(slot, entity_uid_json(v, &kp)?);
        }
        let template = match policies.iter().find(|t| t.id == template_id && t.is_template()) {
            Some(t) => t,
            None => return ip.key("templateId").err(format!("no template with id `{template_id}`")),
        };
        if let Err(msg) = template.link(new_id.clone(), &values) {
            return vp.err(msg);
        }
        if policies.iter().any(|q| q.id == new_id) || links.iter().any(|l: &TemplateLink| l.new_id == new_id) {
            return ip.key("newId").err(format!("duplicate policy id `{new_id}`"));
        }
        links.push(TemplateLink { new_id, template_id, values });
    }
    Ok(PolicySet { policies, links })
}
