include "Types.dfy"
include "../json/JsonValues.dfy"

// Cedar's JSON schema format → Schema: namespaces, entity types (shape,
// memberOfTypes, tags, enum), actions (memberOf, appliesTo), common types.
// Names are qualified with their namespace; a reference is resolved where
// it is written (in its namespace first, then the empty namespace, then the
// builtin names Bool/Long/String/ipaddr/decimal/datetime/duration).
module SchemaJson {
  import opened Values
  import opened JsonData
  import opened JsonValues
  import opened ValidationTypes

  // Bounds type nesting, common types included (a common type defined in
  // terms of itself runs out of it).
  const TypeFuel: nat := 200

  // Everything declared, by qualified name; commons keep their namespace.
  datatype Decls = Decls(
    entities: set<string>,
    actionTypes: set<string>,
    commons: map<string, (string, Json)>,
    actions: set<EntityUID>)

  datatype RefKind = EntityRef | CommonRef | EntityOrCommonRef

  function method Qualify(ns: string, name: string): string {
    if ns == "" then name else ns + "::" + name
  }

  function method NsPath(ns: string): Path {
    Member(Root("schema"), if ns == "" then "\"\"" else ns)
  }

  function method SchemaFromJson(j: Json): Conv<Schema> {
    if !j.JObject? then Fail("schema: expected an object")
    else
      var d := Declarations(j.members, Decls({}, {}, map[], {}));
      var shadow := if d.Fail? then None else Shadowing(j.members, d.val);
      if d.Fail? then Fail(d.why)
      else if shadow.Some? then Fail(shadow.value)
      else
        var ets := EntityTypes(j.members, d.val);
        var acts := Actions(j.members, d.val);
        if ets.Fail? then Fail(ets.why)
        else if acts.Fail? then Fail(acts.why)
        else
          var s := Schema(ets.val, acts.val);
          var cyc := OnCycle(s, DeclaredActionList(j.members));
          if cyc.Some? then
            Fail(Show(Member(Member(NsPath(cyc.value.0), "actions"), cyc.value.1.eid)) +
                 ": the action hierarchy has a cycle through this action")
          else Done(s)
  }

  // RFC 70: a named namespace may not declare an entity type or common type
  // whose name the empty namespace declares as either, nor an action whose
  // id an action of the empty namespace has. The first such declaration.
  function method Shadowing(nss: seq<(string, Json)>, d: Decls): Option<string> {
    if |nss| == 0 then None
    else
      var (ns, body) := nss[0];
      var at := NsPath(ns);
      var ets := Field(body, "entityTypes");
      var cts := Field(body, "commonTypes");
      var acts := Field(body, "actions");
      var e := if ns != "" && ets.Some? && ets.value.JObject?
               then ShadowedName(ets.value.members, d, Member(at, "entityTypes")) else None;
      var c := if ns != "" && cts.Some? && cts.value.JObject?
               then ShadowedName(cts.value.members, d, Member(at, "commonTypes")) else None;
      var a := if ns != "" && acts.Some? && acts.value.JObject?
               then ShadowedAction(acts.value.members, d, Member(at, "actions")) else None;
      if e.Some? then e else if c.Some? then c else if a.Some? then a else Shadowing(nss[1..], d)
  }

  function method ShadowedName(ms: seq<(string, Json)>, d: Decls, at: Path): Option<string> {
    if |ms| == 0 then None
    else if ms[0].0 in d.entities || ms[0].0 in d.commons then
      Some(Show(Member(at, ms[0].0)) + ": shadows the empty namespace's declaration of " + ms[0].0 + " (not allowed)")
    else ShadowedName(ms[1..], d, at)
  }

  function method ShadowedAction(ms: seq<(string, Json)>, d: Decls, at: Path): Option<string> {
    if |ms| == 0 then None
    else if EntityUID("Action", ms[0].0) in d.actions then
      Some(Show(Member(at, ms[0].0)) + ": shadows the empty namespace's action with the same id (not allowed)")
    else ShadowedAction(ms[1..], d, at)
  }

  // Every declared action, with its namespace, in the order written.
  function method DeclaredActionList(nss: seq<(string, Json)>): seq<(string, EntityUID)> {
    if |nss| == 0 then []
    else
      var (ns, body) := nss[0];
      var acts := Field(body, "actions");
      var here := if acts.Some? && acts.value.JObject? then ActionsOfNs(ns, acts.value.members) else [];
      here + DeclaredActionList(nss[1..])
  }

  function method ActionsOfNs(ns: string, ms: seq<(string, Json)>): seq<(string, EntityUID)> {
    if |ms| == 0 then [] else [(ns, EntityUID(Qualify(ns, "Action"), ms[0].0))] + ActionsOfNs(ns, ms[1..])
  }

