include "TypecheckProofs.dfy"
include "../validation/Validate.dfy"
include "../validation/Conformance.dfy"
include "../model/Authorizer.dfy"

// A validated policy set never meets a type error in authorization: for a
// well-formed schema and a request and a store that conform to it, no
// policy of the fragment that types to Bool in every request environment of
// the schema errs with TypeError, and none evaluates to a non-boolean.
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

  lemma ValidatedPoliciesNeverTypeError(ps: seq<Policy>, s: Schema, r: Request, es: Store)
    requires Conforms(s, r, es)
    requires forall p :: p in ps ==> InFragment(p.condition) && TypesInEveryEnvironment(p, s)
    ensures forall p :: p in ps && Errored(p, r, es) ==> Eval(p.condition, r, es).err != TypeError
    ensures forall p :: p in ps && !Errored(p, r, es) ==> Eval(p.condition, r, es).value.Bool?
  {
    ConformingRequestHasAnEnvironment(r, s);
    var env := EnvOf(r, s);
    forall p | p in ps
      ensures Eval(p.condition, r, es).Err? ==> Eval(p.condition, r, es).err != TypeError
      ensures Eval(p.condition, r, es).Ok? ==> Eval(p.condition, r, es).value.Bool?
    {
      ValidConditionNeverTypeErrors(p.condition, s, env, r, es);
    }
  }
}
