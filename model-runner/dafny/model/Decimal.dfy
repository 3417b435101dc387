include "Values.dfy"
include "Text.dfy"

// decimal("-12.34"): optional '-', digits, '.', 1 to 4 digits; stored as an
// i64 scaled by 10^4. The sign comes from the text, so "-0.5" is -5000.
module Decimal {
  import opened Int64
  import opened Values
  import opened Text

  function method ParseDecimal(s: string): Result<i64> {
    var neg := |s| > 0 && s[0] == '-';
    var body := if neg then s[1..] else s;
    var dot := IndexOf(body, '.');
    var whole := body[..dot];
    var frac := if dot < |body| then body[dot + 1..] else "";
    if dot == |body| || |whole| == 0 || |frac| == 0 || |frac| > 4
       || !AllDigits(whole) || !AllDigits(frac) then Err(ExtensionError)
    else
      var magnitude := DigitsValue(whole) * 10000 + DigitsValue(frac) * Pow(10, 4 - |frac|);
      var value := if neg then -magnitude else magnitude;
      if InRange(value) then Ok(value as i64) else Err(ExtensionError)
  }

  // Text that parses back to the same decimal: "-12.3400".
  function method DecimalToString(d: i64): string {
    var m := if d < 0 then -(d as int) else d as int;
    (if d < 0 then "-" else "") + NatToString(m / 10000) + "." + Padded(m % 10000, 4)
  }
}