  // The first action that is its own ancestor (Cedar refuses action
  // hierarchies with cycles).
  function method OnCycle(s: Schema, xs: seq<(string, EntityUID)>): Option<(string, EntityUID)> {
    if |xs| == 0 then None
    else if xs[0].1 in ActionAncestors(s, xs[0].1) then Some(xs[0])
    else OnCycle(s, xs[1..])
  }

  // ---- pass 1: declarations ----

  function method Declarations(nss: seq<(string, Json)>, acc: Decls): Conv<Decls> {
    if |nss| == 0 then Done(acc)
    else
      var (ns, body) := nss[0];
      var at := NsPath(ns);
      var ets := Field(body, "entityTypes");
      var acts := Field(body, "actions");
      var cts := Field(body, "commonTypes");
      if ns != "" && !IsName(ns) then Fail(Show(at) + ": invalid namespace name")
      else if !body.JObject? then Fail(Show(at) + ": expected an object")
      else if ets.None? || !ets.value.JObject? then Fail(Show(at) + ": entityTypes must be an object")
      else if acts.None? || !acts.value.JObject? then Fail(Show(at) + ": actions must be an object")
      else if cts.Some? && !cts.value.JObject? then Fail(Show(at) + ": commonTypes must be an object")
      else
        var e := DeclareEntities(ns, ets.value.members, acc, Member(at, "entityTypes"));
        if e.Fail? then e
        else
          var c := DeclareCommons(ns, if cts.Some? then cts.value.members else [], e.val, Member(at, "commonTypes"));
          if c.Fail? then c
          else
            var a := DeclareActions(ns, acts.value.members, c.val, Member(at, "actions"));
            if a.Fail? then a else Declarations(nss[1..], a.val)
  }

  function method DeclareEntities(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path): Conv<Decls> {
    if |ms| == 0 then Done(d)
    else
      var q := Qualify(ns, ms[0].0);
      if ms[0].0 == "Action" then
        Fail(Show(Member(at, ms[0].0)) + ": the entity type `Action` may not be declared (it is the type of actions)")
      else if ms[0].0 == "__cedar" then
        Fail(Show(Member(at, ms[0].0)) + ": `__cedar` may not be used as an entity type name")
      else if !IsIdent(ms[0].0) then Fail(Show(Member(at, ms[0].0)) + ": invalid entity type name")
      else if q in d.entities then Fail(Show(Member(at, ms[0].0)) + ": entity type declared twice")
      else DeclareEntities(ns, ms[1..], d.(entities := d.entities + {q}), at)
  }

  function method DeclareCommons(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path): Conv<Decls> {
    if |ms| == 0 then Done(d)
    else
      var q := Qualify(ns, ms[0].0);
      if !IsIdent(ms[0].0) || IsBuiltinTypeWord(ms[0].0) then
        Fail(Show(Member(at, ms[0].0)) + ": invalid common type name")
      else if q in d.commons then Fail(Show(Member(at, ms[0].0)) + ": common type declared twice")
      else DeclareCommons(ns, ms[1..], d.(commons := d.commons[q := (ns, ms[0].1)]), at)
  }

  predicate method IsBuiltinTypeWord(s: string) {
    s == "Bool" || s == "Boolean" || s == "Entity" || s == "Extension" || s == "Long" ||
    s == "Record" || s == "Set" || s == "String"
  }

  function method DeclareActions(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path): Conv<Decls> {
    if |ms| == 0 then Done(d)
    else
      var uid := EntityUID(Qualify(ns, "Action"), ms[0].0);
      if uid in d.actions then Fail(Show(Member(at, ms[0].0)) + ": action declared twice")
      else DeclareActions(ns, ms[1..], d.(actions := d.actions + {uid}, actionTypes := d.actionTypes + {uid.ty}), at)
  }

  // ---- pass 2: entity types ----

  function method EntityTypes(nss: seq<(string, Json)>, d: Decls): Conv<map<string, EntityDef>> {
    if |nss| == 0 then Done(map[])
    else
      var (ns, body) := nss[0];
      var ets := Field(body, "entityTypes");
      var here := if ets.Some? && ets.value.JObject?
                  then EntityDefs(ns, ets.value.members, d, Member(NsPath(ns), "entityTypes"))
                  else Done(map[]);
      var rest := EntityTypes(nss[1..], d);
      if here.Fail? then here
      else if rest.Fail? then rest
      else Done(Merge(rest.val, here.val))
  }

