include "Types.dfy"
include "../model/Syntax.dfy"
include "../model/ExtFun.dfy"

// The strict typechecker for one request environment (Cedar's strict
// validation, rule by rule as our Rust validator applies it): an expression
// gets a type and the capabilities (attributes/tags known present) it
// establishes when true, or the kind of the first error found, checking
// operands left to right. Kinds use Cedar's Rust names (UnexpectedType, ...).
module Typecheck {
  import opened Values
  import opened Syntax
  import opened JsonData
  import opened ValidationTypes
  import ExtFun

  // The types of the four variables in one request environment (the action
  // is known exactly), and of the template slots.
  datatype Env = Env(
    principal: string, action: EntityUID, resource: string, context: seq<Attr>,
    principalSlot: Option<string>, resourceSlot: Option<string>)

  // Templates are read with their slots bound to these placeholder uids;
  // "?principal" is not a valid type name, so no real uid collides.
  const PrincipalSlot: EntityUID := EntityUID("?principal", "")
  const ResourceSlot: EntityUID := EntityUID("?resource", "")

  predicate method IsSlot(u: EntityUID) { u == PrincipalSlot || u == ResourceSlot }

  // Evidence that an attribute or tag is present; expressions compare
  // structurally.
  datatype Cap = AttrCap(obj: Expr, attr: string) | TagCap(ent: Expr, tag: Expr)

  datatype TRes = TOk(ty: Ty, caps: seq<Cap>) | TErr(kind: string)

  function method Ok(t: Ty): TRes { TOk(t, []) }

  function method Intersect(a: seq<Cap>, b: seq<Cap>): seq<Cap> {
    if |a| == 0 then [] else (if a[0] in b then [a[0]] else []) + Intersect(a[1..], b)
  }

  // The shapes an operand may be required to have.
  datatype Shape = SBool | SLong | SString | SEntity | SRecord | SSet | SSetOfEntities | SExt(x: ExtTy)

  predicate method Admits(s: Shape, t: Ty) {
    match s
    case SBool => t.BoolT?
    case SLong => t.LongT?
    case SString => t.StringT?
    case SEntity => t.EntityT?
    case SRecord => t.RecordT?
    case SSet => t.SetT?
    case SSetOfEntities => t.SetT? && t.elem.EntityT?
    case SExt(x) => t.ExtT? && t.ext == x
  }

  // (Recursive rather than `exists`, which Dafny 2.3 compiles to Go that
  // does not build.)
  predicate method AdmitsAny(ss: seq<Shape>, t: Ty)
    ensures AdmitsAny(ss, t) <==> exists s :: s in ss && Admits(s, t)
  {
    |ss| > 0 && (Admits(ss[0], t) || AdmitsAny(ss[1..], t))
  }

  function method Expect(e: Expr, caps: seq<Cap>, s: Schema, env: Env, shapes: seq<Shape>): TRes
    decreases e, 3
  {
    var r := TypeOf(e, caps, s, env);
    if r.TErr? then r
    else if !AdmitsAny(shapes, r.ty) then TErr("UnexpectedType")
    else r
  }

