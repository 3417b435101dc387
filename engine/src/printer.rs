//! `ast` → Cedar text that re-parses to an equal AST.
//!
//! Every node has a precedence level matching the grammar (docs/semantics.md
//! §2.4); a child printed in a position that needs a tighter level gets
//! parentheses. Two details make the round trip exact:
//! * a negative literal `Lit(-5)` prints as `-5` but sits at the *unary*
//!   level (so `(-5).a`), while `Neg(Lit(5))` prints as `-(5)` so that the
//!   parser does not fold the `-` into the literal;
//! * nested prefix operators are parenthesised (`!(!a)`), avoiding runs of
//!   more than four and mixed `!-` runs.
//!
//! Trees whose shape text cannot express (a method-style extension call
//! without a receiver, an unknown function name, an attribute that is not an
//! identifier on an entity type path) print as the nearest text, which then
//! fails to parse — the printer never panics.

use crate::ast::*;
use crate::ext::{self, CallStyle};
use crate::parser::{is_plain_ident, Level};
use std::fmt::Write;

/// All policies and templates in order (links are not expressible in text).
pub fn policy_set_to_text(ps: &PolicySet) -> String {
    let mut out = String::new();
    for p in &ps.policies {
        out.push_str(&policy_to_text(p));
        out.push('\n');
    }
    out
}

/// Where the line breaks go in a printed policy.
struct Layout {
    after_annotation: &'static str,
    open_scope: &'static str,
    between_scope: &'static str,
    close_scope: &'static str,
    before_condition: &'static str,
    open_body: &'static str,
    close_body: &'static str,
    end: &'static str,
}

const ONE_LINE: Layout = Layout {
    after_annotation: " ",
    open_scope: " (",
    between_scope: ", ",
    close_scope: ")",
    before_condition: " ",
    open_body: " { ",
    close_body: " }",
    end: ";",
};

const PRETTY: Layout = Layout {
    after_annotation: "\n",
    open_scope: " (\n  ",
    between_scope: ",\n  ",
    close_scope: "\n)",
    before_condition: "\n",
    open_body: " {\n  ",
    close_body: "\n}",
    end: ";\n",
};

fn policy_with_layout(p: &Policy, l: &Layout) -> String {
    let mut out = String::new();
    for (k, v) in &p.annotations {
        write_annotation(&mut out, k, v);
        out.push_str(l.after_annotation);
    }
    let _ = write!(
        out,
        "{}{}{}{}{}{}{}{}",
        effect_name(p.effect),
        l.open_scope,
        scope_text(Var::Principal, &p.principal),
        l.between_scope,
        action_text(&p.action),
        l.between_scope,
        scope_text(Var::Resource, &p.resource),
        l.close_scope
    );
    for c in &p.conditions {
        let _ = write!(
            out,
            "{}{}{}{}{}",
            l.before_condition,
            cond_name(c.kind),
            l.open_body,
            expr_to_text(&c.body),
            l.close_body
        );
    }
    out.push_str(l.end);
    out
}

/// One policy on one line (annotations included).
pub fn policy_to_text(p: &Policy) -> String {
    policy_with_layout(p, &ONE_LINE)
}

/// The `engine format` layout: one policy per block, annotations and
/// scope elements and clauses each on their own line, blank line between
/// policies.
pub fn pretty_policy_set(ps: &PolicySet) -> String {
    let mut out = String::new();
    for (i, p) in ps.policies.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&pretty_policy(p));
    }
    out
}

pub fn pretty_policy(p: &Policy) -> String {
    policy_with_layout(p, &PRETTY)
}

pub fn expr_to_text(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e, Level::Expr);
    out
}

fn write_annotation(out: &mut String, k: &str, v: &Option<String>) {
    out.push('@');
    out.push_str(k);
    if let Some(v) = v {
        out.push('(');
        out.push_str(&quote_string(v));
        out.push(')');
    }
}

