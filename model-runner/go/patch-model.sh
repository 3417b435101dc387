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
