#!/usr/bin/env bash
# Compiles an ONNX model with stratac and keeps the pieces its link step gets,
# for a fuzz target that links them with an instrumented runtime instead of
# the program's main:
#
#   capture-program.sh STRATAC MODEL.onnx OUTDIR [stratac compile options...]
#
# writes OUTDIR/model.o (the compiled code), OUTDIR/model.cpp (the generated
# description, strata_compiled_model) and OUTDIR/model.weights. stratac links
# with the C++ compiler driver `c++` found on PATH (docs/executable.md); a
# stand-in first on PATH copies those inputs out, then runs the real one.
set -euo pipefail
stratac=$1
model=$2
outdir=$(mkdir -p "$3" && cd "$3" && pwd)
shift 3
real=$(command -v c++)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
cat > "$work/bin/c++" <<STANDIN
#!/usr/bin/env bash
for arg in "\$@"; do
  case "\$arg" in
    *.o|*/model.cpp) cp "\$arg" "$outdir/" ;;
  esac
done
exec "$real" "\$@"
STANDIN
chmod +x "$work/bin/c++"
PATH="$work/bin:$PATH" "$stratac" compile "$model" -o "$work/program" "$@"
cp "$work/program.weights" "$outdir/model.weights"
test -f "$outdir/model.o" && test -f "$outdir/model.cpp"
