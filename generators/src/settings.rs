//! Generator settings, chosen at run time: a named profile, then overrides
//! from `GEN_*` environment variables, then from a `key=value` list (CLIs).
//!
//! Every knob that changes what the generators produce lives here (never a
//! compile-time constant), so a fuzzing run or a statistics run can be
//! reproduced by naming the profile and the overrides. The keys are listed in
//! `KEYS` and documented in `generators/README.md`.

use std::fmt;

/// All generator knobs. Counts are upper bounds unless stated; rates are
/// probabilities in `[0, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Name of the profile these settings started from (for reports).
    pub profile: String,
    /// Maximum expression nesting depth.
    pub max_depth: u32,
    /// Maximum width of set and record literals and of generated values.
    pub max_width: u32,
    /// Maximum number of (non-action) entity types in a schema (at least 2 are made).
    pub entity_types: u32,
    /// Maximum number of entity ids per entity type.
    pub entities: u32,
    /// Maximum number of (non-group) actions.
    pub actions: u32,
    /// Maximum number of attributes per entity type / context.
    pub attrs: u32,
    /// Maximum number of policies (templates included) per input.
    pub policies: u32,
    /// Maximum number of links per template.
    pub links: u32,
    /// Exact number of requests per authorization input.
    pub requests: u32,

    // Feature switches.
    pub extensions: bool,
    pub like: bool,
    pub templates: bool,
    pub action_groups: bool,
    pub tags: bool,
    pub context: bool,
    pub has: bool,
    pub is: bool,
    pub if_then_else: bool,
    pub namespace: bool,
    pub enums: bool,
    pub annotations: bool,

    // Value-space reach: classes of values a bug can hide behind (counted
    // in `ReachCounts`, reported by `gen-stats`).
    /// ASCII capitals in strings, ids and `like` patterns (case-variant patterns).
    pub capitals: bool,
    /// `"`, `\`, control and non-BMP characters in strings and entity ids.
    pub special_chars: bool,
    /// two entity types with one base name in different namespaces.
    pub shared_basenames: bool,
    /// `e in []`.
    pub empty_set_in: bool,
    /// non-empty sets nested in records (attributes, context, tags).
    pub nested_sets: bool,
    /// `==` on records whose type has optional attributes.
    pub optional_record_eq: bool,
    /// i64 extremes as data and literals.
    pub int_extremes: bool,

    // Error injection rates.
    /// Probability that an input drops entities from the store (each entity
    /// is then dropped with this probability too), and weight of references
    /// to ids that never exist.
    pub missing_entities: f64,
    /// Probability per policy of one operand of the wrong type (in `abac`
    /// mode: per expression node, at a quarter of this rate).
    pub ill_typed: f64,
    /// Probability that an extension constructor gets a malformed string.
    pub bad_ext_strings: f64,
    /// Probability that an optional attribute or a tag is read without a
    /// `has`/`hasTag` guard.
    pub unsafe_access: f64,
    /// Probability per policy condition of one conjunct the validator must
    /// reject for a reason of the schema, not of types: an unknown entity
    /// type or action, an empty set literal, an extension call of the wrong
    /// arity, an undeclared id of an enumerated type (`validation` profile).
    pub schema_mistakes: f64,

    // Shape of the policy set.
    /// Share of `forbid` policies.
    pub forbid: f64,

    // Rendering.
    /// Share of inputs whose Cedar text is written by `text` (varied layout,
    /// comments, escapes, spellings) instead of the engine's printer.
    pub varied_text: f64,
}

