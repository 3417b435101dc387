include "../model/Int64.dfy"

// Generic JSON as the Go side reads it (lexically, preserving member order
// and duplicate keys), plus the result type of every conversion.
module JsonData {
  import opened Int64

  datatype Json =
    | JNull
    | JBool(b: bool)
    | JInt(i: i64)              // an integer literal that fits in i64
    | JNumber(text: string)     // any other number (float, exponent, too big)
    | JString(s: string)
    | JArray(items: seq<Json>)
    | JObject(members: seq<(string, Json)>)

  // A conversion either succeeds or says what was wrong and where.
  datatype Conv<T> = Done(val: T) | Fail(why: string)

  // Bounds the nesting depth of conversions (a native integer in Go).
  newtype Fuel = x: int | 0 <= x < 0x8000_0000

  // Where in the input a value sits, for error messages; built lazily (only
  // rendered when a conversion fails).
  datatype Path = Root(name: string) | Member(parent: Path, key: string) | Item(parent: Path, index: nat)

  function method Show(p: Path): string {
    match p
    case Root(n) => n
    case Member(q, k) => Show(q) + "." + k
    case Item(q, i) => Show(q) + "[" + NatString(i) + "]"
  }

  function method NatString(n: nat): string
    decreases n
  {
    var d := [('0' as int + n % 10) as char];
    if n < 10 then d else NatString(n / 10) + d
  }

  datatype Option<T> = None | Some(value: T)

  // The first member named k.
  function FirstMember(members: seq<(string, Json)>, k: string): Option<Json> {
    if |members| == 0 then None
    else if members[0].0 == k then Some(members[0].1)
    else FirstMember(members[1..], k)
  }

  // The same, computed through the member's position (KeyIndex), which lets
  // StringField and HasStringField below test a member without building an
  // Option (in Go, every datatype value is a heap allocation).
  function method Lookup(members: seq<(string, Json)>, k: string): (r: Option<Json>)
    ensures r == FirstMember(members, k)
  {
    KeyIndexFinds(members, k, 0);
    var i := KeyIndex(members, k, 0);
    if i < |members| then Some(members[i].1) else None
  }

  // The position of the first member named k at or after `from`, or
  // |members| if there is none.
  function method KeyIndex(members: seq<(string, Json)>, k: string, from: nat): (i: nat)
    requires from <= |members|
    ensures from <= i <= |members|
    decreases |members| - from
  {
    if from < |members| && members[from].0 != k then KeyIndex(members, k, from + 1) else from
  }

  lemma KeyIndexFinds(members: seq<(string, Json)>, k: string, from: nat)
    requires from <= |members|
    ensures var i := KeyIndex(members, k, from);
      (if i < |members| then Some(members[i].1) else None) == FirstMember(members[from..], k)
    decreases |members| - from
  {
    if from < |members| && members[from].0 != k {
      KeyIndexFinds(members, k, from + 1);
      assert members[from..][1..] == members[from + 1..];
    }
  }

  function method Field(j: Json, k: string): Option<Json> {
    if j.JObject? then Lookup(j.members, k) else None
  }

  // Field(j, k).Some? and Field(j, k).value, without building the Option.
  predicate method HasField(j: Json, k: string)
    ensures HasField(j, k) <==> Field(j, k).Some?
  {
    j.JObject? && KeyIndex(j.members, k, 0) < |j.members|
  }

  function method FieldValue(j: Json, k: string): (v: Json)
    requires HasField(j, k)
    ensures v == Field(j, k).value
  {
    j.members[KeyIndex(j.members, k, 0)].1
  }

  // j has a member k, and the first one is a string.
  predicate method HasStringField(j: Json, k: string)
    ensures HasStringField(j, k) <==> Field(j, k).Some? && Field(j, k).value.JString?
  {
    j.JObject? &&
    var i := KeyIndex(j.members, k, 0);
    i < |j.members| && j.members[i].1.JString?
  }

  // The first member k of j, known to be a string.
  function method StringMember(j: Json, k: string): (s: string)
    requires HasStringField(j, k)
    ensures s == Field(j, k).value.s
  {
    j.members[KeyIndex(j.members, k, 0)].1.s
  }

  // The first member k of j is the JSON string s (HoldsString(Field(j, k),
  // s) without building the Option).
  predicate method FieldIs(j: Json, k: string, s: string)
    ensures FieldIs(j, k, s) <==> HoldsString(Field(j, k), s)
  {
    HasField(j, k) && IsString(FieldValue(j, k), s)
  }

  // The first member k of j, or JNull when there is none: for callers that
  // treat a missing member as they treat null (both are not of the kind they
  // need), without building an Option.
  function method FieldOrNull(j: Json, k: string): (v: Json)
    ensures v == if Field(j, k).Some? then Field(j, k).value else JNull
  {
    if HasField(j, k) then FieldValue(j, k) else JNull
  }

  function method NotAStringField(path: Path, k: string): string {
    Show(path) + ": expected a string field \"" + k + "\""
  }

  function method StringField(j: Json, k: string, path: Path): (r: Conv<string>)
    ensures r == if HasStringField(j, k) then Done(StringMember(j, k)) else Fail(NotAStringField(path, k))
  {
    var i := if j.JObject? then KeyIndex(j.members, k, 0) else 0;
    if j.JObject? && i < |j.members| && j.members[i].1.JString? then Done(j.members[i].1.s)
    else Fail(NotAStringField(path, k))
  }

  // j is the JSON string s; o holds the JSON string s. (Same as j ==
  // JString(s) and o == Some(JString(s)), without building those values.)
  predicate method IsString(j: Json, s: string)
    ensures IsString(j, s) <==> j == JString(s)
  {
    j.JString? && j.s == s
  }

  predicate method HoldsString(o: Option<Json>, s: string)
    ensures HoldsString(o, s) <==> o == Some(JString(s))
  {
    o.Some? && IsString(o.value, s)
  }

  function method ObjectJson(members: seq<(string, Json)>): Json { JObject(members) }

  function method ErrorReply(kind: string, msg: string): Json {
    JObject([("ok", JBool(false)), ("kind", JString(kind)), ("error", JString(msg))])
  }
}
