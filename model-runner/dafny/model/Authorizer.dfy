include "Evaluator.dfy"

// The authorizer: forbid overrides permit, and nothing is allowed unless some
// permit policy is satisfied. A policy that errors is skipped (it neither
// permits nor forbids) and is reported in `errors`.
module Authorizer {
  import opened Values
  import opened Syntax
  import opened Entities
  import opened Evaluator

  datatype Effect = Permit | Forbid

  // `condition` is the policy's whole body as one boolean expression:
  // principal scope && (action scope && (resource scope && conditions)).
  datatype Policy = Policy(id: string, effect: Effect, condition: Expr)

  datatype Decision = Allow | Deny

  // reason: the satisfied policies of the deciding effect (permits on Allow,
  // forbids on Deny); errors: every policy whose evaluation failed.
  datatype Response = Response(decision: Decision, reason: seq<string>, errors: seq<string>)

  predicate method Satisfied(p: Policy, r: Request, es: Store) {
    Eval(p.condition, r, es) == Ok(Bool(true))
  }

  predicate method Errored(p: Policy, r: Request, es: Store) {
    Eval(p.condition, r, es).Err?
  }

  // Each policy is evaluated once; the outcome says which list it joins.
  datatype Outcome = Outcome(policy: Policy, satisfied: bool, errored: bool)

  function method Outcomes(ps: seq<Policy>, r: Request, es: Store): (os: seq<Outcome>)
    ensures |os| == |ps|
    ensures forall i :: 0 <= i < |ps| ==>
      os[i] == Outcome(ps[i], Satisfied(ps[i], r, es), Errored(ps[i], r, es))
  {
    if |ps| == 0 then []
    else
      var result := Eval(ps[0].condition, r, es);
      [Outcome(ps[0], result == Ok(Bool(true)), result.Err?)] + Outcomes(ps[1..], r, es)
  }

  function method SatisfiedIds(os: seq<Outcome>, effect: Effect): seq<string> {
    if |os| == 0 then []
    else
      var rest := SatisfiedIds(os[1..], effect);
      if os[0].satisfied && os[0].policy.effect == effect then [os[0].policy.id] + rest else rest
  }

  function method ErroredIds(os: seq<Outcome>): seq<string> {
    if |os| == 0 then []
    else
      var rest := ErroredIds(os[1..]);
      if os[0].errored then [os[0].policy.id] + rest else rest
  }

  function method Authorize(r: Request, es: Store, ps: seq<Policy>): Response {
    var os := Outcomes(ps, r, es);
    var forbids := SatisfiedIds(os, Forbid);
    var permits := SatisfiedIds(os, Permit);
    if forbids == [] && permits != [] then Response(Allow, permits, ErroredIds(os))
    else Response(Deny, forbids, ErroredIds(os))
  }
}
