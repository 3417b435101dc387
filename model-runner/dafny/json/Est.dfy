include "JsonValues.dfy"
include "../model/Authorizer.dfy"

// Cedar's JSON policy format (EST) to the core syntax. The desugarings of
// docs/semantics.md §2.7 live here: != > >= `is ... in`, extended `has`, and
// the policy scope becomes principal && (action && (resource && conditions)).
module Est {
  import opened Values
  import opened Syntax
  import opened Authorizer
  import opened JsonData
  import opened JsonValues
  import opened Text
  import ExtFun

  type Slots = map<string, EntityUID>

  // The name tests below are chains of comparisons rather than `k in [...]`
  // or a table constant: Dafny 2.3's Go code would rebuild those on every call.
  predicate method IsUnaryKey(k: string) {
    k == "!" || k == "neg" || k == "isEmpty"
  }

  predicate method IsBinaryKey(k: string) {
    k == "==" || k == "!=" || k == "in" || k == "<" || k == "<=" || k == ">" || k == ">=" ||
    k == "&&" || k == "||" || k == "+" || k == "-" || k == "*" || k == "contains" ||
    k == "containsAll" || k == "containsAny" || k == "hasTag" || k == "getTag"
  }

  // The core operator of a binary key that has one (others map to Eq).
  function method BinaryOpOf(k: string): BinaryOp {
    if k == "in" then Mem
    else if k == "hasTag" then HasTag
    else if k == "getTag" then GetTag
    else if k == "<" then Less
    else if k == "<=" then LessEq
    else if k == "+" then Add
    else if k == "-" then Sub
    else if k == "*" then Mul
    else if k == "contains" then Contains
    else if k == "containsAll" then ContainsAll
    else if k == "containsAny" then ContainsAny
    else Eq
  }

  function method ExprFromEst(j: Json, path: Path, slots: Slots, fuel: Fuel): Conv<Expr>
    decreases fuel, 0
  {
    if fuel == 0 then Fail(Show(path) + ": nested too deeply")
    else if !j.JObject? || |j.members| != 1 then Fail(Show(path) + ": an expression is an object with one key")
    else
      var (k, body) := j.members[0];
      var at := Member(path, k);
      if k == "Value" then
        var v := ValueFromJson(body, at, true, fuel - 1);
        if v.Fail? then Fail(v.why) else Done(Lit(v.val))
      else if k == "Var" then VarFromEst(body, at)
      else if k == "Slot" then
        if body.JString? && body.s in slots then Done(Lit(Entity(slots[body.s])))
        else Fail(Show(at) + ": unbound slot")
      else if IsUnaryKey(k) then
        var a := Child(body, "arg", at, slots, fuel - 1);
        if a.Fail? then a
        else Done(UnaryApp(if k == "!" then Not else if k == "neg" then Neg else IsEmpty, a.val))
      else if IsBinaryKey(k) then
        var l := Child(body, "left", at, slots, fuel - 1);
        var r := Child(body, "right", at, slots, fuel - 1);
        if l.Fail? then l else if r.Fail? then r else Done(Binary(k, l.val, r.val))
      else if k == "." || k == "has" then
        var l := Child(body, "left", at, slots, fuel - 1);
        var attr := Field(body, "attr");
        if l.Fail? then l
        else if attr.Some? && attr.value.JString? then
          Done(if k == "." then GetAttr(l.val, attr.value.s) else HasAttr(l.val, attr.value.s))
        else if k == "has" && attr.Some? && attr.value.JArray? && |attr.value.items| > 0
                && forall a :: a in attr.value.items ==> a.JString? then
          Done(HasPath(l.val, StringsOf(attr.value.items)))
        else Fail(Show(at) + ": expected \"attr\"")
      else if k == "like" then
        var l := Child(body, "left", at, slots, fuel - 1);
        var p := PatternFromEst(Field(body, "pattern"), at);
        if l.Fail? then l else if p.Fail? then Fail(p.why) else Done(UnaryApp(Like(p.val), l.val))
      else if k == "is" then IsFromEst(body, at, slots, fuel - 1)
      else if k == "if-then-else" then
        var c := Child(body, "if", at, slots, fuel - 1);
        var t := Child(body, "then", at, slots, fuel - 1);
        var e := Child(body, "else", at, slots, fuel - 1);
        if c.Fail? then c else if t.Fail? then t else if e.Fail? then e
        else Done(Ite(c.val, t.val, e.val))
      else if k == "Set" && body.JArray? then
        var xs := ExprsFromEst(body.items, at, slots, fuel - 1);
        if xs.Fail? then Fail(xs.why) else Done(SetE(xs.val))
      else if k == "Record" && body.JObject? then
        var fs := FieldsFromEst(body.members, at, slots, fuel - 1);
        if fs.Fail? then Fail(fs.why)
        else if HasDuplicateKey(fs.val) then Fail(Show(at) + ": duplicate key")
        else Done(RecordE(SortByKey(fs.val)))
      else if ExtFun.IsExtFun(k) && body.JArray? then
        var xs := ExprsFromEst(body.items, at, slots, fuel - 1);
        if xs.Fail? then Fail(xs.why) else Done(Call(k, xs.val))
      else Fail(Show(at) + ": unknown expression form")
  }

