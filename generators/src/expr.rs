//! Type-directed expression generation.
//!
//! `Gen::expr(env, τ, depth)` returns an expression of schema type `τ` in
//! the request environment `env` (principal type, action, resource type,
//! context type). Attribute reads come from precomputed *access paths*
//! (`principal.manager.age`, `context.req.ip`, `resource.getTag("t")`); when a
//! path needs a `has`/`hasTag` guard, the guard is queued and wrapped around
//! the nearest enclosing Boolean node (`principal has age && principal.age <
//! 3`), which is also what the validator's capabilities require.
//! Error injection (ill-typed operands, unguarded reads, malformed extension
//! strings) happens here and is counted.

use crate::choices::{choose, Choices};
use crate::pool::{malform, EXT_TYPES};
use crate::world::Gen;
use crate::Mode;
use engine::ast::{BinaryOp, EntityType, EntityUid, Expr, Pattern, PatternElem, UnaryOp, Var};
use engine::schema::{ExtType, RecordType, SchemaType};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Maximum number of access paths kept per environment.
const MAX_PATHS: usize = 32;

/// Does `ty` contain a record type with an optional attribute?
fn has_optional(ty: &SchemaType) -> bool {
    match ty {
        SchemaType::Set(el) => has_optional(el),
        SchemaType::Record(rt) => rt.attrs.values().any(|a| !a.required || has_optional(&a.ty)),
        _ => false,
    }
}

/// A request environment plus the attribute paths readable in it.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub principal: EntityType,
    pub action: EntityUid,
    pub resource: EntityType,
    /// Whether `context` is readable (its type is known).
    pub has_context: bool,
    pub paths: Vec<Access>,
}

/// An expression reading data, its type, and the guards that make it safe.
#[derive(Debug, Clone)]
pub(crate) struct Access {
    pub expr: Expr,
    pub ty: SchemaType,
    pub guard: Vec<Expr>,
}

