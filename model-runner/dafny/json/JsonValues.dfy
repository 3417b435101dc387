include "Json.dfy"
include "../model/ExtFun.dfy"
include "../model/Decimal.dfy"

// Cedar's JSON value format: literals, arrays as sets, objects as records,
// and the escapes {"__entity": {"type", "id"}} and {"__extn": {"fn", "arg"|"args"}}.
module JsonValues {
  import opened Int64
  import opened Values
  import opened JsonData
  import opened Text
  import ExtFun
  import Decimal
  import IPAddress

  // (The first-letter test only saves time: most names, such as "User",
  // need no string comparison at all.)
  predicate method IsReserved(s: string) {
    |s| > 0 && s[0] in "tfielh_" &&
    (s == "true" || s == "false" || s == "if" || s == "then" || s == "else" ||
     s == "in" || s == "is" || s == "like" || s == "has" || s == "__cedar")
  }

  predicate method IsIdent(s: string) {
    |s| > 0 && (IsLetter(s[0]) || s[0] == '_') && IdentChars(s) &&
    !(|s| <= 7 && IsReserved(s))
  }

  predicate method IdentChars(s: string) {
    |s| == 0 || ((IsLetter(s[0]) || IsDigit(s[0]) || s[0] == '_') && IdentChars(s[1..]))
  }

  predicate method IsLetter(c: char) { 'a' <= c <= 'z' || 'A' <= c <= 'Z' }

  // A normalized entity type name: identifiers joined by "::" (no spaces).
  // Splitting at ':' gives identifiers at even positions, "" at odd ones.
  // Through a memo table in Go, as Ext.Construct (model-runner/go/externs/).
  function method {:extern} IsName(s: string): (r: bool)
    ensures r == IsNameUncached(s)

  predicate method IsNameUncached(s: string) {
    if ':' in s then NameParts(Split(s, ':')) else IsIdent(s)
  }

  predicate method NameParts(parts: seq<string>) {
    |parts| > 0 && IsIdent(parts[0]) &&
    (|parts| == 1 || (|parts| >= 3 && parts[1] == "" && NameParts(parts[2..])))
  }

  // {"type": T, "id": I}, or the same wrapped in {"__entity": ...}.
  function UidFromJsonSpec(j: Json, path: Path): Conv<EntityUID> {
    var escaped := Field(j, "__entity");
    var inner := if escaped.Some? then escaped.value else j;
    var ty := StringField(inner, "type", path);
    var id := StringField(inner, "id", path);
    if ty.Fail? then Fail(ty.why)
    else if id.Fail? then Fail(id.why)
    else if !IsName(ty.val) then Fail(Show(path) + ": invalid entity type name \"" + ty.val + "\"")
    else Done(EntityUID(ty.val, id.val))
  }

  // The same, without the intermediate Conv values (run for every uid).
  function method UidFromJson(j: Json, path: Path): (r: Conv<EntityUID>)
    ensures r == UidFromJsonSpec(j, path)
  {
    var inner := if HasField(j, "__entity") then FieldValue(j, "__entity") else j;
    if !HasStringField(inner, "type") then Fail(NotAStringField(path, "type"))
    else if !HasStringField(inner, "id") then Fail(NotAStringField(path, "id"))
    else
      var ty := StringMember(inner, "type");
      if !IsName(ty) then Fail(Show(path) + ": invalid entity type name \"" + ty + "\"")
      else Done(EntityUID(ty, StringMember(inner, "id")))
  }

  // An escape is an object with exactly one key whose value is an object
  // with at least two members, including the required ones.
  predicate method IsEscape(j: Json, key: string) {
    j.JObject? && |j.members| == 1 && j.members[0].0 == key &&
    var body := j.members[0].1;
    body.JObject? && |body.members| >= 2 &&
    (if key == "__entity" then
       HasString(body, "type") && HasString(body, "id")
     else
       HasString(body, "fn") &&
       (HasField(body, "arg") || FieldOrNull(body, "args").JArray?))
  }

  predicate method HasString(j: Json, k: string) {
    HasStringField(j, k)
  }

  // strictKeys: a duplicate key is an error (entity data); otherwise the last
  // occurrence wins (context).
  function method ValueFromJson(j: Json, path: Path, strictKeys: bool, fuel: Fuel): Conv<Value>
    decreases fuel, 0
  {
    if fuel == 0 then Fail(Show(path) + ": nested too deeply")
    else match j
    case JNull => Fail(Show(path) + ": null is not a Cedar value")
    case JBool(b) => Done(Bool(b))
    case JInt(i) => Done(Long(i))
    case JNumber(t) => Fail(Show(path) + ": number " + t + " is not a 64-bit integer")
    case JString(s) => Done(Str(s))
    case JArray(items) =>
      var vs := ValuesFromJson(items, path, 0, strictKeys, fuel - 1);
      if vs.Fail? then Fail(vs.why) else Done(Set(SeqToSet(vs.val)))
    case JObject(ms) =>
      if IsEscape(j, "__entity") then
        var uid := UidFromJson(j, path);
        if uid.Fail? then Fail(uid.why) else Done(Entity(uid.val))
      else if IsEscape(j, "__extn") then ExtnFromJson(ms[0].1, path, fuel - 1)
      else if |ms| == 1 && ms[0].0 == "__expr" then Fail(Show(path) + ": __expr is not supported")
      else
        var m := RecordFromJson(ms, path, strictKeys, fuel - 1);
        if m.Fail? then Fail(m.why) else Done(Record(m.val))
  }