  function method TypeOf(e: Expr, caps: seq<Cap>, s: Schema, env: Env): TRes
    decreases e, 2
  {
    match e
    case Lit(v) => TypeOfLit(v, s, env)
    case Var(x) =>
      Ok(match x
         case Principal => EntityT(env.principal)
         case Action => EntityT(env.action.ty)
         case Resource => EntityT(env.resource)
         case Context => RecordT(env.context))
    case Ite(c, t, f) => TypeOfIf(c, t, f, caps, s, env)
    case And(a, b) => TypeOfAnd(a, b, caps, s, env)
    case Or(a, b) => TypeOfOr(a, b, caps, s, env)
    case UnaryApp(op, a) =>
      (match op
       case Not =>
         var x := Expect(a, caps, s, env, [SBool]);
         if x.TErr? then x else Ok(BoolT(Negate(x.ty.b)))
       case Neg =>
         var x := Expect(a, caps, s, env, [SLong]);
         if x.TErr? then x else Ok(LongT)
       case IsEmpty =>
         var x := Expect(a, caps, s, env, [SSet]);
         if x.TErr? then x else Ok(BoolT(AnyBool))
       case Like(_) =>
         var x := Expect(a, caps, s, env, [SString]);
         if x.TErr? then x else Ok(BoolT(AnyBool))
       case Is(t) =>
         var x := Expect(a, caps, s, env, [SEntity]);
         if x.TErr? then x else Ok(BoolT(BoolOf(x.ty.ety == t))))
    case BinaryApp(op, a, b) => TypeOfBinary(op, a, b, caps, s, env)
    case GetAttr(x, attr) =>
      var r := Expect(x, caps, s, env, [SEntity, SRecord]);
      if r.TErr? then r
      else
        var at := LookupAttr(r.ty, attr, s);
        if at.None? then TErr("UnsafeAttributeAccess")
        else if at.value.required || AttrCap(x, attr) in caps then Ok(at.value.ty)
        else TErr("UnsafeOptionalAttributeAccess")
    case HasAttr(x, attr) =>
      var r := Expect(x, caps, s, env, [SEntity, SRecord]);
      if r.TErr? then r
      else
        var at := LookupAttr(r.ty, attr, s);
        if at.None? then Ok(BoolT(FalseT))
        else
          var known := AttrCap(x, attr) in caps || (at.value.required && r.ty.RecordT?);
          TOk(BoolT(if known then TrueT else AnyBool), [AttrCap(x, attr)])
    case SetE(xs) =>
      var ts := TypeAll(xs, caps, s, env, e);
      if ts.Fail? then TErr(ts.why)
      else if |ts.val| == 0 then TErr("EmptySetForbidden")
      else
        var l := LubAll(ts.val[0], ts.val[1..]);
        if l.None? then TErr("IncompatibleTypes") else Ok(SetT(l.value))
    case RecordE(fs) =>
      assert forall f :: f in fs ==> f.1 < f;
      var as_ := TypeFields(fs, caps, s, env, e);
      if as_.Fail? then TErr(as_.why) else Ok(RecordT(SortAttrs(as_.val)))
    case Call(fn, xs) => TypeOfCall(fn, xs, caps, s, env, e)
  }

  // Entity literals must name a declared type or action (the literal pass
  // reports the same kinds); a template slot has the environment's slot type.
  function method TypeOfLit(v: Value, s: Schema, env: Env): TRes {
    match v
    case Bool(b) => Ok(BoolT(BoolOf(b)))
    case Long(_) => Ok(LongT)
    case Str(_) => Ok(StringT)
    case Entity(u) =>
      if u == PrincipalSlot then
        (if env.principalSlot.Some? then Ok(EntityT(env.principalSlot.value)) else TErr("InternalInvariantViolation"))
      else if u == ResourceSlot then
        (if env.resourceSlot.Some? then Ok(EntityT(env.resourceSlot.value)) else TErr("InternalInvariantViolation"))
      else if IsActionType(u.ty) then
        (if u in s.actions then Ok(EntityT(u.ty)) else TErr("UnrecognizedActionId"))
      else if u.ty in s.entityTypes then Ok(EntityT(u.ty))
      else TErr("UnrecognizedEntityType")
    case Ext(x) =>
      Ok(ExtT(match x
              case Decimal(_) => DecimalT
              case IP(_) => IpAddrT
              case Datetime(_) => DatetimeT
              case Duration(_) => DurationT))
    // Set and record *values* as literals: Cedar's policy text has no such
    // literal (it has set and record expressions), so they are outside.
    case Set(_) => TErr("UnsupportedLiteral")
    case Record(_) => TErr("UnsupportedLiteral")
  }

  function method LookupAttr(t: Ty, attr: string, s: Schema): Option<Attr> {
    if t.RecordT? then FindAttr(t.attrs, attr)
    else if t.EntityT? then
      var attrs := EntityAttrs(s, t.ety);
      if attrs.None? then None else FindAttr(attrs.value, attr)
    else None
  }

  function method LubAll(acc: Ty, ts: seq<Ty>): Option<Ty>
    decreases |ts|
  {
    if |ts| == 0 then Some(acc)
    else
      var l := Lub(acc, ts[0]);
      if l.None? then None else LubAll(l.value, ts[1..])
  }

  function method TypeAll(xs: seq<Expr>, caps: seq<Cap>, s: Schema, env: Env, ghost parent: Expr): Conv<seq<Ty>>
    requires forall x :: x in xs ==> x < parent
    decreases parent, 1, |xs|
  {
    if |xs| == 0 then Done([])
    else
      assert xs[0] in xs;
      var head := TypeOf(xs[0], caps, s, env);
      if head.TErr? then Fail(head.kind)
      else
        assert forall x :: x in xs[1..] ==> x in xs;
        var tail := TypeAll(xs[1..], caps, s, env, parent);
        if tail.Fail? then tail else Done([head.ty] + tail.val)
  }

