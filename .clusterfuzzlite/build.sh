#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script: builds the model and the fuzz
# targets, and copies into $OUT every target, the model binary (a target
# finds it beside its own executable), each target's seed corpus as
# <target>_seed_corpus.zip, and dictionaries with their .options.
#
# Inside the builder image $SRC, $OUT and $SANITIZER are set by
# ClusterFuzzLite; scripts/cflite-check runs this script outside Docker with
# temporary folders and SANITIZER=none (reusing the local fuzz build cache).
cd "$SRC/cedar-drt"

# The model. The image's Debian stage has built it already (the Rust builder
# has no Dafny); elsewhere scripts/build-model verifies and builds it (or
# finds it up to date).
if command -v dafny >/dev/null 2>&1 || [ ! -x model-runner/build/model-runner ]; then
  scripts/build-model
else
  echo "build.sh: using the model built by the image's Debian stage"
fi
cp model-runner/build/model-runner "$OUT/model-runner"

# The targets: one build, without compare tracing (the generator-driven
# targets read their bytes as choices, not compared values: a third faster),
# with debug assertions (overflow checks too), as OSS-Fuzz builds Rust and as
# scripts/fuzz-build does (same flags: scripts/cflite-check reuses its cache).
# Sanitizer builds leave out mimalloc so that ASan sees every allocation.
flags=(-O --debug-assertions --no-trace-compares)
case "${SANITIZER:-address}" in
  none) flags+=(--sanitizer none) ;;
  address|memory|undefined) flags+=(--no-default-features) ;;
esac
# Coverage counters go into the engine and the generators only
# (scripts/fuzz-rustc), as in scripts/fuzz-build.
export RUSTC_WRAPPER="$PWD/scripts/fuzz-rustc"
cd fuzz
RUSTC_BOOTSTRAP=${RUSTC_BOOTSTRAP:-1} cargo fuzz build "${flags[@]}"
BIN="${CARGO_TARGET_DIR:-$PWD/target}/x86_64-unknown-linux-gnu/release"
TARGETS=$(cargo fuzz list)
cd ..
for t in $TARGETS; do
  cp "$BIN/$t" "$OUT/$t"
  seeds=$(mktemp -d)
  scripts/seed-corpus "$t" "$seeds"
  if [ -n "$(ls -A "$seeds")" ]; then
    (cd "$seeds" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
  fi
  rm -rf "$seeds"
done
# parser-bytes reads Cedar text and JSON: give it the language's tokens.
cp fuzz/dict/cedar.dict "$OUT/parser-bytes.dict"
printf '[libfuzzer]\ndict = parser-bytes.dict\n' >"$OUT/parser-bytes.options"
