//! Counts of injected errors, per kind, so statistics can report how often
//! each error path was deliberately exercised.

use std::ops::AddAssign;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InjectionCounts {
    /// Entities dropped from the store although referenced.
    pub missing_entities: u64,
    /// References to ids that no entity ever has.
    pub dangling_refs: u64,
    /// Operands generated with a type other than the one expected.
    pub ill_typed: u64,
    /// Extension constructors given a malformed string.
    pub bad_ext_strings: u64,
    /// Optional attributes / tags read without a guard.
    pub unsafe_accesses: u64,
}

impl InjectionCounts {
    pub fn total(&self) -> u64 {
        self.missing_entities + self.dangling_refs + self.ill_typed + self.bad_ext_strings + self.unsafe_accesses
    }
    /// `(name, count)` pairs, for reports.
    pub fn named(&self) -> [(&'static str, u64); 5] {
        [
            ("missing_entities", self.missing_entities),
            ("dangling_refs", self.dangling_refs),
            ("ill_typed", self.ill_typed),
            ("bad_ext_strings", self.bad_ext_strings),
            ("unsafe_accesses", self.unsafe_accesses),
        ]
    }
}

impl AddAssign for InjectionCounts {
    fn add_assign(&mut self, o: Self) {
        self.missing_entities += o.missing_entities;
        self.dangling_refs += o.dangling_refs;
        self.ill_typed += o.ill_typed;
        self.bad_ext_strings += o.bad_ext_strings;
        self.unsafe_accesses += o.unsafe_accesses;
    }
}