  function method TypeFields(fs: seq<(string, Expr)>, caps: seq<Cap>, s: Schema, env: Env, ghost parent: Expr)
    : Conv<seq<Attr>>
    requires forall f :: f in fs ==> f.1 < parent
    decreases parent, 1, |fs|
  {
    if |fs| == 0 then Done([])
    else
      assert fs[0] in fs;
      var head := TypeOf(fs[0].1, caps, s, env);
      if head.TErr? then Fail(head.kind)
      else
        var tail := TypeFields(fs[1..], caps, s, env, parent);
        if tail.Fail? then tail else Done([Attr(fs[0].0, head.ty, true)] + tail.val)
  }

  function method TypeOfIf(c: Expr, t: Expr, f: Expr, caps: seq<Cap>, s: Schema, env: Env): TRes
    requires c < Ite(c, t, f) && t < Ite(c, t, f) && f < Ite(c, t, f)
    decreases Ite(c, t, f), 1
  {
    var g := Expect(c, caps, s, env, [SBool]);
    if g.TErr? then g
    else if g.ty.b == TrueT then
      var a := TypeOf(t, caps + g.caps, s, env);
      if a.TErr? then a else TOk(a.ty, a.caps + g.caps)
    else if g.ty.b == FalseT then TypeOf(f, caps, s, env)
    else
      var a := TypeOf(t, caps + g.caps, s, env);
      if a.TErr? then a
      else
        var b := TypeOf(f, caps, s, env);
        if b.TErr? then b
        else
          var l := Lub(a.ty, b.ty);
          if l.None? then TErr("IncompatibleTypes")
          else TOk(l.value, Intersect(b.caps, a.caps + g.caps))
  }

  function method TypeOfAnd(l: Expr, r: Expr, caps: seq<Cap>, s: Schema, env: Env): TRes
    requires l < And(l, r) && r < And(l, r)
    decreases And(l, r), 1
  {
    var a := Expect(l, caps, s, env, [SBool]);
    if a.TErr? then a
    else if a.ty.b == FalseT then Ok(BoolT(FalseT))   // r is not typechecked
    else
      var b := Expect(r, caps + a.caps, s, env, [SBool]);
      if b.TErr? then b
      else if b.ty.b == FalseT then Ok(BoolT(FalseT))
      else if b.ty.b == TrueT then TOk(a.ty, a.caps + b.caps)
      else if a.ty.b == TrueT then TOk(b.ty, b.caps)
      else TOk(BoolT(AnyBool), a.caps + b.caps)
  }

  function method TypeOfOr(l: Expr, r: Expr, caps: seq<Cap>, s: Schema, env: Env): TRes
    requires l < Or(l, r) && r < Or(l, r)
    decreases Or(l, r), 1
  {
    var a := Expect(l, caps, s, env, [SBool]);
    if a.TErr? then a
    else if a.ty.b == TrueT then a                     // r is not typechecked
    else
      var b := Expect(r, caps, s, env, [SBool]);
      if b.TErr? then b
      else if b.ty.b == TrueT then TOk(BoolT(TrueT), b.caps)
      else if b.ty.b == FalseT then TOk(a.ty, a.caps)
      else if a.ty.b == FalseT then TOk(b.ty, b.caps)
      else TOk(BoolT(AnyBool), Intersect(b.caps, a.caps))
  }

  // `action` is known in each environment, so it counts as a literal.
  function method AsUid(e: Expr, env: Env): Option<EntityUID> {
    if e.Lit? && e.v.Entity? && !IsSlot(e.v.uid) then Some(e.v.uid)
    else if e == Var(Action) then Some(env.action)
    else None
  }

  // If both are literals (or `action`), whether they are equal.
  function method LiteralsEqual(a: Expr, b: Expr, env: Env): Option<bool> {
    var la := if e_IsLiteral(a) then Some(LiteralValue(a, env)) else None;
    var lb := if e_IsLiteral(b) then Some(LiteralValue(b, env)) else None;
    if la.None? || lb.None? then None else Some(la.value == lb.value)
  }

  predicate method e_IsLiteral(e: Expr) {
    (e.Lit? && (e.v.Bool? || e.v.Long? || e.v.Str? || (e.v.Entity? && !IsSlot(e.v.uid)))) || e == Var(Action)
  }

  function method LiteralValue(e: Expr, env: Env): Value {
    if e.Lit? then e.v else Entity(env.action)
  }

  function method UidsOf(xs: seq<Expr>, env: Env): Option<seq<EntityUID>> {
    if |xs| == 0 then Some([])
    else
      var h := AsUid(xs[0], env);
      var t := UidsOf(xs[1..], env);
      if h.None? || t.None? then None else Some([h.value] + t.value)
  }

