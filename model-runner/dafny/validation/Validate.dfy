include "Typecheck.dfy"
include "SchemaJson.dfy"
include "../json/Input.dfy"

// Strict validation of a policy set against a schema: per policy (static
// policies, templates, template links) the kinds of the errors found.
//  * once per policy: entity literals and `is` types must be declared
//    (UnrecognizedEntityType, UnrecognizedActionId), enumerated ids valid
//    (InvalidEnumEntity), and some action in scope must apply to some
//    principal and resource type the scope admits (InvalidActionApplication);
//  * in every request environment the policy's scope admits: the condition
//    must typecheck to a Bool (Typecheck; at most one error per environment,
//    the first in evaluation order);
//  * a template link: the template and slots must match (InvalidTemplateLink),
//    slot values must have declared types, and the linked scope must apply.
module Validate {
  import opened Values
  import opened Syntax
  import opened JsonData
  import opened JsonValues
  import opened ValidationTypes
  import opened Typecheck
  import Est
  import Input

  // A scope constraint on the principal or resource (the target may be a
  // slot placeholder).
  datatype Scope = AnyS | EqS(u: EntityUID) | InS(u: EntityUID) | IsS(t: string) | IsInS(t: string, u: EntityUID)
  datatype ActionScope = AnyA | EqA(a: EntityUID) | InA(as_: set<EntityUID>)
  datatype Scopes = Scopes(principal: Scope, action: ActionScope, resource: Scope)

  // ---- the scope, read back from the condition ----
  // Est.PolicyFromEst builds principal && (action && (resource && conditions))
  // from exactly these shapes.

  function method ScopesOf(cond: Expr): Option<Scopes> {
    if cond.And? && cond.right.And? && cond.right.right.And? then
      var p := ScopeOf(cond.left, Principal);
      var a := ActionScopeOf(cond.right.left);
      var r := ScopeOf(cond.right.right.left, Resource);
      if p.None? || a.None? || r.None? then None else Some(Scopes(p.value, a.value, r.value))
    else None
  }

  function method ScopeOf(e: Expr, v: Var): Option<Scope> {
    if e == Lit(Bool(true)) then Some(AnyS)
    else if e.BinaryApp? && e.lhs == Var(v) && e.rhs.Lit? && e.rhs.v.Entity? && (e.bop == Eq || e.bop == Mem) then
      Some(if e.bop == Eq then EqS(e.rhs.v.uid) else InS(e.rhs.v.uid))
    else if e.UnaryApp? && e.uop.Is? && e.arg == Var(v) then Some(IsS(e.uop.entityType))
    else if e.And? && e.left.UnaryApp? && e.left.uop.Is? && e.left.arg == Var(v) then
      var inner := ScopeOf(e.right, v);
      if inner.Some? && inner.value.InS? then Some(IsInS(e.left.uop.entityType, inner.value.u)) else None
    else None
  }

  function method ActionScopeOf(e: Expr): Option<ActionScope> {
    if e == Lit(Bool(true)) then Some(AnyA)
    else if e.BinaryApp? && e.lhs == Var(Action) && e.rhs.Lit? && e.rhs.v.Entity? && e.bop == Eq then Some(EqA(e.rhs.v.uid))
    else if e.BinaryApp? && e.lhs == Var(Action) && e.rhs.Lit? && e.rhs.v.Entity? && e.bop == Mem then Some(InA({e.rhs.v.uid}))
    else if e.BinaryApp? && e.lhs == Var(Action) && e.rhs.SetE? && e.bop == Mem && UidLits(e.rhs.elems).Some? then
      Some(InA(SeqToSet(UidLits(e.rhs.elems).value)))
    else None
  }

  function method UidLits(xs: seq<Expr>): Option<seq<EntityUID>> {
    if |xs| == 0 then Some([])
    else
      var t := UidLits(xs[1..]);
      if xs[0].Lit? && xs[0].v.Entity? && t.Some? then Some([xs[0].v.uid] + t.value) else None
  }

  function method SlotOf(sc: Scope): Option<EntityUID> {
    if (sc.EqS? || sc.InS? || sc.IsInS?) && IsSlot(sc.u) then Some(sc.u) else None
  }

  // ---- once-per-policy checks ----

  function method LiteralKinds(e: Expr, s: Schema): set<string>
    decreases e
  {
    match e
    case Lit(v) => if v.Entity? then UidKinds(v.uid, s) else {}
    case Var(_) => {}
    case Ite(c, t, f) => LiteralKinds(c, s) + LiteralKinds(t, s) + LiteralKinds(f, s)
    case And(a, b) => LiteralKinds(a, s) + LiteralKinds(b, s)
    case Or(a, b) => LiteralKinds(a, s) + LiteralKinds(b, s)
    case UnaryApp(op, a) =>
      LiteralKinds(a, s) +
      (if op.Is? && !IsActionType(op.entityType) && op.entityType !in s.entityTypes then {"UnrecognizedEntityType"} else {})
    case BinaryApp(_, a, b) => LiteralKinds(a, s) + LiteralKinds(b, s)
    case GetAttr(a, _) => LiteralKinds(a, s)
    case HasAttr(a, _) => LiteralKinds(a, s)
    case SetE(xs) => LiteralKindsAll(xs, s, e)
    case RecordE(fs) =>
      assert forall f :: f in fs ==> f.1 < f;
      LiteralKindsFields(fs, s, e)
    case Call(_, xs) => LiteralKindsAll(xs, s, e)
  }

