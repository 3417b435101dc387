include "../validation/Typecheck.dfy"
include "../model/Evaluator.dfy"
include "../validation/Conformance.dfy"

// Soundness of the typechecker on a fragment of the language: if an
// expression of the fragment gets type T in an environment, then on any
// request of that environment that conforms to a well-formed schema, and any
// store that conforms to it, it evaluates to a value of type T or to an
// error that is not a type error nor a missing attribute or tag (Allowed);
// and the capabilities (`has`/`hasTag` facts) it yields hold when it is
// true.
module TypecheckProofs {
  import opened Values
  import opened Syntax
  import opened Evaluator
  import opened Entities
  import opened JsonData
  import opened ValidationTypes
  import opened Typecheck
  import Conformance

  // The fragment: every expression form; not template slots (linking
  // replaces slots before evaluation), and record literals have distinct
  // keys (the parsers reject duplicates).
  predicate InFragment(e: Expr) {
    match e
    case Lit(v) => v.Bool? || v.Long? || v.Str? || v.Ext? || (v.Entity? && !IsSlot(v.uid))
    case Var(x) => true
    case Ite(c, t, f) => InFragment(c) && InFragment(t) && InFragment(f)
    case And(a, b) => InFragment(a) && InFragment(b)
    case Or(a, b) => InFragment(a) && InFragment(b)
    case UnaryApp(op, a) => (op.Not? || op.Neg? || op.Like? || op.Is? || op.IsEmpty?) && InFragment(a)
    case BinaryApp(op, a, b) =>
      (op.Eq? || op.Less? || op.LessEq? || op.Add? || op.Sub? || op.Mul? || op.GetTag? || op.HasTag? ||
       op.Mem? || op.Contains? || op.ContainsAll? || op.ContainsAny?) && InFragment(a) && InFragment(b)
    case GetAttr(x, _) => InFragment(x)
    case HasAttr(x, _) => InFragment(x)
    case SetE(xs) => forall x :: x in xs ==> InFragment(x)
    // Distinct keys, as the policy parsers require.
    case RecordE(fs) =>
      assert forall f :: f in fs ==> f.1 < f;
      DistinctKeys(fs) && forall f :: f in fs ==> InFragment(f.1)
    case Call(_, xs) => forall x :: x in xs ==> InFragment(x)
  }

  // v is a value of type t. Records are closed; an optional attribute may
  // be absent.
  predicate HasType(v: Value, t: Ty)
    decreases v
  {
    match t
    case BoolT(b) => v.Bool? && (b == TrueT ==> v.b) && (b == FalseT ==> !v.b)
    case LongT => v.Long?
    case StringT => v.Str?
    case EntityT(n) => v.Entity? && v.uid.ty == n
    case SetT(el) => v.Set? && forall x :: x in v.elems ==> HasType(x, el)
    case RecordT(attrs) => v.Record? && RecordHasType(v, attrs)
    case ExtT(x) =>
      v.Ext? &&
      (match x
       case DecimalT => v.x.Decimal?
       case IpAddrT => v.x.IP?
       case DatetimeT => v.x.Datetime?
       case DurationT => v.x.Duration?)
  }

  predicate RecordHasType(v: Value, attrs: seq<Attr>)
    requires v.Record?
    decreases v, 0
  {
    (forall k :: k in v.fields ==> FindAttr(attrs, k).Some? && HasType(v.fields[k], FindAttr(attrs, k).value.ty)) &&
    (forall a :: a in attrs && a.required ==> a.name in v.fields)
  }

  // A value the schema admits (Conformance.InstanceOf) has the type.
  lemma InstanceOfHasType(v: Value, t: Ty, s: Schema)
    requires Conformance.InstanceOf(v, t, s)
    ensures HasType(v, t)
    decreases v
  {
    match t
    case BoolT(_) =>
    case LongT =>
    case StringT =>
    case EntityT(_) =>
    case ExtT(_) =>
    case SetT(el) =>
      forall x | x in v.elems
        ensures HasType(x, el)
      {
        InstanceOfHasType(x, el, s);
      }
    case RecordT(attrs) =>
      forall k | k in v.fields
        ensures HasType(v.fields[k], FindAttr(attrs, k).value.ty)
      {
        InstanceOfHasType(v.fields[k], FindAttr(attrs, k).value.ty, s);
      }
  }

  // The request belongs to the environment.
  predicate InEnv(r: Request, env: Env) {
    r.principal.ty == env.principal && r.action == env.action && r.resource.ty == env.resource &&
    HasType(Record(r.context), RecordT(env.context))
  }

  // The schema as SchemaJson builds it (SchemaJsonProofs.
  // ParsedSchemaIsWellFormed): every action is of an action type that is
  // not also a declared entity type, and its parents are declared actions.
  predicate WellFormedSchema(s: Schema) {
    forall a :: a in s.actions ==>
      IsActionType(a.ty) && a.ty !in s.entityTypes && s.actions[a].memberOf <= s.actions.Keys
  }

  // The store conforms to the schema (no entity fails it) and holds every
  // declared action: the validator decides `in` on action literals from the
  // schema's action hierarchy, which the store must therefore carry.
  predicate StoreConforms(es: Store, s: Schema) {
    Conformance.StoreErrors(es, s) == {} && s.actions.Keys <= es.Keys
  }

  // The premises of soundness: schema, request and store.
  predicate Conforms(s: Schema, r: Request, es: Store) {
    WellFormedSchema(s) && Conformance.RequestError(r, s).None? && StoreConforms(es, s)
  }

  predicate Sound(res: Result<Value>, t: Ty) {
    (res.Ok? ==> HasType(res.value, t)) && (res.Err? ==> Allowed(res.err))
  }

  // The errors a validated expression may still meet: a missing entity,
  // overflow, an extension error. Not a type error, and not a missing
  // attribute or tag (the typechecker demands a capability or a required
  // attribute for every access).
  predicate Allowed(err: Error) {
    err != TypeError && err != AttrDoesNotExist && err != TagDoesNotExist
  }

  // A capability holds: the attribute or tag is present, unless evaluating
  // its object (or tag name) fails, in which case every use of it fails
  // the same way.
  predicate CapHolds(c: Cap, r: Request, es: Store) {
    match c
    case AttrCap(x, a) => Eval(x, r, es).Err? || Eval(HasAttr(x, a), r, es) == Ok(Bool(true))
    case TagCap(x, tag) =>
      Eval(x, r, es).Err? || Eval(tag, r, es).Err? || Eval(BinaryApp(HasTag, x, tag), r, es) == Ok(Bool(true))
  }

  predicate CapsHold(caps: seq<Cap>, r: Request, es: Store) {
    forall c :: c in caps ==> CapHolds(c, r, es)
  }

