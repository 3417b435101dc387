include "Est.dfy"

// Entities JSON, requests and policy sets.
module Input {
  import opened Values
  import opened Entities
  import opened Evaluator
  import opened Authorizer
  import opened JsonData
  import opened JsonValues
  import opened Text
  import Est

  const MaxDepth: Fuel := 1_000_000

  // ---- entities ----

  // [{"uid", "attrs", "parents", "tags"?}, ...]; identical duplicates merge,
  // differing ones are an error; ancestors are the transitive closure of
  // parents, and a cycle is an error.
  function method StoreFromJson(j: Json): (r: Conv<Store>)
    ensures r.Done? ==> Closed(r.val)
  {
    if !j.JArray? then Fail("entities: expected an array")
    else
      var parents := EntityList(j.items, 0);
      if parents.Fail? then Fail(parents.why)
      else
        var es := CloseChecked(parents.val, |parents.val| + 1);
        if es.None? then Fail("entities: ancestor closure did not converge")
        else if HasCycle(es.value) then Fail("entities: the parent relation has a cycle")
        else Done(es.value)
  }

  // The store with `ancestors` holding just the parents.
  function method EntityList(items: seq<Json>, index: nat): Conv<Store>
    decreases |items|
  {
    if |items| == 0 then Done(map[])
    else
      var at := Item(Root("entities"), index);
      var e := EntityFromJson(items[0], at);
      var rest := EntityList(items[1..], index + 1);
      if e.Fail? then Fail(e.why)
      else if rest.Fail? then rest
      else
        var (uid, data) := e.val;
        if uid in rest.val && rest.val[uid] != data then Fail(Show(at) + ": a different entity with the same uid")
        else Done(rest.val[uid := data])
  }

  function method EntityFromJson(j: Json, at: Path): Conv<(EntityUID, EntityData)> {
    var uid := if HasField(j, "uid") then UidFromJson(FieldValue(j, "uid"), Member(at, "uid"))
               else Fail(Show(at) + ": missing uid");
    var attrs := FieldOrNull(j, "attrs");
    var parents := FieldOrNull(j, "parents");
    var tags := if HasField(j, "tags") then FieldValue(j, "tags") else JObject([]);
    var attrMap := if attrs.JObject?
                   then RecordFromJson(attrs.members, Member(at, "attrs"), true, MaxDepth)
                   else Fail(Show(at) + ": attrs must be an object");
    var tagMap := if tags.JObject? then RecordFromJson(tags.members, Member(at, "tags"), true, MaxDepth)
                  else Fail(Show(at) + ": tags must be an object");
    var parentList := if parents.JArray?
                      then UidList(parents.items, Member(at, "parents"))
                      else Fail(Show(at) + ": parents must be an array");
    if uid.Fail? then Fail(uid.why)
    else if attrMap.Fail? then Fail(attrMap.why)
    else if tagMap.Fail? then Fail(tagMap.why)
    else if parentList.Fail? then Fail(parentList.why)
    else
      // An action's parents are action groups: anything else is refused,
      // as Cedar's entity loader refuses it.
      var bad := FirstNonAction(parentList.val, 0);
      if IsActionType(uid.val.ty) && bad < |parentList.val| then
        Fail(Show(Item(Member(at, "parents"), bad)) + ": action " + uid.val.ty + "::\"" + uid.val.eid +
             "\" has a parent of type " + parentList.val[bad].ty + ", which is not an action type")
      else Done((uid.val, EntityData(attrMap.val, SeqToSet(parentList.val), tagMap.val)))
  }

  // `Action` or `NS::Action`: the types of action entities.
  predicate method IsActionType(ty: string) {
    ty == "Action" || (|ty| > 8 && ty[|ty| - 8..] == "::Action")
  }

  // The index of the first uid in us[from..] whose type is not an action
  // type, or |us| when there is none.
  function method FirstNonAction(us: seq<EntityUID>, from: nat): (i: nat)
    requires from <= |us|
    ensures from <= i <= |us|
    decreases |us| - from
  {
    if from == |us| then |us|
    else if !IsActionType(us[from].ty) then from
    else FirstNonAction(us, from + 1)
  }