fn effect_name(e: Effect) -> &'static str {
    match e {
        Effect::Permit => "permit",
        Effect::Forbid => "forbid",
    }
}

fn cond_name(k: ConditionKind) -> &'static str {
    match k {
        ConditionKind::When => "when",
        ConditionKind::Unless => "unless",
    }
}

fn operand_text(o: &EntityOrSlot) -> String {
    match o {
        EntityOrSlot::Entity(e) => e.to_string(),
        EntityOrSlot::Slot(s) => s.name().to_string(),
    }
}

fn scope_text(var: Var, c: &ScopeConstraint) -> String {
    let v = var.name();
    match c {
        ScopeConstraint::Any => v.to_string(),
        ScopeConstraint::Eq(o) => format!("{v} == {}", operand_text(o)),
        ScopeConstraint::In(o) => format!("{v} in {}", operand_text(o)),
        ScopeConstraint::Is(t) => format!("{v} is {t}"),
        ScopeConstraint::IsIn(t, o) => format!("{v} is {t} in {}", operand_text(o)),
    }
}

fn action_text(c: &ActionConstraint) -> String {
    match c {
        ActionConstraint::Any => "action".to_string(),
        ActionConstraint::Eq(e) => format!("action == {e}"),
        ActionConstraint::In(es) if es.len() == 1 => format!("action in {}", es[0]),
        ActionConstraint::In(es) => {
            let items: Vec<String> = es.iter().map(|e| e.to_string()).collect();
            format!("action in [{}]", items.join(", "))
        }
    }
}

/// `!(a == b)`, `!(a < b)`, `!(a <= b)` are what the parser makes of
/// `a != b`, `a >= b`, `a > b` (docs/semantics.md §2.7); printing the sugared form keeps reports
/// readable and re-parses to the same tree.
fn negated_relation(e: &Expr) -> Option<(&'static str, &Expr, &Expr)> {
    match &e.kind {
        ExprKind::Unary(UnaryOp::Not, inner) => match &inner.kind {
            ExprKind::Binary(BinaryOp::Eq, a, b) => Some(("!=", a, b)),
            ExprKind::Binary(BinaryOp::Less, a, b) => Some((">=", a, b)),
            ExprKind::Binary(BinaryOp::LessEq, a, b) => Some((">", a, b)),
            _ => None,
        },
        _ => None,
    }
}

fn level_of(e: &Expr) -> Level {
    if negated_relation(e).is_some() {
        return Level::Relation;
    }
    match &e.kind {
        ExprKind::If { .. } => Level::Expr,
        ExprKind::Or(..) => Level::Or,
        ExprKind::And(..) => Level::And,
        ExprKind::Binary(BinaryOp::Eq | BinaryOp::Less | BinaryOp::LessEq | BinaryOp::In, ..)
        | ExprKind::HasAttr(..)
        | ExprKind::Like(..)
        | ExprKind::Is(..) => Level::Relation,
        ExprKind::Binary(BinaryOp::Add | BinaryOp::Sub, ..) => Level::Add,
        ExprKind::Binary(BinaryOp::Mul, ..) => Level::Mult,
        ExprKind::Unary(UnaryOp::Not | UnaryOp::Neg, _) => Level::Unary,
        ExprKind::Lit(Literal::Long(n)) if *n < 0 => Level::Unary,
        ExprKind::Unary(UnaryOp::IsEmpty, _)
        | ExprKind::Binary(
            BinaryOp::Contains | BinaryOp::ContainsAll | BinaryOp::ContainsAny | BinaryOp::GetTag | BinaryOp::HasTag,
            ..,
        )
        | ExprKind::GetAttr(..) => Level::Member,
        ExprKind::ExtCall(name, args) if is_method_call(name, args) => Level::Member,
        _ => Level::Primary,
    }
}

fn is_method_call(name: &str, args: &[Expr]) -> bool {
    matches!(ext::lookup(name), Some(f) if f.style == CallStyle::Method) && !args.is_empty()
}

