//! Building expression trees for both policy readers: the text parser
//! (`parser::grammar`) and the JSON policy reader (`est`).
//!
//! Every node either reader makes is built here, so the two share
//! - the height bookkeeping: each node carries its tree height while being
//!   built and construction fails past [`MAX_EXPR_HEIGHT`] (nothing that
//!   recurses over an `Expr` later can then overflow the stack), and a
//!   policy's conditions are bounded by [`ConditionHeight`];
//! - the desugarings (docs/semantics.md §2.7) of the forms the core AST
//!   does not have: `a != b`, `a > b`, `a >= b` ([`Builder::relation`]),
//!   extended `e has a.b.c` ([`Builder::has_path`]) and `e is T in x`
//!   ([`Builder::is_in`]).
//!
//! A reader only says where a node comes from ([`Site`]): the text parser a
//! source location, the JSON reader a JSON path. That decides the node's
//! `loc` and the error the reader reports.

use crate::ast::*;
use std::collections::BTreeMap;

/// Maximum height of any expression tree either reader builds.
pub const MAX_EXPR_HEIGHT: u32 = 200;
/// Maximum height of a policy's full condition (`Policy::condition`), which
/// adds one level per `when`/`unless` clause plus four for the scope.
pub const MAX_POLICY_HEIGHT: u32 = 256;

/// An expression under construction together with its tree height.
pub(crate) struct Ex {
    pub e: Expr,
    pub h: u32,
}

/// Where a node comes from, as the reader building it knows it.
pub(crate) trait Site: Copy {
    type Error;
    /// The source location recorded on the node (text only).
    fn loc(self) -> Option<Loc>;
    /// The reader's error at this site.
    fn error(self, message: String) -> Self::Error;
}

/// The relations written between two operands. `NotEq`, `Greater` and
/// `GreaterEq` have no node of their own: they become `!(a == b)`,
/// `!(a <= b)` and `!(a < b)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    In,
}

/// Builds nodes at one site; every constructor checks the height limit.
#[derive(Clone, Copy)]
pub(crate) struct Builder<S: Site>(pub S);

type R<S, T> = Result<T, <S as Site>::Error>;

fn max_height<'a>(children: impl IntoIterator<Item = &'a Ex>) -> u32 {
    children.into_iter().map(|c| c.h).max().unwrap_or(0)
}

impl<S: Site> Builder<S> {
    /// A node of height `h`; the one place the height limit is enforced.
    fn node(self, h: u32, kind: ExprKind) -> R<S, Ex> {
        if h > MAX_EXPR_HEIGHT {
            return Err(self.0.error(format!("expression is nested too deeply (limit {MAX_EXPR_HEIGHT} levels)")));
        }
        Ok(Ex { e: Expr::with_loc(kind, self.0.loc()), h })
    }

    pub fn leaf(self, kind: ExprKind) -> Ex {
        Ex { e: Expr::with_loc(kind, self.0.loc()), h: 1 }
    }

    pub fn unary(self, op: UnaryOp, a: Ex) -> R<S, Ex> {
        self.node(a.h + 1, ExprKind::Unary(op, Box::new(a.e)))
    }

    pub fn binary(self, op: BinaryOp, a: Ex, b: Ex) -> R<S, Ex> {
        self.node(a.h.max(b.h) + 1, ExprKind::Binary(op, Box::new(a.e), Box::new(b.e)))
    }

    pub fn and(self, a: Ex, b: Ex) -> R<S, Ex> {
        self.node(a.h.max(b.h) + 1, ExprKind::And(Box::new(a.e), Box::new(b.e)))
    }

    pub fn or(self, a: Ex, b: Ex) -> R<S, Ex> {
        self.node(a.h.max(b.h) + 1, ExprKind::Or(Box::new(a.e), Box::new(b.e)))
    }

    pub fn get_attr(self, a: Ex, attr: String) -> R<S, Ex> {
        self.node(a.h + 1, ExprKind::GetAttr(Box::new(a.e), attr))
    }

    pub fn has_attr(self, a: Ex, attr: String) -> R<S, Ex> {
        self.node(a.h + 1, ExprKind::HasAttr(Box::new(a.e), attr))
    }

