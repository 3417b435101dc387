include "../model/Evaluator.dfy"
include "../json/Input.dfy"

// `in` over the entity hierarchy: reflexive, and transitive on every store
// the loader produces (the loader only returns closed stores, and closing a
// store keeps every parent as an ancestor).
module InProofs {
  import opened Values
  import opened Syntax
  import opened Entities
  import opened Evaluator
  import Input
  import JsonData

  // What evaluation of `a in b` computes, for two entity literals.
  lemma EvalIn(a: EntityUID, b: EntityUID, r: Request, es: Store)
    ensures Eval(BinaryApp(Mem, Lit(Entity(a)), Lit(Entity(b))), r, es) == Ok(Bool(InEntity(es, a, b)))
  {}

  lemma InReflexive(es: Store, a: EntityUID)
    ensures InEntity(es, a, a)
  {}

  lemma InTransitive(es: Store, a: EntityUID, b: EntityUID, c: EntityUID)
    requires Closed(es)
    requires InEntity(es, a, b) && InEntity(es, b, c)
    ensures InEntity(es, a, c)
  {}

  // Every store the loader accepts is closed.
  lemma LoadedStoresAreClosed(j: JsonData.Json)
    ensures var r := Input.StoreFromJson(j); r.Done? ==> Closed(r.val)
  {}

  // Closing keeps every entity and every parent.
  lemma CloseKeepsParents(es: Store, fuel: nat)
    ensures forall u :: u in es ==> u in Input.Close(es, fuel) && es[u].ancestors <= Input.Close(es, fuel)[u].ancestors
  {
    var next := Input.Step(es);
    if !(fuel == 0 || next == es) {
      CloseKeepsParents(next, fuel - 1);
    }
  }

  // Hence: if p is a parent of a and p in c, then a in c (on the closed store).
  lemma InThroughParent(es: Store, fuel: nat, a: EntityUID, p: EntityUID, c: EntityUID)
    requires a in es && p in es[a].ancestors
    requires Closed(Input.Close(es, fuel))
    requires InEntity(Input.Close(es, fuel), p, c)
    ensures InEntity(Input.Close(es, fuel), a, c)
  {
    CloseKeepsParents(es, fuel);
    InTransitive(Input.Close(es, fuel), a, p, c);
  }
}
