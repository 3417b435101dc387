//! The generation context and the first half of the chain: a random schema,
//! the universe of entity ids, and an entity store conforming to the schema.
//!
//! Hierarchies are DAGs by construction: an entity type may only list *later*
//! types (or itself) as parent types, and an entity may only have a parent of
//! its own type if that parent comes later in the id list. So principals and
//! resources get multi-level hierarchies (`User in Group in Group in Org`)
//! that can never form a cycle.

use crate::choices::{choose, Choices};
use crate::counts::{InjectionCounts, ReachCounts};
use crate::pool::{is_extreme, swap_case, Pool, EXT_TYPES, SPECIAL_STRINGS};
use crate::settings::Settings;
use crate::Mode;
use engine::ast::{EntityType, EntityUid, Expr};
use engine::entities::{Entities, Entity};
use engine::schema::{ActionDef, AppliesTo, AttributeType, EntityTypeDef, RecordType, Schema, SchemaType};
use engine::value::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

const PRINCIPAL_NAMES: &[&str] = &["User", "Group", "Team", "Dept", "Org", "Company"];
const RESOURCE_NAMES: &[&str] = &["Doc", "Folder", "Album", "Drive", "Repo", "Account"];
const NAMESPACES: &[&str] = &["App", "Org::Dept"];
const ATTR_NAMES: &[&str] = &[
    "name", "age", "level", "active", "owner", "manager", "members", "score", "ip", "balance", "created", "ttl",
    "email", "info", "labels", "deadline",
];
const CONTEXT_NAMES: &[&str] = &["ip", "time", "authenticated", "level", "region", "labels", "req", "limit"];
const ACTION_NAMES: &[&str] = &["view", "edit", "delete", "share", "comment", "create", "list", "admin"];
const GROUP_NAMES: &[&str] = &["readOnly", "all"];
const ID_NAMES: &[&str] = &["alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy"];
const ENUMS: &[(&str, &[&str])] = &[("Color", &["red", "green", "blue"]), ("Status", &["open", "closed"])];

/// Everything generation needs, built in phases (schema, universe, store),
/// then used by the expression, policy and request generators.
pub(crate) struct Gen<'a, C: Choices> {
    pub c: &'a mut C,
    pub s: &'a Settings,
    pub mode: Mode,
    pub counts: InjectionCounts,
    pub reach: ReachCounts,
    pub pool: Pool,
    pub schema: Schema,
    /// Standard (non-enum) entity types, parents after children.
    pub types: Vec<EntityType>,
    /// Ids per entity type (enum types: their declared ids).
    pub universe: BTreeMap<EntityType, Vec<String>>,
    /// For each entity type, the types it may (transitively) be a member of, itself included.
    pub anc_or_self: BTreeMap<EntityType, Vec<EntityType>>,
    /// Enumerated entity types.
    pub enum_types: Vec<EntityType>,
    /// Entity types declaring tags.
    pub tagged: Vec<EntityType>,
    /// Actions with a non-empty `appliesTo` (shared, so picking one is cheap).
    pub applicable: Vec<(EntityUid, Rc<AppliesTo>)>,
    /// Action groups (actions that other actions are members of).
    pub groups: Vec<EntityUid>,
    /// The environments and scopes of the generated policies (and links):
    /// requests are often aimed at them, so that policies apply.
    pub targets: Vec<Rc<crate::policy::Target>>,
    /// Environments already built (policies often share one).
    pub env_cache: Vec<Rc<crate::expr::Env>>,
    /// Ids of a type that are `in` a given entity (for aiming requests).
    pub members_cache: BTreeMap<(EntityUid, EntityType), Rc<Vec<EntityUid>>>,
    /// Pending `has`/`hasTag` guards, wrapped around the nearest Boolean node.
    pub pending: Vec<Expr>,
    /// Ill-typed operands the current policy may still receive.
    pub ill_budget: u32,
}

