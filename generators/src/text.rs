//! A second writer of Cedar policy text, independent of the engine's printer.
//!
//! The engine's printer (`engine::printer`) writes one canonical layout, so
//! when it is the only writer of the text our parser reads, a parser bug on
//! anything the printer never writes goes unseen, and a printer bug can hide
//! a matching parser bug. This writer prints the same syntax tree with
//! choices drawn from a `Choices` source (so a case is reproducible from its
//! seed):
//! * layout: spaces, tabs, `\n`, `\r\n` and `//` comments between any two
//!   tokens (including inside type paths, `- 5` runs and annotations);
//! * redundant parentheses around any sub-expression and scope operand;
//! * every string escape the grammar accepts (`\n \r \t \0 \' \" \\`,
//!   `\xHH` up to 0x7f, `\u{…}` with 1–6 digits, leading zeros and `_`),
//!   raw tabs and newlines inside strings, and `\x2a` / `\u{2a}` for a `like`
//!   wildcard;
//! * equal spellings: `has "a"` and `["a"]` for plain names, quoted record
//!   keys, any record-field and annotation order (both are maps), trailing
//!   commas, leading zeros in integers, `action in A` / `action in [A]`;
//! * from the desugared tree, any sugar that the parser desugars back to the
//!   very same tree: `a != b` / `!(a == b)`, `a > b` / `!(a <= b)`,
//!   `a >= b` / `!(a < b)`, `x is T in y` for `x is T && x in y`,
//!   `e has a.b` for `e has a && e.a has b`, prefix runs `!!x`, `--x`, and
//!   `--5` for `-(-5)`.
//!
//! No rewrite changes the tree (so evaluation order and errors are
//! untouched): the text parses to a policy set equal to the input, which
//! `policy-text-roundtrip` checks.

use crate::Choices;
use engine::ast::*;
use engine::ext::{self, CallStyle};
use engine::parser::is_plain_ident;

/// All policies and templates of `ps` in order, as varied Cedar text (links
/// are not expressible in text).
pub fn policy_set_text<C: Choices>(ps: &PolicySet, c: &mut C) -> String {
    let mut w = Writer::new(c);
    for p in &ps.policies {
        w.policy(p);
    }
    w.finish()
}

/// One expression as varied Cedar text.
pub fn expr_text<C: Choices>(e: &Expr, c: &mut C) -> String {
    let mut w = Writer::new(c);
    w.expr(e, Level::Expr);
    w.finish()
}

/// Grammar levels, loosest first (docs/semantics.md §2.4). Our own copy of
/// the grammar's order, not the engine's `parser::Level`: this writer must
/// not share the printer's precedence decisions, or their bugs would cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Expr,
    Or,
    And,
    Relation,
    Add,
    Mult,
    Unary,
    Member,
    Primary,
}