  function method UidList(items: seq<Json>, at: Path): Conv<seq<EntityUID>> {
    if |items| == 0 then Done([])
    else
      var head := UidFromJson(items[0], at);
      var tail := UidList(items[1..], at);
      if head.Fail? then Fail(head.why) else if tail.Fail? then tail else Done([head.val] + tail.val)
  }

  // One step adds the ancestors of each ancestor; `fuel` steps (each step
  // doubles the path length covered) reach the closure of any store.
  function method Close(es: Store, fuel: nat): Store {
    var next := Step(es);
    if fuel == 0 || next == es then es else Close(next, fuel - 1)
  }

  // Close, and whether its result is closed, decided by the fixpoint test
  // that Close makes anyway (Step(es) == es exactly when es is closed:
  // FixpointIsClosed) instead of a second pass over every entity and
  // ancestor (a `forall`, which Dafny 2.3 compiles into a call through
  // reflection per pair).
  function method CloseChecked(es: Store, fuel: nat): (r: Option<Store>)
    ensures r.Some? <==> IsClosed(Close(es, fuel))
    ensures r.Some? ==> r.value == Close(es, fuel) && Closed(r.value)
  {
    var next := Step(es);
    FixpointIsClosed(es);
    if next == es then Some(es)
    else if fuel == 0 then None
    else CloseChecked(next, fuel - 1)
  }

  function method Step(es: Store): Store {
    map u | u in es :: Extend(es, u)
  }

  function method Extend(es: Store, u: EntityUID): EntityData
    requires u in es
  {
    var d := es[u];
    EntityData(d.attrs, d.ancestors + AncestorsOfAll(es, d.ancestors), d.tags)
  }

  function method AncestorsOfAll(es: Store, us: set<EntityUID>): set<EntityUID> {
    // (not `u in us * es.Keys && a in es[u].ancestors`, which builds the key
    // set and an intersection for every entity; nor `u in es && a in
    // es[u].ancestors`, whose compiled loop reads es[u] before the test)
    set u, a | u in us && a in StoredAncestors(es, u) :: a
  }

  function method StoredAncestors(es: Store, u: EntityUID): set<EntityUID> {
    if u in es then es[u].ancestors else {}
  }

  predicate IsClosed(es: Store)
    ensures IsClosed(es) ==> Closed(es)
  {
    forall a, b :: a in es && b in es[a].ancestors && b in es ==> es[b].ancestors <= es[a].ancestors
  }

  // A store is a fixpoint of Step exactly when it is closed.
  lemma FixpointIsClosed(es: Store)
    ensures Step(es) == es <==> IsClosed(es)
  {
    if Step(es) == es {
      forall a, b | a in es && b in es[a].ancestors && b in es
        ensures es[b].ancestors <= es[a].ancestors
      {
        assert Extend(es, a) == es[a];
        forall x | x in es[b].ancestors
          ensures x in es[a].ancestors
        {
          assert x in StoredAncestors(es, b);
          assert x in AncestorsOfAll(es, es[a].ancestors);
        }
      }
    }
    if IsClosed(es) {
      forall u | u in es
        ensures Extend(es, u) == es[u]
      {
        assert AncestorsOfAll(es, es[u].ancestors) <= es[u].ancestors;
      }
      assert Step(es) == es;
    }
  }

  // Some entity is its own ancestor. (A set comprehension rather than
  // `exists`: Dafny 2.3 compiles a quantifier into a call through
  // reflection per element, a comprehension into a plain loop.)
  predicate method HasCycle(es: Store)
    ensures HasCycle(es) <==> exists u :: u in es && u in es[u].ancestors
  {
    var cyclic := set u | u in es && u in es[u].ancestors;
    assert forall u :: u in es && u in es[u].ancestors ==> u in cyclic;
    cyclic != {}
  }

  // ---- requests ----

  // {"principal", "action", "resource": uid, "context": {...}}
  function method RequestFromJson(j: Json, at: Path): Conv<Request> {
    RequestFromJsonReusing(j, at, None)
  }

  function method ContextJson(j: Json): Json {
    if HasField(j, "context") then FieldValue(j, "context") else JObject([])
  }

