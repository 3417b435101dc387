include "Values.dfy"

// The entity store: for each entity its attributes, its ancestors (the
// transitive closure of the parent relation, computed when the store is
// loaded) and its tags.
module Entities {
  import opened Values

  datatype EntityData = EntityData(
    attrs: map<string, Value>,
    ancestors: set<EntityUID>,
    tags: map<string, Value>)

  type Store = map<EntityUID, EntityData>

  // A store is closed when the ancestors of an ancestor are ancestors too.
  predicate Closed(es: Store) {
    forall a, b :: a in es && b in es[a].ancestors && b in es ==>
      es[b].ancestors <= es[a].ancestors
  }

  function method AncestorsOrEmpty(es: Store, u: EntityUID): set<EntityUID> {
    if u in es then es[u].ancestors else {}
  }

  // `a in b` for two entities: reflexive, otherwise an ancestor test. Entities
  // missing from the store have no ancestors (that is not an error).
  predicate method InEntity(es: Store, a: EntityUID, b: EntityUID) {
    a == b || b in AncestorsOrEmpty(es, a)
  }
}
