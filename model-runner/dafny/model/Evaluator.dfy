include "Syntax.dfy"
include "Entities.dfy"
include "Like.dfy"
include "ExtFun.dfy"

// evaluate(expr, request, store): a value or one of the six errors.
// Evaluation is strict and left to right; only `&&`, `||` and `if` skip
// operands. Within an operator all operands are evaluated first, so the
// first operand's error wins.
module Evaluator {
  import opened Int64
  import opened Values
  import opened Syntax
  import opened Entities
  import Like
  import ExtFun

  datatype Request = Request(
    principal: EntityUID, action: EntityUID, resource: EntityUID,
    context: map<string, Value>)

  function method Eval(e: Expr, r: Request, es: Store): Result<Value>
    decreases e
  {
    match e
    case Lit(v) => Ok(v)
    case Var(x) => Ok(VarValue(x, r))
    case Ite(c, t, f) =>
      var cv := BoolOperand(Eval(c, r, es));
      if cv.Err? then cv
      else if cv.value.b then Eval(t, r, es) else Eval(f, r, es)
    case And(a, b) =>
      var av := BoolOperand(Eval(a, r, es));
      if av.Err? || !av.value.b then av else BoolOperand(Eval(b, r, es))
    case Or(a, b) =>
      var av := BoolOperand(Eval(a, r, es));
      if av.Err? || av.value.b then av else BoolOperand(Eval(b, r, es))
    case UnaryApp(op, a) =>
      var av := Eval(a, r, es);
      if av.Err? then av else ApplyUnary(op, av.value)
    case BinaryApp(op, a, b) =>
      var av := Eval(a, r, es);
      var bv := Eval(b, r, es);
      if av.Err? then av
      else if bv.Err? then bv
      else ApplyBinary(op, av.value, bv.value, es)
    case GetAttr(a, name) =>
      var av := Eval(a, r, es);
      if av.Err? then av else GetAttribute(av.value, name, es)
    case HasAttr(a, name) =>
      var av := Eval(a, r, es);
      if av.Err? then av else HasAttribute(av.value, name, es)
    case SetE(xs) =>
      var vs := EvalAll(xs, r, es, e);
      if vs.Err? then Err(vs.err) else Ok(Set(SeqToSet(vs.value)))
    case RecordE(fs) =>
      assert forall f :: f in fs ==> f.1 < f;
      var m := EvalFields(fs, r, es, e);
      if m.Err? then Err(m.err) else Ok(Record(m.value))
    case Call(f, xs) =>
      var vs := EvalAll(xs, r, es, e);
      if vs.Err? then Err(vs.err) else ExtFun.Call(f, vs.value)
  }

  function method VarValue(x: Var, r: Request): Value {
    match x
    case Principal => Entity(r.principal)
    case Action => Entity(r.action)
    case Resource => Entity(r.resource)
    case Context => Record(r.context)
  }

  // An operand of `if`, `&&` or `||`: its error, its value if that is a
  // boolean, else a type error. (The result is the operand's own Result when
  // it is passed on, rather than a new Ok(Bool(b)): in Go, every datatype
  // value built is an allocation.)
  function method BoolOperand(v: Result<Value>): (r: Result<Value>)
    ensures r.Ok? ==> r.value.Bool?
  {
    if v.Err? || v.value.Bool? then v else Err(TypeError)
  }

  // Elements left to right; the first error wins.
  function method EvalAll(xs: seq<Expr>, r: Request, es: Store, ghost parent: Expr): Result<seq<Value>>
    requires forall x :: x in xs ==> x < parent
    decreases parent, |xs|
  {
    if |xs| == 0 then Ok([])
    else
      assert xs[0] in xs;
      var head := Eval(xs[0], r, es);
      if head.Err? then Err(head.err)
      else
        assert forall x :: x in xs[1..] ==> x in xs;
        var tail := EvalAll(xs[1..], r, es, parent);
        if tail.Err? then tail else Ok([head.value] + tail.value)
  }

  function method EvalFields(fs: seq<(string, Expr)>, r: Request, es: Store, ghost parent: Expr)
    : Result<map<string, Value>>
    requires forall f :: f in fs ==> f.1 < parent
    decreases parent, |fs|
  {
    if |fs| == 0 then Ok(map[])
    else
      assert fs[0] in fs;
      var head := Eval(fs[0].1, r, es);
      if head.Err? then Err(head.err)
      else
        var tail := EvalFields(fs[1..], r, es, parent);
        if tail.Err? then tail else Ok(tail.value[fs[0].0 := head.value])
  }

