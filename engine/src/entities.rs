//! Entity store and Cedar's entities JSON (OWNER: semantics). Stub.
use crate::ast::EntityUid;
use crate::json::DataError;
use crate::schema::Schema;
use crate::value::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub uid: EntityUid,
    pub attrs: BTreeMap<String, Value>,
    /// Direct parents as given.
    pub parents: BTreeSet<EntityUid>,
    /// Transitive closure of `parents` (computed at load).
    pub ancestors: BTreeSet<EntityUid>,
    pub tags: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default)]
pub struct Entities {
    pub map: HashMap<EntityUid, Entity>,
}

impl Entities {
    /// Build a store: merges identical duplicates, computes ancestors, rejects cycles;
    /// with a schema, adds the schema's action entities.
    pub fn from_entities(_es: Vec<Entity>, _schema: Option<&Schema>) -> Result<Entities, DataError> {
        todo!()
    }
    pub fn from_json_str(_src: &str, _schema: Option<&Schema>) -> Result<Entities, DataError> {
        todo!()
    }
    pub fn from_json(_j: &serde_json::Value, _schema: Option<&Schema>) -> Result<Entities, DataError> {
        todo!()
    }
    /// Entities JSON with explicit `__entity`/`__extn` escapes (no schema needed to read it back).
    pub fn to_json(&self) -> serde_json::Value {
        todo!()
    }
    pub fn get(&self, uid: &EntityUid) -> Option<&Entity> {
        self.map.get(uid)
    }
}
