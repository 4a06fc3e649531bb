"""Writes the models of input-defaults.test, their inputs, and onnxruntime's
outputs for them:

  defaults.onnx (IR version 8): y = x + b, z = i * k, w = not m, where b, k
    and m are inputs whose initializers are their defaults. b is float[cols]
    (dynamic, named like x's second dimension) with 70 values (raw data, so
    a blob), k int64[3], m bool[2].
  constants.onnx (IR version 3): y = x + b, with the initializer b listed as
    an input, as IR version 3 required: b is a constant there.

onnxruntime runs defaults.onnx without b, k and m (their defaults) into
default_<output>.npy and with them (overridden) into override_<output>.npy,
and constants.onnx into constants_y.npy; it refuses b for constants.onnx.

  python make_input_defaults_model.py OUT_DIR
"""
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(7)
cols = 70


def save_model(graph, opset, ir_version, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = ir_version
    onnx.checker.check_model(model)
    onnx.save(model, path)
    options = ort.SessionOptions()
    # Not the warning that b of defaults.onnx cannot be folded as a constant.
    options.log_severity_level = 3
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


defaults = helper.make_graph(
    [helper.make_node("Add", ["x", "b"], ["y"]),
     helper.make_node("Mul", ["i", "k"], ["z"]),
     helper.make_node("Not", ["m"], ["w"])],
    "defaults",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, "cols"]),
     helper.make_tensor_value_info("b", TensorProto.FLOAT, ["cols"]),
     helper.make_tensor_value_info("i", TensorProto.INT64, [3]),
     helper.make_tensor_value_info("k", TensorProto.INT64, [3]),
     helper.make_tensor_value_info("m", TensorProto.BOOL, [2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, "cols"]),
     helper.make_tensor_value_info("z", TensorProto.INT64, [3]),
     helper.make_tensor_value_info("w", TensorProto.BOOL, [2])],
    [numpy_helper.from_array(rng.standard_normal(cols).astype(np.float32), "b"),
     numpy_helper.from_array(np.array([4, 5, 6], np.int64), "k"),
     numpy_helper.from_array(np.array([True, False]), "m")],
)
session = save_model(defaults, 17, 8, f"{out}/defaults.onnx")
given = {"x": rng.standard_normal((2, cols)).astype(np.float32),
         "i": np.array([1, 2, 3], np.int64)}
overrides = {"b": rng.standard_normal(cols).astype(np.float32),
             "k": np.array([-1, 0, 7], np.int64),
             "m": np.array([False, False])}
for name, value in {**given, **overrides}.items():
    np.save(f"{out}/{name}.npy", value)
names = [o.name for o in session.get_outputs()]
for prefix, feeds in [("default", given), ("override", {**given, **overrides})]:
    for name, value in zip(names, session.run(None, feeds)):
        np.save(f"{out}/{prefix}_{name}.npy", value)

constants = helper.make_graph(
    [helper.make_node("Add", ["x", "b"], ["y"])],
    "constants",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, cols]),
     helper.make_tensor_value_info("b", TensorProto.FLOAT, [cols])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, cols])],
    [numpy_helper.from_array(rng.standard_normal(cols).astype(np.float32), "b")],
)
session = save_model(constants, 8, 3, f"{out}/constants.onnx")
np.save(f"{out}/constants_y.npy", session.run(None, {"x": given["x"]})[0])
try:
    session.run(None, {"x": given["x"], "b": overrides["b"]})
    sys.exit("onnxruntime let b of an IR version 3 model be overridden")
except ort.capi.onnxruntime_pybind11_state.InvalidArgument:
    pass
