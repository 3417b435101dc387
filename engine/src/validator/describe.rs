//! A short Cedar-like rendering of an expression for diagnostics. It is
//! deliberately bounded (depth and length) and is not the policy printer:
//! messages only need to let a reader recognise the expression.

use crate::ast::{quote_string, BinaryOp, Expr, ExprKind, Literal, PatternElem, UnaryOp};
use std::fmt::Write;

const MAX_DEPTH: usize = 12;
const MAX_LEN: usize = 120;

pub(crate) fn describe(e: &Expr) -> String {
    let mut s = String::new();
    go(e, 0, &mut s);
    if s.chars().count() > MAX_LEN {
        let cut: String = s.chars().take(MAX_LEN).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn go(e: &Expr, depth: usize, out: &mut String) {
    if depth > MAX_DEPTH || out.len() > MAX_LEN * 2 {
        out.push('…');
        return;
    }
    let d = depth + 1;
    match &e.kind {
        ExprKind::Lit(Literal::Bool(b)) => {
            let _ = write!(out, "{b}");
        }
        ExprKind::Lit(Literal::Long(i)) => {
            let _ = write!(out, "{i}");
        }
        ExprKind::Lit(Literal::String(s)) => out.push_str(&quote_string(s)),
        ExprKind::Lit(Literal::EntityUid(u)) => {
            let _ = write!(out, "{u}");
        }
        ExprKind::Var(v) => out.push_str(v.name()),
        ExprKind::Slot(s) => out.push_str(s.name()),
        ExprKind::If { cond, then_expr, else_expr } => {
            out.push_str("if ");
            go(cond, d, out);
            out.push_str(" then ");
            go(then_expr, d, out);
            out.push_str(" else ");
            go(else_expr, d, out);
        }
        ExprKind::And(a, b) => bin(a, "&&", b, d, out),
        ExprKind::Or(a, b) => bin(a, "||", b, d, out),
        ExprKind::Unary(UnaryOp::Not, a) => {
            out.push('!');
            paren(a, d, out);
        }
        ExprKind::Unary(UnaryOp::Neg, a) => {
            out.push('-');
            paren(a, d, out);
        }
        ExprKind::Unary(UnaryOp::IsEmpty, a) => {
            paren(a, d, out);
            out.push_str(".isEmpty()");
        }
        ExprKind::Binary(op, a, b) => match op {
            BinaryOp::Contains
            | BinaryOp::ContainsAll
            | BinaryOp::ContainsAny
            | BinaryOp::HasTag
            | BinaryOp::GetTag => method(a, op.name(), &[b], d, out),
            _ => bin(a, op.name(), b, d, out),
        },
        ExprKind::GetAttr(a, k) => {
            paren(a, d, out);
            attr(k, out);
        }
        ExprKind::HasAttr(a, k) => {
            paren(a, d, out);
            let _ = write!(out, " has {}", if is_plain(k) { k.clone() } else { quote_string(k) });
        }
        ExprKind::Like(a, p) => {
            paren(a, d, out);
            let pat: String =
                p.0.iter()
                    .map(|c| match c {
                        PatternElem::Wildcard => "*".to_string(),
                        PatternElem::Char('*') => "\\*".to_string(),
                        PatternElem::Char(c) => quote_string(&c.to_string()).trim_matches('"').to_string(),
                    })
                    .collect();
            let _ = write!(out, " like \"{pat}\"");
        }
        ExprKind::Is(a, t) => {
            paren(a, d, out);
            let _ = write!(out, " is {t}");
        }
        ExprKind::Set(es) => {
            out.push('[');
            for (i, x) in es.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                go(x, d, out);
            }
            out.push(']');
        }
        ExprKind::Record(fs) => {
            out.push('{');
            for (i, (k, x)) in fs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}: ", quote_string(k));
                go(x, d, out);
            }
            out.push('}');
        }
        ExprKind::ExtCall(f, args) => {
            let is_method = crate::ext::lookup(f).is_some_and(|x| x.style == crate::ext::CallStyle::Method);
            if is_method && !args.is_empty() {
                let rest: Vec<&Expr> = args[1..].iter().collect();
                method(&args[0], f, &rest, d, out)
            } else {
                out.push_str(f);
                out.push('(');
                for (i, x) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    go(x, d, out);
                }
                out.push(')');
            }
        }
    }
}

fn is_plain(k: &str) -> bool {
    let mut c = k.chars();
    matches!(c.next(), Some(f) if f == '_' || f.is_ascii_alphabetic())
        && c.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn attr(k: &str, out: &mut String) {
    if is_plain(k) {
        let _ = write!(out, ".{k}");
    } else {
        let _ = write!(out, "[{}]", quote_string(k));
    }
}

fn atomic(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Lit(_)
            | ExprKind::Var(_)
            | ExprKind::Slot(_)
            | ExprKind::GetAttr(..)
            | ExprKind::Set(_)
            | ExprKind::Record(_)
            | ExprKind::ExtCall(..)
    )
}

fn paren(e: &Expr, d: usize, out: &mut String) {
    if atomic(e) {
        go(e, d, out)
    } else {
        out.push('(');
        go(e, d, out);
        out.push(')');
    }
}

fn bin(a: &Expr, sym: &str, b: &Expr, d: usize, out: &mut String) {
    paren(a, d, out);
    let _ = write!(out, " {sym} ");
    paren(b, d, out);
}

fn method(recv: &Expr, name: &str, args: &[&Expr], d: usize, out: &mut String) {
    paren(recv, d, out);
    let _ = write!(out, ".{name}(");
    for (i, x) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        go(x, d, out);
    }
    out.push(')');
}
