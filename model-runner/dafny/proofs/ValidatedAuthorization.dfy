include "TypecheckProofs.dfy"
include "../validation/Validate.dfy"
include "../validation/Conformance.dfy"
include "../model/Authorizer.dfy"

// A validated policy set never meets a type error in authorization: for a
// well-formed schema and a request and a store that conform to it, no
// policy of the fragment that types to Bool in every request environment of
// the schema errs with TypeError (nor with a missing attribute or tag:
// TypecheckProofs.Allowed), and none evaluates to a non-boolean
// (ValidatedPoliciesNeverTypeError); and the premise on the policies is the
// validator's own verdict (ValidatorVerdictNeverTypeError).
module ValidatedAuthorization {
  import opened Values
  import opened Syntax
  import opened Evaluator
  import opened Entities
  import opened JsonData
  import opened ValidationTypes
  import opened Typecheck
  import opened TypecheckProofs
  import opened Authorizer
  import Validate
  import Conformance

  // The request environment of a request (no template slots).
  function EnvOf(r: Request, s: Schema): Env {
    Env(r.principal.ty, r.action, r.resource.ty, Validate.Context(s, r.action), None, None)
  }

  // A conforming request has its environment among those the validator
  // checks every static policy in.
  lemma ConformingRequestHasAnEnvironment(r: Request, s: Schema)
    requires Conformance.RequestError(r, s).None?
    ensures EnvOf(r, s) in Validate.BaseEnvs(s) && InEnv(r, EnvOf(r, s))
  {
    assert r.action in s.actions.Keys;
    assert r.principal.ty in Validate.Principals(s, r.action);
    assert r.resource.ty in Validate.Resources(s, r.action);
    var ctx := Validate.Context(s, r.action);
    Conformance.AttrsErrorIsRecordInstanceOf(r.context, ctx, s);
    InstanceOfHasType(Record(r.context), RecordT(ctx), s);
  }

  // What the validator checks of a static policy: its condition types to
  // Bool in every environment.
  predicate TypesInEveryEnvironment(p: Policy, s: Schema) {
    forall env :: env in Validate.BaseEnvs(s) ==> Expect(p.condition, [], s, env, [SBool]).TOk?
  }

  // A condition of the fragment has no template slot in its scope.
  lemma ScopeOfHasNoSlot(e: Expr, v: Var)
    requires InFragment(e) && Validate.ScopeOf(e, v).Some?
    ensures Validate.SlotOf(Validate.ScopeOf(e, v).value).None?
  {
    if e.And? && e.left.UnaryApp? && e.left.uop.Is? && e.left.arg == Var(v) {
      ScopeOfHasNoSlot(e.right, v);
    }
  }

  // What the validator's empty verdict establishes gives the premise of
  // ValidatedPoliciesNeverTypeError: without slots, the environments of a
  // policy's scope include every request environment of the schema.
  lemma VerdictTypesEveryEnvironment(p: Policy, s: Schema)
    requires InFragment(p.condition) && Validate.TypesInScopeEnvs(p.condition, s)
    ensures TypesInEveryEnvironment(p, s)
  {
    var cond := p.condition;
    var sc := Validate.ScopesOf(cond).value;
    assert cond.And? && cond.right.And? && cond.right.right.And?;
    assert InFragment(cond.right) && InFragment(cond.right.right);
    ScopeOfHasNoSlot(cond.left, Principal);
    ScopeOfHasNoSlot(cond.right.right.left, Resource);
    forall env | env in Validate.BaseEnvs(s)
      ensures env in Validate.EnvsFor(s, sc)
    {
      assert env.principalSlot.None? && env.resourceSlot.None?;
      assert None in Validate.SlotTypes(s, sc.principal, env.principal);
      assert None in Validate.SlotTypes(s, sc.resource, env.resource);
      assert env == Env(env.principal, env.action, env.resource, env.context, None, None);
    }
  }

  // The theorem with the validator itself as the premise: run
  // Validate.PolicyKinds (the check `validate` answers with) on every
  // policy; if every verdict is empty, no policy errs with TypeError or
  // evaluates to a non-boolean. (A method only so that it can call the
  // validator, which is a method; it is not compiled into the model.)
  method ValidatorVerdictNeverTypeError(ps: seq<Policy>, s: Schema, ghost r: Request, ghost es: Store)
    returns (accepted: bool)
    requires Conforms(s, r, es)
    requires forall p :: p in ps ==> InFragment(p.condition)
    ensures accepted ==> forall p :: p in ps && Errored(p, r, es) ==> Allowed(Eval(p.condition, r, es).err)
    ensures accepted ==> forall p :: p in ps && !Errored(p, r, es) ==> Eval(p.condition, r, es).value.Bool?
  {
    accepted := true;
    var i := 0;
    while i < |ps|
      invariant 0 <= i <= |ps|
      invariant accepted ==> forall k :: 0 <= k < i ==> TypesInEveryEnvironment(ps[k], s)
    {
      var kinds := Validate.PolicyKinds(ps[i].condition, s);
      if kinds != {} {
        accepted := false;
      } else if accepted {
        VerdictTypesEveryEnvironment(ps[i], s);
      }
      i := i + 1;
    }
    if accepted {
      ValidatedPoliciesNeverTypeError(ps, s, r, es);
    }
  }

  lemma ValidatedPoliciesNeverTypeError(ps: seq<Policy>, s: Schema, r: Request, es: Store)
    requires Conforms(s, r, es)
    requires forall p :: p in ps ==> InFragment(p.condition) && TypesInEveryEnvironment(p, s)
    ensures forall p :: p in ps && Errored(p, r, es) ==> Allowed(Eval(p.condition, r, es).err)
    ensures forall p :: p in ps && !Errored(p, r, es) ==> Eval(p.condition, r, es).value.Bool?
  {
    ConformingRequestHasAnEnvironment(r, s);
    var env := EnvOf(r, s);
    forall p | p in ps
      ensures Eval(p.condition, r, es).Err? ==> Allowed(Eval(p.condition, r, es).err)
      ensures Eval(p.condition, r, es).Ok? ==> Eval(p.condition, r, es).value.Bool?
    {
      ValidConditionNeverTypeErrors(p.condition, s, env, r, es);
    }
  }
}