fn write_expr(out: &mut String, e: &Expr, need: Level) {
    if level_of(e) < need {
        out.push('(');
        write_bare(out, e);
        out.push(')');
    } else {
        write_bare(out, e);
    }
}

fn write_args(out: &mut String, args: &[Expr]) {
    out.push('(');
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, a, Level::Expr);
    }
    out.push(')');
}

/// An attribute name after `.` if it is a plain identifier, else `["…"]`.
fn write_attr_access(out: &mut String, attr: &str) {
    if is_plain_ident(attr) {
        out.push('.');
        out.push_str(attr);
    } else {
        out.push('[');
        out.push_str(&quote_string(attr));
        out.push(']');
    }
}

fn write_key(out: &mut String, k: &str) {
    if is_plain_ident(k) {
        out.push_str(k);
    } else {
        out.push_str(&quote_string(k));
    }
}

fn write_pattern(out: &mut String, p: &Pattern) {
    out.push('"');
    for el in &p.0 {
        match el {
            PatternElem::Wildcard => out.push('*'),
            PatternElem::Char('*') => out.push_str("\\*"),
            PatternElem::Char(c) => {
                let q = quote_string(&c.to_string());
                out.push_str(&q[1..q.len() - 1]);
            }
        }
    }
    out.push('"');
}

