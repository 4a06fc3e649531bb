"""Measures stratac's import time and peak memory on a model whose weights (>= 1 GiB
by default) live in an external data file. Prints figures; asserts nothing."""
import argparse
import os
import resource
import subprocess
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper


def write_model(directory, gib):
    """A chain of MatMuls over 4096x4096 float weights stored in weights.bin."""
    dim = 4096
    layers = max(1, int(gib * (1 << 30) // (dim * dim * 4)))
    data_path = os.path.join(directory, "weights.bin")
    initializers, nodes = [], []
    block = np.random.default_rng(0).standard_normal((dim, dim), dtype=np.float32)
    with open(data_path, "wb") as f:
        for i in range(layers):
            offset = f.tell()
            block.tofile(f)
            t = TensorProto(name=f"w{i}", data_type=TensorProto.FLOAT, dims=[dim, dim])
            t.data_location = TensorProto.EXTERNAL
            for key, value in (("location", "weights.bin"), ("offset", str(offset)),
                               ("length", str(block.nbytes))):
                entry = t.external_data.add()
                entry.key, entry.value = key, value
            initializers.append(t)
            nodes.append(helper.make_node("MatMul", [f"h{i}", f"w{i}"], [f"h{i + 1}"]))
    graph = helper.make_graph(
        nodes, "bench",
        [helper.make_tensor_value_info("h0", TensorProto.FLOAT, ["batch", dim])],
        [helper.make_tensor_value_info(f"h{layers}", TensorProto.FLOAT, ["batch", dim])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    path = os.path.join(directory, "model.onnx")
    onnx.save_model(model, path)
    return path, os.path.getsize(data_path), layers


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--gib", type=float, default=1.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        path, weight_bytes, layers = write_model(directory, args.gib)
        start = time.perf_counter()
        subprocess.run([args.stratac, "import", path, "-o", os.devnull], check=True)
        elapsed = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak = peak_kib * 1024
    print(f"model: {layers} MatMul layers, {weight_bytes / (1 << 30):.2f} GiB of external "
          f"weights")
    print(f"import time: {elapsed:.2f} s")
    print(f"peak RSS: {peak / (1 << 20):.1f} MiB "
          f"({100.0 * peak / weight_bytes:.1f}% of the weights; target < 25%)")


if __name__ == "__main__":
    main()
