"""Counts, per op family, the ONNX node tests whose function expansion
(`test_<family>*_expanded*`) compiles to the graph phase with exactly one of
the family's graph op and none of the primitive ops the expansion is made of.
Prints one line per family and the names of the tests that did not raise, and
fails when a family that must raise entirely (every one but attention, whose
count the lit test pins) misses one. The
node tests are generated from the pinned onnx package into the build tree first
(test/conformance/generate_testdata.py, cached)."""

import argparse
import os
import pathlib
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "conformance"))
import generate_testdata  # noqa: E402

# family: (test name prefix, raised op, primitive ops that must be gone)
FAMILIES = {
    "layer_norm": ("test_layer_normalization_", "graph.layer_norm",
                   ["graph.reduce", "graph.sqrt", "graph.div", "graph.sub"]),
    "rms_norm": ("test_rms_normalization_", "graph.rms_norm",
                 ["graph.reduce", "graph.sqrt", "graph.div"]),
    "gelu": ("test_gelu_", "graph.gelu", ["graph.erf", "graph.tanh", "graph.pow"]),
    "attention": ("test_attention_", "graph.attention", ["graph.softmax"]),
}
# Families of which only some expansions raise (their count is checked by the
# lit test instead).
PARTIAL = {"attention"}


def op_counts(ir):
    counts = {}
    for op in re.findall(r"= (graph\.[a-z_]+)", ir):
        counts[op] = counts.get(op, 0) + 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--data-dir", required=True, type=pathlib.Path,
                        help="where generate_testdata.py writes (and caches) its sets")
    args = parser.parse_args()
    generate_testdata.ensure(str(args.data_dir), ["onnx-node"])
    node_tests = args.data_dir / "onnx-node"
    failed = False
    for family, (prefix, op, primitives) in FAMILIES.items():
        cases = sorted(p for p in node_tests.glob(prefix + "*_expanded*") if p.is_dir())
        missed = []
        for case in cases:
            run = subprocess.run([args.stratac, "compile", str(case / "model.onnx"),
                                  "--compile-to=graph"], capture_output=True, text=True)
            counts = op_counts(run.stdout)
            if run.returncode != 0 or counts.get(op, 0) != 1 or any(
                    counts.get(p, 0) for p in primitives):
                missed.append(case.name)
        print(f"{family}: {len(cases) - len(missed)} of {len(cases)} raised")
        for name in missed:
            print(f"  not raised: {name}")
        failed |= (bool(missed) and family not in PARTIAL) or not cases
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