  function method TypeOfBinary(op: BinaryOp, a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env): TRes
    requires a < BinaryApp(op, a, b) && b < BinaryApp(op, a, b)
    decreases BinaryApp(op, a, b), 1
  {
    match op
    case Eq =>
      var x := TypeOf(a, caps, s, env);
      var y := TypeOf(b, caps, s, env);
      if x.TErr? then x
      else if y.TErr? then y
      else if x.ty.EntityT? && y.ty.EntityT? && x.ty.ety != y.ty.ety then Ok(BoolT(FalseT))
      else
        var eq := LiteralsEqual(a, b, env);
        if eq.Some? then Ok(BoolT(BoolOf(eq.value)))
        else if Lub(x.ty, y.ty).None? then TErr("IncompatibleTypes")
        else Ok(BoolT(AnyBool))
    case Less => TypeOfCompare(a, b, caps, s, env, op)
    case LessEq => TypeOfCompare(a, b, caps, s, env, op)
    case Add => TypeOfArith(a, b, caps, s, env, op)
    case Sub => TypeOfArith(a, b, caps, s, env, op)
    case Mul => TypeOfArith(a, b, caps, s, env, op)
    case Mem => TypeOfIn(a, b, caps, s, env)
    case Contains =>
      var x := Expect(a, caps, s, env, [SSet]);
      var y := TypeOf(b, caps, s, env);
      if x.TErr? then x
      else if y.TErr? then y
      else if Lub(x.ty.elem, y.ty).None? then TErr("IncompatibleTypes")
      else Ok(BoolT(AnyBool))
    case ContainsAll => TypeOfSetPair(a, b, caps, s, env, op)
    case ContainsAny => TypeOfSetPair(a, b, caps, s, env, op)
    case HasTag =>
      var x := Expect(a, caps, s, env, [SEntity]);
      var y := Expect(b, caps, s, env, [SString]);
      if x.TErr? then x
      else if y.TErr? then y
      else
        var cap := TagCap(a, b);
        var known := if TagType(s, x.ty.ety).None? then FalseT else if cap in caps then TrueT else AnyBool;
        TOk(BoolT(known), [cap])
    case GetTag =>
      var x := Expect(a, caps, s, env, [SEntity]);
      var y := Expect(b, caps, s, env, [SString]);
      if x.TErr? then x
      else if y.TErr? then y
      else if TagCap(a, b) !in caps then TErr("UnsafeTagAccess")
      else
        var t := TagType(s, x.ty.ety);
        if t.None? then TErr("NoTagsAllowed") else Ok(t.value)
  }

  // `<`, `<=`: two Longs, two datetimes or two durations.
  function method TypeOfCompare(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env, ghost op: BinaryOp): TRes
    requires a < BinaryApp(op, a, b) && b < BinaryApp(op, a, b)
    decreases BinaryApp(op, a, b), 0
  {
    var x := TypeOf(a, caps, s, env);
    var y := TypeOf(b, caps, s, env);
    if x.TErr? then x
    else if y.TErr? then y
    else if x.ty == y.ty && (x.ty.LongT? || x.ty == ExtT(DatetimeT) || x.ty == ExtT(DurationT)) then Ok(BoolT(AnyBool))
    else TErr("UnexpectedType")
  }

  function method TypeOfArith(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env, ghost op: BinaryOp): TRes
    requires a < BinaryApp(op, a, b) && b < BinaryApp(op, a, b)
    decreases BinaryApp(op, a, b), 0
  {
    var x := Expect(a, caps, s, env, [SLong]);
    var y := Expect(b, caps, s, env, [SLong]);
    if x.TErr? then x else if y.TErr? then y else Ok(LongT)
  }

  function method TypeOfSetPair(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env, ghost op: BinaryOp): TRes
    requires a < BinaryApp(op, a, b) && b < BinaryApp(op, a, b)
    decreases BinaryApp(op, a, b), 0
  {
    var x := Expect(a, caps, s, env, [SSet]);
    var y := Expect(b, caps, s, env, [SSet]);
    if x.TErr? then x
    else if y.TErr? then y
    else if Lub(x.ty, y.ty).None? then TErr("IncompatibleTypes")
    else Ok(BoolT(AnyBool))
  }

