include "Syntax.dfy"

// `s like p`: the whole string must match; `*` matches any run of
// characters (possibly empty), any other item matches exactly one equal
// character.
module Like {
  import opened Syntax

  // Matches(s, p) is defined by this recursion:
  //   p empty          -> s empty
  //   p = * p'         -> Matches(s, p') || (s nonempty && Matches(s[1..], p))
  //   p = c p'         -> s nonempty && s[0] == c && Matches(s[1..], p')
  // Computed bottom-up (row i answers for the suffix s[i..]) so that it takes
  // |s| * |p| steps instead of exponential time.
  function method Matches(s: string, p: Pattern): bool {
    Row(s, p, 0)[0]
  }

  // Row(s, p, i)[j] == Matches(s[i..], p[j..])
  function method Row(s: string, p: Pattern, i: nat): (r: seq<bool>)
    requires i <= |s|
    ensures |r| == |p| + 1
    decreases |s| - i
  {
    var below := if i == |s| then Falses(|p| + 1) else Row(s, p, i + 1);
    RowFrom(s, p, i, below, 0)
  }

  // The cells j.. of row i, given row i+1 (`below`).
  function method RowFrom(s: string, p: Pattern, i: nat, below: seq<bool>, j: nat): (r: seq<bool>)
    requires i <= |s| && j <= |p| && |below| == |p| + 1
    ensures |r| == |p| + 1 - j
    decreases |p| - j
  {
    if j == |p| then [i == |s|]
    else
      var rest := RowFrom(s, p, i, below, j + 1);
      var here :=
        if p[j].Star? then rest[0] || (i < |s| && below[j])
        else i < |s| && s[i] == p[j].c && below[j + 1];
      [here] + rest
  }

  function method Falses(n: nat): (r: seq<bool>)
    ensures |r| == n
  {
    if n == 0 then [] else [false] + Falses(n - 1)
  }
}
