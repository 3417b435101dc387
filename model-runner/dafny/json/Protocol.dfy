include "Input.dfy"
include "../validation/Validate.dfy"
include "../validation/Conformance.dfy"

// One request line in, one reply out: version, authorize, evaluate, validate,
// validateRequests, validateEntities.
module Protocol {
  import opened Values
  import opened Syntax
  import opened Entities
  import opened Evaluator
  import opened Authorizer
  import opened JsonData
  import opened JsonValues
  import opened Text
  import Est
  import Input
  import SchemaJson
  import Validate
  import Conformance

  const Version: string := "cedar-dafny-model 0.1 (Cedar language 4.5)"

  method Handle(request: Json) returns (reply: Json) {
    var op := Field(request, "op");
    if HoldsString(op, "version") {
      reply := JObject([("ok", JBool(true)), ("version", JString(Version))]);
    } else if HoldsString(op, "authorize") {
      reply := HandleAuthorize(request);
    } else if HoldsString(op, "evaluate") {
      reply := HandleEvaluate(request);
    } else if HoldsString(op, "validate") {
      reply := HandleValidate(request);
    } else if HoldsString(op, "validateRequests") {
      reply := HandleValidateRequests(request);
    } else if HoldsString(op, "validateEntities") {
      reply := HandleValidateEntities(request);
    } else {
      reply := ErrorReply("input", "unknown or missing \"op\"");
    }
  }

  function method Required(request: Json, k: string): Json {
    var f := Field(request, k);
    if f.Some? then f.value else JNull
  }

  function method HandleAuthorize(request: Json): Json {
    var ps := Input.PolicySetFromJson(Required(request, "policies"));
    var es := Input.StoreFromJson(Required(request, "entities"));
    var rs := Required(request, "requests");
    if ps.Fail? then ErrorReply("input", ps.why)
    else if es.Fail? then ErrorReply("input", es.why)
    else if !rs.JArray? then ErrorReply("input", "requests: expected an array")
    else
      var answers := Answers(rs.items, 0, ps.val, es.val, None);
      if answers.Fail? then ErrorReply("input", answers.why)
      else JObject([("ok", JBool(true)), ("answers", JArray(answers.val))])
  }

  // `known` is the previous request's context, JSON and converted.
  function method Answers(rs: seq<Json>, index: nat, ps: seq<Policy>, es: Store,
                          known: Option<(Json, map<string, Value>)>): Conv<seq<Json>>
    decreases |rs|
  {
    if |rs| == 0 then Done([])
    else
      var r := Input.RequestFromJsonReusing(rs[0], Item(Root("requests"), index), known);
      var next := if r.Done? then Some((Input.ContextJson(rs[0]), r.val.context)) else None;
      var rest := Answers(rs[1..], index + 1, ps, es, next);
      if r.Fail? then Fail(r.why)
      else if rest.Fail? then rest
      else Done([ResponseToJson(Authorize(r.val, es, ps))] + rest.val)
  }

  // Through a memo table in Go (model-runner/go/externs/): most answers are
  // the same few (a deny with no reasons and no errors).
  function method {:extern} ResponseToJson(resp: Response): (r: Json)
    ensures r == ResponseToJsonUncached(resp)

  function method ResponseToJsonUncached(resp: Response): Json {
    JObject([
      ("decision", JString(if resp.decision == Allow then "allow" else "deny")),
      ("reason", Strings(resp.reason)),
      ("errors", Strings(resp.errors))])
  }

  function method Strings(xs: seq<string>): Json {
    if |xs| == 0 then JArray([])
    else JArray([JString(xs[0])] + Strings(xs[1..]).items)
  }

