include "TypecheckProofs.dfy"
include "ValidatedAuthorization.dfy"
include "../validation/SchemaJson.dfy"

// Every schema SchemaJson builds is well formed (ParsedSchemaIsWellFormed),
// so the soundness theorems hold with "the schema is what SchemaJson read"
// in place of their WellFormedSchema premise (TypeOfSoundOnParsedSchema,
// ValidatorVerdictNeverTypeErrorOnParsedSchema).
//
// The argument: pass 1 (Declarations) records every action it meets and
// refuses entity type names that are not identifiers or are `Action`; pass 2
// (Actions) builds one action per recorded one, each of type `Action` or
// `NS::Action`, whose parents are recorded actions (ActionRefs admits no
// other); and a qualified identifier other than `Action` is never an action
// type (QualifiedNotActionType), so no entity type is one.
module SchemaJsonProofs {
  import opened Values
  import opened JsonData
  import opened JsonValues
  import opened ValidationTypes
  import opened SchemaJson
  import opened TypecheckProofs
  import opened Typecheck
  import opened Syntax
  import opened Evaluator
  import opened Entities
  import Conformance
  import opened Authorizer
  import ValidatedAuthorization

  // ---- names ----

  lemma IdentCharsHaveNoColon(s: string)
    requires IdentChars(s)
    ensures forall i :: 0 <= i < |s| ==> s[i] != ':'
  {
    if |s| > 0 {
      IdentCharsHaveNoColon(s[1..]);
      forall i | 0 < i < |s|
        ensures s[i] != ':'
      {
        assert s[i] == s[1..][i - 1];
      }
    }
  }

  // A (qualified) identifier other than `Action` is not an action type.
  lemma QualifiedNotActionType(ns: string, n: string)
    requires IsIdent(n) && n != "Action"
    ensures !IsActionType(Qualify(ns, n))
  {
    IdentCharsHaveNoColon(n);
    var t := Qualify(ns, n);
    var a := "::Action";
    if t == "Action" && ns != "" {
      assert t == ns + "::" + n;
      assert t[|ns|] == ':';
    }
    if IsActionType(t) && t != "Action" {
      assert |t| > 8 && t[|t| - 8..] == a;
      // t[|t| - 8 + k] == a[k] for k < 8.
      assert forall k :: 0 <= k < 8 ==> t[|t| - 8 + k] == a[k];
      var L := |n|;
      if ns == "" {
        assert t == n;
        assert t[|t| - 8] == ':';
      } else {
        assert t == ns + "::" + n;
        assert forall i :: 0 <= i < L ==> t[|t| - L + i] == n[i];
        assert t[|t| - L - 1] == ':';
        if L >= 7 {
          assert t[|t| - 7] == a[1] == ':';
          assert n[L - 7] == ':';
        } else if L <= 5 {
          assert t[|t| - 8 + (7 - L)] == a[7 - L];
          assert a[7 - L] != ':';
        } else {
          assert n == t[|t| - 6..];
          assert t[|t| - 6..] == a[2..];
          assert n == "Action";
        }
      }
    }
  }

  // ---- pass 1: what Declarations records ----

  // The actions a namespace's `actions` members declare.
  function ActionIds(ns: string, ms: seq<(string, Json)>): set<EntityUID> {
    if |ms| == 0 then {} else {EntityUID(Qualify(ns, "Action"), ms[0].0)} + ActionIds(ns, ms[1..])
  }

  // The actions the namespaces declare.
  function DeclaredActions(nss: seq<(string, Json)>): set<EntityUID> {
    if |nss| == 0 then {}
    else
      var acts := Field(nss[0].1, "actions");
      (if acts.Some? && acts.value.JObject? then ActionIds(nss[0].0, acts.value.members) else {}) +
      DeclaredActions(nss[1..])
  }

  // Every entity type name of every namespace is an identifier other than
  // `Action`.
  predicate EntityNamesOk(nss: seq<(string, Json)>) {
    |nss| == 0 ||
    ((var ets := Field(nss[0].1, "entityTypes");
      ets.Some? && ets.value.JObject? ==> forall m :: m in ets.value.members ==> IsIdent(m.0) && m.0 != "Action") &&
     EntityNamesOk(nss[1..]))
  }

  lemma DeclareEntitiesSpec(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path)
    requires DeclareEntities(ns, ms, d, at).Done?
    ensures DeclareEntities(ns, ms, d, at).val.actions == d.actions
    ensures forall m :: m in ms ==> IsIdent(m.0) && m.0 != "Action"
  {
    if |ms| > 0 {
      var q := Qualify(ns, ms[0].0);
      DeclareEntitiesSpec(ns, ms[1..], d.(entities := d.entities + {q}), at);
      assert forall m :: m in ms ==> m == ms[0] || m in ms[1..];
    }
  }

