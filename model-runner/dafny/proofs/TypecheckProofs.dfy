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
  // slots, which linking replaces before evaluation), principal/action/resource,
  // `!`, unary `-`, `like`, `is`, `&&`, `||`, `if`, `==`, `<`, `<=`, `+`,
  // `-`, `*`. Outside: context and records, attributes and tags (which need
  // a store that conforms to the schema), sets, `in`,
  // `isEmpty`, `contains*`, extension values and calls.
  predicate InFragment(e: Expr) {
    match e
    case Lit(v) => v.Bool? || v.Long? || v.Str? || (v.Entity? && !IsSlot(v.uid))
    case Var(x) => x != Context
    case Ite(c, t, f) => InFragment(c) && InFragment(t) && InFragment(f)
    case And(a, b) => InFragment(a) && InFragment(b)
    case Or(a, b) => InFragment(a) && InFragment(b)
    case UnaryApp(op, a) => (op.Not? || op.Neg? || op.Like? || op.Is?) && InFragment(a)
    case BinaryApp(op, a, b) =>
      (op.Eq? || op.Less? || op.LessEq? || op.Add? || op.Sub? || op.Mul?) && InFragment(a) && InFragment(b)
    case GetAttr(_, _) => false
    case HasAttr(_, _) => false
    case SetE(_) => false
    case RecordE(_) => false
    case Call(_, _) => false
  }

  // v is a value of type t (on the types the fragment produces).
  predicate HasType(v: Value, t: Ty) {
    match t
    case BoolT(b) => v.Bool? && (b == TrueT ==> v.b) && (b == FalseT ==> !v.b)
    case LongT => v.Long?
    case StringT => v.Str?
    case EntityT(n) => v.Entity? && v.uid.ty == n
    case SetT(_) => false
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

  lemma LubIsUpperBound(v: Value, a: Ty, b: Ty)
    requires HasType(v, a) && Lub(a, b).Some?
    ensures HasType(v, Lub(a, b).value) && HasType(v, Lub(b, a).value)
  {
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
    decreases e
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
      } else {
        assert TypeOfArith(a, b, caps, s, env, op).TOk?;
        assert Expect(a, caps, s, env, [SLong]).TOk? && Expect(b, caps, s, env, [SLong]).TOk?;
      }
      TypeOfSound(a, caps, s, env, r, es);
      TypeOfSound(b, caps, s, env, r, es);
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
