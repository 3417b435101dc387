include "Decimal.dfy"
include "IPAddr.dfy"
include "Datetime.dfy"

// Extension functions and methods (a method's receiver is its first
// argument). The arguments are already evaluated; a wrong count or a wrong
// argument type is a type error.
module ExtFun {
  import opened Int64
  import opened Values
  import Decimal
  import IPAddress
  import Datetime

  // The name tests are chains of comparisons rather than `name in [...]`:
  // Dafny 2.3's Go code would rebuild the list literal on every call.
  predicate method IsExtFun(name: string) {
    IsConstructor(name) || IsDecimalComparison(name) || IsIPTest(name) ||
    name == "isInRange" || name == "offset" || name == "durationSince" ||
    name == "toDate" || name == "toTime" || IsDurationConversion(name)
  }

  predicate method IsConstructor(name: string) {
    name == "decimal" || name == "ip" || name == "datetime" || name == "duration"
  }

  predicate method IsDecimalComparison(name: string) {
    name == "lessThan" || name == "lessThanOrEqual" || name == "greaterThan" ||
    name == "greaterThanOrEqual"
  }

  predicate method IsIPTest(name: string) {
    name == "isIpv4" || name == "isIpv6" || name == "isLoopback" || name == "isMulticast"
  }

  predicate method IsDurationConversion(name: string) {
    name == "toMilliseconds" || name == "toSeconds" || name == "toMinutes" ||
    name == "toHours" || name == "toDays"
  }

  function method Arity(name: string): nat {
    if IsConstructor(name) || IsIPTest(name) || name == "toDate" || name == "toTime" ||
       IsDurationConversion(name) then 1
    else 2
  }

  function method Call(name: string, args: seq<Value>): Result<Value> {
    if !IsExtFun(name) || |args| != Arity(name) then Err(TypeError)
    else if |args| == 1 then Call1(name, args[0])
    else Call2(name, args[0], args[1])
  }

  function method Call1(name: string, a: Value): Result<Value> {
    if IsConstructor(name) then
      if a.Str? then Construct(name, a.s) else Err(TypeError)
    else if IsIPTest(name) then
      if a.Ext? && a.x.IP? then Ok(Bool(IPTest(name, a.x.ip))) else Err(TypeError)
    else if name == "toDate" || name == "toTime" then
      if !(a.Ext? && a.x.Datetime?) then Err(TypeError)
      else if name == "toTime" then Ok(Ext(Duration(Datetime.ToTime(a.x.epochMs))))
      else Wrap(Datetime.ToDate(a.x.epochMs), (ms: i64) => Ext(Datetime(ms)))
    else
      if a.Ext? && a.x.Duration? then Ok(Long(DurationIn(name, a.x.ms))) else Err(TypeError)
  }

  // The extension constructors (the string parsers), as their definition
  // ConstructUncached says, through a memo table in Go: the one body is
  // model-runner/go/externs/ (a table in the shipped binary, a direct call
  // of ConstructUncached in the plain one); the postcondition is what that
  // Go code must keep, and scripts/check-model compares the two builds.
  function method {:extern} Construct(name: string, s: string): (r: Result<Value>)
    ensures r == ConstructUncached(name, s)

  function method ConstructUncached(name: string, s: string): Result<Value> {
    if name == "decimal" then Wrap(Decimal.ParseDecimal(s), (d: i64) => Ext(Decimal(d)))
    else if name == "datetime" then Wrap(Datetime.ParseDatetime(s), (ms: i64) => Ext(Datetime(ms)))
    else if name == "duration" then Wrap(Datetime.ParseDuration(s), (ms: i64) => Ext(Duration(ms)))
    else
      var ip := IPAddress.ParseIP(s);
      if ip.Err? then Err(ip.err) else Ok(Ext(IP(ip.value)))
  }

  function method Wrap(r: Result<i64>, f: i64 -> Value): Result<Value> {
    if r.Err? then Err(r.err) else Ok(f(r.value))
  }

  function method IPTest(name: string, ip: IPAddr): bool {
    if name == "isIpv4" then !ip.isV6
    else if name == "isIpv6" then ip.isV6
    else if name == "isLoopback" then IPAddress.IsLoopback(ip)
    else IPAddress.IsMulticast(ip)
  }

  // toMilliseconds .. toDays, each truncating toward zero.
  function method DurationIn(name: string, ms: i64): i64 {
    var unit :=
      if name == "toMilliseconds" then 1
      else if name == "toSeconds" then 1000
      else if name == "toMinutes" then 60_000
      else if name == "toHours" then 3_600_000
      else 86_400_000;
    Datetime.DivTrunc(ms as int, unit) as i64
  }

  function method Call2(name: string, a: Value, b: Value): Result<Value> {
    if IsDecimalComparison(name) then
      if a.Ext? && a.x.Decimal? && b.Ext? && b.x.Decimal? then
        Ok(Bool(CompareDecimals(name, a.x.scaled, b.x.scaled)))
      else Err(TypeError)
    else if name == "isInRange" then
      if a.Ext? && a.x.IP? && b.Ext? && b.x.IP? then Ok(Bool(IPAddress.IsInRange(a.x.ip, b.x.ip)))
      else Err(TypeError)
    else if name == "offset" then
      if a.Ext? && a.x.Datetime? && b.Ext? && b.x.Duration? then
        Wrap(Datetime.Offset(a.x.epochMs, b.x.ms), (ms: i64) => Ext(Datetime(ms)))
      else Err(TypeError)
    else
      if a.Ext? && a.x.Datetime? && b.Ext? && b.x.Datetime? then
        Wrap(Datetime.DurationSince(a.x.epochMs, b.x.epochMs), (ms: i64) => Ext(Duration(ms)))
      else Err(TypeError)
  }

  function method CompareDecimals(name: string, a: i64, b: i64): bool {
    if name == "lessThan" then a < b
    else if name == "lessThanOrEqual" then a <= b
    else if name == "greaterThan" then a > b
    else a >= b
  }
}
