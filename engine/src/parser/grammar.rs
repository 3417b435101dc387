//! Recursive-descent parser from tokens to the core AST (language doc §1.2–1.10).
//!
//! Cedar parses with a permissive LALR grammar and then rejects many shapes
//! while converting to its AST; this parser folds both steps into one pass
//! and must accept exactly the same inputs. Desugarings (§1.6) happen here.
//!
//! Robustness: every recursive path goes through [`Parser::expr`], which
//! counts nesting and stops at [`MAX_NESTING`]. Constructs that build deep
//! trees *without* recursing (`a + a + …`, `e.a.a.a…`, long `has` paths) are
//! bounded separately: every node carries its height while being built and
//! construction fails past [`MAX_EXPR_HEIGHT`]. So nothing downstream that
//! recurses over an `Expr` (printer, JSON conversion, evaluator, `Drop`) ever
//! sees a tree deeper than that.

use super::lexer::{Tok, Token};
use super::unescape::{unescape_pattern, unescape_str};
use super::ParseError;
use crate::ast::*;
use crate::ext::{self, CallStyle};
use std::collections::BTreeMap;

/// Maximum nesting of parenthesised / bracketed / `if` sub-expressions.
pub const MAX_NESTING: usize = 200;
/// Maximum height of any expression tree the parser builds.
pub const MAX_EXPR_HEIGHT: u32 = 200;
/// Maximum height of a policy's full condition (`Policy::condition`), which
/// adds one level per `when`/`unless` clause plus four for the scope.
pub const MAX_POLICY_HEIGHT: u32 = 256;

/// Identifiers that may not name an attribute, record key, path component,
/// `has` step or function (§1.1). Annotation keys are exempt.
pub fn is_reserved(s: &str) -> bool {
    matches!(s, "true" | "false" | "if" | "then" | "else" | "in" | "is" | "has" | "like" | "__cedar")
}

/// Is `s` usable as a bare (unquoted) attribute name / record key?
pub fn is_plain_ident(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && cs.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !is_reserved(s)
}

fn var_of(s: &str) -> Option<Var> {
    Some(match s {
        "principal" => Var::Principal,
        "action" => Var::Action,
        "resource" => Var::Resource,
        "context" => Var::Context,
        _ => return None,
    })
}

/// An expression under construction together with its tree height.
pub(crate) struct Ex {
    pub e: Expr,
    pub h: u32,
}

type R<T> = Result<T, ParseError>;

const NON_ASSOC: &str =
    "relational operators (`==`, `<`, `in`, `has`, `like`, `is`, …) are non-associative; add parentheses";

#[derive(Debug, Clone, Copy)]
enum RelOp {
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    In,
}

/// An operator waiting on the operator stack of [`Parser::binary`].
#[derive(Debug)]
enum Pending {
    Or,
    And,
    Rel(RelOp),
    Arith(BinaryOp),
    Has,
    Like,
    Is,
    IsIn(EntityType),
}

pub(crate) struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// Slots are legal in standalone expressions, never in conditions.
    allow_slots: bool,
}

fn err<T>(loc: Loc, msg: impl Into<String>) -> R<T> {
    Err(ParseError { loc, message: msg.into() })
}

impl Parser {
    pub fn new(toks: Vec<Token>, allow_slots: bool) -> Self {
        Parser { toks, pos: 0, depth: 0, allow_slots }
    }