  function method LiteralKindsAll(xs: seq<Expr>, s: Schema, ghost parent: Expr): set<string>
    requires forall x :: x in xs ==> x < parent
    decreases parent, |xs|
  {
    if |xs| == 0 then {}
    else
      assert xs[0] in xs;
      assert forall x :: x in xs[1..] ==> x in xs;
      LiteralKinds(xs[0], s) + LiteralKindsAll(xs[1..], s, parent)
  }

  function method LiteralKindsFields(fs: seq<(string, Expr)>, s: Schema, ghost parent: Expr): set<string>
    requires forall f :: f in fs ==> f.1 < parent
    decreases parent, |fs|
  {
    if |fs| == 0 then {}
    else
      assert fs[0] in fs;
      LiteralKinds(fs[0].1, s) + LiteralKindsFields(fs[1..], s, parent)
  }

  function method UidKinds(u: EntityUID, s: Schema): set<string> {
    if IsSlot(u) then {}
    else if IsActionType(u.ty) then (if u in s.actions then {} else {"UnrecognizedActionId"})
    else if u.ty !in s.entityTypes then {"UnrecognizedEntityType"}
    else
      var ids := s.entityTypes[u.ty].enumIds;
      if ids.Some? && u.eid !in ids.value then {"InvalidEnumEntity"} else {}
  }

  // The entity types a principal/resource scope admits.
  function method ScopeTypes(s: Schema, sc: Scope): set<string> {
    var all := s.entityTypes.Keys;
    match sc
    case AnyS => all
    case EqS(u) => if IsSlot(u) then all else {u.ty}
    case InS(u) => if IsSlot(u) then all else TypesIn(s, u.ty) + {u.ty}
    case IsS(t) => if t in s.entityTypes then {t} else {}
    case IsInS(t, u) =>
      if IsSlot(u) then (if t in s.entityTypes then {t} else {})
      else if t in TypesIn(s, u.ty) + {u.ty} then {t} else {}
  }

  function method ScopeActions(s: Schema, a: ActionScope): set<EntityUID> {
    match a
    case AnyA => s.actions.Keys
    case EqA(u) => {u}
    case InA(us) => var d := ActionsIn(s, us); if d.None? then {} else d.value
  }

  function method AppliesToOf(s: Schema, a: EntityUID): Option<AppliesTo> {
    if a in s.actions then s.actions[a].appliesTo else None
  }

  // (Total helpers: Dafny 2.3's Go code evaluates a comprehension's later
  // conjuncts before the guards that protect them.)
  function method Principals(s: Schema, a: EntityUID): set<string> {
    var app := AppliesToOf(s, a);
    if app.Some? then app.value.principals else {}
  }

  function method Resources(s: Schema, a: EntityUID): set<string> {
    var app := AppliesToOf(s, a);
    if app.Some? then app.value.resources else {}
  }

  function method Context(s: Schema, a: EntityUID): seq<Attr> {
    var app := AppliesToOf(s, a);
    if app.Some? then app.value.context else []
  }

  predicate method CanApply(s: Schema, sc: Scopes) {
    var ps := ScopeTypes(s, sc.principal);
    var rs := ScopeTypes(s, sc.resource);
    exists a :: a in ScopeActions(s, sc.action) && Principals(s, a) * ps != {} && Resources(s, a) * rs != {}
  }

  // ---- request environments ----

  function method BaseEnvs(s: Schema): set<Env> {
    set a, p, r | a in s.actions.Keys && p in Principals(s, a) && r in Resources(s, a)
      :: Env(p, a, r, Context(s, a), None, None)
  }

  // The slot types worth trying, given the variable's type and the scope.
  function method SlotTypes(s: Schema, sc: Scope, varTy: string): set<Option<string>> {
    if SlotOf(sc).None? then {None}
    else if sc.EqS? then {Some(varTy)}
    else if sc.InS? || sc.IsInS? then set t | t in AncestorTypes(s, varTy) + {varTy} :: Some(t)
    else set t | t in s.entityTypes.Keys :: Some(t)
  }

  function method EnvsFor(s: Schema, sc: Scopes): set<Env> {
    var base := BaseEnvs(s);
    set e, ps, rs | e in base && ps in SlotTypes(s, sc.principal, e.principal) &&
                    rs in SlotTypes(s, sc.resource, e.resource)
      :: Env(e.principal, e.action, e.resource, e.context, ps, rs)
  }

