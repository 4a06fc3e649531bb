"""Trains a linear layer y = x W whose weight, input and target are f16,
under a mean squared error with SGD, for two steps, and checks that the
losses the program prints are numpy's (computed in f32 from the same f16
values, within 1 %) and that the second step's is lower: the loop reads the
f16 loss and writes the f16 learning rate and step number as such (it once
read and wrote them as f32, past their 2 bytes).

  python check_half_weights.py --stratac build/bin/stratac --work DIR
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(2)
    w, x, t = (rng.uniform(-1, 1, shape).astype(np.float16) for shape in ((8, 8), (4, 8), (4, 8)))
    graph = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "linear",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [4, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [4, 8])],
                              [numpy_helper.from_array(w, "w")])
    model = os.path.join(args.work, "linear.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), model)
    batches = os.path.join(args.work, "linear.npz")
    np.savez(batches, x[None], t[None])
    exe = os.path.join(args.work, "linear")
    subprocess.run([args.stratac, "compile", model, "--loss=mse:y,t", "--train",
                    "--optimizer=sgd", "-o", exe], check=True)
    out = subprocess.run([exe, "--train", "--data", batches, "--steps", "2", "--lr", "0.1"],
                         check=True, capture_output=True, text=True).stdout
    losses = [float(v) for v in re.findall(r"loss ([0-9.]+)", out)]
    f32 = [a.astype(np.float32) for a in (x, w, t)]
    expected = float(np.mean((f32[0] @ f32[1] - f32[2]) ** 2))
    print(f"f16 weights: losses {losses}, numpy's first {expected:.6f}")
    if len(losses) != 2 or abs(losses[0] - expected) > 0.01 * expected:
        sys.exit("FAIL: the first loss is not numpy's")
    if not losses[1] < losses[0]:
        sys.exit("FAIL: the second step's loss is not lower")
    print("ok")


if __name__ == "__main__":
    main()
