#!/usr/bin/env bash
# Runs one of the runtime's fuzzers for a fixed time in a scratch directory, so
# the source tree is never written to. Exits non-zero when the fuzzer finds a
# crash; the reproducer is left in WORKDIR/crashes/.
#
#   run-runtime-fuzzer.sh FUZZER SECONDS WORKDIR SEEDS [LIBFUZZER_FLAG...]
#
# SEEDS names the seed corpus: `arrays` (the runtime tests' .npy and .npz
# fixtures and the test models' saved inputs), `weights` (the weights files of
# the program fuzzer's models, next to FUZZER) or `program` (none: its inputs
# are choices, not a format). Extra flags go to libFuzzer.
set -euo pipefail
fuzzer=$(realpath "$1")
seconds=$2
workdir=$3
seeds=$4
shift 4
root=$(cd "$(dirname "$0")/../.." && pwd)

rm -rf "$workdir"
mkdir -p "$workdir/corpus" "$workdir/seeds" "$workdir/crashes"
case "$seeds" in
  arrays)
    cp "$root"/test/runtime/data/*.npy "$root"/test/runtime/data/*.npz \
      "$root"/test/models/*/*.npz "$workdir/seeds/" ;;
  weights)
    for model in "$(dirname "$fuzzer")"/*/model.weights; do
      cp "$model" "$workdir/seeds/$(basename "$(dirname "$model")").weights"
    done ;;
  program) ;;
  *) echo "run-runtime-fuzzer.sh: unknown seeds '$seeds'" >&2; exit 2 ;;
esac

# As for the importer fuzzer (run-fuzzer.sh): no manual poisoning, which
# LLVM's allocators in an uninstrumented library would trip over.
export ASAN_OPTIONS=allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}

cd "$workdir"
exec "$fuzzer" corpus seeds -max_total_time="$seconds" -max_len=1000000 \
  -timeout=30 -rss_limit_mb=4096 -artifact_prefix=crashes/ -print_final_stats=1 "$@"