  method HandleEvaluate(request: Json) returns (reply: Json) {
    var e := Est.ExprFromEst(Required(request, "expr"), Root("expr"), map[], Input.MaxDepth);
    var es := Input.StoreFromJson(Required(request, "entities"));
    var r := Input.RequestFromJson(Required(request, "request"), Root("request"));
    if e.Fail? { return ErrorReply("input", e.why); }
    if es.Fail? { return ErrorReply("input", es.why); }
    if r.Fail? { return ErrorReply("input", r.why); }
    var result := Eval(e.val, r.val, es.val);
    if result.Err? {
      return JObject([("ok", JBool(true)), ("error", JString(ErrorName(result.err)))]);
    }
    var v := ValueToJson(result.value);
    reply := JObject([("ok", JBool(true)), ("value", v)]);
  }

  function method ErrorName(e: Error): string {
    match e
    case TypeError => "typeError"
    case EntityDoesNotExist => "entityDoesNotExist"
    case AttrDoesNotExist => "attrDoesNotExist"
    case TagDoesNotExist => "tagDoesNotExist"
    case ArithBoundsError => "arithBoundsError"
    case ExtensionError => "extensionError"
  }

  // {"schema": JSON schema, "policies": policy-set JSON} →
  // {"policies": [{"id", "errors": [error kind, ...]}]}; no errors: valid.
  method HandleValidate(request: Json) returns (reply: Json) {
    var schema := SchemaJson.SchemaFromJson(Required(request, "schema"));
    if schema.Fail? { return ErrorReply("input", schema.why); }
    var verdicts := Validate.ValidatePolicySet(Required(request, "policies"), schema.val);
    if verdicts.Fail? { return ErrorReply("input", verdicts.why); }
    var items := [];
    var i := 0;
    while i < |verdicts.val| {
      var v := verdicts.val[i];
      var kinds := [];
      var rest := v.kinds;
      while rest != {}
        decreases rest
      {
        var k :| k in rest;
        kinds := kinds + [JString(k)];
        rest := rest - {k};
      }
      items := items + [JObject([("id", JString(v.id)), ("errors", JArray(kinds))])];
      i := i + 1;
    }
    reply := JObject([("ok", JBool(true)), ("policies", JArray(items))]);
  }

  // {"schema", "requests": [request]} →
  // {"requests": [{"valid": true} | {"valid": false, "kind": k, "error": why}]}.
  method HandleValidateRequests(request: Json) returns (reply: Json) {
    var schema := SchemaJson.SchemaFromJson(Required(request, "schema"));
    if schema.Fail? { return ErrorReply("input", schema.why); }
    var rs := Required(request, "requests");
    if !rs.JArray? { return ErrorReply("input", "requests: expected an array"); }
    var items := [];
    var i := 0;
    while i < |rs.items| {
      var r := Input.RequestFromJson(rs.items[i], Item(Root("requests"), i));
      if r.Fail? { return ErrorReply("input", r.why); }
      var why := Conformance.RequestError(r.val, schema.val);
      items := items + [if why.None? then JObject([("valid", JBool(true))])
                        else JObject([("valid", JBool(false)), ("kind", JString(why.value.0)),
                                      ("error", JString(why.value.1))])];
      i := i + 1;
    }
    reply := JObject([("ok", JBool(true)), ("requests", JArray(items))]);
  }

  // {"schema", "entities": entities JSON} →
  // {"errors": [{"entity": uid, "kind": k}]}, one per failing entity; none:
  // the store conforms. Entities the loader refuses (a cycle, an action with
  // a non-action parent, differing duplicates) are an input error, before
  // the schema is consulted, as in Cedar's loader.
  method HandleValidateEntities(request: Json) returns (reply: Json) {
    var schema := SchemaJson.SchemaFromJson(Required(request, "schema"));
    if schema.Fail? { return ErrorReply("input", schema.why); }
    var es := Input.StoreFromJson(Required(request, "entities"));
    if es.Fail? { return ErrorReply("input", es.why); }
    var rest := Conformance.StoreErrors(es.val, schema.val);
    var items := [];
    while rest != {}
      decreases rest
    {
      var e :| e in rest;
      items := items + [JObject([("entity", UidToJson(e.0)), ("kind", JString(e.1))])];
      rest := rest - {e};
    }
    reply := JObject([("ok", JBool(true)), ("errors", JArray(items))]);
  }
}
