include "Values.dfy"
include "Text.dfy"

// datetime("2024-10-15T11:38:02.123+0100") and duration("1d2h3m4s5ms"),
// both as i64 milliseconds.
module Datetime {
  import opened Int64
  import opened Values
  import opened Text

  const MsPerDay: int := 86_400_000

  // ---- datetime ----

  // Accepted shapes (ASCII digits, uppercase T and Z):
  //   YYYY-MM-DD
  //   YYYY-MM-DDThh:mm:ss(.SSS)?Z
  //   YYYY-MM-DDThh:mm:ss(.SSS)?(+|-)hhmm
  function method ParseDatetime(s: string): Result<i64> {
    if |s| < 10 || !Shape(s[..10], "DDDD-DD-DD") then Err(ExtensionError)
    else
      var year := DigitsValue(s[0..4]);
      var month := DigitsValue(s[5..7]);
      var day := DigitsValue(s[8..10]);
      if !ValidDate(year, month, day) then Err(ExtensionError)
      else
        var time := if |s| == 10 then Ok(0) else ParseTimeOfDay(s[10..]);
        if time.Err? then Err(ExtensionError)
        else
          var ms := DaysSinceEpoch(year, month, day) * MsPerDay + time.value;
          if InRange(ms) then Ok(ms as i64) else Err(ExtensionError)
  }

  // s has the shape of `pattern`, where 'D' stands for any ASCII digit.
  predicate method Shape(s: string, pattern: string)
    ensures Shape(s, pattern) <==> |s| == |pattern| &&
      forall i :: 0 <= i < |s| ==> ShapeAt(s, pattern, i)
  {
    |s| == |pattern| && ShapeFrom(s, pattern, 0)
  }

  predicate method ShapeAt(s: string, pattern: string, i: nat)
    requires i < |s| == |pattern|
  {
    if pattern[i] == 'D' then IsDigit(s[i]) else s[i] == pattern[i]
  }

  // Position by position from i on. (Recursion rather than `forall`:
  // Dafny 2.3 compiles a quantifier into a call through reflection per
  // position.)
  predicate method ShapeFrom(s: string, pattern: string, i: nat)
    requires i <= |s| == |pattern|
    ensures ShapeFrom(s, pattern, i) <==> forall k :: i <= k < |s| ==> ShapeAt(s, pattern, k)
    decreases |s| - i
  {
    i == |s| || (ShapeAt(s, pattern, i) && ShapeFrom(s, pattern, i + 1))
  }

  // "Thh:mm:ss" then optional ".SSS" then the zone; milliseconds from
  // midnight UTC (may be negative or exceed a day because of the offset).
  function method ParseTimeOfDay(t: string): Result<int> {
    if |t| < 9 || !Shape(t[..9], "TDD:DD:DD") then Err(ExtensionError)
    else
      var h := DigitsValue(t[1..3]);
      var m := DigitsValue(t[4..6]);
      var sec := DigitsValue(t[7..9]);
      var hasMillis := |t| >= 13 && Shape(t[9..13], ".DDD");
      var millis := if hasMillis then DigitsValue(t[10..13]) else 0;
      var zone := if hasMillis then t[13..] else t[9..];
      var offset := ParseZone(zone);
      if h > 23 || m > 59 || sec > 59 || offset.Err? then Err(ExtensionError)
      else Ok(h * 3_600_000 + m * 60_000 + sec * 1000 + millis - offset.value)
  }

  // "Z" or (+|-)hhmm with hh < 24 and mm < 60; the offset in milliseconds.
  function method ParseZone(z: string): Result<int> {
    if z == "Z" then Ok(0)
    else if |z| == 5 && (z[0] == '+' || z[0] == '-') && AllDigits(z[1..]) then
      var hh := DigitsValue(z[1..3]);
      var mm := DigitsValue(z[3..5]);
      var offset: int := hh * 3_600_000 + mm * 60_000;
      if hh >= 24 || mm >= 60 then Err(ExtensionError)
      else Ok(if z[0] == '-' then -offset else offset)
    else Err(ExtensionError)
  }