  // `a in b`: an action literal in action literals is decided from the
  // schema's action hierarchy; otherwise False when the entity types cannot
  // be related by memberOf.
  function method TypeOfIn(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env): TRes
    requires a < BinaryApp(Mem, a, b) && b < BinaryApp(Mem, a, b)
    decreases BinaryApp(Mem, a, b), 0
  {
    var x := Expect(a, caps, s, env, [SEntity]);
    var y := Expect(b, caps, s, env, [SSetOfEntities, SEntity]);
    if x.TErr? then x
    else if y.TErr? then y
    else
      var l := AsUid(a, env);
      var rs := if AsUid(b, env).Some? then Some([AsUid(b, env).value])
                else if b.SetE? then UidsOf(b.elems, env) else None;
      if l.Some? && rs.Some? && IsActionType(l.value.ty) then
        var actions := SeqToSet(ActionUids(rs.value));
        if actions == {} then Ok(BoolT(FalseT))
        else
          var desc := ActionsIn(s, actions);
          if desc.None? then TErr("UnrecognizedActionId")
          else Ok(BoolT(BoolOf(l.value in desc.value)))
      else
        var rt := if y.ty.EntityT? then y.ty.ety else y.ty.elem.ety;
        if !DescendantOf(s, x.ty.ety, rt) then Ok(BoolT(FalseT)) else Ok(BoolT(AnyBool))
  }

  function method ActionUids(us: seq<EntityUID>): seq<EntityUID> {
    if |us| == 0 then []
    else (if IsActionType(us[0].ty) then [us[0]] else []) + ActionUids(us[1..])
  }

  // Parameter types, result type, and whether it is a constructor.
  function method Signature(name: string): Option<(seq<Ty>, Ty, bool)> {
    var d := ExtT(DecimalT);
    var ip := ExtT(IpAddrT);
    var dt := ExtT(DatetimeT);
    var dur := ExtT(DurationT);
    var b := BoolT(AnyBool);
    if name == "decimal" then Some(([StringT], d, true))
    else if name == "ip" then Some(([StringT], ip, true))
    else if name == "datetime" then Some(([StringT], dt, true))
    else if name == "duration" then Some(([StringT], dur, true))
    else if ExtFun.IsDecimalComparison(name) then Some(([d, d], b, false))
    else if ExtFun.IsIPTest(name) then Some(([ip], b, false))
    else if name == "isInRange" then Some(([ip, ip], b, false))
    else if name == "offset" then Some(([dt, dur], dt, false))
    else if name == "durationSince" then Some(([dt, dt], dur, false))
    else if name == "toDate" then Some(([dt], dt, false))
    else if name == "toTime" then Some(([dt], dur, false))
    else if ExtFun.IsDurationConversion(name) then Some(([dur], LongT, false))
    else None
  }

  function method ShapeOf(t: Ty): Shape {
    match t
    case BoolT(_) => SBool
    case LongT => SLong
    case StringT => SString
    case EntityT(_) => SEntity
    case SetT(_) => SSet
    case RecordT(_) => SRecord
    case ExtT(x) => SExt(x)
  }

  predicate method AllLiterals(xs: seq<Expr>) {
    |xs| == 0 || (xs[0].Lit? && AllLiterals(xs[1..]))
  }

  // Arity, then (constructors) a literal argument that must parse, then the
  // argument types.
  function method TypeOfCall(fn: string, xs: seq<Expr>, caps: seq<Cap>, s: Schema, env: Env, ghost parent: Expr): TRes
    requires forall x :: x in xs ==> x < parent
    decreases parent, 1
  {
    var sig := Signature(fn);
    if sig.None? then TErr("UndefinedFunction")
    else
      var (params, ret, ctor) := sig.value;
      if |xs| != |params| then TErr("WrongNumberArguments")
      else if ctor && |xs| > 0 && xs[0].Lit? && xs[0].v.Str? && ExtFun.Construct(fn, xs[0].v.s).Err? then
        TErr("FunctionArgumentValidation")
      else if ctor && !AllLiterals(xs) then TErr("NonLitExtConstructor")
      else
        var args := ExpectAll(xs, params, caps, s, env, parent);
        if args.TErr? then args else Ok(ret)
  }

  function method ExpectAll(xs: seq<Expr>, params: seq<Ty>, caps: seq<Cap>, s: Schema, env: Env, ghost parent: Expr): TRes
    requires |xs| == |params|
    requires forall x :: x in xs ==> x < parent
    decreases parent, 0, |xs|
  {
    if |xs| == 0 then Ok(BoolT(TrueT))
    else
      assert xs[0] in xs;
      var h := Expect(xs[0], caps, s, env, [ShapeOf(params[0])]);
      if h.TErr? then h
      else
        assert forall x :: x in xs[1..] ==> x in xs;
        ExpectAll(xs[1..], params[1..], caps, s, env, parent)
  }
}