  function method EntityDefs(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path): Conv<map<string, EntityDef>> {
    if |ms| == 0 then Done(map[])
    else
      var def := EntityDefFromJson(ns, ms[0].1, d, Member(at, ms[0].0));
      var rest := EntityDefs(ns, ms[1..], d, at);
      if def.Fail? then Fail(def.why)
      else if rest.Fail? then rest
      else Done(rest.val[Qualify(ns, ms[0].0) := def.val])
  }

  function method EntityDefFromJson(ns: string, j: Json, d: Decls, at: Path): Conv<EntityDef> {
    var en := Field(j, "enum");
    if !j.JObject? then Fail(Show(at) + ": expected an object")
    else if en.Some? then
      var ids := if en.value.JArray? then Strings(en.value.items, Member(at, "enum")) else Fail(Show(at) + ".enum: expected an array");
      if ids.Fail? then Fail(ids.why)
      else if |ids.val| == 0 then Fail(Show(at) + ".enum: needs at least one id")
      else if HasField(j, "memberOfTypes") || HasField(j, "shape") || HasField(j, "tags") then
        Fail(Show(at) + ": an enumerated entity type has only `enum`")
      else Done(EntityDef({}, [], None, Some(ids.val)))
    else
      var mo := Field(j, "memberOfTypes");
      var parents := if mo.None? then Done([])
                     else if mo.value.JArray? then Strings(mo.value.items, Member(at, "memberOfTypes"))
                     else Fail(Show(at) + ".memberOfTypes: expected an array");
      var resolved := if parents.Fail? then Fail(parents.why) else EntityRefs(ns, parents.val, d, Member(at, "memberOfTypes"));
      var shape := Field(j, "shape");
      var attrs := if shape.None? then Done([]) else RecordTypeFromJson(ns, shape.value, d, Member(at, "shape"));
      var tags := Field(j, "tags");
      var tagTy := if tags.None? then Done(None)
                   else var t := TypeFromJson(ns, tags.value, d, Member(at, "tags"), TypeFuel);
                        if t.Fail? then Fail(t.why) else Done(Some(t.val));
      if resolved.Fail? then Fail(resolved.why)
      else if attrs.Fail? then Fail(attrs.why)
      else if tagTy.Fail? then Fail(tagTy.why)
      else Done(EntityDef(SeqToSet(resolved.val), attrs.val, tagTy.val, None))
  }

  // a and b, b winning (names are unique, so nothing is overwritten).
  function method Merge<K, V>(a: map<K, V>, b: map<K, V>): map<K, V> {
    map k | k in a.Keys + b.Keys :: if k in b then b[k] else a[k]
  }

  function method Strings(items: seq<Json>, at: Path): Conv<seq<string>> {
    if |items| == 0 then Done([])
    else
      var rest := Strings(items[1..], at);
      if !items[0].JString? then Fail(Show(at) + ": expected strings")
      else if rest.Fail? then rest
      else Done([items[0].s] + rest.val)
  }

  // Names of declared entity types (not action types).
  function method EntityRefs(ns: string, names: seq<string>, d: Decls, at: Path): Conv<seq<string>> {
    if |names| == 0 then Done([])
    else
      var t := Lookup(ns, names[0], EntityRef, d, at, TypeFuel);
      var rest := EntityRefs(ns, names[1..], d, at);
      if t.Fail? then Fail(t.why)
      else if !(t.val.EntityT? && t.val.ety in d.entities) then
        Fail(Show(at) + ": " + names[0] + " is not a declared entity type")
      else if rest.Fail? then rest
      else Done([t.val.ety] + rest.val)
  }

  // ---- pass 2: actions ----

  function method Actions(nss: seq<(string, Json)>, d: Decls): Conv<map<EntityUID, ActionDef>> {
    if |nss| == 0 then Done(map[])
    else
      var (ns, body) := nss[0];
      var acts := Field(body, "actions");
      var here := if acts.Some? && acts.value.JObject?
                  then ActionDefs(ns, acts.value.members, d, Member(NsPath(ns), "actions"))
                  else Done(map[]);
      var rest := Actions(nss[1..], d);
      if here.Fail? then here
      else if rest.Fail? then rest
      else Done(Merge(rest.val, here.val))
  }

  function method ActionDefs(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path): Conv<map<EntityUID, ActionDef>> {
    if |ms| == 0 then Done(map[])
    else
      var def := ActionDefFromJson(ns, ms[0].1, d, Member(at, ms[0].0));
      var rest := ActionDefs(ns, ms[1..], d, at);
      if def.Fail? then Fail(def.why)
      else if rest.Fail? then rest
      else Done(rest.val[EntityUID(Qualify(ns, "Action"), ms[0].0) := def.val])
  }