  lemma DeclareCommonsSpec(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path)
    requires DeclareCommons(ns, ms, d, at).Done?
    ensures DeclareCommons(ns, ms, d, at).val.actions == d.actions
  {
    if |ms| > 0 {
      DeclareCommonsSpec(ns, ms[1..], d.(commons := d.commons[Qualify(ns, ms[0].0) := (ns, ms[0].1)]), at);
    }
  }

  lemma DeclareActionsSpec(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path)
    requires DeclareActions(ns, ms, d, at).Done?
    ensures DeclareActions(ns, ms, d, at).val.actions == d.actions + ActionIds(ns, ms)
  {
    if |ms| > 0 {
      var uid := EntityUID(Qualify(ns, "Action"), ms[0].0);
      DeclareActionsSpec(ns, ms[1..], d.(actions := d.actions + {uid}, actionTypes := d.actionTypes + {uid.ty}), at);
    }
  }

  lemma DeclarationsSpec(nss: seq<(string, Json)>, acc: Decls)
    requires Declarations(nss, acc).Done?
    ensures Declarations(nss, acc).val.actions == acc.actions + DeclaredActions(nss)
    ensures EntityNamesOk(nss)
  {
    if |nss| > 0 {
      var (ns, body) := nss[0];
      var at := NsPath(ns);
      var ets := Field(body, "entityTypes");
      var acts := Field(body, "actions");
      var cts := Field(body, "commonTypes");
      var e := DeclareEntities(ns, ets.value.members, acc, Member(at, "entityTypes"));
      DeclareEntitiesSpec(ns, ets.value.members, acc, Member(at, "entityTypes"));
      var c := DeclareCommons(ns, if cts.Some? then cts.value.members else [], e.val, Member(at, "commonTypes"));
      DeclareCommonsSpec(ns, if cts.Some? then cts.value.members else [], e.val, Member(at, "commonTypes"));
      var a := DeclareActions(ns, acts.value.members, c.val, Member(at, "actions"));
      DeclareActionsSpec(ns, acts.value.members, c.val, Member(at, "actions"));
      assert Declarations(nss, acc) == Declarations(nss[1..], a.val);
      DeclarationsSpec(nss[1..], a.val);
    }
  }

  // ---- pass 2 ----

  lemma MergeSpec<K, V>(a: map<K, V>, b: map<K, V>)
    ensures Merge(a, b).Keys == a.Keys + b.Keys
    ensures forall k :: k in Merge(a, b) ==> Merge(a, b)[k] == (if k in b then b[k] else a[k])
  {
  }

  lemma EntityDefsNotActionTypes(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path)
    requires EntityDefs(ns, ms, d, at).Done?
    requires forall m :: m in ms ==> IsIdent(m.0) && m.0 != "Action"
    ensures forall k :: k in EntityDefs(ns, ms, d, at).val ==> !IsActionType(k)
  {
    if |ms| > 0 {
      assert ms[0] in ms;
      QualifiedNotActionType(ns, ms[0].0);
      assert forall m :: m in ms[1..] ==> m in ms;
      EntityDefsNotActionTypes(ns, ms[1..], d, at);
    }
  }

  lemma EntityTypesNotActionTypes(nss: seq<(string, Json)>, d: Decls)
    requires EntityTypes(nss, d).Done? && EntityNamesOk(nss)
    ensures forall k :: k in EntityTypes(nss, d).val ==> !IsActionType(k)
  {
    if |nss| > 0 {
      var (ns, body) := nss[0];
      var ets := Field(body, "entityTypes");
      if ets.Some? && ets.value.JObject? {
        EntityDefsNotActionTypes(ns, ets.value.members, d, Member(NsPath(ns), "entityTypes"));
      }
      EntityTypesNotActionTypes(nss[1..], d);
      var here := if ets.Some? && ets.value.JObject?
                  then EntityDefs(ns, ets.value.members, d, Member(NsPath(ns), "entityTypes"))
                  else Done(map[]);
      MergeSpec(EntityTypes(nss[1..], d).val, here.val);
    }
  }

  lemma ActionRefsDeclared(ns: string, items: seq<Json>, d: Decls, at: Path)
    requires ActionRefs(ns, items, d, at).Done?
    ensures forall u :: u in ActionRefs(ns, items, d, at).val ==> u in d.actions
  {
    if |items| > 0 {
      ActionRefsDeclared(ns, items[1..], d, at);
    }
  }