  // What TypeOfSound proves of e: e types, its value has the type, and the
  // capabilities it yields hold when it is true (or typed True).
  predicate SoundAt(e: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store) {
    var typed := TypeOf(e, caps, s, env);
    typed.TOk? && Sound(Eval(e, r, es), typed.ty) &&
    ((typed.ty == BoolT(TrueT) || Eval(e, r, es) == Ok(Bool(true))) ==> CapsHold(typed.caps, r, es))
  }

  lemma LubSymmetric(a: Ty, b: Ty)
    ensures Lub(a, b) == Lub(b, a)
    decreases a
  {
    if a.SetT? && b.SetT? {
      LubSymmetric(a.elem, b.elem);
    } else if a.RecordT? && b.RecordT? && |a.attrs| == |b.attrs| {
      LubAttrsSymmetric(a.attrs, b.attrs);
    }
  }

  lemma LubAttrsSymmetric(xs: seq<Attr>, ys: seq<Attr>)
    requires |xs| == |ys|
    ensures LubAttrs(xs, ys) == LubAttrs(ys, xs)
    decreases xs
  {
    if |xs| > 0 {
      LubSymmetric(xs[0].ty, ys[0].ty);
      LubAttrsSymmetric(xs[1..], ys[1..]);
    }
  }

  lemma LubIsUpperBound(v: Value, a: Ty, b: Ty)
    requires HasType(v, a) && Lub(a, b).Some?
    ensures Lub(b, a) == Lub(a, b) && HasType(v, Lub(a, b).value) && HasType(v, Lub(b, a).value)
    decreases a
  {
    LubSymmetric(a, b);
    if a.SetT? && b.SetT? {
      forall x | x in v.elems
        ensures HasType(x, Lub(a.elem, b.elem).value)
      {
        LubIsUpperBound(x, a.elem, b.elem);
      }
    } else if a.RecordT? && b.RecordT? {
      var zs := LubAttrs(a.attrs, b.attrs).value;
      assert Lub(a, b).value == RecordT(zs);
      forall k | k in v.fields
        ensures FindAttr(zs, k).Some? && HasType(v.fields[k], FindAttr(zs, k).value.ty)
      {
        LubAttrsFind(a.attrs, b.attrs, k);
        LubIsUpperBound(v.fields[k], FindAttr(a.attrs, k).value.ty, FindAttr(b.attrs, k).value.ty);
      }
      forall z | z in zs && z.required
        ensures z.name in v.fields
      {
        LubAttrsFrom(a.attrs, b.attrs, z);
      }
    }
  }

  // The attribute k of a record LUB is the LUB of the two attributes k.
  lemma LubAttrsFind(xs: seq<Attr>, ys: seq<Attr>, k: string)
    requires |xs| == |ys| && LubAttrs(xs, ys).Some?
    ensures var z := FindAttr(LubAttrs(xs, ys).value, k);
      z.Some? == FindAttr(xs, k).Some? &&
      (z.Some? ==> FindAttr(ys, k).Some? && Lub(FindAttr(xs, k).value.ty, FindAttr(ys, k).value.ty) == Some(z.value.ty))
    decreases xs
  {
    if |xs| > 0 {
      LubAttrsFind(xs[1..], ys[1..], k);
    }
  }

  lemma LubAttrsFrom(xs: seq<Attr>, ys: seq<Attr>, z: Attr)
    requires |xs| == |ys| && LubAttrs(xs, ys).Some? && z in LubAttrs(xs, ys).value
    ensures exists x :: x in xs && x.name == z.name && x.required == z.required
    decreases xs
  {
    if |xs| > 0 && z != LubAttrs(xs, ys).value[0] {
      LubAttrsFrom(xs[1..], ys[1..], z);
      var x :| x in xs[1..] && x.name == z.name && x.required == z.required;
      assert x in xs;
    }
  }

  // LubAll is an upper bound of its start and of every type in the list.
  lemma LubAllIsUpperBound(v: Value, acc: Ty, ts: seq<Ty>, i: int)
    requires LubAll(acc, ts).Some?
    requires (i == -1 && HasType(v, acc)) || (0 <= i < |ts| && HasType(v, ts[i]))
    ensures HasType(v, LubAll(acc, ts).value)
    decreases |ts|
  {
    if |ts| > 0 {
      var l := Lub(acc, ts[0]).value;
      if i == -1 {
        LubIsUpperBound(v, acc, ts[0]);
        LubAllIsUpperBound(v, l, ts[1..], -1);
      } else if i == 0 {
        LubSymmetric(acc, ts[0]);
        LubIsUpperBound(v, ts[0], acc);
        LubAllIsUpperBound(v, l, ts[1..], -1);
      } else {
        LubAllIsUpperBound(v, l, ts[1..], i - 1);
      }
    }
  }

  // The elements of a set literal: each value has its element's type, and
  // no error is a type error.
  lemma AllSound(xs: seq<Expr>, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store, parent: Expr)
    requires forall x :: x in xs ==> x < parent && InFragment(x)
    requires InEnv(r, env) && Conforms(s, r, es) && CapsHold(caps, r, es)
    requires TypeAll(xs, caps, s, env, parent).Done?
    ensures |TypeAll(xs, caps, s, env, parent).val| == |xs|
    ensures var vs := EvalAll(xs, r, es, parent);
      (vs.Err? ==> Allowed(vs.err)) &&
      (vs.Ok? ==> |vs.value| == |xs| &&
         forall k :: 0 <= k < |xs| ==> HasType(vs.value[k], TypeAll(xs, caps, s, env, parent).val[k]))
    decreases parent, 0, |xs|
  {
    if |xs| > 0 {
      assert xs[0] in xs;
      assert forall x :: x in xs[1..] ==> x in xs;
      TypeOfSound(xs[0], caps, s, env, r, es);
      AllSound(xs[1..], caps, s, env, r, es, parent);
    }
  }

