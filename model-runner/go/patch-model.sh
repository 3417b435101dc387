#!/usr/bin/env bash
# Speed patches to the generated model code (not the runtime), applied after
# each translation. Usage: patch-model.sh path/to/model-go/src
set -euo pipefail
SRC="$1"

fail() { echo "model patch failed: $*" >&2; exit 1; }

# 1. (The memo tables of ExtFun.Construct and JsonValues.IsName are no longer
#    patches: both are {:extern} function methods with a stated postcondition,
#    their Go bodies in model-runner/go/externs/.)

# Every generated package (not the runtime, not the Go main).
GEN_FILES=$(ls "$SRC"/*_Compile_/*.go)

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

# 7. (The memo table of Protocol.ResponseToJson is an {:extern} function
#    with a stated postcondition now; its Go body is in model-runner/go/externs/.)
