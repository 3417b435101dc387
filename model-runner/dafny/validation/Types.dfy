include "../model/Values.dfy"
include "../json/Json.dfy"
include "../model/Text.dfy"

// The validator's types (strict mode) and the schema they come from.
module ValidationTypes {
  import opened Values
  import opened JsonData
  import Text

  // Bool refined by what is known statically about its value.
  datatype BoolType = AnyBool | TrueT | FalseT

  datatype ExtTy = DecimalT | IpAddrT | DatetimeT | DurationT

  // Records are closed; their attributes are sorted by name, names unique.
  datatype Ty =
    | BoolT(b: BoolType)
    | LongT
    | StringT
    | EntityT(ety: string)
    | SetT(elem: Ty)
    | RecordT(attrs: seq<Attr>)
    | ExtT(ext: ExtTy)

  datatype Attr = Attr(name: string, ty: Ty, required: bool)

  function method BoolOf(b: bool): BoolType { if b then TrueT else FalseT }

  function method Negate(b: BoolType): BoolType {
    if b == TrueT then FalseT else if b == FalseT then TrueT else AnyBool
  }

  // Least upper bound in strict mode: no entity unions, no width or depth
  // subtyping of records beyond Bool refinements; None if there is none.
  function method Lub(a: Ty, b: Ty): Option<Ty>
    decreases a
  {
    if a.BoolT? && b.BoolT? then Some(BoolT(if a.b == b.b then a.b else AnyBool))
    else if a.SetT? && b.SetT? then
      var l := Lub(a.elem, b.elem);
      if l.None? then None else Some(SetT(l.value))
    else if a.RecordT? && b.RecordT? then
      if |a.attrs| != |b.attrs| then None
      else
        var l := LubAttrs(a.attrs, b.attrs);
        if l.None? then None else Some(RecordT(l.value))
    else if a == b then Some(a)
    else None
  }

  function method LubAttrs(xs: seq<Attr>, ys: seq<Attr>): Option<seq<Attr>>
    requires |xs| == |ys|
    decreases xs
  {
    if |xs| == 0 then Some([])
    else if xs[0].name != ys[0].name || xs[0].required != ys[0].required then None
    else
      var t := Lub(xs[0].ty, ys[0].ty);
      var rest := LubAttrs(xs[1..], ys[1..]);
      if t.None? || rest.None? then None
      else Some([Attr(xs[0].name, t.value, xs[0].required)] + rest.value)
  }

  function method FindAttr(attrs: seq<Attr>, name: string): (r: Option<Attr>)
    ensures r.Some? ==> r.value in attrs && r.value.name == name
  {
    if |attrs| == 0 then None
    else if attrs[0].name == name then Some(attrs[0])
    else FindAttr(attrs[1..], name)
  }

  // Attributes sorted by name (insertion; schemas and literals are small).
  function method SortAttrs(xs: seq<Attr>): seq<Attr> {
    if |xs| == 0 then [] else InsertAttr(xs[0], SortAttrs(xs[1..]))
  }

  function method InsertAttr(a: Attr, sorted: seq<Attr>): seq<Attr> {
    if |sorted| == 0 || !StringLess(sorted[0].name, a.name) then [a] + sorted
    else [sorted[0]] + InsertAttr(a, sorted[1..])
  }

  // Code-point order, the evaluator's order of record keys (Est.SortByKey):
  // Text.CodePointLess, not code-unit order (proofs/CharProofs.dfy).
  predicate method StringLess(a: string, b: string) {
    Text.CodePointLess(a, b)
  }

  // ---- the schema, names fully qualified, common types resolved ----

  datatype EntityDef = EntityDef(
    memberOf: set<string>,
    attrs: seq<Attr>,
    tags: Option<Ty>,
    enumIds: Option<seq<string>>)

  datatype AppliesTo = AppliesTo(principals: set<string>, resources: set<string>, context: seq<Attr>)

  // appliesTo None: the action applies to nothing.
  datatype ActionDef = ActionDef(memberOf: set<EntityUID>, appliesTo: Option<AppliesTo>)

  datatype Schema = Schema(entityTypes: map<string, EntityDef>, actions: map<EntityUID, ActionDef>)

  // `Action` or `NS::Action`: the types of action entities.
  predicate method IsActionType(ty: string) {
    ty == "Action" || (|ty| > 8 && ty[|ty| - 8..] == "::Action")
  }

  // (Helpers that test membership before reading the map: Dafny 2.3's Go
  // code evaluates `m[k]` in a comprehension before the guard.)
  function method ParentTypes(s: Schema, t: string): set<string> {
    if t in s.entityTypes then s.entityTypes[t].memberOf else {}
  }

  function method ParentActions(s: Schema, a: EntityUID): set<EntityUID> {
    if a in s.actions then s.actions[a].memberOf else {}
  }

  // The transitive closure of memberOf from `frontier`. Every step adds a
  // new name or stops, so `fuel` steps (any bound on the names) suffice.
  function method TypeClosure(s: Schema, frontier: set<string>, acc: set<string>, fuel: nat): set<string>
    decreases fuel
  {
    var next := set t, p | t in frontier && p in ParentTypes(s, t) :: p;
    var added := next - acc;
    if added == {} || fuel == 0 then acc else TypeClosure(s, added, acc + added, fuel - 1)
  }

  function method ActionClosure(s: Schema, frontier: set<EntityUID>, acc: set<EntityUID>, fuel: nat)
    : set<EntityUID>
    decreases fuel
  {
    var next := set a, p | a in frontier && p in ParentActions(s, a) :: p;
    var added := next - acc;
    if added == {} || fuel == 0 then acc else ActionClosure(s, added, acc + added, fuel - 1)
  }

  function method ActionAncestors(s: Schema, a: EntityUID): set<EntityUID> {
    ActionClosure(s, {a}, {}, |s.actions| + 1)
  }

  // The types an entity of type t may be a (transitive) member of; for an
  // action type, the types of the ancestors of its actions.
  function method AncestorTypes(s: Schema, t: string): set<string> {
    if t in s.entityTypes then TypeClosure(s, {t}, {}, |s.entityTypes| + 1)
    else set a, p | a in s.actions && a.ty == t && p in ActionAncestors(s, a) :: p.ty
  }

  predicate method DescendantOf(s: Schema, l: string, r: string) {
    l == r || r in AncestorTypes(s, l)
  }

  // Declared types that are t or may be members of t.
  function method TypesIn(s: Schema, t: string): set<string> {
    set d | d in s.entityTypes && DescendantOf(s, d, t)
  }

  // The given actions and all their descendants; None if one is undeclared.
  function method ActionsIn(s: Schema, xs: set<EntityUID>): Option<set<EntityUID>> {
    if exists x :: x in xs && x !in s.actions then None
    else Some(set a | a in s.actions && (a in xs || ActionAncestors(s, a) * xs != {}))
  }

  function method TagType(s: Schema, t: string): Option<Ty> {
    if t in s.entityTypes then s.entityTypes[t].tags else None
  }

  function method EntityAttrs(s: Schema, t: string): Option<seq<Attr>> {
    if t in s.entityTypes then Some(s.entityTypes[t].attrs) else None
  }
}