  lemma LitSound(v: Value, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires v.Bool? || v.Long? || v.Str? || v.Ext? || (v.Entity? && !IsSlot(v.uid))
    ensures TypeOf(Lit(v), caps, s, env).TOk? ==> Sound(Eval(Lit(v), r, es), TypeOf(Lit(v), caps, s, env).ty)
  {
    var t := TypeOf(Lit(v), caps, s, env);
    assert t == TypeOfLit(v, s, env);
    assert Eval(Lit(v), r, es) == Ok(v);
    if v.Bool? {
      assert t == TOk(BoolT(BoolOf(v.b)), []);
    } else if v.Long? {
      assert t == TOk(LongT, []);
    } else if v.Str? {
      assert t == TOk(StringT, []);
    } else if v.Ext? {
      assert t.TOk? && t.ty.ExtT?;
    } else if t.TOk? {
      assert t.ty == EntityT(v.uid.ty);
    }
  }

  lemma TypeOfSound(e: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires InFragment(e) && InEnv(r, env) && Conforms(s, r, es) && CapsHold(caps, r, es)
    requires TypeOf(e, caps, s, env).TOk?
    ensures SoundAt(e, caps, s, env, r, es)
    decreases e, 1
  {
    match e
    case Lit(v) => LitSound(v, caps, s, env, r, es);
    case Var(x) =>
    case GetAttr(x, attr) =>
      assert Expect(x, caps, s, env, [SEntity, SRecord]).TOk?;
      TypeOfSound(x, caps, s, env, r, es);
      GetAttrSound(x, attr, caps, s, env, r, es);
    case RecordE(fs) =>
      assert forall f :: f in fs ==> f.1 < f;
      assert TypeFields(fs, caps, s, env, e).Done?;
      FieldsSound(fs, caps, s, env, r, es, e);
      RecordSound(fs, caps, s, env, r, es);
    case Ite(c, t, f) =>
      assert TypeOf(e, caps, s, env) == TypeOfIf(c, t, f, caps, s, env);
      var g := Expect(c, caps, s, env, [SBool]);
      assert g.TOk? && TypeOf(c, caps, s, env).TOk?;
      TypeOfSound(c, caps, s, env, r, es);
      if g.ty.b == TrueT || (g.ty.b == AnyBool && Eval(c, r, es) == Ok(Bool(true))) {
        assert CapsHold(caps + g.caps, r, es);
        TypeOfSound(t, caps + g.caps, s, env, r, es);
      }
      if g.ty.b != TrueT {
        TypeOfSound(f, caps, s, env, r, es);
      }
      IteSound(c, t, f, caps, s, env, r, es);
    case And(a, b) =>
      assert TypeOf(e, caps, s, env) == TypeOfAnd(a, b, caps, s, env);
      var x := Expect(a, caps, s, env, [SBool]);
      assert x.TOk? && TypeOf(a, caps, s, env).TOk?;
      TypeOfSound(a, caps, s, env, r, es);
      if x.ty.b != FalseT && (x.ty.b == TrueT || Eval(a, r, es) == Ok(Bool(true))) {
        assert Expect(b, caps + x.caps, s, env, [SBool]).TOk?;
        assert CapsHold(caps + x.caps, r, es);
        TypeOfSound(b, caps + x.caps, s, env, r, es);
      }
      AndSound(a, b, caps, s, env, r, es);
    case Or(a, b) =>
      assert TypeOf(e, caps, s, env) == TypeOfOr(a, b, caps, s, env);
      var x := Expect(a, caps, s, env, [SBool]);
      assert x.TOk? && TypeOf(a, caps, s, env).TOk?;
      TypeOfSound(a, caps, s, env, r, es);
      if x.ty.b != TrueT {
        assert Expect(b, caps, s, env, [SBool]).TOk?;
        TypeOfSound(b, caps, s, env, r, es);
      }
      OrSound(a, b, caps, s, env, r, es);
    case HasAttr(x, attr) =>
      assert Expect(x, caps, s, env, [SEntity, SRecord]).TOk?;
      TypeOfSound(x, caps, s, env, r, es);
      HasAttrSound(x, attr, caps, s, env, r, es);
    case UnaryApp(op, a) =>
      if op.Not? {
        assert Expect(a, caps, s, env, [SBool]).TOk?;
      } else if op.Neg? {
        assert Expect(a, caps, s, env, [SLong]).TOk?;
      } else if op.Like? {
        assert Expect(a, caps, s, env, [SString]).TOk?;
      } else if op.IsEmpty? {
        assert Expect(a, caps, s, env, [SSet]).TOk?;
      } else {
        assert Expect(a, caps, s, env, [SEntity]).TOk?;
      }
      TypeOfSound(a, caps, s, env, r, es);
    case BinaryApp(op, a, b) =>
      assert TypeOf(e, caps, s, env) == TypeOfBinary(op, a, b, caps, s, env);
      if op.Eq? {
        assert TypeOf(a, caps, s, env).TOk? && TypeOf(b, caps, s, env).TOk?;
      } else if op.Less? || op.LessEq? {
        assert TypeOfCompare(a, b, caps, s, env, op).TOk?;
        assert TypeOf(a, caps, s, env).TOk? && TypeOf(b, caps, s, env).TOk?;
      } else if op.Mem? {
        assert TypeOfIn(a, b, caps, s, env).TOk?;
        assert Expect(a, caps, s, env, [SEntity]).TOk? && Expect(b, caps, s, env, [SSetOfEntities, SEntity]).TOk?;
        TypeOfSound(a, caps, s, env, r, es);
        TypeOfSound(b, caps, s, env, r, es);
        InSound(a, b, caps, s, env, r, es);
      } else if op.GetTag? {
        assert Expect(a, caps, s, env, [SEntity]).TOk? && Expect(b, caps, s, env, [SString]).TOk?;
        TypeOfSound(a, caps, s, env, r, es);
        TypeOfSound(b, caps, s, env, r, es);
        GetTagSound(a, b, caps, s, env, r, es);
      } else if op.HasTag? {
        assert Expect(a, caps, s, env, [SEntity]).TOk? && Expect(b, caps, s, env, [SString]).TOk?;
        TypeOfSound(a, caps, s, env, r, es);
        TypeOfSound(b, caps, s, env, r, es);
        HasTagSound(a, b, caps, s, env, r, es);
      } else if op.Contains? {
        assert Expect(a, caps, s, env, [SSet]).TOk? && TypeOf(b, caps, s, env).TOk?;
      } else if op.ContainsAll? || op.ContainsAny? {
        assert TypeOfSetPair(a, b, caps, s, env, op).TOk?;
        assert Expect(a, caps, s, env, [SSet]).TOk? && Expect(b, caps, s, env, [SSet]).TOk?;
      } else {
        assert TypeOfArith(a, b, caps, s, env, op).TOk?;
        assert Expect(a, caps, s, env, [SLong]).TOk? && Expect(b, caps, s, env, [SLong]).TOk?;
      }
      TypeOfSound(a, caps, s, env, r, es);
      TypeOfSound(b, caps, s, env, r, es);
    case Call(fn, xs) =>
      assert TypeOf(e, caps, s, env) == TypeOfCall(fn, xs, caps, s, env, e);
      var params := Signature(fn).value.0;
      assert ExpectAll(xs, params, caps, s, env, e).TOk?;
      ArgsSound(xs, params, caps, s, env, r, es, e);
      CallSound(fn, xs, caps, s, env, r, es);
    case SetE(xs) =>
      var ts := TypeAll(xs, caps, s, env, e);
      assert ts.Done? && |ts.val| > 0;
      var l := LubAll(ts.val[0], ts.val[1..]);
      assert l.Some? && TypeOf(e, caps, s, env).ty == SetT(l.value);
      AllSound(xs, caps, s, env, r, es, e);
      var vs := EvalAll(xs, r, es, e);
      if vs.Ok? {
        forall x | x in SeqToSet(vs.value)
          ensures HasType(x, l.value)
        {
          var k :| 0 <= k < |vs.value| && vs.value[k] == x;
          assert HasType(x, ts.val[k]);
          if k == 0 {
            LubAllIsUpperBound(x, ts.val[0], ts.val[1..], -1);
          } else {
            assert ts.val[1..][k - 1] == ts.val[k];
            LubAllIsUpperBound(x, ts.val[0], ts.val[1..], k - 1);
          }
        }
      }
  }

  // ---- extension functions and methods ----

  // The parameter types of the signatures: strings and extension types,
  // each admitted by its shape alone.
  predicate ParamType(t: Ty) { t.StringT? || t.ExtT? }

  lemma SignatureParams(fn: string)
    requires Signature(fn).Some?
    ensures forall t :: t in Signature(fn).value.0 ==> ParamType(t)
  {
  }

  lemma ShapeAdmitsParam(t: Ty, u: Ty)
    requires ParamType(t) && AdmitsAny([ShapeOf(t)], u)
    ensures u == t
  {
    assert Admits(ShapeOf(t), u);
  }

  // The arguments of a call: each value has its parameter's type, and no
  // error is a type error.
  lemma ArgsSound(xs: seq<Expr>, params: seq<Ty>, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store, parent: Expr)
    requires forall x :: x in xs ==> x < parent && InFragment(x)
    requires InEnv(r, env) && Conforms(s, r, es) && CapsHold(caps, r, es)
    requires |xs| == |params| && forall t :: t in params ==> ParamType(t)
    requires ExpectAll(xs, params, caps, s, env, parent).TOk?
    ensures var vs := EvalAll(xs, r, es, parent);
      (vs.Err? ==> Allowed(vs.err)) &&
      (vs.Ok? ==> |vs.value| == |xs| && forall k :: 0 <= k < |xs| ==> HasType(vs.value[k], params[k]))
    decreases parent, 0, |xs|
  {
    if |xs| > 0 {
      assert xs[0] in xs;
      assert forall x :: x in xs[1..] ==> x in xs;
      assert params[0] in params;
      assert forall t :: t in params[1..] ==> t in params;
      assert Expect(xs[0], caps, s, env, [ShapeOf(params[0])]).TOk?;
      ShapeAdmitsParam(params[0], TypeOf(xs[0], caps, s, env).ty);
      TypeOfSound(xs[0], caps, s, env, r, es);
      ArgsSound(xs[1..], params[1..], caps, s, env, r, es, parent);
    }
  }

  // A call of a known function on arguments of its parameter types never
  // fails with a type error and returns its result type; a constructor's
  // string (a literal, checked by the typechecker) parses.
  lemma ExtCallSound(fn: string, args: seq<Value>)
    requires Signature(fn).Some? && |args| == |Signature(fn).value.0|
    requires forall k :: 0 <= k < |args| ==> HasType(args[k], Signature(fn).value.0[k])
    requires Signature(fn).value.2 ==> args[0].Str? && ExtFun.Construct(fn, args[0].s).Ok?
    ensures Sound(ExtFun.Call(fn, args), Signature(fn).value.1)
  {
    if ExtFun.IsConstructor(fn) {
      assert ExtFun.Construct(fn, args[0].s) == ExtFun.ConstructUncached(fn, args[0].s);
    }
  }

  lemma CallSound(fn: string, xs: seq<Expr>, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires forall x :: x in xs ==> x < Call(fn, xs)
    requires TypeOfCall(fn, xs, caps, s, env, Call(fn, xs)).TOk?
    requires var vs := EvalAll(xs, r, es, Call(fn, xs));
      (vs.Err? ==> Allowed(vs.err)) &&
      (vs.Ok? ==> |vs.value| == |xs| && forall k :: 0 <= k < |xs| ==> HasType(vs.value[k], Signature(fn).value.0[k]))
    ensures Sound(Eval(Call(fn, xs), r, es), TypeOfCall(fn, xs, caps, s, env, Call(fn, xs)).ty)
  {
    var sig := Signature(fn).value;
    var vs := EvalAll(xs, r, es, Call(fn, xs));
    if vs.Ok? {
      if sig.2 {
        assert AllLiterals(xs) && |xs| > 0;
        assert vs.value[0] == xs[0].v;
      }
      ExtCallSound(fn, vs.value);
    }
  }

  // ---- &&, ||, if: the capabilities they carry ----

  lemma IntersectIn(a: seq<Cap>, b: seq<Cap>, c: Cap)
    ensures c in Intersect(a, b) ==> c in a && c in b
  {
    if |a| > 0 {
      IntersectIn(a[1..], b, c);
    }
  }

  lemma LubTrue(a: Ty, b: Ty)
    requires Lub(a, b) == Some(BoolT(TrueT))
    ensures a == BoolT(TrueT) && b == BoolT(TrueT)
  {
  }

  lemma AndSound(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires TypeOf(And(a, b), caps, s, env).TOk?
    requires Expect(a, caps, s, env, [SBool]).TOk? && SoundAt(a, caps, s, env, r, es)
    requires var x := TypeOf(a, caps, s, env);
      x.ty.b != FalseT && (x.ty.b == TrueT || Eval(a, r, es) == Ok(Bool(true))) ==>
        Expect(b, caps + x.caps, s, env, [SBool]).TOk? && SoundAt(b, caps + x.caps, s, env, r, es)
    ensures SoundAt(And(a, b), caps, s, env, r, es)
  {
    assert TypeOf(And(a, b), caps, s, env) == TypeOfAnd(a, b, caps, s, env);
  }

  lemma OrSound(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires TypeOf(Or(a, b), caps, s, env).TOk?
    requires Expect(a, caps, s, env, [SBool]).TOk? && SoundAt(a, caps, s, env, r, es)
    requires TypeOf(a, caps, s, env).ty.b != TrueT ==>
      Expect(b, caps, s, env, [SBool]).TOk? && SoundAt(b, caps, s, env, r, es)
    ensures SoundAt(Or(a, b), caps, s, env, r, es)
  {
    var x := TypeOf(a, caps, s, env);
    var t := TypeOf(Or(a, b), caps, s, env);
    assert t == TypeOfOr(a, b, caps, s, env);
    if x.ty.b != TrueT {
      var y := TypeOf(b, caps, s, env);
      if y.ty.b != TrueT && y.ty.b != FalseT && x.ty.b != FalseT && Eval(Or(a, b), r, es) == Ok(Bool(true)) {
        forall c | c in t.caps
          ensures CapHolds(c, r, es)
        {
          IntersectIn(y.caps, x.caps, c);
        }
      }
    }
  }

  lemma IteSound(c: Expr, t: Expr, f: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires TypeOf(Ite(c, t, f), caps, s, env).TOk?
    requires Expect(c, caps, s, env, [SBool]).TOk? && SoundAt(c, caps, s, env, r, es)
    requires var g := TypeOf(c, caps, s, env);
      (g.ty.b == TrueT || (g.ty.b == AnyBool && Eval(c, r, es) == Ok(Bool(true)))) ==>
        SoundAt(t, caps + g.caps, s, env, r, es)
    requires TypeOf(c, caps, s, env).ty.b != TrueT ==> SoundAt(f, caps, s, env, r, es)
    ensures SoundAt(Ite(c, t, f), caps, s, env, r, es)
  {
    var g := TypeOf(c, caps, s, env);
    var res := TypeOf(Ite(c, t, f), caps, s, env);
    assert res == TypeOfIf(c, t, f, caps, s, env);
    if g.ty.b == AnyBool {
      var a := TypeOf(t, caps + g.caps, s, env);
      var b := TypeOf(f, caps, s, env);
      var cv := Eval(c, r, es);
      var l := Lub(a.ty, b.ty).value;
      assert res == TOk(l, Intersect(b.caps, a.caps + g.caps));
      LubSymmetric(a.ty, b.ty);
      if cv.Ok? && cv.value.b {
        var tv := Eval(t, r, es);
        if tv.Ok? { LubIsUpperBound(tv.value, a.ty, b.ty); }
      } else if cv.Ok? {
        var fv := Eval(f, r, es);
        if fv.Ok? { LubIsUpperBound(fv.value, b.ty, a.ty); }
      }
      if l == BoolT(TrueT) || Eval(Ite(c, t, f), r, es) == Ok(Bool(true)) {
        if l == BoolT(TrueT) { LubTrue(a.ty, b.ty); }
        forall k | k in res.caps
          ensures CapHolds(k, r, es)
        {
          IntersectIn(b.caps, a.caps + g.caps, k);
        }
      }
    }
  }

  // `x has a`: False when the type has no attribute a (records and stored
  // entities are closed), True when a capability or a required record
  // attribute says so.
  lemma HasAttrSound(x: Expr, attr: string, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires Conforms(s, r, es) && CapsHold(caps, r, es)
    requires TypeOf(HasAttr(x, attr), caps, s, env).TOk?
    requires Expect(x, caps, s, env, [SEntity, SRecord]).TOk?
    requires Sound(Eval(x, r, es), TypeOf(x, caps, s, env).ty)
    ensures SoundAt(HasAttr(x, attr), caps, s, env, r, es)
  {
    var rx := TypeOf(x, caps, s, env);
    var at := LookupAttr(rx.ty, attr, s);
    var xv := Eval(x, r, es);
    if xv.Ok? {
      var v := xv.value;
      assert HasType(v, rx.ty);
      if rx.ty.RecordT? {
        assert v.Record?;
        if at.None? && attr in v.fields {
          assert FindAttr(rx.ty.attrs, attr).Some?;
        }
        if at.Some? && at.value.required {
          assert at.value in rx.ty.attrs;
        }
      } else {
        assert rx.ty.EntityT? && v.Entity? && v.uid.ty == rx.ty.ety;
        if v.uid in es {
          NoEntityError(es, s, v.uid);
          if v.uid.ty in s.entityTypes {
            StoredAttrsTyped(es, s, v.uid);
            if at.None? && attr in es[v.uid].attrs {
              assert FindAttr(s.entityTypes[v.uid.ty].attrs, attr).Some?;
            }
          } else {
            assert Conformance.IsActionEntity(v.uid, s);
            assert es[v.uid].attrs == map[];
          }
        }
      }
    }
    if AttrCap(x, attr) in caps {
      assert CapHolds(AttrCap(x, attr), r, es);
    }
  }

  lemma HasTagSound(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires Conforms(s, r, es) && CapsHold(caps, r, es)
    requires TypeOf(BinaryApp(HasTag, a, b), caps, s, env).TOk?
    requires Expect(a, caps, s, env, [SEntity]).TOk? && Expect(b, caps, s, env, [SString]).TOk?
    requires Sound(Eval(a, r, es), TypeOf(a, caps, s, env).ty)
    requires Sound(Eval(b, r, es), TypeOf(b, caps, s, env).ty)
    ensures SoundAt(BinaryApp(HasTag, a, b), caps, s, env, r, es)
  {
    var x := TypeOf(a, caps, s, env);
    assert TypeOf(BinaryApp(HasTag, a, b), caps, s, env) == TypeOfBinary(HasTag, a, b, caps, s, env);
    var av := Eval(a, r, es);
    var bv := Eval(b, r, es);
    if av.Ok? && bv.Ok? {
      assert av.value.Entity? && av.value.uid.ty == x.ty.ety && bv.value.Str?;
      var u := av.value.uid;
      if u in es && TagType(s, x.ty.ety).None? {
        NoEntityError(es, s, u);
        assert es[u].tags == map[];
      }
    }
    if TagCap(a, b) in caps {
      assert CapHolds(TagCap(a, b), r, es);
    }
  }

  // ---- records, attributes and tags ----

  // The attributes of a stored entity of a declared type have its
  // attribute types.
  lemma StoredAttrsTyped(es: Store, s: Schema, u: EntityUID)
    requires StoreConforms(es, s) && u in es && u.ty in s.entityTypes
    ensures HasType(Record(es[u].attrs), RecordT(s.entityTypes[u.ty].attrs))
  {
    NoEntityError(es, s, u);
    assert !Conformance.IsActionEntity(u, s);
    Conformance.AttrsErrorIsRecordInstanceOf(es[u].attrs, s.entityTypes[u.ty].attrs, s);
    InstanceOfHasType(Record(es[u].attrs), RecordT(s.entityTypes[u.ty].attrs), s);
  }

  lemma GetAttrSound(x: Expr, attr: string, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires Conforms(s, r, es) && CapsHold(caps, r, es)
    requires TypeOf(GetAttr(x, attr), caps, s, env).TOk?
    requires Expect(x, caps, s, env, [SEntity, SRecord]).TOk?
    requires Sound(Eval(x, r, es), TypeOf(x, caps, s, env).ty)
    ensures Sound(Eval(GetAttr(x, attr), r, es), TypeOf(GetAttr(x, attr), caps, s, env).ty)
  {
    var rx := TypeOf(x, caps, s, env);
    var at := LookupAttr(rx.ty, attr, s);
    assert at.Some? && TypeOf(GetAttr(x, attr), caps, s, env).ty == at.value.ty;
    var xv := Eval(x, r, es);
    if xv.Ok? {
      var v := xv.value;
      assert HasType(v, rx.ty);
      if !at.value.required {
        assert AttrCap(x, attr) in caps && CapHolds(AttrCap(x, attr), r, es);
      }
      if rx.ty.RecordT? {
        assert v.Record?;
        if attr in v.fields {
          assert HasType(v.fields[attr], FindAttr(rx.ty.attrs, attr).value.ty);
        }
        if at.value.required {
          assert at.value in rx.ty.attrs;
        }
      } else {
        assert rx.ty.EntityT? && v.Entity? && v.uid.ty == rx.ty.ety;
        if v.uid in es {
          StoredAttrsTyped(es, s, v.uid);
          var fields := es[v.uid].attrs;
          if attr in fields {
            assert HasType(fields[attr], FindAttr(s.entityTypes[v.uid.ty].attrs, attr).value.ty);
          }
          if at.value.required {
            assert at.value in s.entityTypes[v.uid.ty].attrs;
          }
        }
      }
    }
  }

  lemma GetTagSound(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires Conforms(s, r, es) && CapsHold(caps, r, es)
    requires TypeOf(BinaryApp(GetTag, a, b), caps, s, env).TOk?
    requires Expect(a, caps, s, env, [SEntity]).TOk? && Expect(b, caps, s, env, [SString]).TOk?
    requires Sound(Eval(a, r, es), TypeOf(a, caps, s, env).ty)
    requires Sound(Eval(b, r, es), TypeOf(b, caps, s, env).ty)
    ensures Sound(Eval(BinaryApp(GetTag, a, b), r, es), TypeOf(BinaryApp(GetTag, a, b), caps, s, env).ty)
  {
    var x := TypeOf(a, caps, s, env);
    assert TypeOf(BinaryApp(GetTag, a, b), caps, s, env) == TypeOfBinary(GetTag, a, b, caps, s, env);
    var t := TagType(s, x.ty.ety);
    assert t.Some? && TypeOf(BinaryApp(GetTag, a, b), caps, s, env).ty == t.value;
    var av := Eval(a, r, es);
    var bv := Eval(b, r, es);
    if av.Ok? && bv.Ok? {
      assert av.value.Entity? && av.value.uid.ty == x.ty.ety && bv.value.Str?;
      var u := av.value.uid;
      assert TagCap(a, b) in caps && CapHolds(TagCap(a, b), r, es);
      if u in es && bv.value.s in es[u].tags {
        NoEntityError(es, s, u);
        assert u.ty in s.entityTypes && !Conformance.IsActionEntity(u, s);
        assert Conformance.InstanceOf(es[u].tags[bv.value.s], t.value, s);
        InstanceOfHasType(es[u].tags[bv.value.s], t.value, s);
      }
    }
  }

  // Record literals are reasoned about through these recursive functions
  // rather than index quantifiers, which send z3 into matching loops on
  // the slices fs[1..].
  function Keys(fs: seq<(string, Expr)>): set<string> {
    if |fs| == 0 then {} else {fs[0].0} + Keys(fs[1..])
  }

  predicate DistinctKeys(fs: seq<(string, Expr)>) {
    |fs| == 0 || (fs[0].0 !in Keys(fs[1..]) && DistinctKeys(fs[1..]))
  }

  // The attribute list TypeFields gives for fields fs.
  predicate FieldsTyped(fs: seq<(string, Expr)>, ts: seq<Attr>) {
    |ts| == |fs| && (|fs| > 0 ==> ts[0].name == fs[0].0 && ts[0].required && FieldsTyped(fs[1..], ts[1..]))
  }

  // The type of the first field named k (the one evaluation keeps).
  function FieldType(fs: seq<(string, Expr)>, ts: seq<Attr>, k: string): Ty
    requires |ts| == |fs|
  {
    if |fs| == 0 then LongT
    else if fs[0].0 == k then ts[0].ty
    else FieldType(fs[1..], ts[1..], k)
  }

  // HasType behind a name, so that quantified facts about record fields do
  // not unfold it.
  predicate {:opaque} HasTypeO(v: Value, t: Ty) { HasType(v, t) }

  // m has exactly the keys of fs, each value of its field's type.
  predicate FieldValuesTyped(fs: seq<(string, Expr)>, ts: seq<Attr>, m: map<string, Value>)
    requires |ts| == |fs|
  {
    m.Keys == Keys(fs) && forall k :: k in m ==> HasTypeO(m[k], FieldType(fs, ts, k))
  }

  lemma FieldsStep(fs: seq<(string, Expr)>, ts: seq<Attr>, tail: map<string, Value>, head: Value)
    requires |fs| > 0 && |ts| == |fs|
    requires HasType(head, ts[0].ty) && FieldValuesTyped(fs[1..], ts[1..], tail)
    ensures FieldValuesTyped(fs, ts, tail[fs[0].0 := head])
  {
    reveal_HasTypeO();
  }

  // The fields of a record literal: each evaluated field has its type, and
  // no error is a type error.
  lemma FieldsSound(fs: seq<(string, Expr)>, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store, parent: Expr)
    requires forall f :: f in fs ==> f.1 < parent && InFragment(f.1)
    requires InEnv(r, env) && Conforms(s, r, es) && CapsHold(caps, r, es)
    requires TypeFields(fs, caps, s, env, parent).Done?
    ensures FieldsTyped(fs, TypeFields(fs, caps, s, env, parent).val)
    ensures var m := EvalFields(fs, r, es, parent);
      (m.Err? ==> Allowed(m.err)) &&
      (m.Ok? ==> FieldValuesTyped(fs, TypeFields(fs, caps, s, env, parent).val, m.value))
    decreases parent, 0, |fs|
  {
    if |fs| > 0 {
      assert fs[0] in fs;
      assert forall f :: f in fs[1..] ==> f in fs;
      TypeOfSound(fs[0].1, caps, s, env, r, es);
      FieldsSound(fs[1..], caps, s, env, r, es, parent);
      var m := EvalFields(fs, r, es, parent);
      var ts := TypeFields(fs, caps, s, env, parent).val;
      var tts := TypeFields(fs[1..], caps, s, env, parent).val;
      assert ts == [Attr(fs[0].0, TypeOf(fs[0].1, caps, s, env).ty, true)] + tts;
      assert ts[1..] == tts;
      if m.Ok? {
        var tail := EvalFields(fs[1..], r, es, parent);
        var head := Eval(fs[0].1, r, es).value;
        assert tail.Ok? && m.value == tail.value[fs[0].0 := head];
        FieldsStep(fs, ts, tail.value, head);
      }
    }
  }

  // With distinct keys, an attribute of the list is the field of its name.
  lemma AttrOfField(fs: seq<(string, Expr)>, ts: seq<Attr>, a: Attr)
    requires FieldsTyped(fs, ts) && DistinctKeys(fs) && a in ts
    ensures a.name in Keys(fs) && a.required && a.ty == FieldType(fs, ts, a.name)
  {
    if a != ts[0] {
      assert a in ts[1..];
      AttrOfField(fs[1..], ts[1..], a);
    }
  }

  lemma FieldHasAttr(fs: seq<(string, Expr)>, ts: seq<Attr>, k: string)
    requires FieldsTyped(fs, ts) && k in Keys(fs)
    ensures exists a :: a in ts && a.name == k
  {
    if fs[0].0 != k {
      FieldHasAttr(fs[1..], ts[1..], k);
      var a :| a in ts[1..] && a.name == k;
      assert a in ts;
    }
  }

  lemma InsertAttrMembers(a: Attr, sorted: seq<Attr>, x: Attr)
    ensures x in InsertAttr(a, sorted) <==> x == a || x in sorted
  {
    if |sorted| > 0 && StringLess(sorted[0].name, a.name) {
      InsertAttrMembers(a, sorted[1..], x);
      assert sorted == [sorted[0]] + sorted[1..];
    }
  }

  lemma SortAttrsMembers(xs: seq<Attr>, x: Attr)
    ensures x in SortAttrs(xs) <==> x in xs
  {
    if |xs| > 0 {
      SortAttrsMembers(xs[1..], x);
      InsertAttrMembers(xs[0], SortAttrs(xs[1..]), x);
      assert xs == [xs[0]] + xs[1..];
    }
  }

  lemma FindAttrFinds(attrs: seq<Attr>, a: Attr)
    requires a in attrs
    ensures FindAttr(attrs, a.name).Some?
  {
    if attrs[0] != a && attrs[0].name != a.name {
      FindAttrFinds(attrs[1..], a);
    }
  }

  lemma RecordSound(fs: seq<(string, Expr)>, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires DistinctKeys(fs)
    requires forall f :: f in fs ==> f.1 < RecordE(fs)
    requires TypeFields(fs, caps, s, env, RecordE(fs)).Done?
    requires FieldsTyped(fs, TypeFields(fs, caps, s, env, RecordE(fs)).val)
    requires var m := EvalFields(fs, r, es, RecordE(fs));
      (m.Err? ==> Allowed(m.err)) &&
      (m.Ok? ==> FieldValuesTyped(fs, TypeFields(fs, caps, s, env, RecordE(fs)).val, m.value))
    ensures TypeOf(RecordE(fs), caps, s, env).TOk? &&
      Sound(Eval(RecordE(fs), r, es), TypeOf(RecordE(fs), caps, s, env).ty)
  {
    var e := RecordE(fs);
    var ts := TypeFields(fs, caps, s, env, e).val;
    var sorted := SortAttrs(ts);
    assert TypeOf(e, caps, s, env) == TOk(RecordT(sorted), []);
    var m := EvalFields(fs, r, es, e);
    if m.Ok? {
      var v := Record(m.value);
      assert Eval(e, r, es) == Ok(v);
      forall k | k in m.value
        ensures FindAttr(sorted, k).Some? && HasType(m.value[k], FindAttr(sorted, k).value.ty)
      {
        FieldHasAttr(fs, ts, k);
        var a :| a in ts && a.name == k;
        SortAttrsMembers(ts, a);
        FindAttrFinds(sorted, a);
        var found := FindAttr(sorted, k).value;
        SortAttrsMembers(ts, found);
        AttrOfField(fs, ts, found);
        assert HasTypeO(m.value[k], FieldType(fs, ts, k));
        reveal_HasTypeO();
      }
      forall a | a in sorted && a.required
        ensures a.name in m.value
      {
        SortAttrsMembers(ts, a);
        AttrOfField(fs, ts, a);
      }
      assert RecordHasType(v, sorted);
    }
  }

  // ---- `in` ----

  lemma NoEntityError(es: Store, s: Schema, u: EntityUID)
    requires StoreConforms(es, s) && u in es
    ensures Conformance.EntityError(u, es[u], s).None?
  {
    if Conformance.EntityError(u, es[u], s).Some? {
      assert (u, Conformance.EntityError(u, es[u], s).value) in Conformance.StoreErrors(es, s);
    }
  }

  // In a conforming store, `a in t` holds only where the schema's memberOf
  // relation (or action hierarchy) allows it.
  lemma InEntityDescends(es: Store, s: Schema, a: EntityUID, t: EntityUID)
    requires StoreConforms(es, s) && InEntity(es, a, t)
    ensures DescendantOf(s, a.ty, t.ty)
  {
    if a != t {
      assert a in es && t in es[a].ancestors;
      NoEntityError(es, s, a);
      if Conformance.IsActionEntity(a, s) {
        assert a in s.actions && t in ActionAncestors(s, a);
        assert t.ty in AncestorTypes(s, a.ty);
      }
    }
  }

  lemma ActionClosureInActions(s: Schema, frontier: set<EntityUID>, acc: set<EntityUID>, fuel: nat)
    requires WellFormedSchema(s) && acc <= s.actions.Keys
    ensures ActionClosure(s, frontier, acc, fuel) <= s.actions.Keys
    decreases fuel
  {
    var next := set a, p | a in frontier && p in ParentActions(s, a) :: p;
    forall p | p in next
      ensures p in s.actions
    {
      var a :| a in frontier && p in ParentActions(s, a);
    }
    var added := next - acc;
    if added != {} && fuel != 0 {
      ActionClosureInActions(s, added, acc + added, fuel - 1);
    }
  }

  lemma ActionUidsAre(us: seq<EntityUID>, x: EntityUID)
    ensures x in ActionUids(us) <==> x in us && IsActionType(x.ty)
  {
    if |us| > 0 {
      ActionUidsAre(us[1..], x);
      assert us == [us[0]] + us[1..];
    }
  }

  // `l in rs` for an action l of a conforming store is what the typechecker
  // decides from the schema: l is one of the actions among rs or one of
  // their descendants.
  lemma ActionInDecided(s: Schema, es: Store, l: EntityUID, rs: seq<EntityUID>)
    requires WellFormedSchema(s) && StoreConforms(es, s) && l in s.actions
    requires ActionsIn(s, SeqToSet(ActionUids(rs))).Some?
    ensures (exists t :: t in rs && InEntity(es, l, t)) <==>
            SeqToSet(ActionUids(rs)) != {} && l in ActionsIn(s, SeqToSet(ActionUids(rs))).value
  {
    var actions := SeqToSet(ActionUids(rs));
    var desc := ActionsIn(s, actions).value;
    NoEntityError(es, s, l);
    assert Conformance.IsActionEntity(l, s);
    assert es[l].ancestors == ActionAncestors(s, l);
    ActionClosureInActions(s, {l}, {}, |s.actions| + 1);
    if exists t :: t in rs && InEntity(es, l, t) {
      var t :| t in rs && InEntity(es, l, t);
      ActionUidsAre(rs, t);
      if l == t {
        assert t in actions;
      } else {
        assert t in ActionAncestors(s, l);
        assert t in actions;
        assert t in ActionAncestors(s, l) * actions;
      }
    }
    if actions != {} && l in desc {
      if l in actions {
        ActionUidsAre(rs, l);
        assert InEntity(es, l, l);
      } else {
        var t :| t in ActionAncestors(s, l) * actions;
        ActionUidsAre(rs, t);
        assert InEntity(es, l, t);
      }
    }
  }

  // The values of a list of entity literals (and `action`).
  lemma EvalUids(xs: seq<Expr>, env: Env, r: Request, es: Store, parent: Expr)
    requires forall x :: x in xs ==> x < parent
    requires UidsOf(xs, env).Some? && r.action == env.action
    ensures var vs := EvalAll(xs, r, es, parent);
      vs.Ok? && |vs.value| == |UidsOf(xs, env).value| &&
      forall k :: 0 <= k < |vs.value| ==> vs.value[k] == Entity(UidsOf(xs, env).value[k])
    decreases |xs|
  {
    if |xs| > 0 {
      assert xs[0] in xs;
      assert forall x :: x in xs[1..] ==> x in xs;
      EvalUids(xs[1..], env, r, es, parent);
    }
  }

  lemma InSound(a: Expr, b: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires InEnv(r, env) && Conforms(s, r, es)
    requires TypeOfIn(a, b, caps, s, env).TOk?
    requires Expect(a, caps, s, env, [SEntity]).TOk? && Expect(b, caps, s, env, [SSetOfEntities, SEntity]).TOk?
    requires Sound(Eval(a, r, es), TypeOf(a, caps, s, env).ty)
    requires Sound(Eval(b, r, es), TypeOf(b, caps, s, env).ty)
    ensures Sound(Eval(BinaryApp(Mem, a, b), r, es), TypeOfIn(a, b, caps, s, env).ty)
  {
    var x := Expect(a, caps, s, env, [SEntity]);
    var y := Expect(b, caps, s, env, [SSetOfEntities, SEntity]);
    assert x.ty.EntityT?;
    assert y.ty.EntityT? || (y.ty.SetT? && y.ty.elem.EntityT?);
    var av := Eval(a, r, es);
    var bv := Eval(b, r, es);
    assert x == TypeOf(a, caps, s, env) && y == TypeOf(b, caps, s, env);
    if av.Ok? && bv.Ok? {
      assert HasType(av.value, x.ty) && HasType(bv.value, y.ty);
      assert av.value.Entity? && av.value.uid.ty == x.ty.ety;
      if y.ty.SetT? {
        forall v | v in bv.value.elems
          ensures v.Entity? && v.uid.ty == y.ty.elem.ety
        {
          assert HasType(v, y.ty.elem);
        }
      } else {
        assert bv.value.Entity? && bv.value.uid.ty == y.ty.ety;
      }
      var u := av.value.uid;
      var res := In(av.value, bv.value, es);
      assert res.Ok? && res.value.Bool?;
      // res is true exactly when u is in some target.
      assert res.value.b ==> exists t :: InEntity(es, u, t) &&
        ((bv.value.Entity? && t == bv.value.uid) || (bv.value.Set? && Entity(t) in bv.value.elems));
      var l := AsUid(a, env);
      var rs := if AsUid(b, env).Some? then Some([AsUid(b, env).value])
                else if b.SetE? then UidsOf(b.elems, env) else None;
      if l.Some? && rs.Some? && IsActionType(l.value.ty) {
        assert u == l.value;
        assert l.value in s.actions;
        var actions := SeqToSet(ActionUids(rs.value));
        // The targets are exactly rs.
        if AsUid(b, env).Some? {
          assert bv.value == Entity(rs.value[0]);
        } else {
          EvalUids(b.elems, env, r, es, b);
          var vs := EvalAll(b.elems, r, es, b);
          assert bv.value == Set(SeqToSet(vs.value));
          forall t
            ensures Entity(t) in bv.value.elems <==> t in rs.value
          {
            if Entity(t) in bv.value.elems {
              var k :| 0 <= k < |vs.value| && vs.value[k] == Entity(t);
              assert t == rs.value[k];
            }
            if t in rs.value {
              var k :| 0 <= k < |rs.value| && rs.value[k] == t;
              assert vs.value[k] == Entity(t);
            }
          }
        }
        if actions != {} {
          assert ActionsIn(s, actions).Some?;
        }
        if ActionsIn(s, actions).Some? {
          ActionInDecided(s, es, u, rs.value);
        } else {
          assert actions == {};
          if res.value.b {
            var t :| InEntity(es, u, t) &&
              ((bv.value.Entity? && t == bv.value.uid) || (bv.value.Set? && Entity(t) in bv.value.elems));
            assert t in rs.value;
            ActionInDecided(s, es, u, rs.value);
          }
        }
      } else {
        var rt := if y.ty.EntityT? then y.ty.ety else y.ty.elem.ety;
        if !DescendantOf(s, x.ty.ety, rt) && res.value.b {
          var t :| InEntity(es, u, t) &&
            ((bv.value.Entity? && t == bv.value.uid) || (bv.value.Set? && Entity(t) in bv.value.elems));
          assert t.ty == rt;
          InEntityDescends(es, s, u, t);
        }
      }
    }
  }

  // The theorem for a whole condition, as the validator checks it.
  lemma ValidConditionNeverTypeErrors(e: Expr, s: Schema, env: Env, r: Request, es: Store)
    requires InFragment(e) && InEnv(r, env) && Conforms(s, r, es)
    requires Expect(e, [], s, env, [SBool]).TOk?
    ensures Eval(e, r, es).Ok? ==> Eval(e, r, es).value.Bool?
    ensures Eval(e, r, es).Err? ==> Allowed(Eval(e, r, es).err)
  {
    TypeOfSound(e, [], s, env, r, es);
  }
}