  // The actions of one namespace: one per declared action, each of an
  // action type, with declared parents.
  predicate ActionsOk(m: map<EntityUID, ActionDef>, d: Decls) {
    forall a :: a in m ==> IsActionType(a.ty) && m[a].memberOf <= d.actions
  }

  lemma ActionDefsSpec(ns: string, ms: seq<(string, Json)>, d: Decls, at: Path)
    requires ActionDefs(ns, ms, d, at).Done?
    ensures ActionDefs(ns, ms, d, at).val.Keys == ActionIds(ns, ms)
    ensures ActionsOk(ActionDefs(ns, ms, d, at).val, d)
  {
    if |ms| > 0 {
      ActionDefsSpec(ns, ms[1..], d, at);
      // The parents are declared actions.
      var mo := Field(ms[0].1, "memberOf");
      if mo.Some? && mo.value.JArray? {
        ActionRefsDeclared(ns, mo.value.items, d, Member(Member(at, ms[0].0), "memberOf"));
      }
      // `Action` qualified by a namespace is an action type.
      if ns != "" {
        var t := Qualify(ns, "Action");
        assert t == ns + "::Action";
        assert t[|t| - 8..] == "::Action";
      }
    }
  }

  lemma ActionsSpec(nss: seq<(string, Json)>, d: Decls)
    requires Actions(nss, d).Done?
    ensures Actions(nss, d).val.Keys == DeclaredActions(nss)
    ensures ActionsOk(Actions(nss, d).val, d)
  {
    if |nss| > 0 {
      var (ns, body) := nss[0];
      var acts := Field(body, "actions");
      if acts.Some? && acts.value.JObject? {
        ActionDefsSpec(ns, acts.value.members, d, Member(NsPath(ns), "actions"));
      }
      ActionsSpec(nss[1..], d);
      var here := if acts.Some? && acts.value.JObject?
                  then ActionDefs(ns, acts.value.members, d, Member(NsPath(ns), "actions"))
                  else Done(map[]);
      MergeSpec(Actions(nss[1..], d).val, here.val);
    }
  }

  // ---- the theorem ----

  lemma ParsedSchemaIsWellFormed(j: Json)
    requires SchemaFromJson(j).Done?
    ensures WellFormedSchema(SchemaFromJson(j).val)
  {
    var d := Declarations(j.members, Decls({}, {}, map[], {}));
    DeclarationsSpec(j.members, Decls({}, {}, map[], {}));
    EntityTypesNotActionTypes(j.members, d.val);
    ActionsSpec(j.members, d.val);
  }

  // TypecheckProofs.TypeOfSound for the schemas the model reads: the
  // schema premise is that SchemaJson read it.
  lemma TypeOfSoundOnParsedSchema(j: Json, e: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires SchemaFromJson(j) == Done(s)
    requires InFragment(e) && InEnv(r, env) && CapsHold(caps, r, es)
    requires Conformance.RequestError(r, s).None? && StoreConforms(es, s)
    requires TypeOf(e, caps, s, env).TOk?
    ensures SoundAt(e, caps, s, env, r, es)
  {
    ParsedSchemaIsWellFormed(j);
    TypeOfSound(e, caps, s, env, r, es);
  }

  // ValidatedAuthorization.ValidatorVerdictNeverTypeError for the schemas
  // the model reads (the `validate` request's schema goes through
  // SchemaFromJson): if the validator accepts every policy, none errs with
  // a type error or evaluates to a non-boolean on a conforming request and
  // store.
  method ValidatorVerdictNeverTypeErrorOnParsedSchema(j: Json, ps: seq<Policy>, s: Schema, ghost r: Request,
                                                      ghost es: Store)
    returns (accepted: bool)
    requires SchemaFromJson(j) == Done(s)
    requires Conformance.RequestError(r, s).None? && StoreConforms(es, s)
    requires forall p :: p in ps ==> InFragment(p.condition)
    ensures accepted ==> forall p :: p in ps && Errored(p, r, es) ==> Allowed(Eval(p.condition, r, es).err)
    ensures accepted ==> forall p :: p in ps && !Errored(p, r, es) ==> Eval(p.condition, r, es).value.Bool?
  {
    ParsedSchemaIsWellFormed(j);
    accepted := ValidatedAuthorization.ValidatorVerdictNeverTypeError(ps, s, r, es);
  }
}