impl<C: Choices> Gen<'_, C> {
    /// `context` is `None` when the policy may apply to actions with
    /// different context types: then `context` is not read at all.
    pub fn env(
        &mut self,
        action: EntityUid,
        principal: EntityType,
        resource: EntityType,
        context: Option<&RecordType>,
    ) -> Rc<Env> {
        let has_ctx = context.is_some();
        if let Some(e) = self.env_cache.iter().find(|e| {
            e.action == action && e.principal == principal && e.resource == resource && e.has_context == has_ctx
        }) {
            return e.clone();
        }
        let mut paths = Vec::new();
        let mut roots = vec![
            Access { expr: Expr::var(Var::Principal), ty: SchemaType::Entity(principal.clone()), guard: vec![] },
            Access { expr: Expr::var(Var::Resource), ty: SchemaType::Entity(resource.clone()), guard: vec![] },
        ];
        if let Some(context) = context {
            roots.push(Access {
                expr: Expr::var(Var::Context),
                ty: SchemaType::Record(context.clone()),
                guard: vec![],
            });
        }
        for r in roots {
            self.expand(r, 2, &mut paths);
        }
        let env = Rc::new(Env { principal, action, resource, has_context: has_ctx, paths });
        self.env_cache.push(env.clone());
        env
    }

    fn expand(&self, base: Access, steps: u32, out: &mut Vec<Access>) {
        if out.len() >= MAX_PATHS {
            return;
        }
        let children: Vec<Access> = if steps == 0 {
            vec![]
        } else {
            let mut ch = Vec::new();
            let rt_and_tags = match &base.ty {
                SchemaType::Entity(t) => self.schema.entity_types.get(t).map(|d| (&d.attrs, d.tags.as_ref())),
                SchemaType::Record(rt) => Some((rt, None)),
                _ => None,
            };
            if let Some((rt, tags)) = rt_and_tags {
                for (a, at) in &rt.attrs {
                    let mut guard = base.guard.clone();
                    if !at.required {
                        guard.push(Expr::has_attr(base.expr.clone(), a.clone()));
                    }
                    ch.push(Access { expr: Expr::get_attr(base.expr.clone(), a.clone()), ty: at.ty.clone(), guard });
                }
                if let Some(tt) = tags {
                    for k in self.pool.tag_keys.iter().take(2) {
                        let key = Expr::string(k.clone());
                        let mut guard = base.guard.clone();
                        guard.push(Expr::binary(BinaryOp::HasTag, base.expr.clone(), key.clone()));
                        ch.push(Access {
                            expr: Expr::binary(BinaryOp::GetTag, base.expr.clone(), key),
                            ty: tt.clone(),
                            guard,
                        });
                    }
                }
            }
            ch
        };
        out.push(base);
        for c in children {
            self.expand(c, steps - 1, out);
        }
    }

    /// Use an access path: queue its guards, or (counted) skip them.
    fn use_path(&mut self, a: &Access) -> Expr {
        if !a.guard.is_empty() {
            if self.c.flip(self.s.unsafe_access) {
                self.counts.unsafe_accesses += 1;
            } else {
                self.pending.extend(a.guard.iter().cloned());
            }
        }
        a.expr.clone()
    }

    fn paths_of(&self, env: &Env, ty: &SchemaType) -> Vec<usize> {
        env.paths.iter().enumerate().filter(|(_, a)| &a.ty == ty).map(|(i, _)| i).collect()
    }

    fn path_of(&mut self, env: &Env, ty: &SchemaType) -> Option<Expr> {
        let ps = self.paths_of(env, ty);
        if ps.is_empty() {
            return None;
        }
        let i = ps[self.c.below(ps.len())];
        Some(self.use_path(&env.paths[i]))
    }

    /// Wrap the guards queued since `mark` around Boolean expression `e`.
    fn wrap_guards(&mut self, mark: usize, e: Expr) -> Expr {
        if self.pending.len() <= mark {
            return e;
        }
        let mut gs = self.pending.split_off(mark);
        // Drop repeats (keep first occurrences, in order).
        let mut uniq: Vec<Expr> = Vec::with_capacity(gs.len());
        for g in gs.drain(..) {
            if !uniq.contains(&g) {
                uniq.push(g);
            }
        }
        uniq.into_iter().rev().fold(e, |acc, g| Expr::and(g, acc))
    }

    /// Wrap all queued guards around a top-level expression of type `ty`
    /// (`g && e` for Booleans, `if g then e else <leaf>` otherwise).
    pub fn close_guards(&mut self, ty: &SchemaType, e: Expr) -> Expr {
        if self.pending.is_empty() {
            return e;
        }
        if *ty == SchemaType::Bool {
            return self.wrap_guards(0, e);
        }
        let gs = std::mem::take(&mut self.pending);
        let g = gs.into_iter().rev().reduce(|acc, g| Expr::and(g, acc)).expect("non-empty");
        // A literal fallback: it reads no data, so it queues no guards.
        let alt = self.literal_leaf(ty);
        Expr::ite(g, e, alt)
    }

    fn inject_now(&mut self, depth: u32) -> bool {
        match self.mode {
            // Untyped inputs: any node may be ill-typed, at a quarter of the rate.
            Mode::Abac => self.c.flip(self.s.ill_typed / 4.0),
            _ => {
                if self.ill_budget > 0 && depth < self.s.max_depth && self.c.flip(0.3) {
                    self.ill_budget -= 1;
                    true
                } else {
                    false
                }
            }
        }
    }

    /// An expression of type `ty` (or, when injection fires, of another type).
    pub fn expr(&mut self, env: &Env, ty: &SchemaType, depth: u32) -> Expr {
        if self.inject_now(depth) {
            self.counts.ill_typed += 1;
            let wrong = self.other_type(ty);
            if wrong == SchemaType::Long && self.c.flip(0.5) {
                // A negative literal where another type belongs often lands
                // as a receiver (`(-5).x`, `(-5).contains(1)`), the one place
                // a printer must parenthesize a literal.
                return Expr::long(self.int().checked_abs().map_or(i64::MIN, |n| -n.max(1)));
            }
            if matches!(wrong, SchemaType::Long | SchemaType::Bool) && self.c.flip(0.3) {
                // So is a negation (`(!a).x`, `(-a).contains(1)`), which a
                // printer must parenthesize too.
                let op = if wrong == SchemaType::Bool { UnaryOp::Not } else { UnaryOp::Neg };
                return Expr::unary(op, self.leaf(env, &wrong));
            }
            return self.leaf(env, &wrong);
        }
        let mark = self.pending.len();
        let e = if depth == 0 || self.c.is_exhausted() { self.leaf(env, ty) } else { self.node(env, ty, depth) };
        if *ty == SchemaType::Bool {
            self.wrap_guards(mark, e)
        } else {
            e
        }
    }

    /// A boolean the validator must reject for a reason of the schema:
    /// an unknown entity type or action, `[]`, an extension call of the
    /// wrong arity, an undeclared id of an enumerated type.
    pub(crate) fn schema_mistake(&mut self, env: &Env) -> Expr {
        self.counts.schema_mistakes += 1;
        let enums: Vec<EntityType> =
            self.schema.entity_types.iter().filter(|(_, d)| d.enum_ids.is_some()).map(|(t, _)| t.clone()).collect();
        let var = Expr::var(*self.c.pick(&[Var::Principal, Var::Resource]));
        let dec = |s: &str| Expr::call("decimal", vec![Expr::string(s)]);
        match self.c.below(7) {
            0 => Expr::binary(BinaryOp::Eq, var, Expr::entity(EntityUid::new("ZzUnknown", "x"))),
            1 => Expr::binary(
                BinaryOp::Eq,
                Expr::var(Var::Action),
                Expr::entity(EntityUid::new(env.action.ty.0.as_str(), "zzUnknownAction")),
            ),
            2 => Expr::unary(UnaryOp::IsEmpty, Expr::set(vec![])),
            3 => Expr::call(
                "lessThan",
                vec![Expr::call("decimal", vec![Expr::string("1.0"), Expr::string("2.0")]), dec("1.0")],
            ),
            4 => Expr::call("isLoopback", vec![Expr::call("ip", vec![])]),
            5 => Expr::call("lessThan", vec![dec("1.0")]),
            _ if !enums.is_empty() => {
                let t = self.c.pick(&enums).clone();
                Expr::binary(BinaryOp::Eq, var, Expr::entity(EntityUid::new(t.0.as_str(), "zzNotInTheEnum")))
            }
            _ => Expr::binary(BinaryOp::Eq, var, Expr::entity(EntityUid::new("ZzUnknown", "y"))),
        }
    }

    fn other_type(&mut self, ty: &SchemaType) -> SchemaType {
        let et = self.any_entity_type();
        let options = [
            SchemaType::Long,
            SchemaType::String,
            SchemaType::Bool,
            SchemaType::Entity(et),
            SchemaType::Set(Box::new(SchemaType::Long)),
            SchemaType::Extension(ExtType::Decimal),
        ];
        let n = if self.s.extensions { options.len() } else { options.len() - 1 };
        let options = &options[..n];
        let i = self.c.below(options.len());
        for k in 0..options.len() {
            let t = &options[(i + k) % options.len()];
            if t != ty {
                return t.clone();
            }
        }
        SchemaType::Long
    }

    // ------------------------------------------------------------ leaves

    /// A literal (no data access) of type `ty`.
    fn literal_leaf(&mut self, ty: &SchemaType) -> Expr {
        match ty {
            // Leaning true keeps conjunctions from being almost always false.
            SchemaType::Bool => Expr::bool(self.c.flip(0.65)),
            SchemaType::Long => Expr::long(self.int()),
            SchemaType::String => Expr::string(self.string()),
            SchemaType::Entity(t) => Expr::entity(self.uid_of(t, false)),
            SchemaType::Set(el) => {
                let k = self.c.range(1, (self.s.max_width as usize).max(1));
                Expr::set((0..k).map(|_| self.literal_leaf(el)).collect())
            }
            SchemaType::Record(rt) => {
                let mut m = BTreeMap::new();
                for (k, at) in &rt.attrs {
                    if at.required || self.c.flip(0.5) {
                        m.insert(k.clone(), self.literal_leaf(&at.ty));
                    }
                }
                Expr::record(m)
            }
            SchemaType::Extension(t) => self.ext_ctor(*t),
        }
    }

    /// `decimal("…")` etc. with a pool string, sometimes (counted) malformed.
    fn ext_ctor(&mut self, t: ExtType) -> Expr {
        let lit = self.pool.ext(self.c, t);
        let text = if self.c.flip(self.s.bad_ext_strings) {
            self.counts.bad_ext_strings += 1;
            malform(self.c, t, &lit.text())
        } else {
            lit.text()
        };
        let name = match t {
            ExtType::Decimal => "decimal",
            ExtType::IpAddr => "ip",
            ExtType::Datetime => "datetime",
            ExtType::Duration => "duration",
        };
        Expr::call(name, vec![Expr::string(text)])
    }

    fn leaf(&mut self, env: &Env, ty: &SchemaType) -> Expr {
        let has_path = !self.paths_of(env, ty).is_empty();
        let p = if has_path { 4 } else { 0 };
        match ty {
            SchemaType::Entity(t) => {
                let is_var = if *t == env.principal || *t == env.resource { 4 } else { 0 };
                choose!(self.c,
                    3 => self.literal_leaf(ty),
                    is_var => {
                        if *t == env.principal && (*t != env.resource || self.c.flip(0.5)) {
                            Expr::var(Var::Principal)
                        } else {
                            Expr::var(Var::Resource)
                        }
                    },
                    p => self.path_of(env, ty).expect("has path"),
                )
            }
            SchemaType::Bool => choose!(self.c,
                2 => self.literal_leaf(ty),
                p => self.path_of(env, ty).expect("has path"),
                if self.s.has { 1 } else { 0 } => self.has_test(env, 0),
            ),
            // A literal record never has optional attributes (strict
            // validation cannot unify it with a declared type that does), so
            // such types are read from data whenever possible.
            SchemaType::Record(_) | SchemaType::Set(_) => {
                choose!(self.c,
                    if has_path && has_optional(ty) { 0 } else { 1 } => self.literal_leaf(ty),
                    p * 2 => self.path_of(env, ty).expect("has path"),
                )
            }
            _ => choose!(self.c,
                3 => self.literal_leaf(ty),
                p => self.path_of(env, ty).expect("has path"),
            ),
        }
    }

    // ------------------------------------------------------------ inner nodes

    fn node(&mut self, env: &Env, ty: &SchemaType, d: u32) -> Expr {
        let d1 = d - 1;
        let ite = if self.s.if_then_else { 1 } else { 0 };
        match ty {
            SchemaType::Bool => self.bool_node(env, d),
            SchemaType::Long => {
                let ext = if self.s.extensions { 2 } else { 0 };
                choose!(self.c,
                    3 => self.leaf(env, ty),
                    2 => Expr::binary(BinaryOp::Add, self.expr(env, ty, d1), self.expr(env, ty, d1)),
                    1 => Expr::binary(BinaryOp::Sub, self.expr(env, ty, d1), self.expr(env, ty, d1)),
                    1 => Expr::binary(BinaryOp::Mul, self.expr(env, ty, d1), self.expr(env, ty, d1)),
                    1 => Expr::unary(UnaryOp::Neg, self.expr(env, ty, d1)),
                    ite => self.ite(env, ty, d1),
                    ext => {
                        let m = *self.c.pick(&["toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays"]);
                        Expr::call(m, vec![self.expr(env, &SchemaType::Extension(ExtType::Duration), d1)])
                    },
                    1 => self.record_get(env, ty, d1),
                )
            }
            SchemaType::Extension(ExtType::Datetime) => choose!(self.c,
                3 => self.leaf(env, ty),
                2 => Expr::call(
                    "offset",
                    vec![self.expr(env, ty, d1), self.expr(env, &SchemaType::Extension(ExtType::Duration), d1)],
                ),
                1 => Expr::call("toDate", vec![self.expr(env, ty, d1)]),
                ite => self.ite(env, ty, d1),
            ),
            SchemaType::Extension(ExtType::Duration) => {
                let dt = SchemaType::Extension(ExtType::Datetime);
                choose!(self.c,
                    3 => self.leaf(env, ty),
                    1 => Expr::call("durationSince", vec![self.expr(env, &dt, d1), self.expr(env, &dt, d1)]),
                    1 => Expr::call("toTime", vec![self.expr(env, &dt, d1)]),
                    ite => self.ite(env, ty, d1),
                )
            }
            SchemaType::Set(el) => choose!(self.c,
                2 => self.leaf(env, ty),
                3 => {
                    let k = self.c.range(1, (self.s.max_width as usize).max(1));
                    Expr::set((0..k).map(|_| self.expr(env, el, d1)).collect())
                },
                ite => self.ite(env, ty, d1),
            ),
            SchemaType::Record(rt) => choose!(self.c,
                2 => self.leaf(env, ty),
                if has_optional(ty) { 0 } else { 1 } => {
                    let mut m = BTreeMap::new();
                    for (k, at) in &rt.attrs {
                        if at.required || self.c.flip(0.5) {
                            m.insert(k.clone(), self.expr(env, &at.ty, d1));
                        }
                    }
                    Expr::record(m)
                },
                ite => self.ite(env, ty, d1),
            ),
            _ => choose!(self.c,
                3 => self.leaf(env, ty),
                ite => self.ite(env, ty, d1),
                1 => self.record_get(env, ty, d1),
            ),
        }
    }

    fn ite(&mut self, env: &Env, ty: &SchemaType, d: u32) -> Expr {
        let c = self.expr(env, &SchemaType::Bool, d);
        let t = self.expr(env, ty, d);
        let e = self.expr(env, ty, d);
        Expr::ite(c, t, e)
    }

    /// `{k: e, …}.k` — exercises record literals and attribute access on records.
    fn record_get(&mut self, env: &Env, ty: &SchemaType, d: u32) -> Expr {
        let key = self.c.pick(&["a", "b", "if", "x y"]).to_string();
        let mut m = BTreeMap::new();
        m.insert(key.clone(), self.expr(env, ty, d));
        if self.c.flip(0.5) {
            m.insert("z".into(), self.expr(env, &SchemaType::Long, d.saturating_sub(1)));
        }
        Expr::get_attr(Expr::record(m), key)
    }

    /// A type worth comparing: mostly the type of some readable attribute.
    fn operand_type(&mut self, env: &Env) -> SchemaType {
        if !env.paths.is_empty() && self.c.flip(0.65) {
            let i = self.c.below(env.paths.len());
            return env.paths[i].ty.clone();
        }
        choose!(self.c,
            3 => SchemaType::Long,
            3 => SchemaType::String,
            1 => SchemaType::Bool,
            3 => SchemaType::Entity(self.any_entity_type()),
            1 => SchemaType::Set(Box::new(SchemaType::Long)),
            if self.s.extensions { 2 } else { 0 } => SchemaType::Extension(*self.c.pick(&EXT_TYPES)),
        )
    }

    /// An entity-typed expression and its type (variables weighted up).
    fn entity_operand(&mut self, env: &Env, d: u32) -> (Expr, EntityType) {
        let ent_paths: Vec<usize> = env
            .paths
            .iter()
            .enumerate()
            .filter(|(i, a)| *i > 0 && matches!(a.ty, SchemaType::Entity(_)))
            .map(|(i, _)| i)
            .collect();
        let pw = if ent_paths.is_empty() { 0 } else { 2 };
        choose!(self.c,
            4 => (Expr::var(Var::Principal), env.principal.clone()),
            3 => (Expr::var(Var::Resource), env.resource.clone()),
            pw => {
                let i = ent_paths[self.c.below(ent_paths.len())];
                let a = env.paths[i].clone();
                let SchemaType::Entity(t) = &a.ty else { unreachable!("filtered") };
                (self.use_path(&a), t.clone())
            },
            1 => {
                let t = self.any_entity_type();
                let e = self.expr(env, &SchemaType::Entity(t.clone()), d);
                (e, t)
            },
        )
    }

    /// `a == b` on records whose type has optional attributes, so two
    /// records may differ only in whether an attribute is present. Read from
    /// data (a literal record cannot have a type with optional attributes
    /// under strict validation); without a schema, also against a literal.
    fn optional_record_eq(&mut self, env: &Env, d: u32) -> Expr {
        let records: Vec<usize> = env
            .paths
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.ty, SchemaType::Record(_)) && has_optional(&a.ty))
            .map(|(i, _)| i)
            .collect();
        if records.is_empty() {
            let t = self.operand_type(env);
            return Expr::binary(BinaryOp::Eq, self.expr(env, &t, d), self.expr(env, &t, d));
        }
        self.reach.optional_record_eq += 1;
        let a = env.paths[records[self.c.below(records.len())]].clone();
        let l = self.use_path(&a);
        let same: Vec<usize> = records.iter().copied().filter(|i| env.paths[*i].ty == a.ty).collect();
        let r = if self.mode == Mode::Abac && self.c.flip(0.3) {
            self.literal_leaf(&a.ty)
        } else {
            let b = env.paths[same[self.c.below(same.len())]].clone();
            self.use_path(&b)
        };
        Expr::binary(BinaryOp::Eq, l, r)
    }

    /// A set that is empty or often so, for the right of `in`: the literal
    /// `[]` without a schema (strict validation forbids it), else a set of
    /// entities read from data (generated sets are empty a quarter of the
    /// time); `None` when the environment has no such data.
    fn empty_set(&mut self, env: &Env) -> Option<Expr> {
        let sets: Vec<usize> = env
            .paths
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(&a.ty, SchemaType::Set(el) if matches!(**el, SchemaType::Entity(_))))
            .map(|(i, _)| i)
            .collect();
        let e = if self.mode == Mode::Abac {
            Expr::set(vec![])
        } else if sets.is_empty() {
            return None;
        } else {
            let a = env.paths[sets[self.c.below(sets.len())]].clone();
            self.use_path(&a)
        };
        self.reach.empty_set_in += 1;
        Some(e)
    }

    fn has_test(&mut self, env: &Env, d: u32) -> Expr {
        // On an entity or record operand, mostly with a declared attribute name.
        let targets: Vec<usize> = env
            .paths
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.ty, SchemaType::Entity(_) | SchemaType::Record(_)))
            .map(|(i, _)| i)
            .collect();
        let (obj, ty) = if !targets.is_empty() && self.c.flip(0.8) {
            let i = targets[self.c.below(targets.len())];
            let a = env.paths[i].clone();
            (self.use_path(&a), a.ty)
        } else {
            let (e, t) = self.entity_operand(env, d);
            (e, SchemaType::Entity(t))
        };
        let declared: Vec<String> = match &ty {
            SchemaType::Entity(t) => {
                self.schema.entity_types.get(t).map(|d| d.attrs.attrs.keys().cloned().collect()).unwrap_or_default()
            }
            SchemaType::Record(rt) => rt.attrs.keys().cloned().collect(),
            _ => vec![],
        };
        let attr = if !declared.is_empty() && self.c.flip(0.8) {
            declared[self.c.below(declared.len())].clone()
        } else {
            self.c.pick(&["name", "age", "missing", "a b", "if"]).to_string()
        };
        Expr::has_attr(obj, attr)
    }

    fn pattern(&mut self) -> Pattern {
        let mut base = self.string();
        // A pattern in the other case than its source string matches it only
        // under a (wrong) case-blind `like`.
        if self.s.capitals && base.chars().any(|ch| ch.is_ascii_alphabetic()) && self.c.flip(0.25) {
            base = crate::pool::swap_case(&base);
            self.reach.case_variants += 1;
        }
        let mut out = Vec::new();
        if self.c.flip(0.1) {
            return Pattern(vec![PatternElem::Wildcard]);
        }
        for ch in base.chars() {
            if self.c.flip(0.12) {
                out.push(PatternElem::Wildcard);
            }
            if self.c.flip(0.2) {
                out.push(PatternElem::Wildcard);
            } else {
                out.push(PatternElem::Char(ch));
            }
        }
        if self.c.flip(0.3) {
            out.push(PatternElem::Wildcard);
        }
        Pattern(out)
    }

    fn set_type(&mut self, env: &Env) -> SchemaType {
        let sets: Vec<usize> =
            env.paths.iter().enumerate().filter(|(_, a)| matches!(a.ty, SchemaType::Set(_))).map(|(i, _)| i).collect();
        if !sets.is_empty() && self.c.flip(0.7) {
            return env.paths[sets[self.c.below(sets.len())]].ty.clone();
        }
        let el = match self.c.below(3) {
            0 => SchemaType::Long,
            1 => SchemaType::String,
            _ => SchemaType::Entity(self.any_entity_type()),
        };
        SchemaType::Set(Box::new(el))
    }

    fn bool_node(&mut self, env: &Env, d: u32) -> Expr {
        let d1 = d - 1;
        let b = SchemaType::Bool;
        let s = self.s;
        let on = |f: bool, w: u32| if f { w } else { 0 };
        let ext = s.extensions;
        choose!(self.c,
            // leaf
            1 => self.leaf(env, &b),
            // &&
            2 => Expr::and(self.expr(env, &b, d1), self.expr(env, &b, d1)),
            // ||
            3 => Expr::or(self.expr(env, &b, d1), self.expr(env, &b, d1)),
            // !
            2 => Expr::not(self.expr(env, &b, d1)),
            // if
            on(s.if_then_else, 1) => self.ite(env, &b, d1),
            // ==
            5 => if self.s.optional_record_eq && self.c.flip(0.25) {
                self.optional_record_eq(env, d1)
            } else {
                let t = self.operand_type(env);
                // Mostly data on the left and a (pool) literal or data on the right.
                let l = self.expr(env, &t, d1);
                let r = if self.c.flip(0.5) { self.leaf(env, &t) } else { self.expr(env, &t, d1) };
                Expr::binary(BinaryOp::Eq, l, r)
            },
            // < <= on Long
            3 => {
                let op = if self.c.flip(0.5) { BinaryOp::Less } else { BinaryOp::LessEq };
                let l = self.expr(env, &SchemaType::Long, d1);
                let r = self.expr(env, &SchemaType::Long, d1);
                // `>` and `>=` are `!(<=)` and `!(<)` in the core AST.
                if self.c.flip(0.3) {
                    let flipped = if op == BinaryOp::Less { BinaryOp::LessEq } else { BinaryOp::Less };
                    Expr::not(Expr::binary(flipped, l, r))
                } else {
                    Expr::binary(op, l, r)
                }
            },
            // in
            4 => {
                let (l, a) = self.entity_operand(env, d1);
                let anc = self.anc_or_self.get(&a).cloned().unwrap_or_else(|| vec![a.clone()]);
                let bt = anc[self.c.below(anc.len())].clone();
                let r = choose!(self.c,
                    4 => Expr::entity(self.uid_of(&bt, false)),
                    2 => {
                        let k = self.c.range(1, 3);
                        Expr::set((0..k).map(|_| Expr::entity(self.uid_of(&bt, false))).collect())
                    },
                    1 => self.expr(env, &SchemaType::Entity(bt.clone()), d1),
                    if self.s.empty_set_in { 1 } else { 0 } => {
                        self.empty_set(env).unwrap_or_else(|| Expr::entity(self.uid_of(&bt, false)))
                    },
                );
                Expr::binary(BinaryOp::In, l, r)
            },
            // contains
            2 => {
                let st = self.set_type(env);
                let SchemaType::Set(el) = &st else { unreachable!() };
                let s = self.expr(env, &st, d1);
                let x = self.expr(env, el, d1);
                Expr::binary(BinaryOp::Contains, s, x)
            },
            // containsAll, containsAny
            2 => {
                let op = if self.c.flip(0.5) { BinaryOp::ContainsAll } else { BinaryOp::ContainsAny };
                let st = self.set_type(env);
                Expr::binary(op, self.expr(env, &st, d1), self.expr(env, &st, d1))
            },
            // isEmpty
            1 => {
                let st = self.set_type(env);
                Expr::unary(UnaryOp::IsEmpty, self.expr(env, &st, d1))
            },
            // like
            on(s.like, 2) => {
                let e = self.expr(env, &SchemaType::String, d1);
                let p = self.pattern();
                Expr::like(e, p)
            },
            // is
            on(s.is, 2) => {
                let (e, t) = self.entity_operand(env, d1);
                let t = if self.c.flip(0.6) { t } else { self.any_entity_type() };
                Expr::is(e, t)
            },
            // has
            on(s.has, 3) => self.has_test(env, d1),
            // hasTag
            on(s.tags && !self.tagged.is_empty(), 1) => {
                let t = self.tagged[self.c.below(self.tagged.len())].clone();
                let e = self.expr(env, &SchemaType::Entity(t), d1);
                let k = if self.c.flip(0.8) {
                    Expr::string(self.pool.tag_key(self.c))
                } else {
                    self.expr(env, &SchemaType::String, d1)
                };
                Expr::binary(BinaryOp::HasTag, e, k)
            },
            // decimal comparisons
            on(ext, 2) => {
                let m = *self.c.pick(&["lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"]);
                let t = SchemaType::Extension(ExtType::Decimal);
                Expr::call(m, vec![self.expr(env, &t, d1), self.expr(env, &t, d1)])
            },
            // ipaddr methods
            on(ext, 2) => {
                let t = SchemaType::Extension(ExtType::IpAddr);
                match self.c.below(5) {
                    4 => Expr::call("isInRange", vec![self.expr(env, &t, d1), self.expr(env, &t, d1)]),
                    i => {
                        let m = ["isIpv4", "isIpv6", "isLoopback", "isMulticast"][i];
                        Expr::call(m, vec![self.expr(env, &t, d1)])
                    }
                }
            },
            // < <= on datetime/duration
            on(ext, 1) => {
                let t = SchemaType::Extension(if self.c.flip(0.5) { ExtType::Datetime } else { ExtType::Duration });
                let op = if self.c.flip(0.5) { BinaryOp::Less } else { BinaryOp::LessEq };
                Expr::binary(op, self.expr(env, &t, d1), self.expr(env, &t, d1))
            },
            // action
            1 => {
                let acts: Vec<EntityUid> = self.schema.actions.keys().cloned().collect();
                let a = if self.c.flip(0.5) { env.action.clone() } else { acts[self.c.below(acts.len())].clone() };
                if !self.groups.is_empty() && self.c.flip(0.5) {
                    let g = self.groups[self.c.below(self.groups.len())].clone();
                    Expr::binary(
                        BinaryOp::In,
                        Expr::var(Var::Action),
                        Expr::set(vec![Expr::entity(g), Expr::entity(a)]),
                    )
                } else if self.c.flip(0.5) {
                    Expr::binary(BinaryOp::In, Expr::var(Var::Action), Expr::entity(a))
                } else {
                    Expr::binary(BinaryOp::Eq, Expr::var(Var::Action), Expr::entity(a))
                }
            },
            // {..}.k
            1 => self.record_get(env, &b, d1),
        )
    }
}
