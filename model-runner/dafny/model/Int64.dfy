// Cedar's only integer type: signed 64-bit. Every arithmetic result is
// range-checked before it is turned back into an i64 (overflow is an error,
// never a wrap-around).
module Int64 {
  newtype i64 = x: int | -0x8000_0000_0000_0000 <= x < 0x8000_0000_0000_0000

  predicate method InRange(x: int) {
    -0x8000_0000_0000_0000 <= x < 0x8000_0000_0000_0000
  }
}
