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
    /// Conjuncts only a schema-aware validator rejects (`schema_mistakes`).
    pub schema_mistakes: u64,
}

impl InjectionCounts {
    pub fn total(&self) -> u64 {
        self.missing_entities
            + self.dangling_refs
            + self.ill_typed
            + self.bad_ext_strings
            + self.unsafe_accesses
            + self.schema_mistakes
    }
    /// `(name, count)` pairs, for reports.
    pub fn named(&self) -> [(&'static str, u64); 6] {
        [
            ("missing_entities", self.missing_entities),
            ("dangling_refs", self.dangling_refs),
            ("ill_typed", self.ill_typed),
            ("bad_ext_strings", self.bad_ext_strings),
            ("unsafe_accesses", self.unsafe_accesses),
            ("schema_mistakes", self.schema_mistakes),
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
        self.schema_mistakes += o.schema_mistakes;
    }
}

/// How often each value-space class that a bug could hide behind was
/// produced (one switch per class in `Settings`, so turning one off shows
/// as a zero here and in `gen-stats`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReachCounts {
    /// `like` patterns written in the other letter case than the string they came from (`capitals`).
    pub case_variants: u64,
    /// Strings and entity ids holding `"`, `\`, control or non-BMP characters (`special_chars`).
    pub special_chars: u64,
    /// Schemas with two entity types of one base name in different namespaces (`shared_basenames`).
    pub shared_basenames: u64,
    /// `e in []` (`empty_set_in`).
    pub empty_set_in: u64,
    /// Non-empty sets at record depth ≥ 2 in attributes, context and tags (`nested_sets`).
    pub nested_sets: u64,
    /// `==` between records whose type has optional attributes (`optional_record_eq`).
    pub optional_record_eq: u64,
    /// `i64::MIN`, `i64::MAX` and their neighbours as data or literals (`int_extremes`).
    pub int_extremes: u64,
}

impl ReachCounts {
    /// `(setting name, count)` pairs, for reports.
    pub fn named(&self) -> [(&'static str, u64); 7] {
        [
            ("capitals", self.case_variants),
            ("special_chars", self.special_chars),
            ("shared_basenames", self.shared_basenames),
            ("empty_set_in", self.empty_set_in),
            ("nested_sets", self.nested_sets),
            ("optional_record_eq", self.optional_record_eq),
            ("int_extremes", self.int_extremes),
        ]
    }
}

impl AddAssign for ReachCounts {
    fn add_assign(&mut self, o: Self) {
        self.case_variants += o.case_variants;
        self.special_chars += o.special_chars;
        self.shared_basenames += o.shared_basenames;
        self.empty_set_in += o.empty_set_in;
        self.nested_sets += o.nested_sets;
        self.optional_record_eq += o.optional_record_eq;
        self.int_extremes += o.int_extremes;
    }
}

/// Everything counted while generating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub injected: InjectionCounts,
    pub reach: ReachCounts,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Self) {
        self.injected += o.injected;
        self.reach += o.reach;
    }
}
