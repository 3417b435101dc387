//! Reader for the Cedar schema syntax (`.cedarschema`, docs/semantics.md §8.1).
//! A recursive-descent parser producing the unresolved `raw` form; names are
//! resolved afterwards by `raw::resolve`.

use super::error::{SchemaError, Where};
use super::lexer::{lex, Tok, Token};
use super::raw::*;
use crate::ast::Loc;
use std::collections::BTreeSet;

/// Words that may not be used as identifiers (docs/semantics.md §2.1, §8.1).
const RESERVED: &[&str] = &["true", "false", "if", "then", "else", "in", "is", "has", "like"];

pub(crate) fn parse(src: &str) -> Result<Vec<RawNamespace>, SchemaError> {
    let toks = lex(src)?;
    let mut p = Parser { toks, pos: 0, depth: 0 };
    p.schema()
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

type R<T> = Result<T, SchemaError>;

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Str(s) => format!("string {}", crate::ast::quote_string(s)),
        Tok::Punct(p) => format!("`{p}`"),
        Tok::Eof => "end of input".into(),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }
    fn peek_at(&self, k: usize) -> &Tok {
        &self.toks[(self.pos + k).min(self.toks.len() - 1)].tok
    }
    fn loc(&self) -> Loc {
        self.toks[self.pos].loc
    }
    fn here(&self) -> Where {
        Where::Loc(self.loc())
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn err<T>(&self, msg: impl Into<String>) -> R<T> {
        Err(SchemaError::new(self.here(), msg))
    }
    fn unexpected<T>(&self, wanted: &str) -> R<T> {
        self.err(format!("expected {wanted}, found {}", describe(self.peek())))
    }
    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }
    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn expect_punct(&mut self, p: &str) -> R<()> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            self.unexpected(&format!("`{p}`"))
        }
    }
    /// An unreserved identifier.
    fn ident(&mut self) -> R<(String, Where)> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                if RESERVED.contains(&s.as_str()) {
                    return self.err(format!("`{s}` is a reserved word and cannot be used as an identifier"));
                }
                let at = self.here();
                self.bump();
                Ok((s, at))
            }
            _ => self.unexpected("an identifier"),
        }
    }
    /// `Ident { '::' Ident }`, joined.
    fn path(&mut self) -> R<(String, Where)> {
        let (mut s, at) = self.ident()?;
        while self.is_punct("::") && matches!(self.peek_at(1), Tok::Ident(_)) {
            self.bump();
            let (n, _) = self.ident()?;
            s.push_str("::");
            s.push_str(&n);
        }
        Ok((s, at))
    }
    /// Annotations are accepted and checked (no duplicate keys) but not kept.
    /// Returns whether there were any.
    fn annotations(&mut self) -> R<bool> {
        let mut keys = BTreeSet::new();
        while self.is_punct("@") {
            self.bump();
            let at = self.here();
            let key = match self.bump().tok {
                Tok::Ident(s) => s,
                t => return Err(SchemaError::new(at, format!("expected an annotation name, found {}", describe(&t)))),
            };
            if !keys.insert(key.clone()) {
                return Err(SchemaError::new(at, format!("duplicate annotation `@{key}`")));
            }
            if self.eat_punct("(") {
                match self.bump().tok {
                    Tok::Str(_) => {}
                    _ => return Err(SchemaError::new(at, "an annotation value must be a string literal")),
                }
                self.expect_punct(")")?;
            }
        }
        Ok(!keys.is_empty())
    }

    fn dangling<T>(&self) -> R<T> {
        self.err("an annotation must be followed by a declaration")
    }

    fn schema(&mut self) -> R<Vec<RawNamespace>> {
        let mut top = RawNamespace {
            name: String::new(),
            at: Where::Loc(Loc { line: 1, col: 1 }),
            entities: vec![],
            actions: vec![],
            commons: vec![],
        };
        let mut named: Vec<RawNamespace> = Vec::new();
        loop {
            let annotated = self.annotations()?;
            if matches!(self.peek(), Tok::Eof) {
                if annotated {
                    return self.dangling();
                }
                break;
            }
            if self.is_word("namespace") {
                let at = self.here();
                self.bump();
                let (name, _) = self.path()?;
                self.expect_punct("{")?;
                let mut ns = RawNamespace { name, at, entities: vec![], actions: vec![], commons: vec![] };
                loop {
                    let annotated = self.annotations()?;
                    if self.is_punct("}") {
                        if annotated {
                            return self.dangling();
                        }
                        self.bump();
                        break;
                    }
                    self.decl(&mut ns)?;
                }
                named.push(ns);
            } else {
                self.decl(&mut top)?;
            }
        }
        let mut out = Vec::new();
        if !(top.entities.is_empty() && top.actions.is_empty() && top.commons.is_empty()) {
            out.push(top);
        }
        out.extend(named);
        Ok(out)
    }

    fn decl(&mut self, ns: &mut RawNamespace) -> R<()> {
        if self.is_word("entity") {
            self.bump();
            self.entity(ns)
        } else if self.is_word("action") {
            self.bump();
            self.action(ns)
        } else if self.is_word("type") {
            self.bump();
            let (name, at) = self.ident()?;
            self.expect_punct("=")?;
            let ty = self.ty()?;
            self.expect_punct(";")?;
            ns.commons.push(RawCommon { name, at, ty });
            Ok(())
        } else {
            self.unexpected("`entity`, `action`, `type` or `namespace`")
        }
    }

    fn entity(&mut self, ns: &mut RawNamespace) -> R<()> {
        let mut names = vec![self.ident()?];
        while self.eat_punct(",") {
            names.push(self.ident()?);
        }
        let (mut parents, mut shape, mut tags, mut enum_ids) = (Vec::new(), None, None, None);
        if self.is_word("enum") && matches!(self.peek_at(1), Tok::Punct("[")) {
            self.bump();
            self.bump();
            let mut ids = Vec::new();
            loop {
                match self.peek().clone() {
                    Tok::Str(s) => {
                        self.bump();
                        ids.push(s);
                    }
                    _ => return self.unexpected("a string (enum entity id)"),
                }
                if !self.eat_punct(",") {
                    break;
                }
            }
            self.expect_punct("]")?;
            enum_ids = Some(ids);
        } else {
            if self.is_word("in") {
                self.bump();
                parents = self.ent_types()?;
            }
            if self.eat_punct("=") {
                if !self.is_punct("{") {
                    return self.unexpected("a record type `{ … }`");
                }
                shape = Some(self.ty()?);
            } else if self.is_punct("{") {
                shape = Some(self.ty()?);
            }
            if self.is_word("tags") {
                self.bump();
                tags = Some(self.ty()?);
            }
        }
        self.expect_punct(";")?;
        for (name, at) in names {
            ns.entities.push(RawEntity {
                name,
                at,
                parents: parents.clone(),
                shape: shape.clone(),
                tags: tags.clone(),
                enum_ids: enum_ids.clone(),
            });
        }
        Ok(())
    }

    /// `Path | '[' [ Path { ',' Path } ] ']'`
    fn ent_types(&mut self) -> R<Vec<(String, Where)>> {
        if self.eat_punct("[") {
            let mut out = Vec::new();
            if self.eat_punct("]") {
                return Ok(out);
            }
            loop {
                out.push(self.path()?);
                if !self.eat_punct(",") {
                    break;
                }
            }
            self.expect_punct("]")?;
            Ok(out)
        } else {
            Ok(vec![self.path()?])
        }
    }

    /// `Ident | STRING`
    fn name(&mut self) -> R<(String, Where)> {
        match self.peek().clone() {
            Tok::Str(s) => {
                let at = self.here();
                self.bump();
                Ok((s, at))
            }
            _ => self.ident(),
        }
    }

    /// `Name | Path '::' STRING`
    fn qual_name(&mut self) -> R<RawActionRef> {
        let at = self.here();
        if let Tok::Str(s) = self.peek().clone() {
            self.bump();
            return Ok(RawActionRef { ty: None, id: s, at });
        }
        let (mut path, _) = self.ident()?;
        loop {
            if !self.is_punct("::") {
                break;
            }
            match self.peek_at(1).clone() {
                Tok::Str(s) => {
                    self.bump();
                    self.bump();
                    return Ok(RawActionRef { ty: Some(path), id: s, at });
                }
                Tok::Ident(_) => {
                    self.bump();
                    let (n, _) = self.ident()?;
                    path.push_str("::");
                    path.push_str(&n);
                }
                _ => {
                    self.bump();
                    return self.unexpected("an identifier or a string");
                }
            }
        }
        if path.contains("::") {
            return Err(SchemaError::new(at, format!("`{path}` is not an action name (expected `{path}::\"name\"`)")));
        }
        Ok(RawActionRef { ty: None, id: path, at })
    }

    fn action(&mut self, ns: &mut RawNamespace) -> R<()> {
        let mut names = vec![self.name()?];
        while self.eat_punct(",") {
            names.push(self.name()?);
        }
        let mut parents = Vec::new();
        if self.is_word("in") {
            self.bump();
            if self.eat_punct("[") {
                loop {
                    parents.push(self.qual_name()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
                self.expect_punct("]")?;
            } else {
                parents.push(self.qual_name()?);
            }
        }
        let mut applies_to = None;
        if self.is_word("appliesTo") {
            let app_at = self.here();
            self.bump();
            self.expect_punct("{")?;
            let (mut ps, mut rs, mut ctx) = (None, None, None);
            loop {
                let at = self.here();
                let key = match self.peek().clone() {
                    Tok::Ident(k) if k == "principal" || k == "resource" || k == "context" => k,
                    _ => return self.unexpected("`principal`, `resource` or `context`"),
                };
                self.bump();
                self.expect_punct(":")?;
                let dup =
                    |at: &Where| SchemaError::new(at.clone(), format!("`{key}` is declared twice in `appliesTo`"));
                match key.as_str() {
                    "principal" | "resource" => {
                        let list = self.ent_types()?;
                        if list.is_empty() {
                            return Err(SchemaError::new(at, format!("`{key}: []` is not allowed; omit `appliesTo` for an action that applies to nothing")));
                        }
                        let slot = if key == "principal" { &mut ps } else { &mut rs };
                        if slot.is_some() {
                            return Err(dup(&at));
                        }
                        *slot = Some(list);
                    }
                    _ => {
                        if ctx.is_some() {
                            return Err(dup(&at));
                        }
                        ctx = Some(if self.is_punct("{") {
                            self.ty()?
                        } else {
                            let (name, at) = self.path()?;
                            RawType::Ref { name, kind: RefKind::EntityOrCommon, at }
                        });
                    }
                }
                if !self.eat_punct(",") {
                    break;
                }
                if self.is_punct("}") {
                    break;
                }
            }
            self.expect_punct("}")?;
            let (Some(principals), Some(resources)) = (ps, rs) else {
                return Err(SchemaError::new(
                    app_at,
                    "`appliesTo` needs both a `principal` and a `resource` declaration",
                ));
            };
            applies_to = Some(RawAppliesTo { principals, resources, context: ctx });
        }
        if self.is_word("attributes") {
            self.bump();
            self.expect_punct("{")?;
            if !self.eat_punct("}") {
                return self.err("action attributes are not supported (only `attributes {}` is accepted)");
            }
        }
        self.expect_punct(";")?;
        for (name, at) in names {
            ns.actions.push(RawAction { name, at, parents: parents.clone(), applies_to: applies_to.clone() });
        }
        Ok(())
    }

    fn ty(&mut self) -> R<RawType> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err(format!("types nested deeper than {MAX_DEPTH} levels"));
        }
        let r = self.ty_inner();
        self.depth -= 1;
        r
    }

    fn ty_inner(&mut self) -> R<RawType> {
        if self.eat_punct("{") {
            let mut attrs = Vec::new();
            loop {
                let annotated = self.annotations()?;
                if self.is_punct("}") {
                    if annotated {
                        return self.dangling();
                    }
                    self.bump();
                    break;
                }
                let (name, _) = self.name()?;
                let required = !self.eat_punct("?");
                self.expect_punct(":")?;
                let ty = self.ty()?;
                // A repeated attribute replaces the earlier one (as upstream).
                attrs.retain(|a: &RawAttr| a.name != name);
                attrs.push(RawAttr { name, required, ty });
                if !self.eat_punct(",") {
                    self.expect_punct("}")?;
                    break;
                }
            }
            return Ok(RawType::Record(attrs));
        }
        if self.is_word("Set") && matches!(self.peek_at(1), Tok::Punct("<")) {
            self.bump();
            self.bump();
            let el = self.ty()?;
            self.expect_punct(">")?;
            return Ok(RawType::Set(Box::new(el)));
        }
        let (name, at) = self.path()?;
        Ok(RawType::Ref { name, kind: RefKind::EntityOrCommon, at })
    }
}