  function method Binary(k: string, l: Expr, r: Expr): Expr {
    if k == "&&" then And(l, r)
    else if k == "||" then Or(l, r)
    else if k == "!=" then UnaryApp(Not, BinaryApp(Eq, l, r))
    else if k == ">" then UnaryApp(Not, BinaryApp(LessEq, l, r))
    else if k == ">=" then UnaryApp(Not, BinaryApp(Less, l, r))
    else BinaryApp(BinaryOpOf(k), l, r)
  }

  function method VarFromEst(body: Json, at: Path): Conv<Expr> {
    if IsString(body, "principal") then Done(Var(Principal))
    else if IsString(body, "action") then Done(Var(Action))
    else if IsString(body, "resource") then Done(Var(Resource))
    else if IsString(body, "context") then Done(Var(Context))
    else Fail(Show(at) + ": unknown variable")
  }

  // The sub-expression in member `k` of `body`.
  function method Child(body: Json, k: string, at: Path, slots: Slots, fuel: Fuel): Conv<Expr>
    decreases fuel, 1
  {
    if !HasField(body, k) then Fail(Show(at) + ": missing \"" + k + "\"")
    else ExprFromEst(FieldValue(body, k), Member(at, k), slots, fuel)
  }

  // `e is T` and `e is T in x`, the latter as (e is T) && (e in x).
  function method IsFromEst(body: Json, at: Path, slots: Slots, fuel: Fuel): Conv<Expr>
    decreases fuel, 2
  {
    var l := Child(body, "left", at, slots, fuel);
    var ty := StringField(body, "entity_type", at);
    var inJson := Field(body, "in");
    var inE := if inJson.Some? then Child(body, "in", at, slots, fuel) else Done(Lit(Bool(true)));
    if l.Fail? then l
    else if ty.Fail? then Fail(ty.why)
    else if !IsName(ty.val) then Fail(Show(at) + ": invalid entity type")
    else if inE.Fail? then inE
    else if inJson.None? then Done(UnaryApp(Is(ty.val), l.val))
    else Done(And(UnaryApp(Is(ty.val), l.val), BinaryApp(Mem, l.val, inE.val)))
  }

  // e has a.b.c  ==>  (e has a && e.a has b) && e.a.b has c
  function method HasPath(e: Expr, attrs: seq<string>): Expr
    requires |attrs| > 0
  {
    if |attrs| == 1 then HasAttr(e, attrs[0])
    else And(HasPath(e, attrs[..|attrs| - 1]), HasAttr(GetPath(e, attrs[..|attrs| - 1]), attrs[|attrs| - 1]))
  }

  function method GetPath(e: Expr, attrs: seq<string>): Expr {
    if |attrs| == 0 then e else GetAttr(GetPath(e, attrs[..|attrs| - 1]), attrs[|attrs| - 1])
  }

