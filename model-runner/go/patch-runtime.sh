#!/usr/bin/env bash
# Speed (and correctness) patches to the Dafny 2.3 Go runtime, applied after
# each translation. Usage: patch-runtime.sh path/to/dafny.go
set -euo pipefail
F="$1"
# 1. AreEqual: compare chars, booleans and int64s without reflection.
perl -0pi -e 's/(func AreEqual\(x, y interface\{\}\) bool \{\n)/$1\tswitch xv := x.(type) {\n\tcase Char:\n\t\tyv, ok := y.(Char)\n\t\treturn ok && xv == yv\n\tcase bool:\n\t\tyv, ok := y.(bool)\n\t\treturn ok && xv == yv\n\tcase int64:\n\t\tyv, ok := y.(int64)\n\t\treturn ok && xv == yv\n\t}\n/' "$F"
# 2. SeqOfString (used for every string literal, on every evaluation): index
#    by rune rather than by byte (the stock version leaves nil holes for
#    non-ASCII text), and reuse the result, since sequences are immutable.
#    The binary is single-threaded, so a plain map is safe. The Go main also
#    builds JSON strings through it, so that keys and short values that repeat
#    ("uid", "type", ids) are shared instead of rebuilt; only short strings
#    are kept, so the cache stays small whatever the input.
perl -0pi -e 's/func SeqOfString\(str string\) Seq \{\n.*?\n\}\n/var seqOfStringCache = map[string]Seq{}\n\nfunc SeqOfString(str string) Seq {\n\tif s, ok := seqOfStringCache[str]; ok {\n\t\treturn s\n\t}\n\trs := []rune(str)\n\tarr := make([]interface{}, len(rs))\n\tfor i, r := range rs {\n\t\tarr[i] = Char(r)\n\t}\n\ts := Seq{arr, true}\n\tif len(str) <= 64 \&\& len(seqOfStringCache) < 4096 {\n\t\tseqOfStringCache[str] = s\n\t}\n\treturn s\n}\n/s' "$F"
# 3. IntOfInt64 (every |s|, index and small constant): share preallocated
#    values for 0..4095, as the runtime already does for -1, 0, 1, 2, 5, 10
#    (Ints are never mutated in place).
perl -0pi -e 's/func IntOfInt64\(i int64\) Int \{\n/var smallInts = func() []Int {\n\tv := make([]Int, 4096)\n\tfor k := range v {\n\t\tv[k] = Int{impl: big.NewInt(int64(k))}\n\t}\n\treturn v\n}()\n\nfunc IntOfInt64(i int64) Int {\n\tif i >= 0 \&\& i < 4096 {\n\t\treturn smallInts[i]\n\t}\n/' "$F"
# 4. Seq equality: two sequences sharing their backing array (as interned
#    strings from patch 2 do) are equal without comparing element by element.
perl -0pi -e 's/(func sliceEquals\(s1, s2 \[\]interface\{\}\) bool \{\n)/$1\tif len(s1) == len(s2) \&\& len(s1) > 0 \&\& \&s1[0] == \&s2[0] {\n\t\treturn true\n\t}\n/' "$F"
# 5. SeqOfSlice, TupleOfSlice: a sequence or tuple over a freshly built slice,
#    without the defensive copy SeqOf and TupleOf make (the Go main's JSON
#    reader hands over its own slices).
cat >> "$F" <<'GO'

// SeqOfSlice wraps arr, which the caller must never modify afterwards.
func SeqOfSlice(arr []interface{}) Seq {
	return Seq{arr, false}
}

// TupleOfSlice wraps arr, which the caller must never modify afterwards.
func TupleOfSlice(arr []interface{}) Tuple {
	return Tuple{arr}
}
GO
# 6. Quantifier (compiled forall/exists, set and map comprehensions) calls its
#    typed predicate through reflection; reuse one argument slice instead of
#    allocating one per element.
perl -0pi -e 's/\tpredVal := refl.ValueOf\(pred\)\n/\tpredVal := refl.ValueOf(pred)\n\targs := make([]refl.Value, 1)\n/; s/\t\tif predVal.Call\(\[\]refl.Value\{refl.ValueOf\(v\)\}\)/\t\targs[0] = refl.ValueOf(v)\n\t\tif predVal.Call(args)/' "$F"
# 7. Int arithmetic (every index, length and digit value): when both operands
#    are small enough that the int64 result cannot overflow, compute it in
#    int64 (IntOfInt64 then shares the preallocated Int for 0..4095) instead
#    of allocating a big.Int. Division and modulo only for x >= 0, y > 0,
#    where truncating and Euclidean division agree.
perl -0pi -e 's/(func \(i Int\) Plus\(j Int\) Int \{\n)/$1\tif x, y, ok := smallPair(i, j, 1<<62); ok {\n\t\treturn IntOfInt64(x + y)\n\t}\n/; s/(func \(i Int\) Minus\(j Int\) Int \{\n)/$1\tif x, y, ok := smallPair(i, j, 1<<62); ok {\n\t\treturn IntOfInt64(x - y)\n\t}\n/; s/(func \(i Int\) Times\(j Int\) Int \{\n)/$1\tif x, y, ok := smallPair(i, j, 1<<31); ok {\n\t\treturn IntOfInt64(x * y)\n\t}\n/; s/(func \(i Int\) DivBy\(j Int\) Int \{\n)/$1\tif x, y, ok := smallPair(i, j, 1<<62); ok \&\& x >= 0 \&\& y > 0 {\n\t\treturn IntOfInt64(x \/ y)\n\t}\n/; s/(func \(i Int\) Modulo\(j Int\) Int \{\n)/$1\tif x, y, ok := smallPair(i, j, 1<<62); ok \&\& x >= 0 \&\& y > 0 {\n\t\treturn IntOfInt64(x % y)\n\t}\n/' "$F"
cat >> "$F" <<'GO'