/// Every settable key with a one-line description (also used by `--help`).
pub const KEYS: &[(&str, &str)] = &[
    ("max_depth", "maximum expression nesting depth"),
    ("max_width", "maximum width of set/record literals and generated values"),
    ("entity_types", "maximum number of entity types (at least 2)"),
    ("entities", "maximum number of entity ids per type"),
    ("actions", "maximum number of actions (groups not counted)"),
    ("attrs", "maximum attributes per entity type / context"),
    ("policies", "maximum policies (templates included) per input"),
    ("links", "maximum links per template"),
    ("requests", "requests per authorization input (exact)"),
    ("extensions", "use extension types and functions (bool)"),
    ("like", "use `like` (bool)"),
    ("templates", "generate templates with links (bool)"),
    ("action_groups", "generate action groups (bool)"),
    ("tags", "entity tags, hasTag/getTag (bool)"),
    ("context", "non-empty contexts (bool)"),
    ("has", "use `has` (bool)"),
    ("is", "use `is` (bool)"),
    ("if", "use if-then-else (bool)"),
    ("namespace", "sometimes put the schema in a namespace (bool)"),
    ("enums", "sometimes declare enumerated entity types (bool)"),
    ("annotations", "sometimes annotate policies (bool)"),
    ("capitals", "ASCII capitals in strings, ids and `like` patterns (case-variant patterns) (bool)"),
    ("special_chars", "`\"`, `\\`, control and non-BMP characters in strings and entity ids (bool)"),
    ("shared_basenames", "two entity types with one base name in different namespaces (bool)"),
    ("empty_set_in", "`e in []` (bool)"),
    ("nested_sets", "non-empty sets nested in records (attributes, context, tags) (bool)"),
    ("optional_record_eq", "`==` on records whose type has optional attributes (bool)"),
    ("int_extremes", "i64 extremes as data and literals (bool)"),
    ("missing_entities", "rate: entities absent from the store / dangling ids"),
    ("ill_typed", "rate: an operand of the wrong type (per policy; per node at 1/4 in abac)"),
    ("bad_ext_strings", "rate: malformed extension constructor strings"),
    ("unsafe_access", "rate: optional attribute / tag read without a guard"),
    ("schema_mistakes", "rate: per condition, a conjunct with an unknown type/action, `[]`, a wrong-arity extension call or a bad enum id"),
    ("forbid", "share of forbid policies"),
    ("varied_text", "share of inputs whose Cedar text comes from the varied writer (not the printer)"),
];

/// Names accepted by `Settings::profile`.
pub const PROFILES: &[&str] = &["default", "small", "large", "untyped", "clean", "rbac", "validation"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError(pub String);

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for SettingsError {}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            profile: "default".into(),
            max_depth: 4,
            max_width: 3,
            entity_types: 5,
            entities: 4,
            actions: 4,
            attrs: 4,
            policies: 4,
            links: 2,
            requests: 8,
            extensions: true,
            like: true,
            templates: true,
            action_groups: true,
            tags: true,
            context: true,
            has: true,
            is: true,
            if_then_else: true,
            namespace: true,
            enums: true,
            annotations: true,
            capitals: true,
            special_chars: true,
            shared_basenames: true,
            empty_set_in: true,
            nested_sets: true,
            optional_record_eq: true,
            int_extremes: true,
            missing_entities: 0.15,
            ill_typed: 0.25,
            bad_ext_strings: 0.06,
            unsafe_access: 0.2,
            schema_mistakes: 0.0,
            forbid: 0.2,
            varied_text: 0.5,
        }
    }
}

impl Settings {
    /// A named profile (see `PROFILES`).
    pub fn profile(name: &str) -> Result<Settings, SettingsError> {
        let d = Settings::default();
        let s = match name {
            "default" => d,
            // Tiny inputs: fast, easy to read when minimised.
            "small" => Settings {
                max_depth: 2,
                max_width: 2,
                entity_types: 3,
                entities: 2,
                actions: 2,
                attrs: 2,
                policies: 2,
                links: 1,
                ..d
            },
            // Bigger inputs (cedar-spec #164 asked for these).
            "large" => Settings {
                max_depth: 6,
                max_width: 5,
                entity_types: 8,
                entities: 8,
                actions: 8,
                attrs: 6,
                policies: 10,
                links: 3,
                ..d
            },
            // For `abac`: no schema, more ill-typed operands.
            "untyped" => Settings { ill_typed: 0.2, unsafe_access: 0.3, ..d },
            // No error injection at all: for validation soundness.
            "clean" => {
                Settings { missing_entities: 0.0, ill_typed: 0.0, bad_ext_strings: 0.0, unsafe_access: 0.0, ..d }
            }
            // For `validation-drt`: the default's injection plus mistakes only
            // a validator that knows the schema can see.
            "validation" => Settings { schema_mistakes: 0.1, ..d },
            // Hierarchies, templates and links.
            "rbac" => Settings { policies: 6, links: 3, entities: 6, ..d },
            other => {
                return Err(SettingsError(format!(
                    "unknown generator profile `{other}` (known: {})",
                    PROFILES.join(", ")
                )))
            }
        };
        Ok(Settings { profile: name.to_string(), ..s })
    }

