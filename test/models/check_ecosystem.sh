#!/usr/bin/env bash
# The ecosystem exports as a test: writes them with export_ecosystem.py (in the
# export virtual environment, which has torch, transformers, optimum-onnx and
# onnxruntime-genai) into OUT/ecosystem, unless they are there already from the
# same version of the script, and checks each against onnxruntime with
# check_models.py. Nothing is downloaded (the committed copies in
# test/models/ecosystem are checked by the models test). Exits 77 (skipped) when
# the export environment is missing: `tools/setup --export-deps` creates it.
#
#   check_ecosystem.sh EXPORT_PYTHON PYTHON STRATAC OUT
set -euo pipefail
export_python=$1 python=$2 stratac=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
if ! "$export_python" -c 'import torch, transformers, optimum.exporters.onnx, onnxruntime_genai' \
    2>/dev/null; then
  echo "skipped: the export environment is missing (tools/setup --export-deps)"
  exit 77
fi
stamp=$(sha256sum "$here/export_ecosystem.py" | cut -c1-16)
if [ "$(cat "$out/stamp" 2>/dev/null)" != "$stamp" ]; then
  rm -rf "$out"
  mkdir -p "$out"
  "$export_python" "$here/export_ecosystem.py" --out "$out/ecosystem"
  echo "$stamp" > "$out/stamp"
fi
exec "$python" "$here/check_models.py" --stratac "$stratac" --models "$out"
