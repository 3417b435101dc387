include "Int64.dfy"

// Runtime values, the six error classes, and the Result type every
// evaluation step returns.
module Values {
  import opened Int64

  datatype Error =
    | TypeError            // an operand of the wrong runtime type, or a wrong arity
    | EntityDoesNotExist   // `.a` or getTag on an entity missing from the store
    | AttrDoesNotExist     // `.a` on a record/entity without that attribute
    | TagDoesNotExist      // getTag of a tag the entity does not have
    | ArithBoundsError     // i64 overflow in + - * or unary -
    | ExtensionError       // bad extension-constructor string, datetime overflow

  datatype Result<T> = Ok(value: T) | Err(err: Error)

  // An entity type is its full path, e.g. "NS::User".
  datatype EntityUID = EntityUID(ty: string, eid: string)

  // IP address: family, the address exactly as written (not masked), prefix length.
  datatype IPAddr = IPAddr(isV6: bool, addr: nat, prefix: nat)

  // Extension values carry their semantic payload, so equality is semantic:
  // decimal("1.0") == decimal("1.0000").
  datatype ExtValue =
    | Decimal(scaled: i64)       // value * 10^4
    | IP(ip: IPAddr)
    | Datetime(epochMs: i64)     // milliseconds since 1970-01-01T00:00:00Z
    | Duration(ms: i64)

  datatype Value =
    | Bool(b: bool)
    | Long(i: i64)
    | Str(s: string)
    | Entity(uid: EntityUID)
    | Set(elems: set<Value>)
    | Record(fields: map<string, Value>)
    | Ext(x: ExtValue)

  function method SeqToSet<T(==,!new)>(xs: seq<T>): (s: set<T>)
    ensures forall x :: x in s <==> x in xs
  {
    if |xs| == 0 then {} else {xs[0]} + SeqToSet(xs[1..])
  }
}
