include "../validation/Typecheck.dfy"
include "../model/Evaluator.dfy"

// Soundness of the typechecker on a fragment of the language: if an
// expression of the fragment gets type T in an environment, then on any
// request of that environment (and any store) it evaluates to a value of
// type T or to an error that is not a type error.
module TypecheckProofs {
  import opened Values
  import opened Syntax
  import opened Evaluator
  import opened Entities
  import opened JsonData
  import opened ValidationTypes
  import opened Typecheck

  // The fragment: Bool/Long/String literals, entity literals (not template
  // slots, which linking replaces before evaluation), principal/action/
  // resource, `!`, unary `-`, `like`, `is`, `isEmpty`, `&&`, `||`, `if`, `==`,
  // `<`, `<=`, `+`, `-`, `*`, set literals, `contains`, `containsAll`,
  // `containsAny`. Outside: context and records, attributes and tags (which
  // need a request and a store that conform to the schema), `in`, extension
  // values and calls.
  predicate InFragment(e: Expr) {
    match e
    case Lit(v) => v.Bool? || v.Long? || v.Str? || (v.Entity? && !IsSlot(v.uid))
    case Var(x) => x != Context
    case Ite(c, t, f) => InFragment(c) && InFragment(t) && InFragment(f)
    case And(a, b) => InFragment(a) && InFragment(b)
    case Or(a, b) => InFragment(a) && InFragment(b)
    case UnaryApp(op, a) => (op.Not? || op.Neg? || op.Like? || op.Is? || op.IsEmpty?) && InFragment(a)
    case BinaryApp(op, a, b) =>
      (op.Eq? || op.Less? || op.LessEq? || op.Add? || op.Sub? || op.Mul? ||
       op.Contains? || op.ContainsAll? || op.ContainsAny?) && InFragment(a) && InFragment(b)
    case GetAttr(_, _) => false
    case HasAttr(_, _) => false
    case SetE(xs) => forall x :: x in xs ==> InFragment(x)
    case RecordE(_) => false
    case Call(_, _) => false
  }

  // v is a value of type t (on the types the fragment produces).
  predicate HasType(v: Value, t: Ty)
    decreases t
  {
    match t
    case BoolT(b) => v.Bool? && (b == TrueT ==> v.b) && (b == FalseT ==> !v.b)
    case LongT => v.Long?
    case StringT => v.Str?
    case EntityT(n) => v.Entity? && v.uid.ty == n
    case SetT(el) => v.Set? && forall x :: x in v.elems ==> HasType(x, el)
    case RecordT(_) => false
    case ExtT(_) => false
  }

  // The request belongs to the environment.
  predicate InEnv(r: Request, env: Env) {
    r.principal.ty == env.principal && r.action == env.action && r.resource.ty == env.resource
  }

  predicate Sound(res: Result<Value>, t: Ty) {
    (res.Ok? ==> HasType(res.value, t)) && (res.Err? ==> res.err != TypeError)
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
    requires InEnv(r, env)
    requires TypeAll(xs, caps, s, env, parent).Done?
    ensures |TypeAll(xs, caps, s, env, parent).val| == |xs|
    ensures var vs := EvalAll(xs, r, es, parent);
      (vs.Err? ==> vs.err != TypeError) &&
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
    requires v.Bool? || v.Long? || v.Str? || (v.Entity? && !IsSlot(v.uid))
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
    } else if t.TOk? {
      assert t.ty == EntityT(v.uid.ty);
    }
  }

  lemma TypeOfSound(e: Expr, caps: seq<Cap>, s: Schema, env: Env, r: Request, es: Store)
    requires InFragment(e) && InEnv(r, env)
    requires TypeOf(e, caps, s, env).TOk?
    ensures Sound(Eval(e, r, es), TypeOf(e, caps, s, env).ty)
    decreases e, 1
  {
    match e
    case Lit(v) => LitSound(v, caps, s, env, r, es);
    case Var(x) =>
    case Ite(c, t, f) =>
      assert TypeOf(e, caps, s, env) == TypeOfIf(c, t, f, caps, s, env);
      var g := Expect(c, caps, s, env, [SBool]);
      assert g.TOk? && TypeOf(c, caps, s, env).TOk?;
      TypeOfSound(c, caps, s, env, r, es);
      if g.ty.b == TrueT {
        TypeOfSound(t, caps + g.caps, s, env, r, es);
      } else if g.ty.b == FalseT {
        TypeOfSound(f, caps, s, env, r, es);
      } else {
        TypeOfSound(t, caps + g.caps, s, env, r, es);
        TypeOfSound(f, caps, s, env, r, es);
        var a := TypeOf(t, caps + g.caps, s, env);
        var b := TypeOf(f, caps, s, env);
        var tv := Eval(t, r, es);
        var fv := Eval(f, r, es);
        if tv.Ok? { LubIsUpperBound(tv.value, a.ty, b.ty); }
        LubSymmetric(a.ty, b.ty);
        if fv.Ok? { LubIsUpperBound(fv.value, b.ty, a.ty); }
      }
    case And(a, b) =>
      assert TypeOf(e, caps, s, env) == TypeOfAnd(a, b, caps, s, env);
      var x := Expect(a, caps, s, env, [SBool]);
      assert x.TOk? && TypeOf(a, caps, s, env).TOk?;
      TypeOfSound(a, caps, s, env, r, es);
      if x.ty.b != FalseT {
        assert Expect(b, caps + x.caps, s, env, [SBool]).TOk?;
        TypeOfSound(b, caps + x.caps, s, env, r, es);
      }
    case Or(a, b) =>
      assert TypeOf(e, caps, s, env) == TypeOfOr(a, b, caps, s, env);
      var x := Expect(a, caps, s, env, [SBool]);
      assert x.TOk? && TypeOf(a, caps, s, env).TOk?;
      TypeOfSound(a, caps, s, env, r, es);
      if x.ty.b != TrueT {
        assert Expect(b, caps, s, env, [SBool]).TOk?;
        TypeOfSound(b, caps, s, env, r, es);
      }
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

  // The theorem for a whole condition, as the validator checks it.
  lemma ValidConditionNeverTypeErrors(e: Expr, s: Schema, env: Env, r: Request, es: Store)
    requires InFragment(e) && InEnv(r, env)
    requires Expect(e, [], s, env, [SBool]).TOk?
    ensures Eval(e, r, es).Ok? ==> Eval(e, r, es).value.Bool?
    ensures Eval(e, r, es).Err? ==> Eval(e, r, es).err != TypeError
  {
    TypeOfSound(e, [], s, env, r, es);
  }
}
