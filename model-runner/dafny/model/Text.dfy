include "Int64.dfy"

// Small character and number helpers shared by the extension parsers.
module Text {
  // ---- characters ----
  // A char is a UTF-16 code unit, in Dafny 2.3's verifier and in the running
  // binary alike (the Go main turns text into code units and back, see
  // model-runner/go/main.go.in): a character outside the Basic Multilingual
  // Plane is a surrogate pair, two chars. Cedar orders strings by code point,
  // which differs from code-unit order only there: U+FFFD < U+1F600, but the
  // pair D83D DE00 is below FFFD. Comparing code units by CodePointRank
  // (surrogates above every other unit, E000..FFFF moved below them) gives
  // code-point order on well-formed UTF-16: the first unit where two such
  // texts differ starts a character in both, and a high surrogate's rank
  // orders the planes above the BMP as their code points do
  // (proofs/CharProofs.dfy, CodePointOrder).
  function method CodePointRank(c: char): int {
    var u := c as int;
    if 0xD800 <= u <= 0xDFFF then u + 0x2000
    else if u >= 0xE000 then u - 0x800
    else u
  }

  lemma CodePointRankInjective(c: char, d: char)
    ensures c != d ==> CodePointRank(c) != CodePointRank(d)
  {}

  // Strings in code-point order (Cedar's order of record keys).
  predicate method CodePointLess(a: string, b: string) {
    if |a| == 0 then |b| > 0
    else if |b| == 0 then false
    else if a[0] != b[0] then CodePointRank(a[0]) < CodePointRank(b[0])
    else CodePointLess(a[1..], b[1..])
  }

  predicate method IsDigit(c: char) { '0' <= c <= '9' }

  predicate method AllDigits(s: string) {
    |s| == 0 || (IsDigit(s[0]) && AllDigits(s[1..]))
  }

  // Value of a string of decimal digits (callers check AllDigits first).
  function method DigitsValue(s: string): nat {
    if |s| == 0 then 0
    else DigitsValue(s[..|s| - 1]) * 10 + DigitValue(s[|s| - 1])
  }

  function method DigitValue(c: char): nat {
    if IsDigit(c) then c as int - '0' as int else 0
  }

  function method HexDigit(c: char): int {
    if '0' <= c <= '9' then c as int - '0' as int
    else if 'a' <= c <= 'f' then c as int - 'a' as int + 10
    else if 'A' <= c <= 'F' then c as int - 'A' as int + 10
    else -1
  }

  predicate method AllHex(s: string) {
    |s| == 0 || (HexDigit(s[0]) >= 0 && AllHex(s[1..]))
  }

  // Value of a string of hex digits (callers check AllHex first).
  function method HexValue(s: string): nat {
    if |s| == 0 then 0
    else HexValue(s[..|s| - 1]) * 16 + (if HexDigit(s[|s| - 1]) >= 0 then HexDigit(s[|s| - 1]) else 0)
  }

  // Index of the first occurrence of c in s, or |s|.
  function method IndexOf(s: string, c: char): (i: nat)
    ensures i <= |s|
  {
    if |s| == 0 || s[0] == c then 0 else 1 + IndexOf(s[1..], c)
  }

  function method Count(s: string, c: char): nat {
    if |s| == 0 then 0 else (if s[0] == c then 1 else 0) + Count(s[1..], c)
  }

  // Split at every occurrence of c.
  function method Split(s: string, c: char): seq<string>
    decreases |s|
  {
    var i := IndexOf(s, c);
    if i == |s| then [s] else [s[..i]] + Split(s[i + 1..], c)
  }

  function method Pow(b: nat, n: nat): (r: nat)
    requires b > 0
    ensures r > 0
  {
    if n == 0 then 1 else b * Pow(b, n - 1)
  }

  function method NatToString(n: nat): string
    decreases n
  {
    var d := [('0' as int + n % 10) as char];
    if n < 10 then d else NatToString(n / 10) + d
  }

  function method IntToString(n: int): string {
    if n < 0 then "-" + NatToString(-n) else NatToString(n)
  }

  // n as exactly `width` digits (n < 10^width), padded with leading zeros.
  function method Padded(n: nat, width: nat): string {
    var s := NatToString(n);
    if |s| >= width then s else Zeros(width - |s|) + s
  }

  function method Zeros(n: nat): string {
    if n == 0 then "" else "0" + Zeros(n - 1)
  }

  function method HexString(n: nat): string
    decreases n
  {
    var d := ["0123456789abcdef"[n % 16]];
    if n < 16 then d else HexString(n / 16) + d
  }
}