impl<'a, C: Choices> Gen<'a, C> {
    /// Generate the schema, the id universe and the constant pool.
    pub fn new(c: &'a mut C, s: &'a Settings, mode: Mode) -> Self {
        let pool = Pool::new(c, s);
        let mut g = Gen {
            c,
            s,
            mode,
            counts: InjectionCounts::default(),
            reach: ReachCounts::default(),
            pool,
            schema: Schema::default(),
            types: Vec::new(),
            universe: BTreeMap::new(),
            anc_or_self: BTreeMap::new(),
            enum_types: Vec::new(),
            tagged: Vec::new(),
            applicable: Vec::new(),
            groups: Vec::new(),
            targets: Vec::new(),
            env_cache: Vec::new(),
            members_cache: BTreeMap::new(),
            pending: Vec::new(),
            ill_budget: 0,
        };
        g.gen_schema();
        g
    }

    // ---------------------------------------------------------------- schema

    fn gen_schema(&mut self) {
        // Sometimes one resource type borrows a principal type's base name
        // in another namespace (`App::User` and `Org::Dept::User`): both
        // namespaces are named, so every reference stays unambiguous.
        let shared = self.s.shared_basenames && self.c.flip(0.25);
        let ns = if shared || (self.s.namespace && self.c.flip(0.3)) { *self.c.pick(NAMESPACES) } else { "" };
        let q = |n: &str| if ns.is_empty() { n.to_string() } else { format!("{ns}::{n}") };

        // Standard types: a principal side and a resource side, each a chain.
        let max_types = (self.s.entity_types as usize).clamp(2, PRINCIPAL_NAMES.len() + RESOURCE_NAMES.len());
        let n = self.c.range(2, max_types);
        let np = self.c.range(1, (n - 1).min(PRINCIPAL_NAMES.len())).max(n.saturating_sub(RESOURCE_NAMES.len()));
        let nr = n - np;
        let mut sides = Vec::new();
        for name in &PRINCIPAL_NAMES[..np] {
            self.types.push(EntityType::new(q(name)));
            sides.push(0);
        }
        for name in &RESOURCE_NAMES[..nr] {
            self.types.push(EntityType::new(q(name)));
            sides.push(1);
        }
        if shared {
            let other = NAMESPACES.iter().find(|o| **o != ns).expect("two namespaces");
            let base = PRINCIPAL_NAMES[self.c.below(np)];
            self.types[np + self.c.below(nr)] = EntityType::new(format!("{other}::{base}"));
            self.reach.shared_basenames += 1;
        }
        let mut enum_types = Vec::new();
        if self.s.enums && self.c.flip(0.4) {
            let (name, ids) = *self.c.pick(ENUMS);
            let k = self.c.range(1, ids.len());
            let t = EntityType::new(q(name));
            let ids: Vec<String> = ids[..k].iter().map(|s| s.to_string()).collect();
            self.universe.insert(t.clone(), ids.clone());
            self.schema.entity_types.insert(t.clone(), EntityTypeDef { enum_ids: Some(ids), ..Default::default() });
            enum_types.push(t);
        }
        self.enum_types = enum_types.clone();

        // Parent edges: next type on the same side, sometimes itself, sometimes any later type.
        for i in 0..n {
            let mut parents = BTreeSet::new();
            if i + 1 < n && sides[i + 1] == sides[i] && self.c.flip(0.85) {
                parents.insert(self.types[i + 1].clone());
            }
            if self.c.flip(0.25) {
                parents.insert(self.types[i].clone());
            }
            if i + 1 < n && self.c.flip(0.15) {
                let j = self.c.range(i + 1, n - 1);
                parents.insert(self.types[j].clone());
            }
            let def = EntityTypeDef { member_of_types: parents, ..Default::default() };
            self.schema.entity_types.insert(self.types[i].clone(), def);
        }

        // Attributes and tags (after all types exist, so any type can be referenced).
        for i in 0..n {
            let attrs = self.gen_record_type(ATTR_NAMES, self.s.attrs as usize, 2, 0.3);
            let tags = if self.s.tags && self.c.flip(0.35) { Some(self.gen_schema_type(1)) } else { None };
            let t = self.types[i].clone();
            if tags.is_some() {
                self.tagged.push(t.clone());
            }
            let def = self.schema.entity_types.get_mut(&t).expect("declared above");
            def.attrs = attrs;
            def.tags = tags;
        }

        // Id universe; sometimes one id that a writer must escape, or one in
        // capitals (equal to a lower-case id only to a case-blind comparison).
        for t in self.types.clone() {
            let k = self.c.range(1, (self.s.entities as usize).clamp(1, ID_NAMES.len()));
            let mut ids: Vec<String> = ID_NAMES[..k].iter().map(|s| s.to_string()).collect();
            if self.s.special_chars && self.c.flip(0.2) {
                let i = self.c.below(k);
                ids[i] = self.c.pick(SPECIAL_STRINGS).to_string();
                self.reach.special_chars += 1;
            } else if self.s.capitals && k > 1 && self.c.flip(0.15) {
                ids[k - 1] = swap_case(&ids[0]);
                self.reach.case_variants += 1;
            }
            self.universe.insert(t, ids);
        }
        self.compute_ancestor_types();

        // Actions.
        let action_ty = q("Action");
        let na = self.c.range(1, (self.s.actions as usize).clamp(1, ACTION_NAMES.len()));
        let ng = if self.s.action_groups && self.c.flip(0.6) { self.c.range(1, GROUP_NAMES.len()) } else { 0 };
        let groups: Vec<EntityUid> = GROUP_NAMES[..ng].iter().map(|g| EntityUid::new(action_ty.clone(), *g)).collect();
        for name in &ACTION_NAMES[..na] {
            let uid = EntityUid::new(action_ty.clone(), *name);
            let applies_to = Some(self.gen_applies_to(np, n));
            let mut member_of = Vec::new();
            for g in &groups {
                if self.c.flip(0.6) {
                    member_of.push(g.clone());
                }
            }
            self.schema.actions.insert(uid, ActionDef { member_of, applies_to });
        }
        for (i, g) in groups.iter().enumerate() {
            // A group may itself be in a later group; some groups are also applicable.
            let member_of = if i + 1 < groups.len() && self.c.flip(0.5) { vec![groups[i + 1].clone()] } else { vec![] };
            let applies_to = if self.c.flip(0.3) { Some(self.gen_applies_to(np, n)) } else { None };
            self.schema.actions.insert(g.clone(), ActionDef { member_of, applies_to });
        }
        self.groups = groups;
        // Enum types can be resources too (rarely).
        if let Some(e) = enum_types.first() {
            if self.c.flip(0.2) {
                let a = EntityUid::new(action_ty.clone(), ACTION_NAMES[0]);
                if let Some(at) = self.schema.actions.get_mut(&a).and_then(|d| d.applies_to.as_mut()) {
                    at.resource_types.push(e.clone());
                }
            }
        }
        self.applicable = self
            .schema
            .actions
            .iter()
            .filter_map(|(a, d)| d.applies_to.as_ref().map(|at| (a.clone(), Rc::new(at.clone()))))
            .collect();
    }