    // ----- token access -------------------------------------------------

    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }
    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }
    fn loc(&self) -> Loc {
        self.toks[self.pos].loc
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_ident(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Ident(i) if i == s)
    }
    pub fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }

    /// The error for input left over after a complete expression.
    pub fn trailing_error(&self) -> ParseError {
        match self.unexpected::<()>("end of input") {
            Err(e) => e,
            Ok(()) => unreachable!("unexpected always fails"),
        }
    }

    /// The error for an unexpected current token; a lexing error token
    /// reports its own message instead.
    fn unexpected<T>(&self, expected: &str) -> R<T> {
        match self.peek() {
            Tok::Error(m) => err(self.loc(), m.clone()),
            t => err(self.loc(), format!("unexpected {}, expected {expected}", t.describe())),
        }
    }

    fn expect(&mut self, t: Tok, expected: &str) -> R<Token> {
        if *self.peek() == t {
            Ok(self.bump())
        } else {
            self.unexpected(expected)
        }
    }

    fn expect_keyword(&mut self, kw: &str) -> R<()> {
        if self.is_ident(kw) {
            self.bump();
            Ok(())
        } else {
            self.unexpected(&format!("`{kw}`"))
        }
    }

    /// Any identifier, reserved or not (for annotation keys, methods).
    fn any_ident(&mut self, expected: &str) -> R<(String, Loc)> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                let loc = self.bump().loc;
                Ok((s, loc))
            }
            _ => self.unexpected(expected),
        }
    }

    /// An identifier that names something (not a reserved word).
    fn name_ident(&mut self, what: &str) -> R<(String, Loc)> {
        let (s, loc) = self.any_ident(what)?;
        if is_reserved(&s) {
            return err(loc, format!("`{s}` is a reserved identifier and cannot be used as {what}"));
        }
        Ok((s, loc))
    }

    fn string_lit(&mut self, what: &str) -> R<(String, Loc)> {
        match self.peek().clone() {
            Tok::Str(raw) => {
                let loc = self.bump().loc;
                let s = unescape_str(&raw).or_else(|m| err(loc, m))?;
                Ok((s, loc))
            }
            _ => self.unexpected(what),
        }
    }

    // ----- node construction with height tracking -----------------------

    fn node(&self, loc: Loc, h: u32, kind: ExprKind) -> R<Ex> {
        if h > MAX_EXPR_HEIGHT {
            return err(loc, format!("expression is nested too deeply (limit {MAX_EXPR_HEIGHT} levels)"));
        }
        Ok(Ex { e: Expr::with_loc(kind, Some(loc)), h })
    }
    fn leaf(&self, loc: Loc, kind: ExprKind) -> Ex {
        Ex { e: Expr::with_loc(kind, Some(loc)), h: 1 }
    }
    fn unary(&self, loc: Loc, op: UnaryOp, a: Ex) -> R<Ex> {
        self.node(loc, a.h + 1, ExprKind::Unary(op, Box::new(a.e)))
    }
    fn binary_node(&self, loc: Loc, op: BinaryOp, a: Ex, b: Ex) -> R<Ex> {
        self.node(loc, a.h.max(b.h) + 1, ExprKind::Binary(op, Box::new(a.e), Box::new(b.e)))
    }
    fn and(&self, loc: Loc, a: Ex, b: Ex) -> R<Ex> {
        self.node(loc, a.h.max(b.h) + 1, ExprKind::And(Box::new(a.e), Box::new(b.e)))
    }
    fn or(&self, loc: Loc, a: Ex, b: Ex) -> R<Ex> {
        self.node(loc, a.h.max(b.h) + 1, ExprKind::Or(Box::new(a.e), Box::new(b.e)))
    }
    fn get_attr(&self, loc: Loc, a: Ex, attr: String) -> R<Ex> {
        self.node(loc, a.h + 1, ExprKind::GetAttr(Box::new(a.e), attr))
    }
    fn has_attr(&self, loc: Loc, a: Ex, attr: String) -> R<Ex> {
        self.node(loc, a.h + 1, ExprKind::HasAttr(Box::new(a.e), attr))
    }
    fn clone_ex(e: &Ex) -> Ex {
        Ex { e: e.e.clone(), h: e.h }
    }

    // ----- policies -----------------------------------------------------

    pub fn policy(&mut self, id: PolicyId) -> R<Policy> {
        let start = self.loc();
        let mut annotations = BTreeMap::new();
        while *self.peek() == Tok::At {
            self.bump();
            let (key, kloc) = self.any_ident("an annotation key")?;
            let value = if *self.peek() == Tok::LParen {
                self.bump();
                let (v, _) = self.string_lit("a string literal as the annotation value")?;
                self.expect(Tok::RParen, "`)` after the annotation value")?;
                Some(v)
            } else {
                None
            };
            if annotations.contains_key(&key) {
                return err(kloc, format!("duplicate annotation `@{key}`"));
            }
            annotations.insert(key, value);
        }
        let effect = match self.peek() {
            Tok::Ident(s) if s == "permit" => Effect::Permit,
            Tok::Ident(s) if s == "forbid" => Effect::Forbid,
            Tok::Ident(s) => {
                return err(self.loc(), format!("unknown policy effect `{s}`: expected `permit` or `forbid`"))
            }
            _ => return self.unexpected("`permit` or `forbid`"),
        };
        self.bump();
        self.expect(Tok::LParen, "`(` to open the policy scope")?;
        let principal = self.scope_var(Var::Principal)?;
        self.expect_scope_comma()?;
        let action = self.action_scope()?;
        self.expect_scope_comma()?;
        let resource = self.scope_var(Var::Resource)?;
        if *self.peek() == Tok::Comma {
            return err(self.loc(), "a policy scope has exactly three elements: principal, action and resource");
        }
        self.expect(Tok::RParen, "`)` to close the policy scope")?;
        let mut conditions = Vec::new();
        let mut max_h = 0;
        loop {
            let kind = match self.peek() {
                Tok::Ident(s) if s == "when" => ConditionKind::When,
                Tok::Ident(s) if s == "unless" => ConditionKind::Unless,
                Tok::Ident(s) => {
                    return err(self.loc(), format!("unknown condition keyword `{s}`: expected `when` or `unless`"))
                }
                _ => break,
            };
            let kloc = self.bump().loc;
            self.expect(Tok::LBrace, "`{` to open the condition")?;
            if *self.peek() == Tok::RBrace {
                return err(kloc, "a condition body may not be empty");
            }
            let body = self.expr()?;
            self.expect(Tok::RBrace, "`}` to close the condition")?;
            max_h = max_h.max(body.h);
            conditions.push(Condition { kind, body: body.e });
            if max_h + conditions.len() as u32 + 4 > MAX_POLICY_HEIGHT {
                return err(kloc, format!("policy condition is nested too deeply (limit {MAX_POLICY_HEIGHT} levels)"));
            }
        }
        self.expect(Tok::Semi, "`;` to end the policy, or a `when`/`unless` clause")?;
        Ok(Policy { id, annotations, effect, principal, action, resource, conditions, loc: Some(start) })
    }

    fn expect_scope_comma(&mut self) -> R<()> {
        if *self.peek() == Tok::RParen {
            return err(self.loc(), "a policy scope has exactly three elements: principal, action and resource");
        }
        self.expect(Tok::Comma, "`,` between scope elements").map(|_| ())
    }

    /// The scope head keyword for `var`, with a helpful message for the
    /// wrong one.
    fn scope_head(&mut self, var: Var) -> R<()> {
        match self.peek().clone() {
            Tok::Ident(s) if s == var.name() => {
                self.bump();
                if *self.peek() == Tok::Colon {
                    return err(self.loc(), "`principal: Type` scope syntax is not supported; use `is`");
                }
                Ok(())
            }
            Tok::Ident(s) if var_of(&s).is_some() => err(
                self.loc(),
                format!(
                    "expected `{}` here: the scope lists principal, action and resource in that order (found `{s}`)",
                    var.name()
                ),
            ),
            _ => self.unexpected(&format!("`{}`", var.name())),
        }
    }

    fn scope_var(&mut self, var: Var) -> R<ScopeConstraint> {
        self.scope_head(var)?;
        let ty = if self.is_ident("is") {
            self.bump();
            Some(self.type_after_is()?)
        } else {
            None
        };
        let c = match self.peek() {
            Tok::EqEq => {
                if ty.is_some() {
                    return err(self.loc(), "`is` cannot be combined with `==` in a scope constraint");
                }
                self.bump();
                ScopeConstraint::Eq(self.entity_or_slot(var)?)
            }
            Tok::Ident(s) if s == "in" => {
                self.bump();
                let o = self.entity_or_slot(var)?;
                match ty {
                    Some(t) => ScopeConstraint::IsIn(t, o),
                    None => ScopeConstraint::In(o),
                }
            }
            Tok::Comma | Tok::RParen => match ty {
                Some(t) => ScopeConstraint::Is(t),
                None => ScopeConstraint::Any,
            },
            Tok::NotEq | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge => {
                return err(self.loc(), format!("`{}` constraints may only use `==`, `in` or `is`", var.name()))
            }
            _ => return self.unexpected("`==`, `in`, `is`, `,` or `)`"),
        };
        if self.is_ident("is") {
            return err(self.loc(), format!("`is` must come first: write `{} is T in E`", var.name()));
        }
        Ok(c)
    }

    /// The type after `is` (a type path, not an entity literal).
    fn type_after_is(&mut self) -> R<EntityType> {
        let (path, loc) = self.type_path()?;
        if *self.peek() == Tok::ColonColon {
            return err(loc, "the right-hand side of `is` must be an entity type, not an entity");
        }
        Ok(EntityType(path))
    }

    /// `Ident { :: Ident }` (stops before `::` followed by a non-identifier).
    fn type_path(&mut self) -> R<(String, Loc)> {
        let (first, loc) = self.name_ident("an entity type name")?;
        let mut path = first;
        while *self.peek() == Tok::ColonColon && matches!(self.peek_at(1), Tok::Ident(_)) {
            self.bump();
            let (c, _) = self.name_ident("an entity type name")?;
            path.push_str("::");
            path.push_str(&c);
        }
        Ok((path, loc))
    }

    /// `TypePath :: "id"`.
    fn entity_ref(&mut self) -> R<EntityUid> {
        if !matches!(self.peek(), Tok::Ident(_)) {
            return self.unexpected("an entity literal such as `User::\"alice\"`");
        }
        let (path, _) = self.type_path()?;
        self.entity_tail(path)
    }

    /// After a type path: `:: "id"`.
    fn entity_tail(&mut self, path: String) -> R<EntityUid> {
        if *self.peek() != Tok::ColonColon {
            return self.unexpected("`::` and a quoted entity id");
        }
        self.bump();
        match self.peek() {
            Tok::Str(_) => {
                let (id, _) = self.string_lit("")?;
                Ok(EntityUid { ty: EntityType(path), id })
            }
            Tok::LBrace => err(self.loc(), "record-style entity literals `T::{…}` are not supported"),
            _ => self.unexpected("a quoted entity id"),
        }
    }

    /// Principal/resource operand: one entity literal or the matching slot,
    /// optionally parenthesised.
    fn entity_or_slot(&mut self, var: Var) -> R<EntityOrSlot> {
        let mut parens = 0;
        while *self.peek() == Tok::LParen {
            self.bump();
            parens += 1;
        }
        let loc = self.loc();
        let o = match self.peek().clone() {
            Tok::Slot(s) => {
                let slot = slot_id(&s, loc)?;
                let expected = if var == Var::Principal { SlotId::Principal } else { SlotId::Resource };
                if slot != expected {
                    return err(
                        loc,
                        format!("the {} constraint may only use the slot `{}`", var.name(), expected.name()),
                    );
                }
                self.bump();
                EntityOrSlot::Slot(slot)
            }
            Tok::LBracket => {
                return err(loc, format!("the {} constraint takes a single entity, not a set", var.name()))
            }
            _ => EntityOrSlot::Entity(self.entity_ref()?),
        };
        for _ in 0..parens {
            self.expect(Tok::RParen, "`)`")?;
        }
        Ok(o)
    }

    fn action_entity(&mut self) -> R<EntityUid> {
        let loc = self.loc();
        if let Tok::Slot(_) = self.peek() {
            return err(loc, "slots are not allowed in the action constraint");
        }
        let e = self.entity_ref()?;
        if !e.ty.is_action() {
            return err(
                loc,
                format!("`{e}` is not an action: action entity types must be `Action` or end in `::Action`"),
            );
        }
        Ok(e)
    }

    fn action_scope(&mut self) -> R<ActionConstraint> {
        self.scope_head(Var::Action)?;
        let c = match self.peek() {
            Tok::Ident(s) if s == "is" => return err(self.loc(), "`is` is not allowed in the action constraint"),
            Tok::EqEq => {
                self.bump();
                let mut parens = 0;
                while *self.peek() == Tok::LParen {
                    self.bump();
                    parens += 1;
                }
                if *self.peek() == Tok::LBracket {
                    return err(self.loc(), "`action ==` takes a single entity; use `action in [...]` for a list");
                }
                let e = self.action_entity()?;
                for _ in 0..parens {
                    self.expect(Tok::RParen, "`)`")?;
                }
                ActionConstraint::Eq(e)
            }
            Tok::Ident(s) if s == "in" => {
                self.bump();
                let mut parens = 0;
                while *self.peek() == Tok::LParen {
                    self.bump();
                    parens += 1;
                }
                let list = if *self.peek() == Tok::LBracket {
                    self.bump();
                    let mut es = Vec::new();
                    while *self.peek() != Tok::RBracket {
                        es.push(self.action_entity()?);
                        match self.peek() {
                            Tok::Comma => {
                                self.bump();
                            }
                            Tok::RBracket => {}
                            _ => return self.unexpected("`,` or `]`"),
                        }
                    }
                    self.bump();
                    es
                } else {
                    vec![self.action_entity()?]
                };
                for _ in 0..parens {
                    self.expect(Tok::RParen, "`)`")?;
                }
                ActionConstraint::In(list)
            }
            Tok::Comma | Tok::RParen => ActionConstraint::Any,
            Tok::NotEq | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge => {
                return err(self.loc(), "the action constraint may only use `==` or `in`")
            }
            _ => return self.unexpected("`==`, `in`, `,` or `)`"),
        };
        if self.is_ident("is") {
            return err(self.loc(), "`is` is not allowed in the action constraint");
        }
        Ok(c)
    }

    // ----- expressions --------------------------------------------------
    //
    // Stack discipline: the functions on the recursive path (`expr`,
    // `binary`, `unary_expr`, `member`, `primary`, `list`, `record`,
    // `name_expr`) are kept tiny; everything that needs many temporaries
    // (error formatting, operator handling, node building) lives in
    // non-recursive helpers whose frames are popped before recursing. In an
    // unoptimised build this keeps one nesting level to a few KiB.

    /// `Expr ::= 'if' Expr 'then' Expr 'else' Expr | Or`, with the nesting guard.
    pub fn expr(&mut self) -> R<Ex> {
        if self.depth >= MAX_NESTING {
            return self.too_deep();
        }
        self.depth += 1;
        let r = if self.is_ident("if") { self.if_expr() } else { self.binary() };
        self.depth -= 1;
        r
    }

    #[inline(never)]
    fn too_deep(&self) -> R<Ex> {
        err(self.loc(), format!("expression is nested too deeply (limit {MAX_NESTING} levels)"))
    }

    fn if_expr(&mut self) -> R<Ex> {
        let loc = self.bump().loc;
        let c = self.expr()?;
        self.expect_keyword("then")?;
        let t = self.expr()?;
        self.expect_keyword("else")?;
        let e = self.expr()?;
        self.mk_if(loc, c, t, e)
    }

    #[inline(never)]
    fn mk_if(&self, loc: Loc, c: Ex, t: Ex, e: Ex) -> R<Ex> {
        let h = c.h.max(t.h).max(e.h) + 1;
        self.node(loc, h, ExprKind::If { cond: Box::new(c.e), then_expr: Box::new(t.e), else_expr: Box::new(e.e) })
    }

    /// Binary operators `|| && == != < <= > >= in has like is + - *` with
    /// Cedar's precedence, parsed with explicit operand/operator stacks so
    /// that one small stack frame serves all five precedence levels.
    fn binary(&mut self) -> R<Ex> {
        let mut st = OpStack { vals: Vec::new(), ops: Vec::new() };
        loop {
            let start = self.loc();
            let x = self.unary_expr()?;
            st.vals.push((x, start));
            if self.after_operand(&mut st)? {
                return self.finish(st);
            }
        }
    }

    /// Handle the operators after an operand. Returns `true` when the
    /// binary expression is complete, `false` when an operator was pushed
    /// and another operand must be read.
    ///
    /// Relations are non-associative; `has`, `like` and `is` (without `in`)
    /// take a restricted right-hand side and end the relation, so only `&&`
    /// or `||` may follow them.
    #[inline(never)]
    fn after_operand(&mut self, st: &mut OpStack) -> R<bool> {
        // `true` while the top operand is a finished has/like/is relation.
        let mut closed = false;
        loop {
            let (op, prec) = match self.peek() {
                Tok::OrOr => (Pending::Or, 1),
                Tok::AndAnd => (Pending::And, 2),
                Tok::EqEq => (Pending::Rel(RelOp::Eq), 3),
                Tok::NotEq => (Pending::Rel(RelOp::NotEq), 3),
                Tok::Lt => (Pending::Rel(RelOp::Lt), 3),
                Tok::Le => (Pending::Rel(RelOp::Le), 3),
                Tok::Gt => (Pending::Rel(RelOp::Gt), 3),
                Tok::Ge => (Pending::Rel(RelOp::Ge), 3),
                Tok::Plus => (Pending::Arith(BinaryOp::Add), 4),
                Tok::Minus => (Pending::Arith(BinaryOp::Sub), 4),
                Tok::Star => (Pending::Arith(BinaryOp::Mul), 5),
                Tok::Slash | Tok::Percent => {
                    return err(self.loc(), "division and remainder (`/`, `%`) are not supported in Cedar")
                }
                Tok::Ident(s) => match s.as_str() {
                    "in" => (Pending::Rel(RelOp::In), 3),
                    "has" => (Pending::Has, 3),
                    "like" => (Pending::Like, 3),
                    "is" => (Pending::Is, 3),
                    _ => return Ok(true),
                },
                _ => return Ok(true),
            };
            if closed && prec > 3 {
                return err(
                    self.loc(),
                    "the right-hand side of `has`, `like` or `is` cannot be followed by an arithmetic operator; add parentheses",
                );
            }
            if closed && prec == 3 {
                return err(self.loc(), NON_ASSOC);
            }
            // Reduce everything that binds at least as tightly (left
            // associativity); two relations meeting is an error.
            while let Some(&(_, top)) = st.ops.last() {
                if top < prec {
                    break;
                }
                if top == 3 && prec == 3 {
                    return err(self.loc(), NON_ASSOC);
                }
                self.reduce(st)?;
            }
            self.bump();
            match op {
                Pending::Has | Pending::Like | Pending::Is => {
                    let (lhs, lloc) = st.vals.pop().expect("operand stack is non-empty");
                    let r = match op {
                        Pending::Has => self.has_rhs(lloc, lhs)?,
                        Pending::Like => self.like_rhs(lloc, lhs)?,
                        _ => {
                            let ty = self.type_after_is()?;
                            if self.is_ident("in") {
                                // `e is T in x`: `x` is an Add-level operand.
                                self.bump();
                                st.vals.push((lhs, lloc));
                                st.ops.push((Pending::IsIn(ty), 3));
                                return Ok(false);
                            }
                            self.node(lloc, lhs.h + 1, ExprKind::Is(Box::new(lhs.e), ty))?
                        }
                    };
                    st.vals.push((r, lloc));
                    closed = true;
                }
                op => {
                    st.ops.push((op, prec));
                    return Ok(false);
                }
            }
        }
    }

    /// Reduce all pending operators.
    #[inline(never)]
    fn finish(&self, mut st: OpStack) -> R<Ex> {
        while !st.ops.is_empty() {
            self.reduce(&mut st)?;
        }
        Ok(st.vals.pop().expect("one operand remains").0)
    }

    /// Apply the top operator to the top two operands.
    fn reduce(&self, st: &mut OpStack) -> R<()> {
        let (op, _) = st.ops.pop().expect("operator stack is non-empty");
        let (r, _) = st.vals.pop().expect("right operand");
        let (l, loc) = st.vals.pop().expect("left operand");
        let e = match op {
            Pending::Or => self.or(loc, l, r)?,
            Pending::And => self.and(loc, l, r)?,
            Pending::Arith(b) => self.binary_node(loc, b, l, r)?,
            Pending::Rel(rel) => match rel {
                RelOp::Eq => self.binary_node(loc, BinaryOp::Eq, l, r)?,
                RelOp::Lt => self.binary_node(loc, BinaryOp::Less, l, r)?,
                RelOp::Le => self.binary_node(loc, BinaryOp::LessEq, l, r)?,
                RelOp::In => self.binary_node(loc, BinaryOp::In, l, r)?,
                // `a != b` ≡ `!(a == b)`, `a > b` ≡ `!(a <= b)`, `a >= b` ≡ `!(a < b)`.
                RelOp::NotEq => {
                    let x = self.binary_node(loc, BinaryOp::Eq, l, r)?;
                    self.unary(loc, UnaryOp::Not, x)?
                }
                RelOp::Gt => {
                    let x = self.binary_node(loc, BinaryOp::LessEq, l, r)?;
                    self.unary(loc, UnaryOp::Not, x)?
                }
                RelOp::Ge => {
                    let x = self.binary_node(loc, BinaryOp::Less, l, r)?;
                    self.unary(loc, UnaryOp::Not, x)?
                }
            },
            // `e is T in x` ≡ `(e is T) && (e in x)`.
            Pending::IsIn(ty) => {
                let is = self.node(loc, l.h + 1, ExprKind::Is(Box::new(l.e.clone()), ty))?;
                let inn = self.binary_node(loc, BinaryOp::In, l, r)?;
                self.and(loc, is, inn)?
            }
            Pending::Has | Pending::Like | Pending::Is => unreachable!("applied immediately"),
        };
        st.vals.push((e, loc));
        Ok(())
    }

    fn like_rhs(&mut self, loc: Loc, l: Ex) -> R<Ex> {
        match self.peek().clone() {
            Tok::Str(raw) => {
                let ploc = self.bump().loc;
                let p = unescape_pattern(&raw).or_else(|m| err(ploc, m))?;
                self.node(loc, l.h + 1, ExprKind::Like(Box::new(l.e), p))
            }
            _ => self.unexpected("a string literal pattern after `like`"),
        }
    }

    /// `e has a`, `e has "a b"`, or extended `e has a.b.c`, which becomes
    /// `(e has a && e.a has b) && e.a.b has c` (§1.6).
    fn has_rhs(&mut self, loc: Loc, e: Ex) -> R<Ex> {
        let path = match self.peek().clone() {
            Tok::Str(_) => vec![self.string_lit("")?.0],
            Tok::Ident(_) => {
                let mut path = vec![self.name_ident("an attribute name")?.0];
                while *self.peek() == Tok::Dot {
                    self.bump();
                    path.push(self.name_ident("an attribute name")?.0);
                }
                path
            }
            _ => return self.unexpected("an attribute name or string literal after `has`"),
        };
        let mut it = path.into_iter();
        let first = it.next().expect("path is non-empty");
        let mut base = Self::clone_ex(&e);
        let mut result = self.has_attr(loc, e, first.clone())?;
        let mut prev = first;
        for attr in it {
            base = self.get_attr(loc, base, prev)?;
            let step = self.has_attr(loc, Self::clone_ex(&base), attr.clone())?;
            result = self.and(loc, result, step)?;
            prev = attr;
        }
        Ok(result)
    }

    /// 1–4 repetitions of `!` or of `-`, then a member expression. A `-`
    /// run directly before an integer literal folds one `-` into it, which
    /// is how `-9223372036854775808` is written (§1.5).
    fn unary_expr(&mut self) -> R<Ex> {
        let (op, n, loc) = match self.prefix_run()? {
            None => return self.member(),
            Some(run) => run,
        };
        if op == UnaryOp::Neg {
            if let Some(lit) = self.negative_literal()? {
                return self.apply_prefix(op, n - 1, loc, lit);
            }
        }
        let m = self.member()?;
        self.apply_prefix(op, n, loc, m)
    }

    /// Consume a run of `!` or of `-`: (operator, count, start).
    #[inline(never)]
    fn prefix_run(&mut self) -> R<Option<(UnaryOp, usize, Loc)>> {
        let loc = self.loc();
        let (op, sym) = match self.peek() {
            Tok::Bang => (UnaryOp::Not, Tok::Bang),
            Tok::Minus => (UnaryOp::Neg, Tok::Minus),
            _ => return Ok(None),
        };
        let mut n = 0;
        while *self.peek() == sym {
            self.bump();
            n += 1;
        }
        if n > 4 {
            return err(loc, "at most four `!` or `-` may be repeated; add parentheses");
        }
        Ok(Some((op, n, loc)))
    }

    /// After a `-` run: an integer literal with no postfix, folded negative.
    #[inline(never)]
    fn negative_literal(&mut self) -> R<Option<Ex>> {
        let v = match self.peek() {
            Tok::Int(v) if !matches!(self.peek_at(1), Tok::Dot | Tok::LBracket | Tok::LParen) => *v,
            _ => return Ok(None),
        };
        let lloc = self.bump().loc;
        let lit = if v == i64::MAX as u64 + 1 {
            i64::MIN
        } else if v <= i64::MAX as u64 {
            -(v as i64)
        } else {
            return err(lloc, format!("integer literal `-{v}` is too small"));
        };
        Ok(Some(self.leaf(lloc, ExprKind::Lit(Literal::Long(lit)))))
    }

    #[inline(never)]
    fn apply_prefix(&self, op: UnaryOp, n: usize, loc: Loc, mut e: Ex) -> R<Ex> {
        for _ in 0..n {
            e = self.unary(loc, op, e)?;
        }
        Ok(e)
    }

    /// A primary followed by `.attr`, `.method(args)` and `["attr"]`.
    fn member(&mut self) -> R<Ex> {
        let loc = self.loc();
        let mut e = self.primary()?;
        loop {
            match self.postfix()? {
                Postfix::End => return Ok(e),
                Postfix::Attr(a) => e = self.get_attr(loc, e, a)?,
                Postfix::Method(name, nloc) => {
                    let args = self.list(Tok::RParen)?;
                    e = self.method_call(loc, nloc, e, &name, args)?;
                }
            }
        }
    }

    /// Classify (and consume the head of) the next postfix operation.
    #[inline(never)]
    fn postfix(&mut self) -> R<Postfix> {
        match self.peek() {
            Tok::Dot => {
                self.bump();
                let (name, nloc) = self.any_ident("an attribute or method name after `.`")?;
                if *self.peek() == Tok::LParen {
                    self.bump();
                    return Ok(Postfix::Method(name, nloc));
                }
                if is_reserved(&name) {
                    return err(
                        nloc,
                        format!("`{name}` is a reserved identifier; write `[\"{name}\"]` to access this attribute"),
                    );
                }
                Ok(Postfix::Attr(name))
            }
            Tok::LBracket => {
                self.bump();
                let attr = match self.peek() {
                    Tok::Str(_) => self.string_lit("")?.0,
                    _ => return self.unexpected("a string literal as the index (`e[\"attr\"]`)"),
                };
                self.expect(Tok::RBracket, "`]` after the index")?;
                Ok(Postfix::Attr(attr))
            }
            Tok::LParen => err(self.loc(), "only extension functions and methods can be called"),
            _ => Ok(Postfix::End),
        }
    }

    #[inline(never)]
    fn method_call(&self, loc: Loc, nloc: Loc, recv: Ex, name: &str, args: Vec<Ex>) -> R<Ex> {
        let builtin = match name {
            "contains" => Some(BinaryOp::Contains),
            "containsAll" => Some(BinaryOp::ContainsAll),
            "containsAny" => Some(BinaryOp::ContainsAny),
            "getTag" => Some(BinaryOp::GetTag),
            "hasTag" => Some(BinaryOp::HasTag),
            _ => None,
        };
        if let Some(op) = builtin {
            let mut args = args;
            if args.len() != 1 {
                return err(nloc, format!("`{name}` takes exactly one argument, found {}", args.len()));
            }
            let a = args.pop().expect("one argument");
            return self.binary_node(loc, op, recv, a);
        }
        if name == "isEmpty" {
            if !args.is_empty() {
                return err(nloc, format!("`isEmpty` takes no arguments, found {}", args.len()));
            }
            return self.unary(loc, UnaryOp::IsEmpty, recv);
        }
        match ext::lookup(name) {
            Some(f) if f.style == CallStyle::Method => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(recv);
                all.extend(args);
                self.call_node(loc, name, all)
            }
            Some(_) => err(nloc, format!("`{name}` is a function, not a method: write `{name}(…)`")),
            None => err(nloc, format!("unknown method `{name}`")),
        }
    }

    #[inline(never)]
    fn call_node(&self, loc: Loc, name: &str, args: Vec<Ex>) -> R<Ex> {
        let h = args.iter().map(|a| a.h).max().unwrap_or(0) + 1;
        self.node(loc, h, ExprKind::ExtCall(name.to_string(), args.into_iter().map(|a| a.e).collect()))
    }

    /// Comma-separated expressions up to `close` (consumed); a trailing
    /// comma is allowed, a lone comma is not.
    fn list(&mut self, close: Tok) -> R<Vec<Ex>> {
        let mut out = Vec::new();
        if self.eat(&close) {
            return Ok(out);
        }
        loop {
            let x = self.expr()?;
            out.push(x);
            if self.list_sep(&close)? {
                return Ok(out);
            }
        }
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == t {
            self.bump();
            true
        } else {
            false
        }
    }

    /// After a list element: `true` if the list is closed.
    #[inline(never)]
    fn list_sep(&mut self, close: &Tok) -> R<bool> {
        if self.eat(&Tok::Comma) {
            return Ok(self.eat(close));
        }
        if self.eat(close) {
            return Ok(true);
        }
        let expected = if *close == Tok::RBrace {
            "`,` or `}`"
        } else if *close == Tok::RBracket {
            "`,` or `]`"
        } else {
            "`,` or `)`"
        };
        self.unexpected(expected)
    }

    fn primary(&mut self) -> R<Ex> {
        match self.peek() {
            Tok::LParen => {
                self.bump();
                let e = self.expr()?;
                self.expect(Tok::RParen, "`)`")?;
                Ok(e)
            }
            Tok::LBracket => {
                let loc = self.bump().loc;
                let items = self.list(Tok::RBracket)?;
                self.mk_set(loc, items)
            }
            Tok::LBrace => self.record(),
            Tok::Ident(_) => self.name_expr(),
            _ => self.atom(),
        }
    }

    #[inline(never)]
    fn mk_set(&self, loc: Loc, items: Vec<Ex>) -> R<Ex> {
        let h = items.iter().map(|a| a.h).max().unwrap_or(0) + 1;
        self.node(loc, h, ExprKind::Set(items.into_iter().map(|a| a.e).collect()))
    }

    /// Integer and string literals and slots.
    #[inline(never)]
    fn atom(&mut self) -> R<Ex> {
        let loc = self.loc();
        match self.peek().clone() {
            Tok::Int(v) => {
                self.bump();
                if v > i64::MAX as u64 {
                    return err(loc, format!("integer literal `{v}` is too large"));
                }
                Ok(self.leaf(loc, ExprKind::Lit(Literal::Long(v as i64))))
            }
            Tok::Str(_) => {
                let (s, _) = self.string_lit("")?;
                Ok(self.leaf(loc, ExprKind::Lit(Literal::String(s))))
            }
            Tok::Slot(s) => {
                let slot = slot_id(&s, loc)?;
                if !self.allow_slots {
                    return err(loc, format!("slot `{}` may only appear in the policy scope", slot.name()));
                }
                self.bump();
                Ok(self.leaf(loc, ExprKind::Slot(slot)))
            }
            _ => self.unexpected("an expression"),
        }
    }

    fn record(&mut self) -> R<Ex> {
        let loc = self.bump().loc;
        let mut fields = BTreeMap::new();
        let mut h = 0;
        if self.eat(&Tok::RBrace) {
            return self.node(loc, 1, ExprKind::Record(fields));
        }
        loop {
            let (key, kloc) = self.record_key()?;
            let v = self.expr()?;
            h = h.max(v.h);
            self.insert_field(&mut fields, key, kloc, v)?;
            if self.list_sep(&Tok::RBrace)? {
                break;
            }
        }
        self.node(loc, h + 1, ExprKind::Record(fields))
    }

    /// A record key and the `:` after it.
    #[inline(never)]
    fn record_key(&mut self) -> R<(String, Loc)> {
        let kloc = self.loc();
        let key = match self.peek() {
            Tok::Str(_) => self.string_lit("")?.0,
            Tok::Ident(_) => self.name_ident("a record key")?.0,
            _ => return self.unexpected("a record key (identifier or string literal)"),
        };
        self.expect(Tok::Colon, "`:` after the record key")?;
        Ok((key, kloc))
    }

    #[inline(never)]
    fn insert_field(&self, fields: &mut BTreeMap<String, Expr>, key: String, kloc: Loc, v: Ex) -> R<()> {
        if fields.contains_key(&key) {
            return err(kloc, format!("duplicate record key `{key}`"));
        }
        fields.insert(key, v.e);
        Ok(())
    }

    /// An expression starting with an identifier: a literal keyword, a
    /// variable, an entity literal or an extension function call.
    fn name_expr(&mut self) -> R<Ex> {
        match self.name_head()? {
            NameHead::Done(e) => Ok(e),
            NameHead::Call(name, loc) => {
                let args = self.list(Tok::RParen)?;
                self.call_node(loc, &name, args)
            }
        }
    }

    /// Everything of [`Self::name_expr`] up to a function call's `(`
    /// (consumed; the name is already checked to be a function).
    #[inline(never)]
    fn name_head(&mut self) -> R<NameHead> {
        let loc = self.loc();
        let first = match self.peek() {
            Tok::Ident(s) => s.clone(),
            _ => return self.unexpected("an identifier"),
        };
        match first.as_str() {
            "true" | "false" => {
                self.bump();
                return Ok(NameHead::Done(self.leaf(loc, ExprKind::Lit(Literal::Bool(first == "true")))));
            }
            "if" => return err(loc, "an `if` expression must be parenthesised here"),
            _ => {}
        }
        let is_path = *self.peek_at(1) == Tok::ColonColon;
        if !is_path {
            if let Some(v) = var_of(&first) {
                self.bump();
                if *self.peek() == Tok::LParen {
                    return err(loc, format!("variable `{first}` cannot be called"));
                }
                return Ok(NameHead::Done(self.leaf(loc, ExprKind::Var(v))));
            }
        }
        let (path, _) = self.type_path()?;
        if *self.peek() == Tok::ColonColon {
            let uid = self.entity_tail(path)?;
            return Ok(NameHead::Done(self.leaf(loc, ExprKind::Lit(Literal::EntityUid(uid)))));
        }
        if *self.peek() == Tok::LParen {
            return match ext::lookup(&path) {
                Some(f) if f.style == CallStyle::Function => {
                    self.bump();
                    Ok(NameHead::Call(path, loc))
                }
                Some(_) => err(loc, format!("`{path}` is a method, not a function: write `e.{path}(…)`")),
                None if matches!(
                    path.as_str(),
                    "contains" | "containsAll" | "containsAny" | "getTag" | "hasTag" | "isEmpty"
                ) =>
                {
                    err(loc, format!("`{path}` is a method, not a function: write `e.{path}(…)`"))
                }
                None => err(loc, format!("unknown function `{path}`")),
            };
        }
        if path.contains("::") {
            err(
                loc,
                format!(
                    "`{path}` is an entity type, not an expression; an entity literal needs an id: `{path}::\"id\"`"
                ),
            )
        } else {
            err(
                loc,
                format!(
                    "unknown variable `{path}`: only `principal`, `action`, `resource` and `context` are variables"
                ),
            )
        }
    }
}

struct OpStack {
    vals: Vec<(Ex, Loc)>,
    ops: Vec<(Pending, u8)>,
}

enum Postfix {
    End,
    Attr(String),
    Method(String, Loc),
}

enum NameHead {
    Done(Ex),
    Call(String, Loc),
}

/// The slot a `?name` token names.
fn slot_id(name: &str, loc: Loc) -> R<SlotId> {
    match name {
        "principal" => Ok(SlotId::Principal),
        "resource" => Ok(SlotId::Resource),
        _ => err(loc, format!("unknown slot `?{name}`: only `?principal` and `?resource` exist")),
    }
}