    pub fn like(self, a: Ex, pattern: Pattern) -> R<S, Ex> {
        self.node(a.h + 1, ExprKind::Like(Box::new(a.e), pattern))
    }

    pub fn is(self, a: Ex, ty: EntityType) -> R<S, Ex> {
        self.node(a.h + 1, ExprKind::Is(Box::new(a.e), ty))
    }

    pub fn if_then_else(self, c: Ex, t: Ex, e: Ex) -> R<S, Ex> {
        let h = c.h.max(t.h).max(e.h) + 1;
        self.node(h, ExprKind::If { cond: Box::new(c.e), then_expr: Box::new(t.e), else_expr: Box::new(e.e) })
    }

    pub fn set(self, items: Vec<Ex>) -> R<S, Ex> {
        let h = max_height(&items) + 1;
        self.node(h, ExprKind::Set(items.into_iter().map(|x| x.e).collect()))
    }

    pub fn record(self, fields: BTreeMap<String, Ex>) -> R<S, Ex> {
        let h = max_height(fields.values()) + 1;
        self.node(h, ExprKind::Record(fields.into_iter().map(|(k, x)| (k, x.e)).collect()))
    }

    pub fn call(self, name: &str, args: Vec<Ex>) -> R<S, Ex> {
        let h = max_height(&args) + 1;
        self.node(h, ExprKind::ExtCall(name.to_string(), args.into_iter().map(|x| x.e).collect()))
    }

    /// `l rel r`; `!=`, `>` and `>=` desugar to a negated `==`, `<=`, `<`.
    pub fn relation(self, rel: Relation, l: Ex, r: Ex) -> R<S, Ex> {
        let (op, negated) = match rel {
            Relation::Eq => (BinaryOp::Eq, false),
            Relation::Less => (BinaryOp::Less, false),
            Relation::LessEq => (BinaryOp::LessEq, false),
            Relation::In => (BinaryOp::In, false),
            Relation::NotEq => (BinaryOp::Eq, true),
            Relation::Greater => (BinaryOp::LessEq, true),
            Relation::GreaterEq => (BinaryOp::Less, true),
        };
        let x = self.binary(op, l, r)?;
        if negated {
            self.unary(UnaryOp::Not, x)
        } else {
            Ok(x)
        }
    }

    /// `e has a` or extended `e has a.b.c`, which is
    /// `(e has a && e.a has b) && e.a.b has c`.
    pub fn has_path(self, e: Ex, path: impl IntoIterator<Item = String>) -> R<S, Ex> {
        let mut it = path.into_iter();
        let first = it.next().expect("an attribute path is non-empty");
        let mut base = Ex { e: e.e.clone(), h: e.h };
        let mut result = self.has_attr(e, first.clone())?;
        let mut prev = first;
        for attr in it {
            base = self.get_attr(base, prev)?;
            let step = self.has_attr(Ex { e: base.e.clone(), h: base.h }, attr.clone())?;
            result = self.and(result, step)?;
            prev = attr;
        }
        Ok(result)
    }

    /// `e is T in x`, which is `(e is T) && (e in x)`.
    pub fn is_in(self, e: Ex, ty: EntityType, x: Ex) -> R<S, Ex> {
        let is = self.is(Ex { e: e.e.clone(), h: e.h }, ty)?;
        let inn = self.binary(BinaryOp::In, e, x)?;
        self.and(is, inn)
    }
}

/// The height bound on a policy's conditions taken together: the highest
/// body, plus one level per condition, plus four for the scope must stay
/// within [`MAX_POLICY_HEIGHT`].
#[derive(Default)]
pub(crate) struct ConditionHeight {
    highest_body: u32,
    conditions: u32,
}

impl ConditionHeight {
    /// Count one more condition body; `false` when the policy is too high.
    pub fn add(&mut self, body: &Ex) -> bool {
        self.highest_body = self.highest_body.max(body.h);
        self.conditions += 1;
        self.highest_body + self.conditions + 4 <= MAX_POLICY_HEIGHT
    }

    pub fn error_message() -> String {
        format!("policy condition is nested too deeply (limit {MAX_POLICY_HEIGHT} levels)")
    }
}
