include "Types.dfy"
include "../model/Evaluator.dfy"

// Request validation against a schema: the action is declared and applies
// to the principal's and resource's types, those types are declared (an
// enumerated type's id among its ids), and the context is an instance of
// the action's context type.
module Conformance {
  import opened Values
  import opened Evaluator
  import opened JsonData
  import opened ValidationTypes

  // An entity uid the schema allows: a declared action, or (enumerated
  // types) one of the declared ids.
  predicate method UidAllowed(u: EntityUID, s: Schema) {
    if IsActionType(u.ty) then u in s.actions || u.ty in s.entityTypes
    else u.ty !in s.entityTypes || s.entityTypes[u.ty].enumIds.None? || u.eid in s.entityTypes[u.ty].enumIds.value
  }

  predicate method InstanceOf(v: Value, t: Ty, s: Schema)
    decreases v
  {
    match t
    case BoolT(_) => v.Bool?
    case LongT => v.Long?
    case StringT => v.Str?
    case ExtT(x) =>
      v.Ext? &&
      (match x
       case DecimalT => v.x.Decimal?
       case IpAddrT => v.x.IP?
       case DatetimeT => v.x.Datetime?
       case DurationT => v.x.Duration?)
    case EntityT(n) => v.Entity? && v.uid.ty == n && UidAllowed(v.uid, s)
    case SetT(el) => v.Set? && forall x :: x in v.elems ==> InstanceOf(x, el, s)
    case RecordT(attrs) => v.Record? && RecordInstanceOf(v, attrs, s)
  }

  // No undeclared attributes, every required one present, each an instance.
  predicate method RecordInstanceOf(v: Value, attrs: seq<Attr>, s: Schema)
    requires v.Record?
    decreases v, 0
  {
    (forall k :: k in v.fields ==> FindAttr(attrs, k).Some? && InstanceOf(v.fields[k], FindAttr(attrs, k).value.ty, s)) &&
    (forall a :: a in attrs && a.required ==> a.name in v.fields)
  }

  // None: the request conforms; otherwise what is wrong.
  function method RequestError(r: Request, s: Schema): Option<string> {
    if r.action !in s.actions then Some("action: not declared in the schema")
    else if r.principal.ty !in s.entityTypes then Some("principal: entity type not declared in the schema")
    else if r.resource.ty !in s.entityTypes then Some("resource: entity type not declared in the schema")
    else if !UidAllowed(r.principal, s) then Some("principal: not a declared id of its enumerated type")
    else if !UidAllowed(r.resource, s) then Some("resource: not a declared id of its enumerated type")
    else
      var app := s.actions[r.action].appliesTo;
      if app.None? then Some("action: applies to nothing (no appliesTo)")
      else if r.principal.ty !in app.value.principals then Some("principal: the action does not apply to its type")
      else if r.resource.ty !in app.value.resources then Some("resource: the action does not apply to its type")
      else if !RecordInstanceOf(Record(r.context), app.value.context, s) then
        Some("context: not an instance of the action's context type")
      else None
  }
}
