//! Validator types, subtyping and least upper bounds in strict mode
//! (docs/semantics.md §9.2; upstream Lean `Validation/Types.lean`, `Subtyping.lean`).

use crate::ast::EntityType;
use crate::schema::{ExtType, RecordType, SchemaType};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// `Bool` refined by what is statically known about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoolType {
    Any,
    True,
    False,
}

impl BoolType {
    // Named after Cedar's `!` on the typechecker's Boolean types.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> BoolType {
        match self {
            BoolType::Any => BoolType::Any,
            BoolType::True => BoolType::False,
            BoolType::False => BoolType::True,
        }
    }
    pub fn of(b: bool) -> BoolType {
        if b {
            BoolType::True
        } else {
            BoolType::False
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrType {
    pub ty: Type,
    pub required: bool,
}

/// The type of a policy expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool(BoolType),
    Long,
    String,
    Entity(EntityType),
    Set(Box<Type>),
    /// Always closed in strict mode. Shared: record types (contexts,
    /// entity attributes) are cloned often while typing.
    Record(Arc<BTreeMap<String, AttrType>>),
    Ext(ExtType),
}

impl Type {
    pub fn bool_any() -> Type {
        Type::Bool(BoolType::Any)
    }

    pub fn from_schema(t: &SchemaType) -> Type {
        match t {
            SchemaType::Bool => Type::bool_any(),
            SchemaType::Long => Type::Long,
            SchemaType::String => Type::String,
            SchemaType::Entity(e) => Type::Entity(e.clone()),
            SchemaType::Set(el) => Type::Set(Box::new(Type::from_schema(el))),
            SchemaType::Record(r) => Type::record_from_schema(r),
            SchemaType::Extension(e) => Type::Ext(*e),
        }
    }

    pub fn record_from_schema(r: &RecordType) -> Type {
        Type::Record(Arc::new(
            r.attrs
                .iter()
                .map(|(k, a)| (k.clone(), AttrType { ty: Type::from_schema(&a.ty), required: a.required }))
                .collect(),
        ))
    }

    /// Least upper bound in strict mode; `None` if it does not exist.
    pub fn lub(a: &Type, b: &Type) -> Option<Type> {
        match (a, b) {
            (Type::Bool(x), Type::Bool(y)) => Some(Type::Bool(if x == y { *x } else { BoolType::Any })),
            (Type::Set(x), Type::Set(y)) => Some(Type::Set(Box::new(Type::lub(x, y)?))),
            (Type::Record(x), Type::Record(y)) => {
                if Arc::ptr_eq(x, y) {
                    return Some(a.clone());
                }
                if x.len() != y.len() {
                    return None;
                }
                let mut out = BTreeMap::new();
                for (k, ax) in x.iter() {
                    let ay = y.get(k)?;
                    if ax.required != ay.required {
                        return None;
                    }
                    out.insert(k.clone(), AttrType { ty: Type::lub(&ax.ty, &ay.ty)?, required: ax.required });
                }
                Some(Type::Record(Arc::new(out)))
            }
            (x, y) if x == y => Some(x.clone()),
            _ => None,
        }
    }
}

/// The shape an operand is expected to have ("expect" in docs/semantics.md §9.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Bool,
    Long,
    String,
    AnyEntity,
    AnyRecord,
    AnySet,
    SetOfEntities,
    Ext(ExtType),
}

impl Expected {
    pub fn admits(self, t: &Type) -> bool {
        match (self, t) {
            (Expected::Bool, Type::Bool(_)) => true,
            (Expected::Long, Type::Long) => true,
            (Expected::String, Type::String) => true,
            (Expected::AnyEntity, Type::Entity(_)) => true,
            (Expected::AnyRecord, Type::Record(_)) => true,
            (Expected::AnySet, Type::Set(_)) => true,
            (Expected::SetOfEntities, Type::Set(el)) => matches!(**el, Type::Entity(_)),
            (Expected::Ext(x), Type::Ext(y)) => x == *y,
            _ => false,
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Bool => write!(f, "Bool"),
            Expected::Long => write!(f, "Long"),
            Expected::String => write!(f, "String"),
            Expected::AnyEntity => write!(f, "an entity"),
            Expected::AnyRecord => write!(f, "a record"),
            Expected::AnySet => write!(f, "a set"),
            Expected::SetOfEntities => write!(f, "a set of entities"),
            Expected::Ext(e) => write!(f, "{}", e.name()),
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool(BoolType::Any) => write!(f, "Bool"),
            Type::Bool(BoolType::True) => write!(f, "True"),
            Type::Bool(BoolType::False) => write!(f, "False"),
            Type::Long => write!(f, "Long"),
            Type::String => write!(f, "String"),
            Type::Entity(e) => write!(f, "{e}"),
            Type::Set(el) => write!(f, "Set<{el}>"),
            Type::Record(r) => {
                write!(f, "{{")?;
                for (i, (k, a)) in r.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}{}: {}", crate::ast::quote_string(k), if a.required { "" } else { "?" }, a.ty)?;
                }
                write!(f, "}}")
            }
            Type::Ext(e) => write!(f, "{}", e.name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(fields: &[(&str, Type, bool)]) -> Type {
        Type::Record(Arc::new(
            fields.iter().map(|(k, t, r)| (k.to_string(), AttrType { ty: t.clone(), required: *r })).collect(),
        ))
    }

    #[test]
    fn lub_rules() {
        let t = Type::Bool(BoolType::True);
        let f = Type::Bool(BoolType::False);
        assert_eq!(Type::lub(&t, &t), Some(t.clone()));
        assert_eq!(Type::lub(&t, &f), Some(Type::bool_any()));
        assert_eq!(Type::lub(&Type::Long, &Type::String), None);
        let e1 = Type::Entity(EntityType::new("A"));
        let e2 = Type::Entity(EntityType::new("B"));
        assert_eq!(Type::lub(&e1, &e2), None, "no entity unions in strict mode");
        assert_eq!(
            Type::lub(&Type::Set(Box::new(t.clone())), &Type::Set(Box::new(f.clone()))),
            Some(Type::Set(Box::new(Type::bool_any())))
        );
        // records: same keys, same qualifiers
        let r1 = rec(&[("a", Type::Long, true)]);
        let r2 = rec(&[("a", Type::Long, true), ("b", Type::Long, true)]);
        assert_eq!(Type::lub(&r1, &r2), None, "no width subtyping");
        let r3 = rec(&[("a", Type::Long, false)]);
        assert_eq!(Type::lub(&r1, &r3), None, "required vs optional");
        let r4 = rec(&[("a", t.clone(), true)]);
        assert_eq!(Type::lub(&r4, &r1), None);
        let r5 = rec(&[("a", f.clone(), true)]);
        assert_eq!(Type::lub(&r4, &r5), Some(rec(&[("a", Type::bool_any(), true)])));
        assert_eq!(Type::lub(&Type::Ext(ExtType::Decimal), &Type::Ext(ExtType::IpAddr)), None);
    }
}