/// How one node is spelled (chosen once per node, before its level is known).
enum Form<'e> {
    /// The node as its own constructor.
    Plain,
    /// `a != b`, `a >= b`, `a > b` for `!(a == b)`, `!(a < b)`, `!(a <= b)`.
    NegRel(&'static str, &'e Expr, &'e Expr),
    /// `x is T in y` for `x is T && x in y`.
    IsIn(&'e Expr, &'e EntityType, &'e Expr),
    /// `e has a.b.c` for the parser's chain of one-step `has`.
    HasPath(&'e Expr, Vec<&'e str>),
    /// A run of `n` equal prefix operators over `operand`.
    Prefix(UnaryOp, usize, &'e Expr),
    /// `n` minus signs then the digits of `abs`: `n - 1` negations of the
    /// negative literal `-abs` (the parser folds one `-` into the literal).
    NegLiteralRun(usize, u64),
}

struct Writer<'c, C: Choices> {
    c: &'c mut C,
    out: String,
    /// Out of 16: how often a gap between tokens is more than the minimum.
    gap_rate: usize,
    /// Out of 32: how often a sub-expression gets redundant parentheses.
    paren_rate: usize,
    /// Out of 8: how often a string is written with varied escapes.
    escape_rate: usize,
}

fn is_word(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// Characters comments are made of: quotes, backslashes, stars, slashes and
/// braces must all be ignored inside a comment; never `\n` or `\r` (they end it).
const COMMENT_CHARS: &[char] = &['a', 'Z', '0', ' ', '"', '\\', '*', '/', '@', ';', '}', '(', 'é', '∀', '\t', '?'];

impl<'c, C: Choices> Writer<'c, C> {
    fn new(c: &'c mut C) -> Self {
        let gap_rate = *c.pick(&[0, 2, 6, 12]);
        let paren_rate = *c.pick(&[0, 1, 3]);
        let escape_rate = *c.pick(&[0, 2, 5]);
        Writer { c, out: String::new(), gap_rate, paren_rate, escape_rate }
    }

    fn finish(mut self) -> String {
        // Trailing layout, sometimes a comment without a final newline.
        if self.c.below(16) < self.gap_rate {
            if self.c.below(2) == 0 {
                self.out.push('\n');
            }
            if self.c.below(3) == 0 {
                self.out.push_str("// end");
            }
        }
        self.out
    }

    /// Layout before the next token, which starts with `next`.
    fn gap(&mut self, next: char) {
        let needs_space = self.out.chars().next_back().is_some_and(is_word) && is_word(next);
        if self.c.below(16) < self.gap_rate {
            for _ in 0..self.c.range(1, 3) {
                match self.c.below(6) {
                    0 => self.out.push(' '),
                    1 => self.out.push('\t'),
                    2 => self.out.push('\n'),
                    3 => self.out.push_str("\r\n"),
                    4 => self.out.push_str("    "),
                    _ => self.comment(),
                }
            }
        } else if needs_space || (!self.out.is_empty() && self.c.below(3) == 0) {
            self.out.push(' ');
        }
    }

    fn comment(&mut self) {
        self.out.push_str("//");
        for _ in 0..self.c.below(12) {
            let ch = *self.c.pick(COMMENT_CHARS);
            self.out.push(ch);
        }
        self.out.push_str(if self.c.below(4) == 0 { "\r\n" } else { "\n" });
    }

    /// One token (never empty).
    fn tok(&mut self, t: &str) {
        self.gap(t.chars().next().expect("tokens are not empty"));
        self.out.push_str(t);
    }

    fn chance(&mut self, out_of_16: usize) -> bool {
        self.c.below(16) < out_of_16
    }

    // ----- literals -------------------------------------------------------

    /// The digits of `n`, sometimes with leading zeros.
    fn digits(&mut self, n: u64) {
        let zeros = if self.chance(1) { self.c.range(1, 2) } else { 0 };
        self.tok(&format!("{}{n}", "0".repeat(zeros)));
    }

    fn long(&mut self, n: i64) {
        if n < 0 {
            self.tok("-");
        }
        self.digits(n.unsigned_abs());
    }

    /// A string literal.
    fn string(&mut self, s: &str) {
        let varied = self.c.below(8) < self.escape_rate;
        let mut raw = String::from("\"");
        for ch in s.chars() {
            self.char_text(ch, varied, &mut raw);
        }
        raw.push('"');
        self.tok(&raw);
    }

    fn pattern(&mut self, p: &Pattern) {
        let varied = self.c.below(8) < self.escape_rate;
        let mut raw = String::from("\"");
        for el in &p.0 {
            match el {
                PatternElem::Wildcard if varied && self.chance(4) => self.escape_code('*', &mut raw),
                PatternElem::Wildcard => raw.push('*'),
                // Only `\*` is a literal star: every other spelling of `*`
                // decodes to a wildcard.
                PatternElem::Char('*') => raw.push_str("\\*"),
                PatternElem::Char(ch) => self.char_text(*ch, varied, &mut raw),
            }
        }
        raw.push('"');
        self.tok(&raw);
    }

    /// One character inside a string literal.
    fn char_text(&mut self, ch: char, varied: bool, out: &mut String) {
        let named = match ch {
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\0' => Some("\\0"),
            '\\' => Some("\\\\"),
            '"' => Some("\\\""),
            '\'' => Some("\\'"),
            _ => None,
        };
        // A raw character is fine except `"`, `\` and a carriage return
        // (Cedar, like Rust, refuses a bare CR inside a string).
        let raw_ok = !matches!(ch, '"' | '\\' | '\r');
        if !varied {
            match named {
                Some(n) if ch != '\'' => out.push_str(n),
                _ if ch.is_control() && raw_ok && ch != '\n' && ch != '\t' => self.unicode_escape(ch, out),
                _ => out.push(ch),
            }
            return;
        }
        match self.c.below(4) {
            0 if raw_ok => out.push(ch),
            1 if named.is_some() => out.push_str(named.expect("checked")),
            _ if !raw_ok || named.is_some() || self.chance(6) => self.escape_code(ch, out),
            _ => out.push(ch),
        }
    }

    /// `\xHH` (for ASCII) or `\u{…}`.
    fn escape_code(&mut self, ch: char, out: &mut String) {
        if (ch as u32) < 0x80 && self.c.below(2) == 0 {
            let v = ch as u32;
            out.push_str(&if self.c.below(2) == 0 { format!("\\x{v:02x}") } else { format!("\\x{v:02X}") });
        } else {
            self.unicode_escape(ch, out);
        }
    }

    /// `\u{…}`: 1–6 hex digits in either case, leading zeros, and `_`
    /// separators anywhere after the first digit.
    fn unicode_escape(&mut self, ch: char, out: &mut String) {
        let hex = if self.c.below(2) == 0 { format!("{:x}", ch as u32) } else { format!("{:X}", ch as u32) };
        let pad = self.c.range(0, 6 - hex.len());
        let digits = format!("{}{hex}", "0".repeat(pad));
        out.push_str("\\u{");
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && self.chance(2) {
                out.push('_');
            }
            out.push(d);
        }
        if self.chance(1) {
            out.push('_');
        }
        out.push('}');
    }

    fn type_path(&mut self, t: &EntityType) {
        for (i, part) in t.components().enumerate() {
            if i > 0 {
                self.tok("::");
            }
            self.tok(part);
        }
    }

    fn uid(&mut self, u: &EntityUid) {
        self.type_path(&u.ty);
        self.tok("::");
        self.string(&u.id);
    }

    /// An attribute name, record key or `has` operand: bare when it can be,
    /// else (or sometimes anyway) a string literal.
    fn name(&mut self, s: &str) {
        if is_plain_ident(s) && self.c.below(4) != 0 {
            self.tok(s);
        } else {
            self.string(s);
        }
    }

    /// `(` … `)` around `body`, `layers` times.
    fn parens(&mut self, layers: usize, body: impl FnOnce(&mut Self)) {
        for _ in 0..layers {
            self.tok("(");
        }
        body(self);
        for _ in 0..layers {
            self.tok(")");
        }
    }

    /// Redundant parentheses: 0 mostly, sometimes 1, rarely 2.
    fn extra_parens(&mut self) -> usize {
        if self.c.below(32) >= self.paren_rate {
            0
        } else if self.c.below(4) == 0 {
            2
        } else {
            1
        }
    }

    fn trailing_comma(&mut self) {
        if self.chance(2) {
            self.tok(",");
        }
    }

    // ----- policies -------------------------------------------------------

    fn policy(&mut self, p: &Policy) {
        // Annotations are a map: any order parses to the same policy.
        let mut anns: Vec<(&String, &Option<String>)> = p.annotations.iter().collect();
        shuffle(self.c, &mut anns);
        for (k, v) in anns {
            self.tok("@");
            self.tok(k);
            if let Some(v) = v {
                self.tok("(");
                self.string(v);
                self.tok(")");
            }
        }
        self.tok(match p.effect {
            Effect::Permit => "permit",
            Effect::Forbid => "forbid",
        });
        self.tok("(");
        self.scope(Var::Principal, &p.principal);
        self.tok(",");
        self.action_scope(&p.action);
        self.tok(",");
        self.scope(Var::Resource, &p.resource);
        self.tok(")");
        for cond in &p.conditions {
            self.tok(match cond.kind {
                ConditionKind::When => "when",
                ConditionKind::Unless => "unless",
            });
            self.tok("{");
            self.expr(&cond.body, Level::Expr);
            self.tok("}");
        }
        self.tok(";");
    }

    fn scope_operand(&mut self, o: &EntityOrSlot) {
        let layers = self.extra_parens();
        self.parens(layers, |w| match o {
            EntityOrSlot::Entity(u) => w.uid(u),
            EntityOrSlot::Slot(s) => w.tok(s.name()),
        });
    }

    fn scope(&mut self, var: Var, c: &ScopeConstraint) {
        self.tok(var.name());
        match c {
            ScopeConstraint::Any => {}
            ScopeConstraint::Eq(o) => {
                self.tok("==");
                self.scope_operand(o);
            }
            ScopeConstraint::In(o) => {
                self.tok("in");
                self.scope_operand(o);
            }
            ScopeConstraint::Is(t) => {
                self.tok("is");
                self.type_path(t);
            }
            ScopeConstraint::IsIn(t, o) => {
                self.tok("is");
                self.type_path(t);
                self.tok("in");
                self.scope_operand(o);
            }
        }
    }

    fn action_scope(&mut self, c: &ActionConstraint) {
        self.tok("action");
        match c {
            ActionConstraint::Any => {}
            ActionConstraint::Eq(u) => {
                self.tok("==");
                let layers = self.extra_parens();
                self.parens(layers, |w| w.uid(u));
            }
            ActionConstraint::In(us) => {
                self.tok("in");
                let layers = self.extra_parens();
                // `action in A` and `action in [A]` are the same constraint.
                let bare = us.len() == 1 && self.c.below(2) == 0;
                self.parens(layers, |w| {
                    if bare {
                        w.uid(&us[0]);
                        return;
                    }
                    w.tok("[");
                    for (i, u) in us.iter().enumerate() {
                        if i > 0 {
                            w.tok(",");
                        }
                        w.uid(u);
                    }
                    if !us.is_empty() {
                        w.trailing_comma();
                    }
                    w.tok("]");
                });
            }
        }
    }

    // ----- expressions ----------------------------------------------------

    /// `e` where the grammar expects `need`: parenthesised when its spelling
    /// binds more loosely, and sometimes anyway.
    fn expr(&mut self, e: &Expr, need: Level) {
        let form = self.form(e);
        let layers = if level(e, &form) < need { 1 } else { 0 } + self.extra_parens();
        self.parens(layers, |w| w.bare(e, form));
    }

    fn form<'e>(&mut self, e: &'e Expr) -> Form<'e> {
        if let Some((sym, a, b)) = negated_relation(e) {
            if self.c.below(3) != 0 {
                return Form::NegRel(sym, a, b);
            }
        }
        if let ExprKind::And(l, r) = &e.kind {
            if let (ExprKind::Is(x, t), ExprKind::Binary(BinaryOp::In, x2, y)) = (&l.kind, &r.kind) {
                if x == x2 && self.c.below(2) == 0 {
                    return Form::IsIn(x, t, y);
                }
            }
            if let Some((base, path)) = has_path(e) {
                if path.iter().all(|a| is_plain_ident(a)) && self.c.below(2) == 0 {
                    return Form::HasPath(base, path);
                }
            }
        }
        if let ExprKind::Unary(op @ (UnaryOp::Not | UnaryOp::Neg), _) = &e.kind {
            // The longest run of `op` (at most four, the grammar's limit).
            let mut run = 0;
            let mut inner = e;
            while let ExprKind::Unary(o, x) = &inner.kind {
                if o != op || run == 4 {
                    break;
                }
                run += 1;
                inner = x;
            }
            let n = self.c.range(1, run);
            let mut operand = e;
            for _ in 0..n {
                if let ExprKind::Unary(_, x) = &operand.kind {
                    operand = x;
                }
            }
            if *op == UnaryOp::Neg {
                if let ExprKind::Lit(Literal::Long(v)) = operand.kind {
                    if v < 0 && n < 4 && self.c.below(2) == 0 {
                        return Form::NegLiteralRun(n + 1, v.unsigned_abs());
                    }
                }
            }
            return Form::Prefix(*op, n, operand);
        }
        Form::Plain
    }

    fn bare(&mut self, e: &Expr, form: Form<'_>) {
        match form {
            Form::NegRel(sym, a, b) => {
                self.expr(a, Level::Add);
                self.tok(sym);
                self.expr(b, Level::Add);
            }
            Form::IsIn(x, t, y) => {
                self.expr(x, Level::Add);
                self.tok("is");
                self.type_path(t);
                self.tok("in");
                self.expr(y, Level::Add);
            }
            Form::HasPath(base, path) => {
                self.expr(base, Level::Add);
                self.tok("has");
                for (i, a) in path.iter().enumerate() {
                    if i > 0 {
                        self.tok(".");
                    }
                    self.tok(a);
                }
            }
            Form::Prefix(op, n, operand) => {
                let sym = if op == UnaryOp::Not { "!" } else { "-" };
                for _ in 0..n {
                    self.tok(sym);
                }
                // An integer literal right after a `-` run would be folded
                // into a negative literal: parenthesise it.
                let folds = op == UnaryOp::Neg && matches!(operand.kind, ExprKind::Lit(Literal::Long(_)));
                if folds {
                    let form = self.form(operand);
                    self.parens(1, |w| w.bare(operand, form));
                } else {
                    self.expr(operand, Level::Member);
                }
            }
            Form::NegLiteralRun(n, abs) => {
                for _ in 0..n {
                    self.tok("-");
                }
                self.digits(abs);
            }
            Form::Plain => self.plain(e),
        }
    }

    fn plain(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Lit(Literal::Bool(b)) => self.tok(if *b { "true" } else { "false" }),
            ExprKind::Lit(Literal::Long(n)) => self.long(*n),
            ExprKind::Lit(Literal::String(s)) => self.string(s),
            ExprKind::Lit(Literal::EntityUid(u)) => self.uid(u),
            ExprKind::Var(v) => self.tok(v.name()),
            ExprKind::Slot(s) => self.tok(s.name()),
            ExprKind::If { cond, then_expr, else_expr } => {
                self.tok("if");
                self.expr(cond, Level::Expr);
                self.tok("then");
                self.expr(then_expr, Level::Expr);
                self.tok("else");
                self.expr(else_expr, Level::Expr);
            }
            ExprKind::Or(a, b) => {
                self.expr(a, Level::Or);
                self.tok("||");
                self.expr(b, Level::And);
            }
            ExprKind::And(a, b) => {
                self.expr(a, Level::And);
                self.tok("&&");
                self.expr(b, Level::Relation);
            }
            ExprKind::Unary(UnaryOp::IsEmpty, a) => {
                self.expr(a, Level::Member);
                self.tok(".");
                self.tok("isEmpty");
                self.tok("(");
                self.tok(")");
            }
            ExprKind::Unary(op, a) => {
                // Reached only through `form`'s `Prefix`; kept total.
                let form = Form::Prefix(*op, 1, a);
                self.bare(e, form);
            }
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
                        self.expr(a, la);
                        self.tok(sym);
                        self.expr(b, lb);
                    }
                    None => {
                        self.expr(a, Level::Member);
                        self.tok(".");
                        self.tok(op.name());
                        self.args(std::slice::from_ref(b.as_ref()));
                    }
                }
            }
            ExprKind::GetAttr(a, attr) => {
                self.expr(a, Level::Member);
                if is_plain_ident(attr) && self.c.below(4) != 0 {
                    self.tok(".");
                    self.tok(attr);
                } else {
                    self.tok("[");
                    self.string(attr);
                    self.tok("]");
                }
            }
            ExprKind::HasAttr(a, attr) => {
                self.expr(a, Level::Add);
                self.tok("has");
                self.name(attr);
            }
            ExprKind::Like(a, p) => {
                self.expr(a, Level::Add);
                self.tok("like");
                self.pattern(p);
            }
            ExprKind::Is(a, t) => {
                self.expr(a, Level::Add);
                self.tok("is");
                self.type_path(t);
            }
            ExprKind::Set(items) => {
                self.tok("[");
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.expr(x, Level::Expr);
                }
                if !items.is_empty() {
                    self.trailing_comma();
                }
                self.tok("]");
            }
            ExprKind::Record(fields) => {
                // A record literal is a map: any field order is the same record.
                let mut fs: Vec<(&String, &Expr)> = fields.iter().collect();
                shuffle(self.c, &mut fs);
                self.tok("{");
                for (i, (k, v)) in fs.iter().enumerate() {
                    if i > 0 {
                        self.tok(",");
                    }
                    self.name(k);
                    self.tok(":");
                    self.expr(v, Level::Expr);
                }
                if !fs.is_empty() {
                    self.trailing_comma();
                }
                self.tok("}");
            }
            ExprKind::ExtCall(name, args) => {
                if is_method_call(name, args) {
                    self.expr(&args[0], Level::Member);
                    self.tok(".");
                    self.tok(name);
                    self.args(&args[1..]);
                } else {
                    self.tok(name);
                    self.args(args);
                }
            }
        }
    }

    fn args(&mut self, args: &[Expr]) {
        self.tok("(");
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.tok(",");
            }
            self.expr(a, Level::Expr);
        }
        if !args.is_empty() {
            self.trailing_comma();
        }
        self.tok(")");
    }
}

