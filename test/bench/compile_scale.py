"""Compile time against graph size: a chain of N nodes (a repeating MatMul, Add,
Relu pattern over a [1, 16] tensor with one shared [16, 16] weight, so that every
node keeps its own buffer) compiled for the CPU, for each N given. Prints N,
stratac's wall time, its peak RSS and the time per node; asserts nothing.

  python compile_scale.py --stratac build/bin/stratac [--nodes 10000 30000 100000]
"""
import argparse
import os
import resource
import subprocess
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PATTERN = ("MatMul", "Add", "Relu")


def chain_model(nodes):
    weight = numpy_helper.from_array(np.full((16, 16), 0.0625, np.float32), "w")
    bias = numpy_helper.from_array(np.full((16,), 0.5, np.float32), "b")
    graph_nodes = []
    value = "x"
    for i in range(nodes):
        op = PATTERN[i % len(PATTERN)]
        inputs = {"MatMul": [value, "w"], "Add": [value, "b"], "Relu": [value]}[op]
        output = "y" if i == nodes - 1 else f"v{i}"
        graph_nodes.append(helper.make_node(op, inputs, [output], name=f"n{i}"))
        value = output
    graph = helper.make_graph(
        graph_nodes, "chain", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 16])], [weight, bias])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--nodes", type=int, nargs="+", default=[10000, 30000, 100000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for n in args.nodes:
            path = os.path.join(work, f"chain{n}.onnx")
            onnx.save_model(chain_model(n), path)
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            result = subprocess.run([args.stratac, "compile", path, "-o",
                                     os.path.join(work, "out", f"chain{n}")],
                                    capture_output=True, text=True)
            elapsed = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            if result.returncode != 0:
                print(f"{n:>7} nodes: stratac failed ({result.returncode}): "
                      f"{result.stderr.strip()[-500:]}")
                continue
            rss = f"{peak / 1024:.0f} MiB" if peak > before else "(below an earlier run's)"
            print(f"{n:>7} nodes: {elapsed:7.1f} s, peak RSS {rss}, "
                  f"{elapsed / n * 1e3:.2f} ms per node", flush=True)


if __name__ == "__main__":
    main()
