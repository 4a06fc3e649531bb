"""Writes a model y = x @ w + b with a 64x32 weight (8 KiB, so it goes to the
weights file), the weight, and a matching input and expected output, for
weights-file.test.

  python make_weights_model.py OUT_DIR SEED
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out, seed = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(seed)
w = rng.standard_normal((64, 32)).astype(np.float32)
b = rng.standard_normal((32,)).astype(np.float32)
x = rng.standard_normal((4, 64)).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["y"])],
    "affine",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 64])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 32])],
    [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.save(model, f"{out}/affine.onnx")
np.save(f"{out}/w.npy", w)
np.save(f"{out}/x.npy", x)
np.save(f"{out}/expected.npy", x @ w + b)