    fn gen_applies_to(&mut self, np: usize, n: usize) -> AppliesTo {
        let mut principal_types = vec![self.types[self.c.below(np)].clone()];
        if np > 1 && self.c.flip(0.3) {
            let t = self.types[self.c.below(np)].clone();
            if !principal_types.contains(&t) {
                principal_types.push(t);
            }
        }
        let mut resource_types = vec![self.types[self.c.range(np, n - 1)].clone()];
        if self.c.flip(0.3) {
            let t = self.types[self.c.below(n)].clone();
            if !resource_types.contains(&t) {
                resource_types.push(t);
            }
        }
        let context = if self.s.context && self.c.flip(0.8) {
            self.gen_record_type(CONTEXT_NAMES, self.s.attrs as usize, 2, 0.25)
        } else {
            RecordType::default()
        };
        AppliesTo { principal_types, resource_types, context }
    }

    /// A record type with up to `max` attributes named from `names`.
    fn gen_record_type(&mut self, names: &[&str], max: usize, depth: u32, optional: f64) -> RecordType {
        let k = self.c.range(0, max.min(names.len()));
        let mut attrs = BTreeMap::new();
        for _ in 0..k {
            let name = self.c.pick(names).to_string();
            if attrs.contains_key(&name) {
                continue;
            }
            let ty = self.gen_schema_type(depth);
            let required = !self.c.flip(optional);
            attrs.insert(name, AttributeType { ty, required });
        }
        RecordType { attrs }
    }

