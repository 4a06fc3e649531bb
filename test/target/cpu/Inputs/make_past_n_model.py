"""Writes a toy decoder in onnxruntime's cache convention for generate-past-n.test:
input_ids [1, S] and past_0 [2, 1, 1, P, 2] in, logits [1, S, 4] and present_0
[2, 1, 1, P + S, 2] out. The next token after id t is (t + 1 + P) mod 4, P being
the past length, so the tokens show whether the cache grows step by step.
With --step-input, the 1 in that sum is an int64 input `step` whose
initializer (1) is its default.

  python make_past_n_model.py OUT.onnx [--step-input]
"""
import sys

import onnx
from onnx import TensorProto, helper

nodes = [
    helper.make_node("Shape", ["past_0"], ["past_shape"]),
    helper.make_node("Gather", ["past_shape", "three"], ["past_len"], axis=0),
    helper.make_node("Add", ["input_ids", "past_len"], ["shifted"]),
    helper.make_node("Add", ["shifted", "step"], ["next_raw"]),
    helper.make_node("Mod", ["next_raw", "four"], ["next"]),
    helper.make_node("OneHot", ["next", "four", "onehot_values"], ["logits"], axis=-1),
    helper.make_node("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
    helper.make_node("Unsqueeze", ["ids_f", "kv_axes"], ["ids_kv"]),
    helper.make_node("Shape", ["input_ids"], ["ids_shape"]),
    helper.make_node("Gather", ["ids_shape", "one_idx"], ["seq"], axis=0),
    helper.make_node("Concat", ["kv_prefix", "seq", "two"], ["kv_shape"], axis=0),
    helper.make_node("Expand", ["ids_kv", "kv_shape"], ["kv"]),
    helper.make_node("Concat", ["past_0", "kv"], ["present_0"], axis=3),
]
consts = [
    helper.make_tensor("three", TensorProto.INT64, [], [3]),
    helper.make_tensor("step", TensorProto.INT64, [], [1]),
    helper.make_tensor("four", TensorProto.INT64, [], [4]),
    helper.make_tensor("onehot_values", TensorProto.FLOAT, [2], [0.0, 1.0]),
    helper.make_tensor("kv_axes", TensorProto.INT64, [3], [0, 1, 4]),
    helper.make_tensor("one_idx", TensorProto.INT64, [1], [1]),
    helper.make_tensor("kv_prefix", TensorProto.INT64, [3], [2, 1, 1]),
    helper.make_tensor("two", TensorProto.INT64, [1], [2]),
]
inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, "sequence"]),
          helper.make_tensor_value_info("past_0", TensorProto.FLOAT, [2, 1, 1, "past", 2])]
if "--step-input" in sys.argv[2:]:
    inputs.append(helper.make_tensor_value_info("step", TensorProto.INT64, []))
graph = helper.make_graph(
    nodes, "past_n", inputs,
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, "sequence", 4]),
     helper.make_tensor_value_info("present_0", TensorProto.FLOAT, [2, 1, 1, "total", 2])],
    consts)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])