fn write_bare(out: &mut String, e: &Expr) {
    if let Some((sym, a, b)) = negated_relation(e) {
        write_expr(out, a, Level::Add);
        out.push(' ');
        out.push_str(sym);
        out.push(' ');
        write_expr(out, b, Level::Add);
        return;
    }
    match &e.kind {
        ExprKind::Lit(Literal::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Lit(Literal::Long(n)) => {
            let _ = write!(out, "{n}");
        }
        ExprKind::Lit(Literal::String(s)) => out.push_str(&quote_string(s)),
        ExprKind::Lit(Literal::EntityUid(u)) => {
            let _ = write!(out, "{u}");
        }
        ExprKind::Var(v) => out.push_str(v.name()),
        ExprKind::Slot(s) => out.push_str(s.name()),
        ExprKind::If { cond, then_expr, else_expr } => {
            out.push_str("if ");
            write_expr(out, cond, Level::Expr);
            out.push_str(" then ");
            write_expr(out, then_expr, Level::Expr);
            out.push_str(" else ");
            write_expr(out, else_expr, Level::Expr);
        }
        ExprKind::Or(a, b) => {
            write_expr(out, a, Level::Or);
            out.push_str(" || ");
            write_expr(out, b, Level::And);
        }
        ExprKind::And(a, b) => {
            write_expr(out, a, Level::And);
            out.push_str(" && ");
            write_expr(out, b, Level::Relation);
        }
        ExprKind::Unary(op, a) => match op {
            UnaryOp::Not | UnaryOp::Neg => {
                out.push(if *op == UnaryOp::Not { '!' } else { '-' });
                // `-5` would re-parse as the literal -5: force parentheses
                // around any literal operand of `-`.
                let force = *op == UnaryOp::Neg && matches!(a.kind, ExprKind::Lit(Literal::Long(_)));
                if force {
                    out.push('(');
                    write_bare(out, a);
                    out.push(')');
                } else {
                    write_expr(out, a, Level::Member);
                }
            }
            UnaryOp::IsEmpty => {
                write_expr(out, a, Level::Member);
                out.push_str(".isEmpty()");
            }
        },
        ExprKind::Binary(op, a, b) => {
            let infix = match op {
                BinaryOp::Eq => Some(("==", Level::Add, Level::Add)),
                BinaryOp::Less => Some(("<", Level::Add, Level::Add)),
                BinaryOp::LessEq => Some(("<=", Level::Add, Level::Add)),
                BinaryOp::In => Some(("in", Level::Add, Level::Add)),
                BinaryOp::Add => Some(("+", Level::Add, Level::Mult)),
                BinaryOp::Sub => Some(("-", Level::Add, Level::Mult)),
                BinaryOp::Mul => Some(("*", Level::Mult, Level::Unary)),
                _ => None,
            };
            match infix {
                Some((sym, la, lb)) => {
                    write_expr(out, a, la);
                    out.push(' ');
                    out.push_str(sym);
                    out.push(' ');
                    write_expr(out, b, lb);
                }
                None => {
                    write_expr(out, a, Level::Member);
                    out.push('.');
                    out.push_str(op.name());
                    out.push('(');
                    write_expr(out, b, Level::Expr);
                    out.push(')');
                }
            }
        }
        ExprKind::GetAttr(a, attr) => {
            write_expr(out, a, Level::Member);
            write_attr_access(out, attr);
        }
        ExprKind::HasAttr(a, attr) => {
            write_expr(out, a, Level::Add);
            out.push_str(" has ");
            write_key(out, attr);
        }
        ExprKind::Like(a, p) => {
            write_expr(out, a, Level::Add);
            out.push_str(" like ");
            write_pattern(out, p);
        }
        ExprKind::Is(a, t) => {
            write_expr(out, a, Level::Add);
            out.push_str(" is ");
            out.push_str(&t.0);
        }
        ExprKind::Set(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, x, Level::Expr);
            }
            out.push(']');
        }
        ExprKind::Record(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_key(out, k);
                out.push_str(": ");
                write_expr(out, v, Level::Expr);
            }
            out.push('}');
        }
        ExprKind::ExtCall(name, args) => {
            if is_method_call(name, args) {
                write_expr(out, &args[0], Level::Member);
                out.push('.');
                out.push_str(name);
                write_args(out, &args[1..]);
            } else {
                out.push_str(name);
                write_args(out, args);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse_expr;

    fn rt(src: &str) {
        let e = parse_expr(src).unwrap_or_else(|err| panic!("{src}: {err}"));
        let t = expr_to_text(&e);
        let e2 = parse_expr(&t).unwrap_or_else(|err| panic!("{src} printed as {t}: {err}"));
        assert_eq!(e, e2, "{src} printed as {t}");
    }

    #[test]
    fn negative_literals() {
        assert_eq!(expr_to_text(&Expr::unary(UnaryOp::Neg, Expr::long(5))), "-(5)");
        assert_eq!(expr_to_text(&Expr::long(-5)), "-5");
        assert_eq!(expr_to_text(&Expr::get_attr(Expr::long(-5), "a")), "(-5).a");
        assert_eq!(expr_to_text(&Expr::long(i64::MIN)), "-9223372036854775808");
        for s in
            ["-5", "--5", "-(5)", "-9223372036854775808", "--9223372036854775808", "-5.a", "(-5).a", "-x.y", "1 - -1"]
        {
            let s = s.replace('x', "context");
            rt(&s);
        }
    }

    #[test]
    fn precedence_round_trips() {
        for s in [
            "1 + 2 * 3",
            "(1 + 2) * 3",
            "1 - (2 - 3)",
            "!(!true)",
            "!!true",
            "(if true then 1 else 2) + 3",
            "if true then 1 else 2 + 3",
            "(1 < 2) == true",
            "(context has a) && (context has b)",
            "context has \"a b\"",
            "context[\"if\"]",
            "principal is NS::User",
            "principal is User in Group::\"g\"",
            "context like \"a*b\\*c\\n\"",
            "{\"a b\": 1, c: [1, 2, {}], \"if\": -1}",
            "ip(\"1.2.3.4\").isInRange(ip(\"1.0.0.0/8\"))",
            "decimal(\"1.0\").lessThan(decimal(\"2.0\"))",
            "[1, 2].contains(1) && [].isEmpty()",
            "principal.getTag(\"a\") == resource.hasTag(\"b\")",
            "a || b && c",
        ] {
            let s = s.replace("a ||", "context.a ||").replace("b &&", "context.b &&").replace("&& c", "&& context.c");
            rt(&s);
        }
    }
}
