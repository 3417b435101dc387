//! Runtime values (docs/semantics.md §3). Ordered collections give structural,
//! deterministic equality: `[1,2] == [2,1,1]` holds because both are the
//! same `BTreeSet`.

use crate::ast::EntityUid;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    Bool(bool),
    Long(i64),
    String(String),
    EntityUid(EntityUid),
    Set(Arc<BTreeSet<Value>>),
    Record(Arc<BTreeMap<String, Value>>),
    Ext(ExtValue),
}

/// Extension values, stored by their semantic payload so that equality is
/// semantic (`decimal("1.0") == decimal("1.0000")`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExtValue {
    /// Scaled by 10^4.
    Decimal(i64),
    IpAddr(IpAddrValue),
    /// Milliseconds since the Unix epoch.
    Datetime(i64),
    /// Milliseconds.
    Duration(i64),
}

/// An `ipaddr`: the address as written plus its prefix length
/// (`ip("10.0.0.1/24") != ip("10.0.0.0/24")`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpAddrValue {
    pub addr: std::net::IpAddr,
    pub prefix: u8,
}

impl Value {
    pub fn set(items: impl IntoIterator<Item = Value>) -> Value {
        Value::Set(Arc::new(items.into_iter().collect()))
    }
    pub fn record(fields: impl IntoIterator<Item = (String, Value)>) -> Value {
        Value::Record(Arc::new(fields.into_iter().collect()))
    }
    pub fn empty_record() -> Value {
        Value::Record(Arc::new(BTreeMap::new()))
    }
    /// The runtime type name used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Long(_) => "long",
            Value::String(_) => "string",
            Value::EntityUid(_) => "entity",
            Value::Set(_) => "set",
            Value::Record(_) => "record",
            Value::Ext(ExtValue::Decimal(_)) => "decimal",
            Value::Ext(ExtValue::IpAddr(_)) => "ipaddr",
            Value::Ext(ExtValue::Datetime(_)) => "datetime",
            Value::Ext(ExtValue::Duration(_)) => "duration",
        }
    }
}