// smallPair returns both Ints as int64 if each lies strictly within
// (-limit, limit).
func smallPair(i, j Int, limit int64) (int64, int64, bool) {
	if !i.impl.IsInt64() || !j.impl.IsInt64() {
		return 0, 0, false
	}
	x, y := i.impl.Int64(), j.impl.Int64()
	if x <= -limit || x >= limit || y <= -limit || y >= limit {
		return 0, 0, false
	}
	return x, y, true
}
GO
# 8. QuantifierI: Quantifier for a predicate taking interface{}, called
#    directly instead of through reflection (patch-model.sh rewrites the
#    generated quantifiers to use it).
cat >> "$F" <<'GO'

// QuantifierI is Quantifier with a predicate over interface{} values.
func QuantifierI(iter interface{}, isForAll bool, pred func(interface{}) bool) bool {
	for i := Iterate(iter); ; {
		v, ok := i()
		if !ok {
			return isForAll
		}
		if pred(v) != isForAll {
			return !isForAll
		}
	}
}
GO
# 9. Map.Keys: the keys of a Map are already distinct (Update replaces an
#    equal key; the model's only map comprehension ranges over another map's
#    keys), so build the key set directly instead of through SetOf, which
#    de-duplicates in quadratic time.
perl -0pi -e 's/(func \(m Map\) Keys\(\) Set \{\n)/$1\tkeys := make([]interface{}, len(m.elts))\n\tfor i, e := range m.elts {\n\t\tkeys[i] = e.key\n\t}\n\treturn Set{keys}\n}\n\nfunc (m Map) keysDeduplicated() Set {\n/' "$F"
# 10. Map.Update: one allocation of the exact size instead of a clone
#     followed by an append (which reallocates and copies the clone again
#     whenever the key is new, as it is for every record built member by
#     member).
perl -0pi -e 's/(func \(m Map\) Update\(key, value interface\{\}\) Map \{\n)/$1\tif i, found := m.findIndex(key); found {\n\t\tans := m.clone()\n\t\tans.elts[i] = mapElt{key, value}\n\t\treturn ans\n\t}\n\telts := make([]mapElt, len(m.elts)+1)\n\tcopy(elts, m.elts)\n\telts[len(m.elts)] = mapElt{key, value}\n\treturn Map{elts}\n}\n\nfunc (m Map) updateByClone(key, value interface{}) Map {\n/' "$F"
# 11. Map lookups and set membership (every `in` on a store, a record or an
#     ancestor set): when the probe implements EqualsGeneric (sequences,
#     datatypes, tuples, sets, maps, Ints), find its method once and call it
#     on each element, instead of AreEqual's type switches and interface
#     assertion per element. Same answers: every EqualsGeneric in the runtime
#     and in Dafny's generated datatypes first checks that the other value
#     has its own type and then compares structurally, which is symmetric, so
#     probe.EqualsGeneric(elem) == elem.EqualsGeneric(probe) == AreEqual(elem, probe).
perl -0pi -e 's/(func \(m Map\) findIndex\(key interface\{\}\) \(int, bool\) \{\n)/$1\tif probe, ok := key.(EqualsGeneric); ok {\n\t\tfor i, e := range m.elts {\n\t\t\tif e.key != nil \&\& probe.EqualsGeneric(e.key) {\n\t\t\t\treturn i, true\n\t\t\t}\n\t\t}\n\t\treturn -1, false\n\t}\n/; s/(func sliceContains\(s \[\]interface\{\}, value interface\{\}\) bool \{\n)/$1\tif probe, ok := value.(EqualsGeneric); ok {\n\t\tfor _, v := range s {\n\t\t\tif v != nil \&\& probe.EqualsGeneric(v) {\n\t\t\t\treturn true\n\t\t\t}\n\t\t}\n\t\treturn false\n\t}\n/' "$F"
grep -q 'case Char:' "$F" && grep -q 'return smallInts\[i\]' "$F" && grep -q 'seqOfStringCache\[str\] = s' "$F" && grep -q '&s1\[0\] == &s2\[0\]' "$F" && grep -q 'func SeqOfSlice' "$F" && grep -q 'func TupleOfSlice' "$F" && grep -q 'func QuantifierI' "$F" && grep -q 'func (m Map) keysDeduplicated' "$F" && grep -q 'func (m Map) updateByClone' "$F" && [[ $(grep -c 'probe.EqualsGeneric(' "$F") == 2 ]] && grep -q 'if predVal.Call(args)' "$F" && [[ $(grep -c 'smallPair(i, j, ' "$F") == 5 ]] || { echo "runtime patch failed" >&2; exit 1; }
