//! The internal schema: fully qualified names, common types resolved.

use crate::ast::{EntityType, EntityUid};
use std::collections::{BTreeMap, BTreeSet};

/// The extension types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExtType {
    Decimal,
    IpAddr,
    Datetime,
    Duration,
}

impl ExtType {
    pub fn name(self) -> &'static str {
        match self {
            ExtType::Decimal => "decimal",
            ExtType::IpAddr => "ipaddr",
            ExtType::Datetime => "datetime",
            ExtType::Duration => "duration",
        }
    }
}

/// A schema type (what attributes, tags and contexts are declared as).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaType {
    Bool,
    Long,
    String,
    Entity(EntityType),
    Set(Box<SchemaType>),
    Record(RecordType),
    Extension(ExtType),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RecordType {
    pub attrs: BTreeMap<String, AttributeType>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttributeType {
    pub ty: SchemaType,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntityTypeDef {
    /// Types an entity of this type may have as parents (`in [...]`).
    pub member_of_types: BTreeSet<EntityType>,
    pub attrs: RecordType,
    /// Declared tag type, if the type has tags.
    pub tags: Option<SchemaType>,
    /// For an enumerated entity type: the allowed ids.
    pub enum_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionDef {
    /// Action groups this action is directly a member of.
    pub member_of: Vec<EntityUid>,
    /// `appliesTo`; `None` means the action applies to nothing.
    pub applies_to: Option<AppliesTo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppliesTo {
    pub principal_types: Vec<EntityType>,
    pub resource_types: Vec<EntityType>,
    pub context: RecordType,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    pub entity_types: BTreeMap<EntityType, EntityTypeDef>,
    /// Keyed by the action's UID (`Action::"view"`, `NS::Action::"view"`).
    pub actions: BTreeMap<EntityUid, ActionDef>,
}