  // items are the elements from position `index` on.
  function method ValuesFromJson(items: seq<Json>, path: Path, index: nat, strictKeys: bool, fuel: Fuel)
    : Conv<seq<Value>>
    decreases fuel, |items|
  {
    if |items| == 0 then Done([])
    else
      var head := ValueFromJson(items[0], Item(path, index), strictKeys, fuel);
      var tail := ValuesFromJson(items[1..], path, index + 1, strictKeys, fuel);
      if head.Fail? then Fail(head.why)
      else if tail.Fail? then tail
      else Done([head.val] + tail.val)
  }

  function method RecordFromJson(ms: seq<(string, Json)>, path: Path, strictKeys: bool, fuel: Fuel)
    : Conv<map<string, Value>>
    decreases fuel, |ms|
  {
    if |ms| == 0 then Done(map[])
    else
      var init := RecordFromJson(ms[..|ms| - 1], path, strictKeys, fuel);
      var (k, vj) := ms[|ms| - 1];
      var v := ValueFromJson(vj, Member(path, k), strictKeys, fuel);
      if init.Fail? then init
      else if v.Fail? then Fail(v.why)
      else if strictKeys && k in init.val then Fail(Show(path) + ": duplicate key \"" + k + "\"")
      else Done(init.val[k := v.val])
  }

  // {"fn": F, "arg": A} or {"fn": F, "args": [A...]}: the value of F(A...).
  function method ExtnFromJson(body: Json, path: Path, fuel: Fuel): Conv<Value>
    decreases fuel
  {
    var fn := StringField(body, "fn", path);
    var listed := FieldOrNull(body, "args");
    var argsJson := if HasField(body, "arg") then [FieldValue(body, "arg")]
                    else if listed.JArray? then listed.items else [];
    var args := if fuel == 0 then Fail(Show(path) + ": nested too deeply")
                else ValuesFromJson(argsJson, Member(path, "__extn"), 0, true, fuel - 1);
    if fn.Fail? then Fail(fn.why)
    else if !ExtFun.IsExtFun(fn.val) then Fail(Show(path) + ": unknown extension function " + fn.val)
    else if args.Fail? then Fail(args.why)
    else
      var v := ExtFun.Call(fn.val, args.val);
      if v.Err? then Fail(Show(path) + ": extension call " + fn.val + " failed")
      else Done(v.value)
  }

  // ---- back to JSON ----

  method ValueToJson(v: Value) returns (j: Json)
    decreases v
  {
    match v
    case Bool(b) => j := JBool(b);
    case Long(i) => j := JInt(i);
    case Str(s) => j := JString(s);
    case Entity(uid) => j := UidToJson(uid);
    case Ext(x) => j := ExtToJson(x);
    case Set(elems) =>
      var items := [];
      var rest := elems;
      while rest != {}
        decreases rest
      {
        var x :| x in rest;
        var jx := ValueToJson(x);
        items := items + [jx];
        rest := rest - {x};
      }
      j := JArray(items);
    case Record(fields) =>
      var members := [];
      var keys := fields.Keys;
      while keys != {}
        decreases keys
      {
        var k :| k in keys;
        assert fields[k] in fields.Values; // the termination measure (rank) needs it
        var jk := ValueToJson(fields[k]);
        members := members + [(k, jk)];
        keys := keys - {k};
      }
      j := JObject(members);
  }

  function method UidToJson(uid: EntityUID): Json {
    JObject([("__entity", JObject([("type", JString(uid.ty)), ("id", JString(uid.eid))]))])
  }

  function method Extn(fn: string, arg: Json): Json {
    JObject([("__extn", JObject([("fn", JString(fn)), ("arg", arg)]))])
  }

  // Constructor calls whose argument re-parses to the same value; a datetime
  // is written as an offset from the epoch.
  function method ExtToJson(x: ExtValue): Json {
    match x
    case Decimal(d) => Extn("decimal", JString(Decimal.DecimalToString(d)))
    case IP(ip) => Extn("ip", JString(IPAddress.IPToString(ip)))
    case Duration(ms) => Extn("duration", JString(IntToString(ms as int) + "ms"))
    case Datetime(ms) =>
      JObject([("__extn", JObject([("fn", JString("offset")), ("args", JArray([
        Extn("datetime", JString("1970-01-01")),
        Extn("duration", JString(IntToString(ms as int) + "ms"))]))]))])
  }
}