    /// `GEN_PROFILE` (default `default`), then every `GEN_<KEY>` variable.
    pub fn from_env() -> Result<Settings, SettingsError> {
        let name = std::env::var("GEN_PROFILE").unwrap_or_else(|_| "default".into());
        let mut s = Settings::profile(&name)?;
        for (key, _) in KEYS {
            let var = format!("GEN_{}", key.to_ascii_uppercase());
            if let Ok(v) = std::env::var(&var) {
                s.set(key, &v).map_err(|e| SettingsError(format!("{var}: {e}")))?;
            }
        }
        Ok(s)
    }

    /// Apply `key=value` pairs separated by commas and/or whitespace, e.g.
    /// `"max_depth=6, like=false"`. An empty list changes nothing.
    pub fn apply_overrides(&mut self, list: &str) -> Result<(), SettingsError> {
        for item in list.split(|c: char| c == ',' || c.is_whitespace()).filter(|i| !i.is_empty()) {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| SettingsError(format!("override `{item}` is not of the form key=value")))?;
            self.set(k.trim(), v.trim())?;
        }
        Ok(())
    }

    /// Set one key from its text form.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingsError> {
        fn num(key: &str, v: &str) -> Result<u32, SettingsError> {
            v.parse::<u32>().map_err(|_| SettingsError(format!("`{key}` needs a non-negative integer, got `{v}`")))
        }
        fn flag(key: &str, v: &str) -> Result<bool, SettingsError> {
            match v {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(SettingsError(format!("`{key}` needs true/false, got `{v}`"))),
            }
        }
        fn rate(key: &str, v: &str) -> Result<f64, SettingsError> {
            match v.parse::<f64>() {
                Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
                _ => Err(SettingsError(format!("`{key}` needs a rate between 0 and 1, got `{v}`"))),
            }
        }
        match key {
            "max_depth" => self.max_depth = num(key, value)?,
            "max_width" => self.max_width = num(key, value)?,
            "entity_types" => self.entity_types = num(key, value)?,
            "entities" => self.entities = num(key, value)?,
            "actions" => self.actions = num(key, value)?,
            "attrs" => self.attrs = num(key, value)?,
            "policies" => self.policies = num(key, value)?,
            "links" => self.links = num(key, value)?,
            "requests" => self.requests = num(key, value)?,
            "extensions" => self.extensions = flag(key, value)?,
            "like" => self.like = flag(key, value)?,
            "templates" => self.templates = flag(key, value)?,
            "action_groups" => self.action_groups = flag(key, value)?,
            "tags" => self.tags = flag(key, value)?,
            "context" => self.context = flag(key, value)?,
            "has" => self.has = flag(key, value)?,
            "is" => self.is = flag(key, value)?,
            "if" => self.if_then_else = flag(key, value)?,
            "namespace" => self.namespace = flag(key, value)?,
            "enums" => self.enums = flag(key, value)?,
            "annotations" => self.annotations = flag(key, value)?,
            "capitals" => self.capitals = flag(key, value)?,
            "special_chars" => self.special_chars = flag(key, value)?,
            "shared_basenames" => self.shared_basenames = flag(key, value)?,
            "empty_set_in" => self.empty_set_in = flag(key, value)?,
            "nested_sets" => self.nested_sets = flag(key, value)?,
            "optional_record_eq" => self.optional_record_eq = flag(key, value)?,
            "int_extremes" => self.int_extremes = flag(key, value)?,
            "missing_entities" => self.missing_entities = rate(key, value)?,
            "ill_typed" => self.ill_typed = rate(key, value)?,
            "bad_ext_strings" => self.bad_ext_strings = rate(key, value)?,
            "unsafe_access" => self.unsafe_access = rate(key, value)?,
            "schema_mistakes" => self.schema_mistakes = rate(key, value)?,
            "forbid" => self.forbid = rate(key, value)?,
            "varied_text" => self.varied_text = rate(key, value)?,
            _ => {
                return Err(SettingsError(format!(
                    "unknown generator setting `{key}` (known: {})",
                    KEYS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                )))
            }
        }
        Ok(())
    }

    /// True if no error injection is configured.
    pub fn injection_off(&self) -> bool {
        self.missing_entities == 0.0
            && self.ill_typed == 0.0
            && self.bad_ext_strings == 0.0
            && self.unsafe_access == 0.0
            && self.schema_mistakes == 0.0
    }

    /// One line `key=value, …` describing these settings (for reports).
    pub fn describe(&self) -> String {
        format!(
            "profile={} max_depth={} max_width={} entity_types={} entities={} actions={} attrs={} policies={} links={} requests={} \
             extensions={} like={} templates={} action_groups={} tags={} context={} has={} is={} if={} namespace={} enums={} annotations={} \
             capitals={} special_chars={} shared_basenames={} empty_set_in={} nested_sets={} optional_record_eq={} \
             int_extremes={} missing_entities={} ill_typed={} bad_ext_strings={} unsafe_access={} schema_mistakes={} forbid={} varied_text={}",
            self.profile, self.max_depth, self.max_width, self.entity_types, self.entities, self.actions, self.attrs,
            self.policies, self.links, self.requests, self.extensions, self.like, self.templates, self.action_groups,
            self.tags, self.context, self.has, self.is, self.if_then_else, self.namespace, self.enums, self.annotations,
            self.capitals, self.special_chars, self.shared_basenames, self.empty_set_in, self.nested_sets,
            self.optional_record_eq, self.int_extremes,
            self.missing_entities, self.ill_typed, self.bad_ext_strings, self.unsafe_access, self.schema_mistakes, self.forbid,
            self.varied_text
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_exist_and_differ() {
        for p in PROFILES {
            let s = Settings::profile(p).unwrap();
            assert_eq!(s.profile, *p);
        }
        assert_ne!(Settings::profile("small").unwrap().max_depth, Settings::profile("large").unwrap().max_depth);
        assert!(Settings::profile("clean").unwrap().injection_off());
        assert!(Settings::profile("nope").unwrap_err().0.contains("unknown generator profile `nope`"));
    }

    #[test]
    fn overrides_parse() {
        let mut s = Settings::default();
        s.apply_overrides("max_depth=7, like=false  forbid=0.5").unwrap();
        assert_eq!(s.max_depth, 7);
        assert!(!s.like);
        assert_eq!(s.forbid, 0.5);
        s.apply_overrides("").unwrap();
        assert_eq!(s.max_depth, 7);
    }

    #[test]
    fn bad_overrides_are_named() {
        let mut s = Settings::default();
        assert!(s.apply_overrides("max_depth").unwrap_err().0.contains("key=value"));
        assert!(s.apply_overrides("max_depth=-1").unwrap_err().0.contains("max_depth"));
        assert!(s.apply_overrides("like=maybe").unwrap_err().0.contains("like"));
        assert!(s.apply_overrides("forbid=1.5").unwrap_err().0.contains("forbid"));
        assert!(s.apply_overrides("colour=red").unwrap_err().0.contains("unknown generator setting `colour`"));
    }

    #[test]
    fn every_key_is_settable() {
        let mut s = Settings::default();
        for (k, _) in KEYS {
            let v = match *k {
                "missing_entities" | "ill_typed" | "bad_ext_strings" | "unsafe_access" | "schema_mistakes"
                | "forbid" | "varied_text" => "0.5",
                "extensions" | "like" | "templates" | "action_groups" | "tags" | "context" | "has" | "is" | "if"
                | "namespace" | "enums" | "annotations" | "capitals" | "special_chars" | "shared_basenames"
                | "empty_set_in" | "nested_sets" | "optional_record_eq" | "int_extremes" => "false",
                _ => "3",
            };
            s.set(k, v).unwrap_or_else(|e| panic!("{k}: {e}"));
        }
    }

    #[test]
    fn env_overrides() {
        // Only this test touches these variables.
        std::env::set_var("GEN_PROFILE", "small");
        std::env::set_var("GEN_MAX_DEPTH", "5");
        let s = Settings::from_env().unwrap();
        std::env::remove_var("GEN_PROFILE");
        std::env::remove_var("GEN_MAX_DEPTH");
        assert_eq!(s.profile, "small");
        assert_eq!(s.max_depth, 5);
        assert_eq!(s.max_width, 2);
    }
}
