#!/usr/bin/env bash
# Prefixes every symbol a captured program defines (capture-program.sh), so
# that several link into one binary:
#
#   rename-program.sh DIR PREFIX
#
# renames the global symbols DIR/model.o defines, and writes DIR/rename.h, to
# be included first when DIR/model.cpp is compiled, which renames the same
# symbols there and strata_compiled_model to PREFIXmodel.
set -euo pipefail
dir=$1
prefix=$2
symbols=$(nm --defined-only --extern-only --format=just-symbols "$dir/model.o")
: > "$dir/renames.txt"
echo "#define strata_compiled_model ${prefix}model" > "$dir/rename.h"
for symbol in $symbols; do
  echo "$symbol $prefix$symbol" >> "$dir/renames.txt"
  echo "#define $symbol $prefix$symbol" >> "$dir/rename.h"
done
objcopy --redefine-syms="$dir/renames.txt" "$dir/model.o"
