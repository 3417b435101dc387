#!/usr/bin/env bash
# Speed patches to the generated model code (not the runtime), applied after
# each translation. Usage: patch-model.sh path/to/model-go/src
set -euo pipefail
SRC="$1"

# 1. Memoise ExtFun.Construct(name, s), the extension constructors
#    (decimal/ip/datetime/duration string parsers). This is sound because
#    Construct is a pure function of its two arguments (a Dafny function
#    method: no state, no heap reads) and its results are immutable values, so
#    a remembered result is exactly the value a new call would compute. It
#    pays because generated inputs draw extension strings from a small pool,
#    so the same pairs recur on every line. Only short strings are
#    remembered, and the table is emptied when it fills, so memory stays
#    bounded; the binary is single-threaded, so a plain map is safe.
F=$(ls "$SRC"/*_ExtFun_Compile_/*.go)
perl -0pi -e 's/func \(_this \*CompanionStruct_Default___\) Construct\(name _dafny\.Seq, s _dafny\.Seq\) (\w+\.Result) \{\n/func (_this *CompanionStruct_Default___) Construct(name _dafny.Seq, s _dafny.Seq) $1 {\n\tif s.LenInt() > 64 {\n\t\treturn _this.constructUncached(name, s)\n\t}\n\tkey := constructKey{seqText(name), seqText(s)}\n\tif r, ok := constructMemo[key]; ok {\n\t\treturn r\n\t}\n\tr := _this.constructUncached(name, s)\n\tif len(constructMemo) >= 4096 {\n\t\tconstructMemo = map[constructKey]${1}{}\n\t}\n\tconstructMemo[key] = r\n\treturn r\n}\n\n\/\/ Memo table of Construct; see model-runner\/go\/patch-model.sh for why this is sound.\ntype constructKey struct{ name, s string }\n\nvar constructMemo = map[constructKey]${1}{}\n\nfunc seqText(s _dafny.Seq) string {\n\trs := make([]rune, s.LenInt())\n\tfor i := range rs {\n\t\trs[i] = rune(s.IndexInt(i).(_dafny.Char))\n\t}\n\treturn string(rs)\n}\n\nfunc (_this *CompanionStruct_Default___) constructUncached(name _dafny.Seq, s _dafny.Seq) $1 {\n/' "$F"
grep -q 'func (_this \*CompanionStruct_Default___) constructUncached(name _dafny.Seq, s _dafny.Seq)' "$F" \
  && [[ $(grep -c 'Construct(' "$F") -ge 2 ]] || { echo "model patch (Construct memo) failed" >&2; exit 1; }

# 1b. Memoise JsonValues.IsName(s), the entity-type-name check run for every
#    uid: a pure predicate of one string, and type names repeat on every line.
#    Same bounds as above.
F=$(ls "$SRC"/*_JsonValues_Compile_/*.go)
perl -0pi -e 's/func \(_this \*CompanionStruct_Default___\) IsName\(s _dafny\.Seq\) bool \{\n/func (_this *CompanionStruct_Default___) IsName(s _dafny.Seq) bool {\n\tif s.LenInt() > 64 {\n\t\treturn _this.isNameUncached(s)\n\t}\n\tkey := seqText(s)\n\tif r, ok := isNameMemo[key]; ok {\n\t\treturn r\n\t}\n\tr := _this.isNameUncached(s)\n\tif len(isNameMemo) >= 4096 {\n\t\tisNameMemo = map[string]bool{}\n\t}\n\tisNameMemo[key] = r\n\treturn r\n}\n\n\/\/ Memo table of IsName; see model-runner\/go\/patch-model.sh for why this is sound.\nvar isNameMemo = map[string]bool{}\n\nfunc seqText(s _dafny.Seq) string {\n\trs := make([]rune, s.LenInt())\n\tfor i := range rs {\n\t\trs[i] = rune(s.IndexInt(i).(_dafny.Char))\n\t}\n\treturn string(rs)\n}\n\nfunc (_this *CompanionStruct_Default___) isNameUncached(s _dafny.Seq) bool {\n/' "$F"
grep -q 'func (_this \*CompanionStruct_Default___) isNameUncached(s _dafny.Seq) bool' "$F" \
  || { echo "model patch (IsName memo) failed" >&2; exit 1; }

# Every generated package (not the runtime, not the Go main).
GEN_FILES=$(ls "$SRC"/*_Compile_/*.go)

# 2. String literals: Dafny 2.3 writes each as a _dafny.SeqOfString("...")
#    call, evaluated on every use (a map lookup in the patched runtime). Hoist
#    each distinct literal of a file into a package-level variable holding the
#    same (immutable) sequence.
for G in $GEN_FILES; do
  perl -0pi -e '
    my %lit; my @order; my $tag = "";
    if ($ARGV =~ m{/(\d+)_[^/]*_Compile_/}) { $tag = $1; }
    s{_dafny\.SeqOfString\(("(?:[^"\\\n]|\\.)*")\)}{
      if (!exists $lit{$1}) { $lit{$1} = "_strLit${tag}_" . scalar(@order); push @order, $1; }
      $lit{$1}
    }ge;
    if (@order) {
      my $decl = "\n// String literals, built once (see model-runner/go/patch-model.sh).\nvar (\n";
      $decl .= "\t$lit{$_} = _dafny.SeqOfString($_)\n" for @order;
      $_ .= $decl . ")\n";
    }
  ' "$G"
done
if grep -n '_dafny\.SeqOfString("' $GEN_FILES | grep -v '= _dafny\.SeqOfString("' >&2; then
  echo "model patch (string literals) failed" >&2; exit 1
fi

# 3. Compiled quantifiers (forall/exists over sets, maps and ranges): call the
#    predicate directly through the runtime's QuantifierI instead of through
#    reflection. The predicate's parameter becomes interface{} and is
#    converted back to its declared type on entry (the same conversion the
#    reflective call made).
for G in $GEN_FILES; do
  perl -0pi -e 's/_dafny\.Quantifier\(/_dafny.QuantifierI(/g; s/, (true|false), func \((\w+) ([\w.]+)\) bool \{\n/, $1, func (_qv interface{}) bool {\n    $2 := _qv.($3)\n    _ = $2\n/g' "$G"
  [[ $(grep -c '_dafny\.QuantifierI(' "$G") == $(grep -c 'func (_qv interface{}) bool {' "$G") ]] \
    || { echo "model patch (quantifiers) failed in $G" >&2; exit 1; }
done
