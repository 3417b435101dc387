//! Print a few generated inputs in a rough Cedar-like syntax (for eyeballing
//! generator output before the engine's printer exists).
use engine::ast::*;

fn e(x: &Expr) -> String {
    match &x.kind {
        ExprKind::Lit(Literal::Bool(b)) => b.to_string(),
        ExprKind::Lit(Literal::Long(i)) => i.to_string(),
        ExprKind::Lit(Literal::String(s)) => quote_string(s),
        ExprKind::Lit(Literal::EntityUid(u)) => u.to_string(),
        ExprKind::Var(v) => v.name().into(),
        ExprKind::Slot(s) => s.name().into(),
        ExprKind::If { cond, then_expr, else_expr } => format!("(if {} then {} else {})", e(cond), e(then_expr), e(else_expr)),
        ExprKind::And(a, b) => format!("({} && {})", e(a), e(b)),
        ExprKind::Or(a, b) => format!("({} || {})", e(a), e(b)),
        ExprKind::Unary(UnaryOp::Not, a) => format!("!{}", e(a)),
        ExprKind::Unary(UnaryOp::Neg, a) => format!("-({})", e(a)),
        ExprKind::Unary(UnaryOp::IsEmpty, a) => format!("{}.isEmpty()", e(a)),
        ExprKind::Binary(op, a, b) => match op {
            BinaryOp::Eq => format!("({} == {})", e(a), e(b)),
            BinaryOp::Less => format!("({} < {})", e(a), e(b)),
            BinaryOp::LessEq => format!("({} <= {})", e(a), e(b)),
            BinaryOp::Add => format!("({} + {})", e(a), e(b)),
            BinaryOp::Sub => format!("({} - {})", e(a), e(b)),
            BinaryOp::Mul => format!("({} * {})", e(a), e(b)),
            BinaryOp::In => format!("({} in {})", e(a), e(b)),
            BinaryOp::Contains => format!("{}.contains({})", e(a), e(b)),
            BinaryOp::ContainsAll => format!("{}.containsAll({})", e(a), e(b)),
            BinaryOp::ContainsAny => format!("{}.containsAny({})", e(a), e(b)),
            BinaryOp::HasTag => format!("{}.hasTag({})", e(a), e(b)),
            BinaryOp::GetTag => format!("{}.getTag({})", e(a), e(b)),
        },
        ExprKind::GetAttr(a, k) => format!("{}[{}]", e(a), quote_string(k)),
        ExprKind::HasAttr(a, k) => format!("({} has {})", e(a), quote_string(k)),
        ExprKind::Like(a, p) => {
            let s: String = p.0.iter().map(|c| match c { PatternElem::Wildcard => "*".to_string(), PatternElem::Char('*') => "\\*".into(), PatternElem::Char(c) => c.to_string() }).collect();
            format!("({} like \"{}\")", e(a), s)
        }
        ExprKind::Is(a, t) => format!("({} is {})", e(a), t),
        ExprKind::Set(xs) => format!("[{}]", xs.iter().map(e).collect::<Vec<_>>().join(", ")),
        ExprKind::Record(m) => format!("{{{}}}", m.iter().map(|(k, v)| format!("{}: {}", quote_string(k), e(v))).collect::<Vec<_>>().join(", ")),
        ExprKind::ExtCall(f, args) => format!("{}({})", f, args.iter().map(e).collect::<Vec<_>>().join(", ")),
    }
}

fn main() {
    let mode: generators::Mode = std::env::args().nth(1).unwrap_or("typed".into()).parse().unwrap();
    let seed: u64 = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let s = generators::Settings::from_env().unwrap();
    let i = generators::from_seed(seed, &s, mode);
    if let Some(sc) = &i.schema {
        for (t, d) in &sc.entity_types { println!("entity {t} in {:?} attrs {:?} tags {:?} enum {:?}", d.member_of_types.iter().map(|x| x.to_string()).collect::<Vec<_>>(), d.attrs.attrs.iter().map(|(k, a)| format!("{k}{}: {:?}", if a.required {""} else {"?"}, a.ty)).collect::<Vec<_>>(), d.tags, d.enum_ids); }
        for (a, d) in &sc.actions { println!("action {a} in {:?} appliesTo {:?}", d.member_of.iter().map(|x| x.to_string()).collect::<Vec<_>>(), d.applies_to.as_ref().map(|x| (x.principal_types.iter().map(|t| t.to_string()).collect::<Vec<_>>(), x.resource_types.iter().map(|t| t.to_string()).collect::<Vec<_>>(), x.context.attrs.keys().collect::<Vec<_>>()))); }
    }
    let mut es: Vec<_> = i.entities.map.values().collect();
    es.sort_by(|a, b| a.uid.cmp(&b.uid));
    for x in es { println!("{} parents {:?} attrs {:?} tags {:?}", x.uid, x.parents.iter().map(|p| p.to_string()).collect::<Vec<_>>(), x.attrs, x.tags); }
    for p in &i.policies.policies {
        let sc = |c: &ScopeConstraint| format!("{c:?}");
        println!("\n{:?} {} ({}, {:?}, {})", p.effect, p.id, sc(&p.principal), p.action, sc(&p.resource));
        for c in &p.conditions { println!("  {:?} {{ {} }}", c.kind, e(&c.body)); }
    }
    for l in &i.policies.links { println!("link {} of {} = {:?}", l.new_id, l.template_id, l.values); }
    for r in &i.requests { println!("request {} {} {} {:?}", r.principal, r.action, r.resource, r.context); }
}