  function method ActionDefFromJson(ns: string, j: Json, d: Decls, at: Path): Conv<ActionDef> {
    var mo := Field(j, "memberOf");
    var parents := if mo.None? then Done([])
                   else if mo.value.JArray? then ActionRefs(ns, mo.value.items, d, Member(at, "memberOf"))
                   else Fail(Show(at) + ".memberOf: expected an array");
    var app := Field(j, "appliesTo");
    var applies := if app.None? || app.value.JNull? then Done(None)
                   else AppliesToFromJson(ns, app.value, d, Member(at, "appliesTo"));
    var attrs := Field(j, "attributes");
    if !j.JObject? then Fail(Show(at) + ": expected an object")
    else if attrs.Some? && !attrs.value.JNull? && attrs.value != JObject([]) then
      Fail(Show(at) + ".attributes: action attributes are not supported")
    else if parents.Fail? then Fail(parents.why)
    else if applies.Fail? then Fail(applies.why)
    else Done(ActionDef(SeqToSet(parents.val), applies.val))
  }

  // {"id": I, "type"?: T}; without a type, the action type of the
  // namespace, then of the empty namespace.
  function method ActionRefs(ns: string, items: seq<Json>, d: Decls, at: Path): Conv<seq<EntityUID>> {
    if |items| == 0 then Done([])
    else
      var id := StringField(items[0], "id", at);
      var ty := Field(items[0], "type");
      var rest := ActionRefs(ns, items[1..], d, at);
      if id.Fail? then Fail(id.why)
      else if ty.Some? && !ty.value.JString? then Fail(Show(at) + ": an action type must be a string")
      else
        var written := if ty.Some? then ty.value.s else "Action";
        var first := EntityUID(if ':' in written then written else Qualify(ns, written), id.val);
        var second := EntityUID(written, id.val);
        if rest.Fail? then rest
        else if first in d.actions then Done([first] + rest.val)
        else if second in d.actions then Done([second] + rest.val)
        else Fail(Show(at) + ": undeclared parent action " + first.ty + "::\"" + id.val + "\"")
  }

  function method AppliesToFromJson(ns: string, j: Json, d: Decls, at: Path): Conv<Option<AppliesTo>> {
    var ps := NameList(j, "principalTypes", at);
    var rs := NameList(j, "resourceTypes", at);
    var ctx := Field(j, "context");
    var c := if ctx.None? then Done([]) else RecordTypeFromJson(ns, ctx.value, d, Member(at, "context"));
    if !j.JObject? then Fail(Show(at) + ": expected an object")
    else if ps.Fail? then Fail(ps.why)
    else if rs.Fail? then Fail(rs.why)
    else if c.Fail? then Fail(c.why)
    else
      var p := EntityRefs(ns, ps.val, d, Member(at, "principalTypes"));
      var r := EntityRefs(ns, rs.val, d, Member(at, "resourceTypes"));
      if p.Fail? then Fail(p.why)
      else if r.Fail? then Fail(r.why)
      else Done(Some(AppliesTo(SeqToSet(p.val), SeqToSet(r.val), c.val)))
  }

  function method NameList(j: Json, k: string, at: Path): Conv<seq<string>> {
    var f := Field(j, k);
    if f.None? then Done([])
    else if !f.value.JArray? then Fail(Show(Member(at, k)) + ": expected an array")
    else Strings(f.value.items, Member(at, k))
  }

  // ---- types ----

  function method RecordTypeFromJson(ns: string, j: Json, d: Decls, at: Path): Conv<seq<Attr>> {
    var t := TypeFromJson(ns, j, d, at, TypeFuel);
    if t.Fail? then Fail(t.why)
    else if !t.val.RecordT? then Fail(Show(at) + ": must be a record type")
    else Done(t.val.attrs)
  }