  // The same, where `known` may hold a context JSON already converted (the
  // requests of one line often share their context): an equal context JSON
  // converts to the same record, so that record is reused.
  function method RequestFromJsonReusing(j: Json, at: Path, known: Option<(Json, map<string, Value>)>): Conv<Request> {
    var p := RequestUid(j, "principal", at);
    var a := RequestUid(j, "action", at);
    var r := RequestUid(j, "resource", at);
    var cj := ContextJson(j);
    var c := if known.Some? && known.value.0 == cj then Done(known.value.1)
             else if cj.JObject? then RecordFromJson(cj.members, Member(at, "context"), false, MaxDepth)
             else Fail(Show(at) + ".context: expected an object");
    if p.Fail? then Fail(p.why) else if a.Fail? then Fail(a.why)
    else if r.Fail? then Fail(r.why) else if c.Fail? then Fail(c.why)
    else Done(Request(p.val, a.val, r.val, c.val))
  }

  function method RequestUid(j: Json, k: string, at: Path): Conv<EntityUID> {
    if HasField(j, k) then UidFromJson(FieldValue(j, k), Member(at, k)) else Fail(Show(at) + ": missing " + k)
  }

  // ---- policy sets ----

  // {"staticPolicies": {id: est}, "templates": {id: est},
  //  "templateLinks": [{"templateId", "newId", "values": {slot: uid}}]}
  function method PolicySetFromJson(j: Json): Conv<seq<Policy>> {
    var statics := ObjectOrEmpty(Field(j, "staticPolicies"));
    var templates := ObjectOrEmpty(Field(j, "templates"));
    var links := Field(j, "templateLinks");
    var linkItems := if links.Some? && links.value.JArray? then links.value.items else [];
    var ps := Statics(statics);
    var ls := Links(linkItems, templates);
    if !j.JObject? then Fail("policies: expected an object")
    else if ps.Fail? then ps
    else if ls.Fail? then ls
    else Done(ps.val + ls.val)
  }

  function method ObjectOrEmpty(o: Option<Json>): seq<(string, Json)> {
    if o.Some? && o.value.JObject? then o.value.members else []
  }

  function method Statics(ms: seq<(string, Json)>): Conv<seq<Policy>> {
    if |ms| == 0 then Done([])
    else
      var p := Est.PolicyFromEst(ms[0].0, ms[0].1, map[], MaxDepth);
      var rest := Statics(ms[1..]);
      if p.Fail? then Fail(p.why) else if rest.Fail? then rest else Done([p.val] + rest.val)
  }

  function method Links(items: seq<Json>, templates: seq<(string, Json)>): Conv<seq<Policy>> {
    if |items| == 0 then Done([])
    else
      var p := Link(items[0], templates);
      var rest := Links(items[1..], templates);
      if p.Fail? then Fail(p.why) else if rest.Fail? then rest else Done([p.val] + rest.val)
  }

  function method Link(l: Json, templates: seq<(string, Json)>): Conv<Policy> {
    var tid := StringField(l, "templateId", Root("templateLinks"));
    var newId := StringField(l, "newId", Root("templateLinks"));
    var values := ObjectOrEmpty(Field(l, "values"));
    var slots := SlotValues(values);
    if tid.Fail? then Fail(tid.why)
    else if newId.Fail? then Fail(newId.why)
    else if slots.Fail? then Fail(slots.why)
    else
      var t := Lookup(templates, tid.val);
      if t.None? then Fail("templateLinks: unknown template " + tid.val)
      else Est.PolicyFromEst(newId.val, t.value, slots.val, MaxDepth)
  }

  function method SlotValues(ms: seq<(string, Json)>): Conv<map<string, EntityUID>> {
    if |ms| == 0 then Done(map[])
    else
      var uid := UidFromJson(ms[0].1, Member(Member(Root("templateLinks"), "values"), ms[0].0));
      var rest := SlotValues(ms[1..]);
      if uid.Fail? then Fail(uid.why) else if rest.Fail? then rest
      else Done(rest.val[ms[0].0 := uid.val])
  }
}
