//! Recursive-descent parser from tokens to the core AST (docs/semantics.md §2.3–2.7).
//!
//! Cedar parses with a permissive LALR grammar and then rejects many shapes
//! while converting to its AST; this parser folds both steps into one pass
//! and must accept exactly the same inputs. Desugarings (§2.7) happen here.
//!
//! Nodes are built, and the sugared forms rewritten, by
//! [`crate::desugar::Builder`], which the JSON policy reader shares.
//!
//! Robustness: every recursive path goes through [`Parser::expr`], which
//! counts nesting and stops at [`MAX_NESTING`]. Constructs that build deep
//! trees *without* recursing (`a + a + …`, `e.a.a.a…`, long `has` paths) are
//! bounded by the builder's height limit
//! ([`crate::desugar::MAX_EXPR_HEIGHT`]). So nothing downstream that
//! recurses over an `Expr` (printer, JSON conversion, evaluator, `Drop`) ever
//! sees a tree deeper than that.

use super::lexer::{Tok, Token};
use super::unescape::{unescape_pattern, unescape_str};
use super::{Level, ParseError};
use crate::ast::*;
use crate::desugar::{Builder, ConditionHeight, Ex, Relation, Site};
use crate::ext::{self, CallStyle};
use std::collections::BTreeMap;

/// Maximum nesting of parenthesised / bracketed / `if` sub-expressions.
pub const MAX_NESTING: usize = 200;

/// Identifiers that may not name an attribute, record key, path component,
/// `has` step or function (docs/semantics.md §2.1). Annotation keys are exempt.
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

type R<T> = Result<T, ParseError>;

const NON_ASSOC: &str =
    "relational operators (`==`, `<`, `in`, `has`, `like`, `is`, …) are non-associative; add parentheses";