  function method StringsOf(js: seq<Json>): seq<string>
    requires forall a :: a in js ==> a.JString?
    ensures |StringsOf(js)| == |js|
  {
    if |js| == 0 then [] else [js[0].s] + StringsOf(js[1..])
  }

  // [ "Wildcard" | {"Literal": "text"} ... ]
  function method PatternFromEst(p: Option<Json>, at: Path): Conv<Pattern> {
    if p.None? || !p.value.JArray? then Fail(Show(at) + ": expected a pattern array")
    else PatternItems(p.value.items, at)
  }

  function method PatternItems(items: seq<Json>, at: Path): Conv<Pattern> {
    if |items| == 0 then Done([])
    else
      var rest := PatternItems(items[1..], at);
      var lit := Field(items[0], "Literal");
      var head :=
        if IsString(items[0], "Wildcard") then Done([Star])
        else if lit.Some? && lit.value.JString? then Done(Chars(lit.value.s))
        else Fail(Show(at) + ": bad pattern element");
      if head.Fail? then head else if rest.Fail? then rest else Done(head.val + rest.val)
  }

  function method Chars(s: string): Pattern {
    if |s| == 0 then [] else [JustChar(s[0])] + Chars(s[1..])
  }

  function method ExprsFromEst(items: seq<Json>, at: Path, slots: Slots, fuel: Fuel): Conv<seq<Expr>>
    decreases fuel, |items| + 1
  {
    if |items| == 0 then Done([])
    else
      var head := ExprFromEst(items[0], at, slots, fuel);
      var tail := ExprsFromEst(items[1..], at, slots, fuel);
      if head.Fail? then Fail(head.why) else if tail.Fail? then tail else Done([head.val] + tail.val)
  }

  function method FieldsFromEst(ms: seq<(string, Json)>, at: Path, slots: Slots, fuel: Fuel)
    : Conv<seq<(string, Expr)>>
    decreases fuel, |ms| + 1
  {
    if |ms| == 0 then Done([])
    else
      var head := ExprFromEst(ms[0].1, Member(at, ms[0].0), slots, fuel);
      var tail := FieldsFromEst(ms[1..], at, slots, fuel);
      if head.Fail? then Fail(head.why) else if tail.Fail? then tail
      else Done([(ms[0].0, head.val)] + tail.val)
  }

  predicate method HasDuplicateKey(fs: seq<(string, Expr)>) {
    exists i, j :: 0 <= i < j < |fs| && fs[i].0 == fs[j].0
  }

  // Record fields are evaluated in key order (code-point order, StringLess).
  function method SortByKey(fs: seq<(string, Expr)>): seq<(string, Expr)> {
    if |fs| == 0 then [] else Insert(fs[0], SortByKey(fs[1..]))
  }

  function method Insert(f: (string, Expr), sorted: seq<(string, Expr)>): seq<(string, Expr)> {
    if |sorted| == 0 || !StringLess(sorted[0].0, f.0) then [f] + sorted
    else [sorted[0]] + Insert(f, sorted[1..])
  }

  // Code-point order, not code-unit order (see Text.CodePointRank).
  predicate method StringLess(a: string, b: string) {
    CodePointLess(a, b)
  }

  // ---- policies ----

  function method PolicyFromEst(id: string, j: Json, slots: Slots, fuel: Fuel): Conv<Policy> {
    var at := Member(Root("policy"), id);
    var p := ScopeFromEst(FieldOrNull(j, "principal"), Principal, Member(at, "principal"), slots);
    var a := ScopeFromEst(FieldOrNull(j, "action"), Action, Member(at, "action"), slots);
    var r := ScopeFromEst(FieldOrNull(j, "resource"), Resource, Member(at, "resource"), slots);
    var c := if !HasField(j, "conditions") then Done(Lit(Bool(true)))
             else if FieldValue(j, "conditions").JArray? then ConditionsFromEst(FieldValue(j, "conditions").items, at, slots, fuel)
             else Fail(Show(at) + ": conditions must be an array");
    if !FieldIs(j, "effect", "permit") && !FieldIs(j, "effect", "forbid") then Fail(Show(at) + ": bad effect")
    else if p.Fail? then Fail(p.why) else if a.Fail? then Fail(a.why)
    else if r.Fail? then Fail(r.why) else if c.Fail? then Fail(c.why)
    else
      var eff := if FieldIs(j, "effect", "permit") then Permit else Forbid;
      Done(Policy(id, eff, And(p.val, And(a.val, And(r.val, c.val)))))
  }