fn is_method_call(name: &str, args: &[Expr]) -> bool {
    matches!(ext::lookup(name), Some(f) if f.style == CallStyle::Method) && !args.is_empty()
}

/// The level a node's chosen spelling sits at.
fn level(e: &Expr, form: &Form<'_>) -> Level {
    match form {
        Form::NegRel(..) | Form::IsIn(..) | Form::HasPath(..) => Level::Relation,
        Form::Prefix(..) | Form::NegLiteralRun(..) => Level::Unary,
        Form::Plain => match &e.kind {
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
            ExprKind::Unary(UnaryOp::IsEmpty, _) | ExprKind::Binary(..) | ExprKind::GetAttr(..) => Level::Member,
            ExprKind::ExtCall(name, args) if is_method_call(name, args) => Level::Member,
            _ => Level::Primary,
        },
    }
}

/// `!(a == b)`, `!(a < b)`, `!(a <= b)`: what `a != b`, `a >= b`, `a > b` desugar to.
fn negated_relation(e: &Expr) -> Option<(&'static str, &Expr, &Expr)> {
    let ExprKind::Unary(UnaryOp::Not, inner) = &e.kind else { return None };
    match &inner.kind {
        ExprKind::Binary(BinaryOp::Eq, a, b) => Some(("!=", a, b)),
        ExprKind::Binary(BinaryOp::Less, a, b) => Some((">=", a, b)),
        ExprKind::Binary(BinaryOp::LessEq, a, b) => Some((">", a, b)),
        _ => None,
    }
}