  function method TypeFromJson(ns: string, j: Json, d: Decls, at: Path, fuel: nat): Conv<Ty>
    decreases fuel, 1
  {
    var t := StringField(j, "type", at);
    if fuel == 0 then Fail(Show(at) + ": types nested too deeply (or a common type defined in terms of itself)")
    else if t.Fail? then Fail(t.why)
    else if t.val == "Long" then Done(LongT)
    else if t.val == "String" then Done(StringT)
    else if t.val == "Boolean" then Done(BoolT(AnyBool))
    else if t.val == "Set" then
      if !HasField(j, "element") then Fail(Show(at) + ": missing element")
      else
        var el := TypeFromJson(ns, FieldValue(j, "element"), d, Member(at, "element"), fuel - 1);
        if el.Fail? then el else Done(SetT(el.val))
    else if t.val == "Record" then
      var extra := Field(j, "additionalAttributes");
      var attrs := Field(j, "attributes");
      if extra.Some? && extra.value != JBool(false) then
        Fail(Show(at) + ": additionalAttributes is not supported")
      else if attrs.None? || !attrs.value.JObject? then Fail(Show(at) + ": attributes must be an object")
      else
        var xs := AttrsFromJson(ns, attrs.value.members, d, Member(at, "attributes"), fuel - 1);
        if xs.Fail? then Fail(xs.why)
        else if HasDuplicateName(xs.val) then Fail(Show(at) + ": an attribute declared twice")
        else Done(RecordT(SortAttrs(xs.val)))
    else if t.val == "Entity" || t.val == "Extension" || t.val == "EntityOrCommon" then
      var name := StringField(j, "name", at);
      if name.Fail? then Fail(name.why)
      else if t.val == "Extension" then
        var x := ExtByName(name.val);
        if x.None? then Fail(Show(at) + ": unknown extension type " + name.val) else Done(ExtT(x.value))
      else Lookup(ns, name.val, if t.val == "Entity" then EntityRef else EntityOrCommonRef, d, at, fuel - 1)
    else Lookup(ns, t.val, CommonRef, d, at, fuel - 1)
  }

  function method AttrsFromJson(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path, fuel: nat): Conv<seq<Attr>>
    decreases fuel, 2, |ms|
  {
    if |ms| == 0 then Done([])
    else
      var (k, aj) := ms[0];
      var req := Field(aj, "required");
      var ty := TypeFromJson(ns, aj, d, Member(at, k), fuel);
      var rest := AttrsFromJson(ns, ms[1..], d, at, fuel);
      if req.Some? && !req.value.JBool? then Fail(Show(Member(at, k)) + ".required: expected a boolean")
      else if ty.Fail? then Fail(ty.why)
      else if rest.Fail? then rest
      else Done([Attr(k, ty.val, req.None? || req.value.b)] + rest.val)
  }

  predicate method HasDuplicateName(xs: seq<Attr>) {
    exists i, j :: 0 <= i < j < |xs| && xs[i].name == xs[j].name
  }

  function method ExtByName(n: string): Option<ExtTy> {
    if n == "ipaddr" then Some(IpAddrT)
    else if n == "decimal" then Some(DecimalT)
    else if n == "datetime" then Some(DatetimeT)
    else if n == "duration" then Some(DurationT)
    else None
  }

  function method Builtin(n: string): Option<Ty> {
    if n == "Bool" then Some(BoolT(AnyBool))
    else if n == "Long" then Some(LongT)
    else if n == "String" then Some(StringT)
    else var x := ExtByName(n); if x.None? then None else Some(ExtT(x.value))
  }

  function method Lookup(ns: string, name: string, kind: RefKind, d: Decls, at: Path, fuel: nat): Conv<Ty>
    decreases fuel, 0
  {
    var commonOk := kind != EntityRef;
    var entityOk := kind != CommonRef;
    var cedar := "__cedar::";
    if |name| > |cedar| && name[..|cedar|] == cedar then
      var b := Builtin(name[|cedar|..]);
      if commonOk && b.Some? then Done(b.value) else Fail(Show(at) + ": unknown type " + name)
    else
      var candidates := if ':' in name || ns == "" then [name] else [Qualify(ns, name), name];
      var found := Candidate(candidates, commonOk, entityOk, d);
      if found.Some? && found.value.0 then
        var c := d.commons[found.value.1];
        if fuel == 0 then Fail(Show(at) + ": types nested too deeply (or a common type defined in terms of itself)")
        else TypeFromJson(c.0, c.1, d, at, fuel - 1)
      else if found.Some? then Done(EntityT(found.value.1))
      else
        var b := Builtin(name);
        if commonOk && ':' !in name && name !in d.entities && name !in d.commons && b.Some? then Done(b.value)
        else Fail(Show(at) + ": unknown type " + name)
  }

  // The first candidate that names a common type (true) or an entity type
  // (false), as allowed.
  function method Candidate(cs: seq<string>, commonOk: bool, entityOk: bool, d: Decls): (r: Option<(bool, string)>)
    ensures r.Some? && r.value.0 ==> r.value.1 in d.commons
  {
    if |cs| == 0 then None
    else if commonOk && cs[0] in d.commons then Some((true, cs[0]))
    else if entityOk && (cs[0] in d.entities || cs[0] in d.actionTypes) then Some((false, cs[0]))
    else Candidate(cs[1..], commonOk, entityOk, d)
  }
}
