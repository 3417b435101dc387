include "Types.dfy"
include "../model/Evaluator.dfy"

// Request and entity validation against a schema. A request: the action is
// declared and applies to the principal's and resource's types, those types
// are declared (an enumerated type's id among its ids), and the context is
// an instance of the action's context type. An entity store: every entity
// conforms to its declared type (see EntityError).
module Conformance {
  import opened Values
  import opened Entities
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
    case BoolT(b) => v.Bool? && (b == TrueT ==> v.b) && (b == FalseT ==> !v.b)   // schemas only write AnyBool
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

  // The first way a record value fails its attribute list, as an error
  // kind: UndeclaredAttribute, MissingAttribute or AttributeType.
  function method AttrsError(fields: map<string, Value>, attrs: seq<Attr>, s: Schema): Option<string> {
    if exists k :: k in fields && FindAttr(attrs, k).None? then Some("UndeclaredAttribute")
    else if exists a :: a in attrs && a.required && a.name !in fields then Some("MissingAttribute")
    else if exists k :: k in fields && !InstanceOf(fields[k], FindAttr(attrs, k).value.ty, s) then Some("AttributeType")
    else None
  }

  lemma AttrsErrorIsRecordInstanceOf(fields: map<string, Value>, attrs: seq<Attr>, s: Schema)
    ensures AttrsError(fields, attrs, s).None? <==> RecordInstanceOf(Record(fields), attrs, s)
  {
  }

  // None: the request conforms; otherwise (error kind, what is wrong).
  function method RequestError(r: Request, s: Schema): Option<(string, string)> {
    if r.action !in s.actions then Some(("UnknownAction", "action: not declared in the schema"))
    else if r.principal.ty !in s.entityTypes then
      Some(("UnknownEntityType", "principal: entity type not declared in the schema"))
    else if r.resource.ty !in s.entityTypes then
      Some(("UnknownEntityType", "resource: entity type not declared in the schema"))
    else if !UidAllowed(r.principal, s) then
      Some(("InvalidEnumId", "principal: not a declared id of its enumerated type"))
    else if !UidAllowed(r.resource, s) then
      Some(("InvalidEnumId", "resource: not a declared id of its enumerated type"))
    else
      var app := s.actions[r.action].appliesTo;
      if app.None? then Some(("ActionAppliesToNothing", "action: applies to nothing (no appliesTo)"))
      else if r.principal.ty !in app.value.principals then
        Some(("PrincipalType", "principal: the action does not apply to its type"))
      else if r.resource.ty !in app.value.resources then
        Some(("ResourceType", "resource: the action does not apply to its type"))
      else
        var e := AttrsError(r.context, app.value.context, s);
        if e.Some? then Some((e.value, "context: not an instance of the action's context type"))
        else None
  }

  // ---- entities ----

  // Action entities are those of an action type the schema does not also
  // declare as an entity type.
  predicate method IsActionEntity(u: EntityUID, s: Schema) {
    IsActionType(u.ty) && u.ty !in s.entityTypes
  }

  // The first way entity u (with its data, ancestors closed) fails the
  // schema, as an error kind; None if it conforms. An action entity must be
  // a declared action without attributes or tags whose ancestors are
  // exactly its ancestors in the schema's action hierarchy. Any other
  // entity: its type is declared, its id is allowed (enumerated types),
  // its attributes conform to the declared ones, each ancestor's type is
  // one it may be a (transitive) member of, and its tags are declared and
  // of the tag type.
  function method EntityError(u: EntityUID, d: EntityData, s: Schema): Option<string> {
    if IsActionEntity(u, s) then
      if u !in s.actions then Some("UnknownAction")
      else if d.attrs != map[] || d.tags != map[] then Some("ActionAttributes")
      else if d.ancestors != ActionAncestors(s, u) then Some("ActionParents")
      else None
    else if u.ty !in s.entityTypes then Some("UnknownEntityType")
    else if !UidAllowed(u, s) then Some("InvalidEnumId")
    else
      var def := s.entityTypes[u.ty];
      var attrs := AttrsError(d.attrs, def.attrs, s);
      if attrs.Some? then attrs
      else if exists p :: p in d.ancestors && p.ty !in AncestorTypes(s, u.ty) then Some("ParentType")
      else if def.tags.None? then (if d.tags != map[] then Some("UndeclaredTags") else None)
      else if exists k :: k in d.tags && !InstanceOf(d.tags[k], def.tags.value, s) then Some("TagType")
      else None
  }

  // Every failing entity with its error kind; empty: the store conforms.
  function method StoreErrors(es: Store, s: Schema): set<(EntityUID, string)> {
    set u | u in es && EntityError(u, es[u], s).Some? :: (u, EntityError(u, es[u], s).value)
  }
}
