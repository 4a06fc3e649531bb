"""Writes a model whose untrained initializer (a 65 MiB uint8 table, read by
a Gather) is larger than a training program carries for --export-onnx: y =
x W + float(table[0]), with the trained weight W [4, 4] and x [2, 4].

  python large_untrained_model.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

graph = helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["p"]),
     helper.make_node("Gather", ["table", "zero"], ["b"]),
     helper.make_node("Cast", ["b"], ["bf"], to=TensorProto.FLOAT),
     helper.make_node("Add", ["p", "bf"], ["y"])], "large_untrained",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])],
    [numpy_helper.from_array(np.ones((4, 4), np.float32), "w"),
     numpy_helper.from_array(np.zeros(65 << 20, np.uint8), "table"),
     numpy_helper.from_array(np.array(0, np.int64), "zero")])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), sys.argv[1])
