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
  function method Lookup(members: seq<(string, Json)>, k: string): Option<Json> {
    if |members| == 0 then None
    else if members[0].0 == k then Some(members[0].1)
    else Lookup(members[1..], k)
  }

  function method Field(j: Json, k: string): Option<Json> {
    if j.JObject? then Lookup(j.members, k) else None
  }

  function method StringField(j: Json, k: string, path: Path): Conv<string> {
    var f := Field(j, k);
    if f.Some? && f.value.JString? then Done(f.value.s)
    else Fail(Show(path) + ": expected a string field \"" + k + "\"")
  }

  function method ObjectJson(members: seq<(string, Json)>): Json { JObject(members) }

  function method ErrorReply(kind: string, msg: string): Json {
    JObject([("ok", JBool(false)), ("kind", JString(kind)), ("error", JString(msg))])
  }
}