  predicate method IsLeap(y: nat) { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

  function method DaysInMonth(y: nat, m: nat): nat
    requires 1 <= m <= 12
  {
    if m == 2 then (if IsLeap(y) then 29 else 28)
    else if m == 4 || m == 6 || m == 9 || m == 11 then 30
    else 31
  }

  predicate method ValidDate(y: nat, m: nat, d: nat) {
    1 <= m <= 12 && 1 <= d <= DaysInMonth(y, m)
  }

  // Days from 0000-01-01 (proleptic Gregorian) to y-01-01.
  function method DaysBeforeYear(y: nat): nat {
    365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400
  }

  function method DaysBeforeMonth(y: nat, m: nat): nat
    requires 1 <= m <= 12
  {
    if m == 1 then 0 else DaysBeforeMonth(y, m - 1) + DaysInMonth(y, m - 1)
  }

  function method DaysSinceEpoch(y: nat, m: nat, d: nat): int
    requires 1 <= m <= 12
  {
    DaysBeforeYear(y) + DaysBeforeMonth(y, m) + d - 1 - DaysBeforeYear(1970)
  }

  // ---- duration ----

  // -?(Nd)?(Nh)?(Nm)?(Ns)?(Nms)? with at least one component; a leading '-'
  // negates every component.
  function method ParseDuration(s: string): Result<i64> {
    var neg := |s| > 0 && s[0] == '-';
    var body := if neg then s[1..] else s;
    var total := Components(body, 0);
    if body == "" || total.Err? then Err(ExtensionError)
    else
      var t: int := total.value;
      var ms := if neg then -t else t;
      if InRange(ms) then Ok(ms as i64) else Err(ExtensionError)
  }

  // Units in their required order: d, h, m, s, ms (indices 0 to 4), and their
  // size in milliseconds. (Functions rather than sequence constants, which
  // Dafny 2.3's Go code would rebuild on every use.)
  const NumUnits: nat := 5

  function method Unit(k: nat): string
    requires k < NumUnits
  {
    if k == 0 then "d" else if k == 1 then "h" else if k == 2 then "m" else if k == 3 then "s" else "ms"
  }

  function method UnitMs(k: nat): nat
    requires k < NumUnits
  {
    if k == 0 then 86_400_000 else if k == 1 then 3_600_000 else if k == 2 then 60_000
    else if k == 3 then 1000 else 1
  }

  // Sum of the components in s, whose units must come from Unit(next), ...
  function method Components(s: string, next: nat): Result<nat>
    decreases |s|
  {
    if s == "" then Ok(0)
    else
      var n := LeadingDigits(s);
      var unitLen := if n + 1 < |s| && s[n..n + 2] == "ms" then 2 else 1;
      var unit := if n < |s| then s[n..n + unitLen] else "";
      var k := UnitIndex(unit, next);
      if n == 0 || n >= |s| || k >= NumUnits then Err(ExtensionError)
      else
        var rest := Components(s[n + unitLen..], k + 1);
        if rest.Err? then rest
        else Ok(DigitsValue(s[..n]) * UnitMs(k) + rest.value)
  }

  // Number of leading ASCII digits.
  function method LeadingDigits(s: string): (n: nat)
    ensures n <= |s| && AllDigits(s[..n])
  {
    if |s| == 0 || !IsDigit(s[0]) then 0
    else
      var n := 1 + LeadingDigits(s[1..]);
      assert s[..n] == [s[0]] + s[1..][..n - 1];
      n
  }

  // Position of unit among Unit(from), ..., Unit(NumUnits - 1); at least
  // NumUnits if absent.
  function method UnitIndex(unit: string, from: nat): (k: nat)
    ensures k >= from
    decreases NumUnits - from
  {
    if from >= NumUnits then NumUnits + from
    else if Unit(from) == unit then from
    else UnitIndex(unit, from + 1)
  }

  // ---- operations (None means the i64 range was left) ----

  function method Checked(x: int): Result<i64> {
    if InRange(x) then Ok(x as i64) else Err(ExtensionError)
  }

  function method Offset(dt: i64, dur: i64): Result<i64> { Checked(dt as int + dur as int) }
  function method DurationSince(a: i64, b: i64): Result<i64> { Checked(a as int - b as int) }
  function method ToDate(dt: i64): Result<i64> { Checked(dt as int - (dt as int) % MsPerDay) }
  function method ToTime(dt: i64): i64 { ((dt as int) % MsPerDay) as i64 }

  // Conversions of durations truncate toward zero.
  function method DivTrunc(a: int, b: nat): int
    requires b > 0
  {
    if a >= 0 then a / b else -((-a) / b)
  }
}
