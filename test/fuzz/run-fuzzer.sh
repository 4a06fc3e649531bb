#!/usr/bin/env bash
# Runs the importer fuzzer for a fixed time on the seed corpus, in a scratch
# directory so the source tree is never written to. Exits non-zero when the
# fuzzer finds a crash; the reproducer is left in WORKDIR/crashes/.
#
#   run-fuzzer.sh FUZZER SECONDS WORKDIR [LIBFUZZER_FLAG...]
#
# Seeds: the exported test models (test/models/*/*.onnx), the importer's text
# tests as binary (test/fuzz/seeds/, see make_seeds.py), the inputs that once
# crashed it (test/fuzz/regressions/) and the model of every ONNX backend node
# test (under $NODE_TEST_DIR, default libonnx-testdata's).
# Extra flags go to libFuzzer; a long run that should collect every crash instead
# of stopping at the first passes `-fork=1 -ignore_crashes=1`.
set -euo pipefail
fuzzer=$(realpath "$1")
seconds=$2
workdir=$3
shift 3
node_dir=${NODE_TEST_DIR:-/usr/share/libonnx-testdata/data/node}
root=$(cd "$(dirname "$0")/../.." && pwd)

rm -rf "$workdir"
mkdir -p "$workdir/corpus" "$workdir/seeds" "$workdir/crashes"
cp "$root"/test/models/*/*.onnx "$root"/test/fuzz/seeds/*.onnx \
  "$root"/test/fuzz/regressions/*.onnx "$workdir/seeds/"
if [ -d "$node_dir" ]; then
  for model in "$node_dir"/*/model.onnx; do
    cp "$model" "$workdir/seeds/node-$(basename "$(dirname "$model")").onnx"
  done
fi

# LLVM's BumpPtrAllocator poisons the unused part of each slab when it is
# compiled with ASan, as the importer's inlined copies are, but not in the
# uninstrumented libMLIR.so; when both allocate from one slab (the context's
# attribute storage), libMLIR writes into memory the instrumented copy
# poisoned, a false use-after-poison. Manual poisoning is therefore off; ASan's
# own redzones still catch every out-of-bounds access and use after free.
export ASAN_OPTIONS=allow_user_poisoning=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}

cd "$workdir"
# New inputs go to corpus/ (the first directory); crashes, timeouts and
# out-of-memory reproducers to crashes/.
exec "$fuzzer" corpus seeds -max_total_time="$seconds" -max_len=1000000 \
  -timeout=30 -rss_limit_mb=4096 -artifact_prefix=crashes/ -print_final_stats=1 "$@"
