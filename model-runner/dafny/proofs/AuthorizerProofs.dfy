include "../model/Authorizer.dfy"

// Properties of the authorizer, stated over the policies themselves
// (Satisfied / Errored evaluate a policy's condition directly).
module AuthorizerProofs {
  import opened Values
  import opened Entities
  import opened Evaluator
  import opened Authorizer

  predicate SomeSatisfied(ps: seq<Policy>, effect: Effect, r: Request, es: Store) {
    exists p :: p in ps && p.effect == effect && Satisfied(p, r, es)
  }

  // If any forbid policy is satisfied, the request is denied.
  lemma ForbidOverridesPermit(r: Request, es: Store, ps: seq<Policy>)
    ensures SomeSatisfied(ps, Forbid, r, es) ==> Authorize(r, es, ps).decision == Deny
  {
    SatisfiedIdsNonEmpty(r, es, ps, Forbid);
  }

  // Allow only if some permit policy is satisfied.
  lemma AllowNeedsPermit(r: Request, es: Store, ps: seq<Policy>)
    ensures Authorize(r, es, ps).decision == Allow ==> SomeSatisfied(ps, Permit, r, es)
  {
    SatisfiedIdsNonEmpty(r, es, ps, Permit);
  }

  // With no satisfied permit policy, the answer is Deny.
  lemma DefaultDeny(r: Request, es: Store, ps: seq<Policy>)
    ensures !SomeSatisfied(ps, Permit, r, es) ==> Authorize(r, es, ps).decision == Deny
  {
    AllowNeedsPermit(r, es, ps);
  }

  // The exact characterisation of Allow.
  lemma AllowIff(r: Request, es: Store, ps: seq<Policy>)
    ensures Authorize(r, es, ps).decision == Allow <==>
      SomeSatisfied(ps, Permit, r, es) && !SomeSatisfied(ps, Forbid, r, es)
  {
    SatisfiedIdsNonEmpty(r, es, ps, Permit);
    SatisfiedIdsNonEmpty(r, es, ps, Forbid);
  }

  // reason = the ids of the satisfied policies of the deciding effect.
  lemma ReasonIsSatisfiedOfDecidingEffect(r: Request, es: Store, ps: seq<Policy>, id: string)
    ensures var resp := Authorize(r, es, ps);
      var effect := if resp.decision == Allow then Permit else Forbid;
      id in resp.reason <==> exists p :: p in ps && p.effect == effect && Satisfied(p, r, es) && p.id == id
  {
    var os := Outcomes(ps, r, es);
    SatisfiedIdsExact(os, Permit, id);
    SatisfiedIdsExact(os, Forbid, id);
    OutcomesSatisfied(r, es, ps, Permit, id);
    OutcomesSatisfied(r, es, ps, Forbid, id);
  }

  // errors = the ids of the policies whose evaluation failed (either effect).
  lemma ErrorsAreErroringPolicies(r: Request, es: Store, ps: seq<Policy>, id: string)
    ensures id in Authorize(r, es, ps).errors <==> exists p :: p in ps && Errored(p, r, es) && p.id == id
  {
    var os := Outcomes(ps, r, es);
    ErroredIdsExact(os, id);
    if id in Authorize(r, es, ps).errors {
      var o :| o in os && o.errored && o.policy.id == id;
      var i :| 0 <= i < |os| && os[i] == o;
      assert ps[i] in ps;
    }
    if p :| p in ps && Errored(p, r, es) && p.id == id {
      var i :| 0 <= i < |ps| && ps[i] == p;
      assert os[i] in os;
    }
  }

  // ---- helpers ----

  lemma SatisfiedIdsNonEmpty(r: Request, es: Store, ps: seq<Policy>, effect: Effect)
    ensures SatisfiedIds(Outcomes(ps, r, es), effect) != [] <==> SomeSatisfied(ps, effect, r, es)
  {
    var os := Outcomes(ps, r, es);
    var ids := SatisfiedIds(os, effect);
    if ids != [] {
      SatisfiedIdsExact(os, effect, ids[0]);
      OutcomesSatisfied(r, es, ps, effect, ids[0]);
    }
    if p :| p in ps && p.effect == effect && Satisfied(p, r, es) {
      OutcomesSatisfied(r, es, ps, effect, p.id);
      SatisfiedIdsExact(os, effect, p.id);
    }
  }

  lemma SatisfiedIdsExact(os: seq<Outcome>, effect: Effect, id: string)
    ensures id in SatisfiedIds(os, effect) <==>
      exists o :: o in os && o.satisfied && o.policy.effect == effect && o.policy.id == id
  {
    if |os| > 0 {
      SatisfiedIdsExact(os[1..], effect, id);
      assert forall o :: o in os <==> o == os[0] || o in os[1..];
    }
  }

  lemma ErroredIdsExact(os: seq<Outcome>, id: string)
    ensures id in ErroredIds(os) <==> exists o :: o in os && o.errored && o.policy.id == id
  {
    if |os| > 0 {
      ErroredIdsExact(os[1..], id);
      assert forall o :: o in os <==> o == os[0] || o in os[1..];
    }
  }

  lemma OutcomesSatisfied(r: Request, es: Store, ps: seq<Policy>, effect: Effect, id: string)
    ensures (exists o :: o in Outcomes(ps, r, es) && o.satisfied && o.policy.effect == effect && o.policy.id == id)
        <==> (exists p :: p in ps && p.effect == effect && Satisfied(p, r, es) && p.id == id)
  {
    var os := Outcomes(ps, r, es);
    if o :| o in os && o.satisfied && o.policy.effect == effect && o.policy.id == id {
      var i :| 0 <= i < |os| && os[i] == o;
      assert ps[i] in ps;
    }
    if p :| p in ps && p.effect == effect && Satisfied(p, r, es) && p.id == id {
      var i :| 0 <= i < |ps| && ps[i] == p;
      assert os[i] in os;
    }
  }
}