  // c1 && (c2 && ... cn); `unless {e}` is `!e`; no conditions is `true`.
  function method ConditionsFromEst(cs: seq<Json>, at: Path, slots: Slots, fuel: Fuel): Conv<Expr> {
    if |cs| == 0 then Done(Lit(Bool(true)))
    else
      var body := Child(cs[0], "body", Member(at, "conditions"), slots, fuel);
      var rest := ConditionsFromEst(cs[1..], at, slots, fuel);
      var unless := FieldIs(cs[0], "kind", "unless");
      var c := if unless && body.Done? then Done(UnaryApp(Not, body.val)) else body;
      if !FieldIs(cs[0], "kind", "when") && !unless then Fail(Show(at) + ": bad condition kind")
      else if c.Fail? then c else if rest.Fail? then rest
      else if |cs| == 1 then c else Done(And(c.val, rest.val))
  }

  // {"op": "All" | "==" | "in" | "is", "entity" | "slot" | "entities", "entity_type", "in"}
  // s is the scope member, JNull when the policy has none.
  function method ScopeFromEst(s: Json, v: Var, at: Path, slots: Slots): Conv<Expr> {
    var op := FieldOrNull(s, "op");
    if !HasField(s, "op") then Fail(Show(at) + ": missing scope")
    else if IsString(op, "All") then Done(Lit(Bool(true)))
    else if IsString(op, "==") || IsString(op, "in") then
      var target := ScopeTarget(s, at, slots);
      if target.Fail? then target
      else Done(BinaryApp(if IsString(op, "==") then Eq else Mem, Var(v), target.val))
    else if IsString(op, "is") && v != Action then
      var ty := StringField(s, "entity_type", at);
      var hasIn := HasField(s, "in");
      var target := if hasIn then ScopeTarget(FieldValue(s, "in"), at, slots) else Done(Lit(Bool(true)));
      if ty.Fail? then Fail(ty.why)
      else if !IsName(ty.val) then Fail(Show(at) + ": invalid entity type")
      else if target.Fail? then target
      else if !hasIn then Done(UnaryApp(Is(ty.val), Var(v)))
      else Done(And(UnaryApp(Is(ty.val), Var(v)), BinaryApp(Mem, Var(v), target.val)))
    else Fail(Show(at) + ": bad scope op")
  }

  // "entity": uid, "slot": "?principal", or (actions) "entities": [uid...]
  function method ScopeTarget(s: Json, at: Path, slots: Slots): Conv<Expr> {
    if HasField(s, "entity") then
      var uid := UidFromJson(FieldValue(s, "entity"), at);
      if uid.Fail? then Fail(uid.why) else Done(Lit(Entity(uid.val)))
    else if HasField(s, "slot") then
      var slot := FieldValue(s, "slot");
      if slot.JString? && slot.s in slots then Done(Lit(Entity(slots[slot.s])))
      else Fail(Show(at) + ": unbound slot")
    else if FieldOrNull(s, "entities").JArray? then
      var uids := UidsFromJson(FieldOrNull(s, "entities").items, at);
      if uids.Fail? then Fail(uids.why) else Done(SetE(uids.val))
    else Fail(Show(at) + ": expected entity, slot or entities")
  }

  function method UidsFromJson(items: seq<Json>, at: Path): Conv<seq<Expr>> {
    if |items| == 0 then Done([])
    else
      var head := UidFromJson(items[0], at);
      var tail := UidsFromJson(items[1..], at);
      if head.Fail? then Fail(head.why) else if tail.Fail? then tail
      else Done([Lit(Entity(head.val))] + tail.val)
  }
}