/// An operator waiting on the operator stack of [`Parser::binary`].
#[derive(Debug)]
enum Pending {
    Or,
    And,
    Rel(Relation),
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

/// Text nodes record where they start; errors name that line:col.
impl Site for Loc {
    type Error = ParseError;
    fn loc(self) -> Option<Loc> {
        Some(self)
    }
    fn error(self, message: String) -> ParseError {
        ParseError { loc: self, message }
    }
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
        let mut height = ConditionHeight::default();
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
            if !height.add(&body) {
                return err(kloc, ConditionHeight::error_message());
            }
            conditions.push(Condition { kind, body: body.e });
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
        Builder(loc).if_then_else(c, t, e)
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
            let (op, level) = match self.peek() {
                Tok::OrOr => (Pending::Or, Level::Or),
                Tok::AndAnd => (Pending::And, Level::And),
                Tok::EqEq => (Pending::Rel(Relation::Eq), Level::Relation),
                Tok::NotEq => (Pending::Rel(Relation::NotEq), Level::Relation),
                Tok::Lt => (Pending::Rel(Relation::Less), Level::Relation),
                Tok::Le => (Pending::Rel(Relation::LessEq), Level::Relation),
                Tok::Gt => (Pending::Rel(Relation::Greater), Level::Relation),
                Tok::Ge => (Pending::Rel(Relation::GreaterEq), Level::Relation),
                Tok::Plus => (Pending::Arith(BinaryOp::Add), Level::Add),
                Tok::Minus => (Pending::Arith(BinaryOp::Sub), Level::Add),
                Tok::Star => (Pending::Arith(BinaryOp::Mul), Level::Mult),
                Tok::Slash | Tok::Percent => {
                    return err(self.loc(), "division and remainder (`/`, `%`) are not supported in Cedar")
                }
                Tok::Ident(s) => match s.as_str() {
                    "in" => (Pending::Rel(Relation::In), Level::Relation),
                    "has" => (Pending::Has, Level::Relation),
                    "like" => (Pending::Like, Level::Relation),
                    "is" => (Pending::Is, Level::Relation),
                    _ => return Ok(true),
                },
                _ => return Ok(true),
            };
            if closed && level > Level::Relation {
                return err(
                    self.loc(),
                    "the right-hand side of `has`, `like` or `is` cannot be followed by an arithmetic operator; add parentheses",
                );
            }
            if closed && level == Level::Relation {
                return err(self.loc(), NON_ASSOC);
            }
            // Reduce everything that binds at least as tightly (left
            // associativity); two relations meeting is an error.
            while let Some(&(_, top)) = st.ops.last() {
                if top < level {
                    break;
                }
                if top == Level::Relation && level == Level::Relation {
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
                                st.ops.push((Pending::IsIn(ty), Level::Relation));
                                return Ok(false);
                            }
                            Builder(lloc).is(lhs, ty)?
                        }
                    };
                    st.vals.push((r, lloc));
                    closed = true;
                }
                op => {
                    st.ops.push((op, level));
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
        let b = Builder(loc);
        let e = match op {
            Pending::Or => b.or(l, r)?,
            Pending::And => b.and(l, r)?,
            Pending::Arith(op) => b.binary(op, l, r)?,
            Pending::Rel(rel) => b.relation(rel, l, r)?,
            Pending::IsIn(ty) => b.is_in(l, ty, r)?,
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
                Builder(loc).like(l, p)
            }
            _ => self.unexpected("a string literal pattern after `like`"),
        }
    }

    /// `e has a`, `e has "a b"`, or extended `e has a.b.c` (desugared by
    /// [`Builder::has_path`]).
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
        Builder(loc).has_path(e, path)
    }

    /// 1–4 repetitions of `!` or of `-`, then a member expression. A `-`
    /// run directly before an integer literal folds one `-` into it, which
    /// is how `-9223372036854775808` is written (docs/semantics.md §2.6).
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
        Ok(Some(Builder(lloc).leaf(ExprKind::Lit(Literal::Long(lit)))))
    }

    #[inline(never)]
    fn apply_prefix(&self, op: UnaryOp, n: usize, loc: Loc, mut e: Ex) -> R<Ex> {
        for _ in 0..n {
            e = Builder(loc).unary(op, e)?;
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
                Postfix::Attr(a) => e = Builder(loc).get_attr(e, a)?,
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
            return Builder(loc).binary(op, recv, a);
        }
        if name == "isEmpty" {
            if !args.is_empty() {
                return err(nloc, format!("`isEmpty` takes no arguments, found {}", args.len()));
            }
            return Builder(loc).unary(UnaryOp::IsEmpty, recv);
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
        Builder(loc).call(name, args)
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
        Builder(loc).set(items)
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
                Ok(Builder(loc).leaf(ExprKind::Lit(Literal::Long(v as i64))))
            }
            Tok::Str(_) => {
                let (s, _) = self.string_lit("")?;
                Ok(Builder(loc).leaf(ExprKind::Lit(Literal::String(s))))
            }
            Tok::Slot(s) => {
                let slot = slot_id(&s, loc)?;
                if !self.allow_slots {
                    return err(loc, format!("slot `{}` may only appear in the policy scope", slot.name()));
                }
                self.bump();
                Ok(Builder(loc).leaf(ExprKind::Slot(slot)))
            }
            _ => self.unexpected("an expression"),
        }
    }

    fn record(&mut self) -> R<Ex> {
        let loc = self.bump().loc;
        let mut fields = BTreeMap::new();
        if !self.eat(&Tok::RBrace) {
            loop {
                let (key, kloc) = self.record_key()?;
                let v = self.expr()?;
                self.insert_field(&mut fields, key, kloc, v)?;
                if self.list_sep(&Tok::RBrace)? {
                    break;
                }
            }
        }
        Builder(loc).record(fields)
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
    fn insert_field(&self, fields: &mut BTreeMap<String, Ex>, key: String, kloc: Loc, v: Ex) -> R<()> {
        if fields.contains_key(&key) {
            return err(kloc, format!("duplicate record key `{key}`"));
        }
        fields.insert(key, v);
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
                return Ok(NameHead::Done(Builder(loc).leaf(ExprKind::Lit(Literal::Bool(first == "true")))));
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
                return Ok(NameHead::Done(Builder(loc).leaf(ExprKind::Var(v))));
            }
        }
        let (path, _) = self.type_path()?;
        if *self.peek() == Tok::ColonColon {
            let uid = self.entity_tail(path)?;
            return Ok(NameHead::Done(Builder(loc).leaf(ExprKind::Lit(Literal::EntityUid(uid)))));
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
    ops: Vec<(Pending, Level)>,
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
