//! Schemas (docs/semantics.md §8): one internal form (`types`) read from the Cedar
//! schema syntax (`cedar_syntax`) or the JSON schema format (`json_format`),
//! both going through one name-resolution step (`raw`), and printed back by
//! `print`.

mod cedar_syntax;
pub mod error;
mod json_format;
mod lexer;
pub mod print;
mod raw;
pub mod types;

pub use error::{SchemaError, Where};
pub use types::*;

use crate::ast::{EntityType, EntityUid};
use std::collections::BTreeSet;

impl Schema {
    /// Read a schema in the Cedar schema syntax. Errors carry line/column.
    pub fn from_cedar_str(src: &str) -> Result<Schema, SchemaError> {
        raw::resolve(&cedar_syntax::parse(src)?)
    }

    /// Read a schema in the JSON format from text. Errors carry a JSON path
    /// (or the line/column of a JSON syntax error); a duplicate key is an
    /// error, not a silent choice of one of the values.
    pub fn from_json_str(src: &str) -> Result<Schema, SchemaError> {
        // Syntax errors first, to report them by line and column; then the
        // strict reader for what serde lets through (duplicate keys).
        serde_json::from_str::<serde::de::IgnoredAny>(src)
            .map_err(|e| SchemaError::at_loc(e.line() as u32, e.column() as u32, format!("invalid JSON: {e}")))?;
        let v = crate::json::parse_strict(src)
            .map_err(|e| SchemaError::new(Where::Path(e.path), format!("invalid JSON: {}", e.message)))?;
        Schema::from_json_value(&v)
    }

    /// Read a schema in the JSON format from a parsed JSON value.
    pub fn from_json_value(v: &serde_json::Value) -> Result<Schema, SchemaError> {
        raw::resolve(&json_format::parse(v)?)
    }

    // ---- queries used by the validator, entity loading and generators ----

    pub fn entity_type(&self, t: &EntityType) -> Option<&EntityTypeDef> {
        self.entity_types.get(t)
    }

    pub fn action(&self, a: &EntityUid) -> Option<&ActionDef> {
        self.actions.get(a)
    }

    /// Is `t` the type of some declared action?
    pub fn is_action_type(&self, t: &EntityType) -> bool {
        self.actions.keys().any(|a| &a.ty == t)
    }

    /// Transitive closure of `in` for entity types (not including `t`
    /// itself unless the hierarchy has a cycle through it). For an action
    /// type: the types of all ancestors of its actions.
    pub fn ancestor_types(&self, t: &EntityType) -> BTreeSet<EntityType> {
        let mut out = BTreeSet::new();
        if self.entity_types.contains_key(t) {
            let mut todo = vec![t.clone()];
            while let Some(x) = todo.pop() {
                if let Some(d) = self.entity_types.get(&x) {
                    for p in &d.member_of_types {
                        if out.insert(p.clone()) {
                            todo.push(p.clone());
                        }
                    }
                }
            }
        } else {
            for a in self.actions.keys().filter(|a| &a.ty == t) {
                out.extend(self.action_ancestors(a).into_iter().map(|u| u.ty));
            }
        }
        out
    }

    /// Declared entity types that are `t` or may have `t` as a (transitive)
    /// ancestor type.
    pub fn descendant_types(&self, t: &EntityType) -> BTreeSet<EntityType> {
        let mut out: BTreeSet<EntityType> =
            self.entity_types.keys().filter(|d| self.ancestor_types(d).contains(t)).cloned().collect();
        if self.entity_types.contains_key(t) {
            out.insert(t.clone());
        }
        out
    }

    /// Transitive closure of the action hierarchy (`in` action groups).
    pub fn action_ancestors(&self, a: &EntityUid) -> BTreeSet<EntityUid> {
        let mut out = BTreeSet::new();
        let mut todo = vec![a.clone()];
        while let Some(x) = todo.pop() {
            if let Some(d) = self.actions.get(&x) {
                for p in &d.member_of {
                    if out.insert(p.clone()) {
                        todo.push(p.clone());
                    }
                }
            }
        }
        out
    }

    /// Is action `a` equal to or a descendant of action `b`?
    pub fn action_in(&self, a: &EntityUid, b: &EntityUid) -> bool {
        a == b || self.action_ancestors(a).contains(b)
    }

    /// Declared actions equal to or descending from `a`.
    pub fn action_descendants(&self, a: &EntityUid) -> BTreeSet<EntityUid> {
        self.actions.keys().filter(|d| self.action_in(d, a)).cloned().collect()
    }
}

#[cfg(test)]
mod tests;
