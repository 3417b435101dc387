include "../json/JsonValues.dfy"

// The JSON → value conversions use their `path` argument only to word
// failure messages: a conversion that succeeds for one path succeeds with
// the same value for every path. This is what makes the Go memo tables of
// ValueFromJson and UidFromJson (model-runner/go/patch-model.sh) sound: they
// remember successful results keyed by everything but the path.
module JsonProofs {
  import opened JsonData
  import opened JsonValues

  lemma UidPathFree(j: Json, p1: Path, p2: Path)
    ensures UidFromJson(j, p1).Done? ==> UidFromJson(j, p2) == UidFromJson(j, p1)
  {}

  lemma ValuePathFree(j: Json, p1: Path, p2: Path, strict: bool, fuel: Fuel)
    ensures ValueFromJson(j, p1, strict, fuel).Done? ==>
      ValueFromJson(j, p2, strict, fuel) == ValueFromJson(j, p1, strict, fuel)
    decreases fuel, 0
  {
    if fuel > 0 {
      match j
      case JNull =>
      case JBool(_) =>
      case JInt(_) =>
      case JNumber(_) =>
      case JString(_) =>
      case JArray(items) =>
        ValuesPathFree(items, p1, p2, 0, strict, fuel - 1);
      case JObject(ms) =>
        UidPathFree(j, p1, p2);
        if IsEscape(j, "__extn") {
          ExtnPathFree(ms[0].1, p1, p2, fuel - 1);
        }
        RecordPathFree(ms, p1, p2, strict, fuel - 1);
    }
  }

  lemma ValuesPathFree(items: seq<Json>, p1: Path, p2: Path, index: nat, strict: bool, fuel: Fuel)
    ensures ValuesFromJson(items, p1, index, strict, fuel).Done? ==>
      ValuesFromJson(items, p2, index, strict, fuel) == ValuesFromJson(items, p1, index, strict, fuel)
    decreases fuel, |items|
  {
    if |items| > 0 {
      ValuePathFree(items[0], Item(p1, index), Item(p2, index), strict, fuel);
      ValuesPathFree(items[1..], p1, p2, index + 1, strict, fuel);
    }
  }

  lemma RecordPathFree(ms: seq<(string, Json)>, p1: Path, p2: Path, strict: bool, fuel: Fuel)
    ensures RecordFromJson(ms, p1, strict, fuel).Done? ==>
      RecordFromJson(ms, p2, strict, fuel) == RecordFromJson(ms, p1, strict, fuel)
    decreases fuel, |ms|
  {
    if |ms| > 0 {
      RecordPathFree(ms[..|ms| - 1], p1, p2, strict, fuel);
      var (k, vj) := ms[|ms| - 1];
      ValuePathFree(vj, Member(p1, k), Member(p2, k), strict, fuel);
    }
  }

  lemma ExtnPathFree(body: Json, p1: Path, p2: Path, fuel: Fuel)
    ensures ExtnFromJson(body, p1, fuel).Done? ==>
      ExtnFromJson(body, p2, fuel) == ExtnFromJson(body, p1, fuel)
    decreases fuel
  {
    if fuel > 0 {
      var arg := Field(body, "arg");
      var argsField := if arg.Some? then None else Field(body, "args");
      var argsJson := if arg.Some? then [arg.value]
                      else if IsArray(argsField) then argsField.value.items else [];
      ValuesPathFree(argsJson, Member(p1, "__extn"), Member(p2, "__extn"), 0, true, fuel - 1);
    }
  }
}