  function method ApplyUnary(op: UnaryOp, v: Value): Result<Value> {
    match op
    case Not => if v.Bool? then Ok(Bool(!v.b)) else Err(TypeError)
    case Neg => if v.Long? then Arith(-(v.i as int)) else Err(TypeError)
    case IsEmpty => if v.Set? then Ok(Bool(|v.elems| == 0)) else Err(TypeError)
    case Like(p) => if v.Str? then Ok(Bool(Like.Matches(v.s, p))) else Err(TypeError)
    case Is(t) => if v.Entity? then Ok(Bool(v.uid.ty == t)) else Err(TypeError)
  }

  // The result of + - * or unary -, if it fits in an i64.
  function method Arith(x: int): Result<Value> {
    if InRange(x) then Ok(Long(x as i64)) else Err(ArithBoundsError)
  }

  function method ApplyBinary(op: BinaryOp, a: Value, b: Value, es: Store): Result<Value> {
    match op
    case Eq => Ok(Bool(a == b))
    case Mem => In(a, b, es)
    case HasTag =>
      if a.Entity? && b.Str? then Ok(Bool(a.uid in es && b.s in es[a.uid].tags))
      else Err(TypeError)
    case GetTag => GetTagValue(a, b, es)
    case Less => Compare(a, b, false)
    case LessEq => Compare(a, b, true)
    case Add => if a.Long? && b.Long? then Arith(a.i as int + b.i as int) else Err(TypeError)
    case Sub => if a.Long? && b.Long? then Arith(a.i as int - b.i as int) else Err(TypeError)
    case Mul => if a.Long? && b.Long? then Arith(a.i as int * b.i as int) else Err(TypeError)
    case Contains => if a.Set? then Ok(Bool(b in a.elems)) else Err(TypeError)
    case ContainsAll =>
      if a.Set? && b.Set? then Ok(Bool(b.elems <= a.elems)) else Err(TypeError)
    case ContainsAny =>
      if a.Set? && b.Set? then Ok(Bool(a.elems * b.elems != {})) else Err(TypeError)
  }

  // `a in b`: b is an entity, or a set of entities (every element is checked
  // to be an entity, even when a match exists).
  function method In(a: Value, b: Value, es: Store): Result<Value> {
    if !a.Entity? then Err(TypeError)
    else if b.Entity? then Ok(Bool(InEntity(es, a.uid, b.uid)))
    else if b.Set? && forall v :: v in b.elems ==> v.Entity? then
      Ok(Bool(exists v :: v in b.elems && v.Entity? && InEntity(es, a.uid, v.uid)))
    else Err(TypeError)
  }

  // `<` / `<=` on two Longs, two datetimes or two durations.
  function method Compare(a: Value, b: Value, orEqual: bool): Result<Value> {
    var pair :=
      if a.Long? && b.Long? then Ok((a.i, b.i))
      else if a.Ext? && b.Ext? && a.x.Datetime? && b.x.Datetime? then Ok((a.x.epochMs, b.x.epochMs))
      else if a.Ext? && b.Ext? && a.x.Duration? && b.x.Duration? then Ok((a.x.ms, b.x.ms))
      else Err(TypeError);
    if pair.Err? then Err(pair.err)
    else Ok(Bool(pair.value.0 < pair.value.1 || (orEqual && pair.value.0 == pair.value.1)))
  }

  function method GetTagValue(a: Value, b: Value, es: Store): Result<Value> {
    if !(a.Entity? && b.Str?) then Err(TypeError)
    else if a.uid !in es then Err(EntityDoesNotExist)
    else if b.s !in es[a.uid].tags then Err(TagDoesNotExist)
    else Ok(es[a.uid].tags[b.s])
  }

  // The attributes of a record, or of a stored entity.
  function method Attributes(v: Value, es: Store): Result<map<string, Value>> {
    if v.Record? then Ok(v.fields)
    else if !v.Entity? then Err(TypeError)
    else if v.uid in es then Ok(es[v.uid].attrs)
    else Err(EntityDoesNotExist)
  }

  function method GetAttribute(v: Value, name: string, es: Store): Result<Value> {
    var attrs := Attributes(v, es);
    if attrs.Err? then Err(attrs.err)
    else if name in attrs.value then Ok(attrs.value[name])
    else Err(AttrDoesNotExist)
  }

  // `has` is false (not an error) on an entity missing from the store.
  function method HasAttribute(v: Value, name: string, es: Store): Result<Value> {
    var attrs := Attributes(v, es);
    if attrs.Err? && attrs.err == EntityDoesNotExist then Ok(Bool(false))
    else if attrs.Err? then Err(attrs.err)
    else Ok(Bool(name in attrs.value))
  }
}
