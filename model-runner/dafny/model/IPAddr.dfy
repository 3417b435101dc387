include "Values.dfy"
include "Text.dfy"

// ip("10.0.0.1/24"), ip("::1"): IPv4 or IPv6 address with an optional
// prefix length. The address is kept exactly as written (host bits are not
// cleared), so equality sees them; isInRange does not.
module IPAddress {
  import opened Values
  import opened Text

  function method Width(isV6: bool): nat { if isV6 then 128 else 32 }

  function method ParseIP(s: string): Result<IPAddr> {
    var slash := IndexOf(s, '/');
    var addrText := s[..slash];
    var isV6 := ':' in addrText;
    var addr := if isV6 then ParseV6(addrText) else ParseV4(addrText);
    var prefix :=
      if slash == |s| then Ok(Width(isV6))
      else ParsePrefix(s[slash + 1..], if isV6 then 3 else 2, Width(isV6));
    // Longer than the longest address text, or IPv4 embedded in IPv6: refused.
    if |s| > 43 || (Count(s, ':') >= 2 && Count(s, '.') >= 2) then Err(ExtensionError)
    else if addr.Err? then Err(addr.err)
    else if prefix.Err? then Err(prefix.err)
    else Ok(IPAddr(isV6, addr.value, prefix.value))
  }

  // Decimal without leading zeros ("0" itself is fine), at most maxLen digits.
  function method ParseSmallNumber(s: string, maxLen: nat): Result<nat> {
    if |s| == 0 || |s| > maxLen || !AllDigits(s) || (|s| > 1 && s[0] == '0')
    then Err(ExtensionError)
    else Ok(DigitsValue(s))
  }

  function method ParsePrefix(s: string, maxLen: nat, width: nat): Result<nat> {
    var n := ParseSmallNumber(s, maxLen);
    if n.Err? || n.value > width then Err(ExtensionError) else n
  }

  // Exactly four octets, each 0..255 without leading zeros.
  function method ParseV4(s: string): Result<nat> {
    var parts := Split(s, '.');
    if |parts| != 4 then Err(ExtensionError)
    else OctetsValue(parts)
  }

  function method OctetsValue(parts: seq<string>): Result<nat> {
    if |parts| == 0 then Ok(0)
    else
      var init := OctetsValue(parts[..|parts| - 1]);
      var last := ParseSmallNumber(parts[|parts| - 1], 3);
      if init.Err? || last.Err? || last.value > 255 then Err(ExtensionError)
      else Ok(init.value * 256 + last.value)
  }

  // Up to eight groups of 1-4 hex digits; at most one "::", which stands for
  // one or more zero groups.
  function method ParseV6(s: string): Result<nat> {
    var gap := IndexOfPair(s);
    if gap == |s| then
      var groups := Groups(s);
      if groups.Err? || |groups.value| != 8 then Err(ExtensionError)
      else Ok(GroupsValue(groups.value))
    else
      var left := Groups(s[..gap]);
      var right := Groups(s[gap + 2..]);
      if left.Err? || right.Err? || |left.value| + |right.value| > 7 then Err(ExtensionError)
      else
        var zeros := ZeroGroups(8 - |left.value| - |right.value|);
        Ok(GroupsValue(left.value + zeros + right.value))
  }

  // Index of the first "::", or |s|.
  function method IndexOfPair(s: string): (i: nat)
    ensures i == |s| || i + 2 <= |s|
  {
    if |s| < 2 then |s|
    else if s[0] == ':' && s[1] == ':' then 0
    else 1 + IndexOfPair(s[1..])
  }

  // "" has no groups; otherwise colon-separated groups of 1-4 hex digits.
  function method Groups(s: string): Result<seq<nat>> {
    if s == "" then Ok([]) else HexGroups(Split(s, ':'))
  }

  function method HexGroups(parts: seq<string>): Result<seq<nat>> {
    if |parts| == 0 then Ok([])
    else
      var p := parts[0];
      var rest := HexGroups(parts[1..]);
      if |p| == 0 || |p| > 4 || !AllHex(p) || rest.Err? then Err(ExtensionError)
      else Ok([HexValue(p)] + rest.value)
  }

  function method ZeroGroups(n: nat): seq<nat> {
    if n == 0 then [] else [0] + ZeroGroups(n - 1)
  }

  function method GroupsValue(gs: seq<nat>): nat {
    if |gs| == 0 then 0 else GroupsValue(gs[..|gs| - 1]) * 65536 + gs[|gs| - 1]
  }

  // ---- methods ----

  function method HostSize(ip: IPAddr): nat {
    if ip.prefix <= Width(ip.isV6) then Pow(2, Width(ip.isV6) - ip.prefix) else 1
  }

  function method NetworkStart(ip: IPAddr): nat { ip.addr - ip.addr % HostSize(ip) }
  function method NetworkEnd(ip: IPAddr): nat { NetworkStart(ip) + HostSize(ip) - 1 }

  // The whole network of a lies inside the network of b (same family).
  function method IsInRange(a: IPAddr, b: IPAddr): bool {
    a.isV6 == b.isV6 &&
    NetworkStart(b) <= NetworkStart(a) && NetworkEnd(a) <= NetworkEnd(b)
  }

  // The first byte of the address.
  function method FirstByte(ip: IPAddr): nat { ip.addr / Pow(2, Width(ip.isV6) - 8) }

  function method IsLoopback(ip: IPAddr): bool {
    if ip.isV6 then ip.addr == 1 && ip.prefix == 128
    else FirstByte(ip) == 127 && ip.prefix >= 8
  }

  function method IsMulticast(ip: IPAddr): bool {
    if ip.isV6 then FirstByte(ip) == 255 && ip.prefix >= 8
    else 224 <= FirstByte(ip) <= 239 && ip.prefix >= 4
  }

  // Text that parses back to the same value: "10.0.0.1/24", "0:0:0:0:0:0:0:1/128".
  function method IPToString(ip: IPAddr): string {
    (if ip.isV6 then Groups6(ip.addr, 8) else Octets(ip.addr, 4)) + "/" + NatToString(ip.prefix)
  }

  function method Octets(a: nat, n: nat): string {
    if n <= 1 then NatToString(a % 256)
    else Octets(a / 256, n - 1) + "." + NatToString(a % 256)
  }

  function method Groups6(a: nat, n: nat): string {
    if n <= 1 then HexString(a % 65536)
    else Groups6(a / 65536, n - 1) + ":" + HexString(a % 65536)
  }
}