  // An empty verdict means: the scope was read back, and the condition
  // types to a Bool in every request environment the scope admits (what
  // the soundness theorem, proofs/ValidatedAuthorization.dfy, needs).
  predicate TypesInScopeEnvs(cond: Expr, s: Schema) {
    ScopesOf(cond).Some? &&
    forall env :: env in EnvsFor(s, ScopesOf(cond).value) ==> Expect(cond, [], s, env, [SBool]).TOk?
  }

  method PolicyKinds(cond: Expr, s: Schema) returns (kinds: set<string>)
    ensures kinds == {} ==> TypesInScopeEnvs(cond, s)
  {
    var sc := ScopesOf(cond);
    if sc.None? { return {"InternalInvariantViolation"}; }
    kinds := LiteralKinds(cond, s);
    if !CanApply(s, sc.value) { kinds := kinds + {"InvalidActionApplication"}; }
    var all := EnvsFor(s, sc.value);
    var envs := all;
    while envs != {}
      invariant envs <= all
      invariant forall env :: env in all && env !in envs && Expect(cond, [], s, env, [SBool]).TErr? ==> kinds != {}
      decreases envs
    {
      var env :| env in envs;
      var r := Expect(cond, [], s, env, [SBool]);
      if r.TErr? { kinds := kinds + {r.kind}; }
      envs := envs - {env};
    }
  }

  // ---- the policy set ----

  datatype Verdict = Verdict(id: string, kinds: set<string>)

  method ValidatePolicySet(ps: Json, s: Schema) returns (r: Conv<seq<Verdict>>) {
    if !ps.JObject? { return Fail("policies: expected an object"); }
    var statics := Input.ObjectOrEmpty(Field(ps, "staticPolicies"));
    var templates := Input.ObjectOrEmpty(Field(ps, "templates"));
    var links := Field(ps, "templateLinks");
    if links.Some? && !links.value.JArray? { return Fail("policies.templateLinks: expected an array"); }
    var out: seq<Verdict> := [];
    var i := 0;
    while i < |statics| {
      var p := Est.PolicyFromEst(statics[i].0, statics[i].1, map[], Input.MaxDepth);
      if p.Fail? { return Fail(p.why); }
      var k := PolicyKinds(p.val.condition, s);
      out := out + [Verdict(statics[i].0, k)];
      i := i + 1;
    }
    var slots := map["?principal" := PrincipalSlot, "?resource" := ResourceSlot];
    i := 0;
    while i < |templates| {
      var p := Est.PolicyFromEst(templates[i].0, templates[i].1, slots, Input.MaxDepth);
      if p.Fail? { return Fail(p.why); }
      var k := PolicyKinds(p.val.condition, s);
      out := out + [Verdict(templates[i].0, k)];
      i := i + 1;
    }
    var items := if links.Some? then links.value.items else [];
    i := 0;
    while i < |items| {
      var v := LinkVerdict(items[i], templates, s, Item(Member(Root("policies"), "templateLinks"), i));
      if v.Fail? { return Fail(v.why); }
      out := out + [v.val];
      i := i + 1;
    }
    return Done(out);
  }

  function method LinkVerdict(l: Json, templates: seq<(string, Json)>, s: Schema, at: Path): Conv<Verdict> {
    var tid := StringField(l, "templateId", at);
    var newId := StringField(l, "newId", at);
    var values := Input.ObjectOrEmpty(Field(l, "values"));
    var slotValues := Input.SlotValues(values);
    if tid.Fail? then Fail(tid.why)
    else if newId.Fail? then Fail(newId.why)
    else if slotValues.Fail? then Fail(slotValues.why)
    else
      var t := Lookup(templates, tid.val);
      var template := if t.None? then None
                      else var p := Est.PolicyFromEst(tid.val, t.value, map["?principal" := PrincipalSlot, "?resource" := ResourceSlot], Input.MaxDepth);
                           if p.Fail? then None else ScopesOf(p.val.condition);
      var linked := if t.None? then None
                    else var p := Est.PolicyFromEst(newId.val, t.value, slotValues.val, Input.MaxDepth);
                         if p.Fail? then None else ScopesOf(p.val.condition);
      if template.None? || linked.None? then Done(Verdict(newId.val, {"InvalidTemplateLink"}))
      else
        var needed := (if SlotOf(template.value.principal).Some? then {"?principal"} else {}) +
                      (if SlotOf(template.value.resource).Some? then {"?resource"} else {});
        if slotValues.val.Keys != needed then Done(Verdict(newId.val, {"InvalidTemplateLink"}))
        else
          var undeclared := exists k :: k in slotValues.val && !IsActionType(slotValues.val[k].ty) &&
                                        slotValues.val[k].ty !in s.entityTypes;
          Done(Verdict(newId.val, (if undeclared then {"UnrecognizedEntityType"} else {}) +
                                  (if CanApply(s, linked.value) then {} else {"InvalidActionApplication"})))
  }
}