/// The base and path of a `has` chain as the parser builds it for
/// `e has a.b.c`: `(e has a && e.a has b) && e.a.b has c`.
fn has_path(e: &Expr) -> Option<(&Expr, Vec<&str>)> {
    match &e.kind {
        ExprKind::HasAttr(base, a) => Some((base, vec![a.as_str()])),
        ExprKind::And(l, r) => {
            let ExprKind::HasAttr(step_base, attr) = &r.kind else { return None };
            let (base, mut path) = has_path(l)?;
            // `step_base` must be `base.path[0]…path[n-1]`.
            let mut g = step_base.as_ref();
            for a in path.iter().rev() {
                match &g.kind {
                    ExprKind::GetAttr(inner, x) if x == a => g = inner,
                    _ => return None,
                }
            }
            if g != base {
                return None;
            }
            path.push(attr);
            Some((base, path))
        }
        _ => None,
    }
}

/// Fisher–Yates with choices from `c`.
fn shuffle<C: Choices, T>(c: &mut C, xs: &mut [T]) {
    for i in (1..xs.len()).rev() {
        let j = c.below(i + 1);
        xs.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededSource;
    use engine::parser::{parse_expr, parse_policy_set};

    /// Every seed's text of `src` parses back to the same tree.
    fn round_trips(src: &str) {
        let ps = parse_policy_set(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        for seed in 0..300 {
            let t = policy_set_text(&ps, &mut SeededSource::new(seed));
            let back = parse_policy_set(&t).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{t}"));
            assert_eq!(back, ps, "seed {seed}:\n{t}");
        }
    }

    #[test]
    fn policies_round_trip() {
        round_trips(
            r#"@id("a\"b") @adv permit(principal == User::"al\\ice", action in [Action::"r", NS::Action::"w"], resource is NS::Doc in Folder::"f");
               forbid(principal is User, action == Action::"x", resource in Doc::"d") when { context.a != 1 } unless { !(context.b > -5) };
               permit(principal in ?principal, action in Action::"r", resource == ?resource) when { principal has a.b.c && principal.a.b.c like "x*\*y" };
               permit(principal, action, resource) when { if context has "q r" then {"if": -9223372036854775808, b: [1, -(5), --5, -(-(-5))]} has "if" else !!!!false };
               permit(principal, action, resource) when { principal is User in Group::"g" && (1 + 2) * -3 - 4 >= 0 };
               permit(principal, action, resource) when { ip("10.0.0.1").isInRange(ip("10.0.0.0/8")) && decimal("1.5").lessThan(decimal("2.0")) };
               permit(principal, action, resource) when { [1, 2].containsAll([]) || principal.getTag("t\u{e9}\n") == resource.hasTag("\t\0'") || [].isEmpty() };"#,
        );
    }

    #[test]
    fn expressions_round_trip() {
        for src in ["-5", "--5", "- - - -5", "-(5).a", "!(-5)", "context[\"a b\"] has \"\u{1F600}\"", "1 - -1"] {
            let e = parse_expr(src).unwrap_or_else(|err| panic!("{src}: {err}"));
            for seed in 0..200 {
                let t = expr_text(&e, &mut SeededSource::new(seed));
                let back = parse_expr(&t).unwrap_or_else(|err| panic!("{src}, seed {seed}: {err}\n{t}"));
                assert_eq!(back, e, "{src}, seed {seed}:\n{t}");
            }
        }
    }

    #[test]
    fn texts_vary() {
        let ps = parse_policy_set(r#"permit(principal, action, resource) when { context.a != "x\ny" };"#).unwrap();
        let texts: std::collections::BTreeSet<String> =
            (0..100).map(|s| policy_set_text(&ps, &mut SeededSource::new(s))).collect();
        assert!(texts.len() > 50, "only {} distinct texts", texts.len());
        let all = texts.into_iter().collect::<Vec<_>>().join("\n");
        for needle in ["//", "!(", "!=", "\\u{", "\\x", "[\"a\"]", "\t"] {
            assert!(all.contains(needle), "no text contains {needle:?}");
        }
    }
}
