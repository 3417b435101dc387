include "../model/Text.dfy"

// A Dafny char is a UTF-16 code unit (see Text.CodePointRank). Cedar orders
// strings by code point. CodePointOrder proves that Text.CodePointLess, which
// compares code units by their rank, is exactly code-point order on
// well-formed UTF-16 text, which is all the Go main ever builds (it decodes
// JSON text and turns a lone surrogate into U+FFFD).
module CharProofs {
  import opened Text

  predicate IsHigh(c: char) { 0xD800 <= c as int <= 0xDBFF }
  predicate IsLow(c: char) { 0xDC00 <= c as int <= 0xDFFF }

  // Every high surrogate is followed by a low one, and every low one
  // follows a high one.
  predicate WellFormed(s: string) {
    if |s| == 0 then true
    else if IsHigh(s[0]) then |s| >= 2 && IsLow(s[1]) && WellFormed(s[2..])
    else !IsLow(s[0]) && WellFormed(s[1..])
  }

  // The code points of well-formed UTF-16 text.
  function Decode(s: string): seq<int>
    requires WellFormed(s)
  {
    if |s| == 0 then []
    else if IsHigh(s[0]) then
      [0x10000 + (s[0] as int - 0xD800) * 0x400 + (s[1] as int - 0xDC00)] + Decode(s[2..])
    else [s[0] as int] + Decode(s[1..])
  }

  // Lexicographic order of code-point sequences (Cedar's string order).
  predicate Less(a: seq<int>, b: seq<int>) {
    if |a| == 0 then |b| > 0
    else if |b| == 0 then false
    else if a[0] != b[0] then a[0] < b[0]
    else Less(a[1..], b[1..])
  }

  lemma HighPartOrder(h1: int, l1: int, h2: int, l2: int)
    requires 0 <= l1 < 0x400 && 0 <= l2 < 0x400 && h1 < h2
    ensures h1 * 0x400 + l1 < h2 * 0x400 + l2
  {
    assert h1 * 0x400 + 0x400 <= h2 * 0x400;
  }

  lemma CodePointOrder(a: string, b: string)
    requires WellFormed(a) && WellFormed(b)
    ensures CodePointLess(a, b) == Less(Decode(a), Decode(b))
    decreases |a|
  {
    if |a| == 0 || |b| == 0 {
    } else if !IsHigh(a[0]) && !IsHigh(b[0]) {
      if a[0] == b[0] {
        CodePointOrder(a[1..], b[1..]);
      }
    } else if IsHigh(a[0]) != IsHigh(b[0]) {
      // One is above U+FFFF, the other not; ranks agree: surrogates rank highest.
    } else {
      // Both start with a surrogate pair.
      var ca := Decode(a)[0];
      var cb := Decode(b)[0];
      if a[0] != b[0] {
        if a[0] < b[0] {
          HighPartOrder(a[0] as int - 0xD800, a[1] as int - 0xDC00, b[0] as int - 0xD800, b[1] as int - 0xDC00);
        } else {
          HighPartOrder(b[0] as int - 0xD800, b[1] as int - 0xDC00, a[0] as int - 0xD800, a[1] as int - 0xDC00);
        }
      } else {
        assert a[1..][1..] == a[2..] && b[1..][1..] == b[2..];
        if a[1] == b[1] {
          assert ca == cb;
          CodePointOrder(a[2..], b[2..]);
        }
      }
    }
  }
}