    /// A random attribute type; `depth` bounds set/record nesting.
    pub fn gen_schema_type(&mut self, depth: u32) -> SchemaType {
        let nest = if depth > 0 { 2 } else { 0 };
        let ext = if self.s.extensions { 4 } else { 0 };
        choose!(self.c,
            2 => SchemaType::Bool,
            3 => SchemaType::Long,
            3 => SchemaType::String,
            2 => SchemaType::Entity(self.any_entity_type()),
            nest => SchemaType::Set(Box::new(self.gen_schema_type(depth - 1))),
            nest / 2 => SchemaType::Record(self.gen_record_type(ATTR_NAMES, 3, depth - 1, 0.3)),
            ext => SchemaType::Extension(*self.c.pick(&EXT_TYPES)),
        )
    }

    /// Any declared entity type (standard or enum).
    pub fn any_entity_type(&mut self) -> EntityType {
        let n = self.schema.entity_types.len();
        if n == 0 || self.types.is_empty() {
            // Only while the schema is being built before types exist (never in practice).
            return EntityType::new("User");
        }
        // Prefer standard types; enum types are in the map too.
        if self.c.flip(0.85) || n == self.types.len() {
            self.types[self.c.below(self.types.len())].clone()
        } else {
            self.schema.entity_types.keys().nth(self.c.below(n)).cloned().expect("in range")
        }
    }

    fn compute_ancestor_types(&mut self) {
        for t in self.types.clone() {
            let mut seen = BTreeSet::new();
            let mut stack = vec![t.clone()];
            while let Some(x) = stack.pop() {
                if !seen.insert(x.clone()) {
                    continue;
                }
                if let Some(d) = self.schema.entity_types.get(&x) {
                    stack.extend(d.member_of_types.iter().cloned());
                }
            }
            self.anc_or_self.insert(t, seen.into_iter().collect());
        }
        for (t, d) in &self.schema.entity_types {
            if d.enum_ids.is_some() {
                self.anc_or_self.insert(t.clone(), vec![t.clone()]);
            }
        }
    }

    pub fn is_enum(&self, t: &EntityType) -> bool {
        self.enum_types.contains(t)
    }

    /// A UID of type `t`; sometimes (counted) an id that never exists. Enum
    /// types always get a declared id (anything else makes the store or the
    /// policy invalid, not merely erroring). `in_data` marks entity data.
    pub fn uid_of(&mut self, t: &EntityType, in_data: bool) -> EntityUid {
        let _ = in_data;
        if !self.is_enum(t) && self.c.flip(self.s.missing_entities * 0.15) {
            self.counts.dangling_refs += 1;
            return EntityUid { ty: t.clone(), id: "ghost".into() };
        }
        match self.universe.get(t) {
            Some(ids) if !ids.is_empty() => {
                let id = ids[self.c.below(ids.len())].clone();
                EntityUid { ty: t.clone(), id }
            }
            _ => EntityUid { ty: t.clone(), id: ID_NAMES[0].into() },
        }
    }

    // ---------------------------------------------------------------- data

    /// A pool integer (extremes counted).
    pub fn int(&mut self) -> i64 {
        let i = self.pool.int(self.c);
        if is_extreme(i) {
            self.reach.int_extremes += 1;
        }
        i
    }

    /// A pool string (special characters counted).
    pub fn string(&mut self) -> String {
        let s = self.pool.string(self.c);
        if SPECIAL_STRINGS.contains(&s.as_str()) {
            self.reach.special_chars += 1;
        }
        s
    }

    /// A value of schema type `ty`.
    pub fn gen_value(&mut self, ty: &SchemaType, depth: u32) -> Value {
        match ty {
            SchemaType::Bool => Value::Bool(self.c.flip(0.5)),
            SchemaType::Long => Value::Long(self.int()),
            SchemaType::String => Value::String(self.string()),
            SchemaType::Entity(t) => Value::EntityUid(self.uid_of(t, true)),
            SchemaType::Set(el) => {
                // At depth 0 (inside records nested twice) sets used to be
                // always empty; `nested_sets` fills them too.
                let k = if depth > 0 || self.s.nested_sets { self.c.range(0, self.s.max_width as usize) } else { 0 };
                if depth == 0 && k > 0 {
                    self.reach.nested_sets += 1;
                }
                Value::set((0..k).map(|_| self.gen_value(el, depth.saturating_sub(1))).collect::<Vec<_>>())
            }
            SchemaType::Record(rt) => Value::record(self.gen_record_value(rt, depth)),
            SchemaType::Extension(t) => Value::Ext(self.pool.ext(self.c, *t).value),
        }
    }

