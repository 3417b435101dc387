#!/usr/bin/env bash
# Speed patches to the generated model code (not the runtime), applied after
# each translation. Usage: patch-model.sh path/to/model-go/src
set -euo pipefail
SRC="$1"

fail() { echo "model patch failed: $*" >&2; exit 1; }

# rename_method FILE NAME NEW: rename a generated function (a memoising
# wrapper then takes over its name).
rename_method() {
  perl -0pi -e "s/^func \\(_this \\*CompanionStruct_Default___\\) $2\\(/func (_this *CompanionStruct_Default___) $3(/m" "$1"
  grep -q "^func (_this \*CompanionStruct_Default___) $3(" "$1" || fail "no function $2 in $1"
}

# 1. (The memo tables of ExtFun.Construct and JsonValues.IsName are no longer
#    patches: both are {:extern} function methods with a stated postcondition,
#    their Go bodies in model-runner/go/externs/.)

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

# 4. Ok(Bool(b)) and Ok(b) (the evaluator's AsBool) are built for nearly every
#    evaluation step, and each costs two allocations (the boxed value and the
#    boxed constructor). Datatype values are immutable, so the two possible
#    values of each are built once and shared; the result is equal (==) to
#    the one built afresh.
VF=$(ls "$SRC"/*_Values_Compile_/*.go)
cat >> "$VF" <<'GO'

// Shared Ok(Bool(b)) and Ok(b) results; see model-runner/go/patch-model.sh.
var (
	okBoolValue = [2]Result{{Result_Ok{Value{Value_Bool{false}}}}, {Result_Ok{Value{Value_Bool{true}}}}}
	okBool      = [2]Result{{Result_Ok{false}}, {Result_Ok{true}}}
)

func OkBoolValue(b bool) Result {
	if b {
		return okBoolValue[1]
	}
	return okBoolValue[0]
}

func OkBool(b bool) Result {
	if b {
		return okBool[1]
	}
	return okBool[0]
}
GO
for G in $GEN_FILES; do
  perl -0pi -e '
    my $bal = qr/(?<bal>(?:[^{}]|\{(?&bal)\})*)/;
    s/(_\d+_Values_Compile\.)Result\{\1Result_Ok\{\1Value\{\1Value_Bool\{($bal)\}\}\}\}/$1OkBoolValue($2)/g;
    s/(_\d+_Values_Compile\.)Result\{\1Result_Ok\{(\(\(v\)\.Dtor_value\(\)\.\(\1Value\)\)\.Dtor_b\(\))\}\}/$1OkBool($2)/g;
  ' "$G"
done
EF=$(ls "$SRC"/*_Evaluator_Compile_/*.go)
[[ $(grep -c 'OkBoolValue(' "$EF") -ge 15 && $(grep -c '_Values_Compile.OkBool(' "$EF") == 1 ]] \
  || fail "Ok(Bool) sharing in $EF"
if grep -n 'Result_Ok{_[0-9]*_Values_Compile.Value{_[0-9]*_Values_Compile.Value_Bool{' $GEN_FILES >&2; then
  fail "Ok(Bool) sharing left a construction"
fi

# 5. Memo tables for ValueFromJson (Cedar values in entity attributes and
#    contexts, extension escapes) and UidFromJson (every uid), keyed by the
#    identity of the JSON value. Sound because:
#    - both are Dafny function methods (no state), and a JSON value is
#      immutable, so the same JSON value (same dynamic type and same data
#      pointer in Go) with the same other arguments gives the same result;
#    - the path argument, which the key leaves out, only words failure
#      messages: dafny/proofs/JsonProofs.dfy proves that a successful result
#      for one path is the result for every path; so only successful results
#      are remembered, and a failure is always computed afresh;
#    - a key holds the JSON value's pointer, which keeps the value alive, so
#      its address cannot be reused by another value while it is a key.
#    It pays because the Go reader shares the parsed value of every short
#    text it has seen (main.go.in), so uids, escapes and small records repeat
#    as the same value from line to line. Only objects and arrays are
#    remembered (scalars are cheaper to convert than to look up); a table is
#    emptied when it fills, so memory stays bounded; the binary is
#    single-threaded, so plain maps are safe.
JF=$(ls "$SRC"/*_JsonValues_Compile_/*.go)
JD=$(grep -o '_[0-9]*_JsonData_Compile\.Conv' "$JF" | head -1 | sed 's/\.Conv$//')
[[ -n "$JD" ]] || fail "JsonData import in $JF"
grep -q "^func (_this \*CompanionStruct_Default___) ValueFromJson(j $JD.Json, path $JD.Path, strictKeys bool, fuel uint32) $JD.Conv {" "$JF" \
  || fail "ValueFromJson's signature changed"
grep -q "^func (_this \*CompanionStruct_Default___) UidFromJson(j $JD.Json, path $JD.Path) $JD.Conv {" "$JF" \
  || fail "UidFromJson's signature changed"
rename_method "$JF" ValueFromJson valueFromJsonUncached
rename_method "$JF" UidFromJson uidFromJsonUncached
sed "s/@JD@/$JD/g" >> "$JF" <<'GO'

// Memo tables of ValueFromJson and UidFromJson; see
// model-runner/go/patch-model.sh for why they are sound.
type jsonIdentity [2]unsafe.Pointer // the Json's constructor value as an interface: type word, data word

func identityOf(j @JD@.Json) jsonIdentity {
	var d interface{} = j.Data_Json_
	return *(*jsonIdentity)(unsafe.Pointer(&d))
}

type valueMemoKey struct {
	j      jsonIdentity
	strict bool
	fuel   uint32
}

const jsonMemoEntries = 1 << 14

var (
	valueMemo = map[valueMemoKey]@JD@.Conv{}
	uidMemo   = map[jsonIdentity]@JD@.Conv{}
)

func (_this *CompanionStruct_Default___) ValueFromJson(j @JD@.Json, path @JD@.Path, strictKeys bool, fuel uint32) @JD@.Conv {
	if !j.Is_JObject() && !j.Is_JArray() {
		return _this.valueFromJsonUncached(j, path, strictKeys, fuel)
	}
	k := valueMemoKey{identityOf(j), strictKeys, fuel}
	if r, ok := valueMemo[k]; ok {
		return r
	}
	r := _this.valueFromJsonUncached(j, path, strictKeys, fuel)
	if r.Is_Done() {
		if len(valueMemo) >= jsonMemoEntries {
			valueMemo = map[valueMemoKey]@JD@.Conv{}
		}
		valueMemo[k] = r
	}
	return r
}

func (_this *CompanionStruct_Default___) UidFromJson(j @JD@.Json, path @JD@.Path) @JD@.Conv {
	if !j.Is_JObject() {
		return _this.uidFromJsonUncached(j, path)
	}
	k := identityOf(j)
	if r, ok := uidMemo[k]; ok {
		return r
	}
	r := _this.uidFromJsonUncached(j, path)
	if r.Is_Done() {
		if len(uidMemo) >= jsonMemoEntries {
			uidMemo = map[jsonIdentity]@JD@.Conv{}
		}
		uidMemo[k] = r
	}
	return r
}
GO
perl -0pi -e 's/^import \(\n/import (\n  "unsafe"\n/m' "$JF"
grep -q '"unsafe"' "$JF" && grep -q 'func (_this \*CompanionStruct_Default___) valueFromJsonUncached(' "$JF" || fail "JSON memo tables in $JF"

# 6. Lookup (behind every Field) unboxes the member's value from its tuple
#    and boxes it again into Some(...). The tuple already holds that same
#    value boxed, so hand it over as it is (its dynamic type is still checked,
#    without a copy).
DF=$(ls "$SRC"/*_JsonData_Compile_/*.go)
perl -0pi -e 's/(func \(_this \*CompanionStruct_Default___\) Lookup\(members _dafny\.Seq, k _dafny\.Seq\) Option \{\n(?:.*\n){3})    return Option\{Option_Some\{\(\*\(\(\(members\)\.Index\((_\d+_i)\)\.\(_dafny\.Tuple\)\)\)\.IndexInt\(1\)\)\.\(Json\)\}\}\n/$1    _boxed := *(((members).Index($2).(_dafny.Tuple))).IndexInt(1)\n    _ = _boxed.(Json)\n    return Option{Option_Some{_boxed}}\n/' "$DF"
grep -q '_ = _boxed.(Json)' "$DF" || fail "Lookup in $DF"

# 7. (The memo table of Protocol.ResponseToJson is an {:extern} function
#    with a stated postcondition now; its Go body is in model-runner/go/externs/.)