    pub fn gen_record_value(&mut self, rt: &RecordType, depth: u32) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for (k, at) in &rt.attrs {
            if at.required || self.c.flip(0.6) {
                out.insert(k.clone(), self.gen_value(&at.ty, depth.saturating_sub(1)));
            }
        }
        out
    }

    /// The entities (standard types and the schema's actions). Some are
    /// dropped when missing-entity injection fires for this input.
    pub fn gen_entities(&mut self) -> Vec<Entity> {
        let drop_rate =
            if self.c.flip((self.s.missing_entities * 4.0).min(1.0)) { self.s.missing_entities } else { 0.0 };
        let mut out = Vec::new();
        // The schema is only read here; taking it out lets the loop borrow
        // definitions while generating values (no deep copies).
        let schema = std::mem::take(&mut self.schema);
        for t in self.types.clone() {
            let def = &schema.entity_types[&t];
            let ids = self.universe[&t].clone();
            for (i, id) in ids.iter().enumerate() {
                let uid = EntityUid { ty: t.clone(), id: id.clone() };
                let attrs = self.gen_record_value(&def.attrs, 2);
                let mut parents = BTreeSet::new();
                for pt in &def.member_of_types {
                    let pids = &self.universe[pt];
                    // Same-type parents only later in the list: no cycles.
                    let lo = if *pt == t { i + 1 } else { 0 };
                    if lo >= pids.len() {
                        continue;
                    }
                    let n_parents = choose!(self.c, 1 => 0, 5 => 1, 2 => 2);
                    for _ in 0..n_parents {
                        let p = pids[self.c.range(lo, pids.len() - 1)].clone();
                        parents.insert(EntityUid { ty: pt.clone(), id: p });
                    }
                }
                let mut tags = BTreeMap::new();
                if let Some(tt) = &def.tags {
                    for _ in 0..self.c.range(0, 3) {
                        let k = self.pool.tag_key(self.c);
                        let v = self.gen_value(tt, 1);
                        tags.insert(k, v);
                    }
                }
                if self.c.flip(drop_rate) {
                    self.counts.missing_entities += 1;
                    continue;
                }
                out.push(Entity { uid, attrs, parents, ancestors: BTreeSet::new(), tags });
            }
        }
        self.schema = schema;
        for (uid, def) in &self.schema.actions {
            out.push(Entity {
                uid: uid.clone(),
                attrs: BTreeMap::new(),
                parents: def.member_of.iter().cloned().collect(),
                ancestors: BTreeSet::new(),
                tags: BTreeMap::new(),
            });
        }
        out
    }
}

/// Build a store from entities whose parent graph is acyclic: fills in
/// `ancestors` (transitive closure through the entities present, parents
/// always included) without the cost of the engine's validating loader.
pub fn build_store(list: Vec<Entity>) -> Entities {
    // Index-based memoised closure: one hash lookup per parent edge.
    let index: HashMap<EntityUid, usize> = list.iter().enumerate().map(|(i, e)| (e.uid.clone(), i)).collect();
    let mut memo: Vec<Option<BTreeSet<EntityUid>>> = vec![None; list.len()];
    fn ensure(
        i: usize,
        list: &[Entity],
        index: &HashMap<EntityUid, usize>,
        memo: &mut [Option<BTreeSet<EntityUid>>],
        depth: usize,
    ) {
        if memo[i].is_some() {
            return;
        }
        let mut out = BTreeSet::new();
        for p in &list[i].parents {
            out.insert(p.clone());
            // Depth bound: generated hierarchies are short; a cycle (never
            // generated) cannot recurse forever.
            if let Some(&j) = index.get(p) {
                if depth < 1000 && j != i {
                    ensure(j, list, index, memo, depth + 1);
                    if let Some(pa) = &memo[j] {
                        out.extend(pa.iter().cloned());
                    }
                }
            }
        }
        memo[i] = Some(out);
    }
    for i in 0..list.len() {
        ensure(i, &list, &index, &mut memo, 0);
    }
    let mut map = HashMap::with_capacity(list.len());
    for (mut e, a) in list.into_iter().zip(memo) {
        e.ancestors = a.unwrap_or_default();
        map.insert(e.uid.clone(), e);
    }
    Entities { map }
}
