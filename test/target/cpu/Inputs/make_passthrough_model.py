"""Writes the models of passthrough.test (ONNX 1.12's text format has no
sequence or optional types):

  python make_passthrough_model.py DIR

DIR/passthrough.onnx: a sequence xs of float [N, 2] and an optional float [3]
`maybe`, each passed on through Identity nodes, next to a computed tensor
b = a + a; outputs in the order ys, b, m2, so pass-through and computed outputs
interleave; m2 has no declared type (it takes its source's). DIR/sequence_length.onnx: SequenceLength of a sequence input, which
Strata cannot compute.
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def sequence_of(shape):
    return helper.make_sequence_type_proto(
        helper.make_tensor_type_proto(TensorProto.FLOAT, shape))


def write(path, nodes, inputs, outputs):
    graph = helper.make_graph(nodes, os.path.basename(path)[:-5], inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)


out = sys.argv[1]
optional_vector = helper.make_optional_type_proto(
    helper.make_tensor_type_proto(TensorProto.FLOAT, [3]))
write(os.path.join(out, "passthrough.onnx"),
      [helper.make_node("Identity", ["xs"], ["t"]),
       helper.make_node("Identity", ["t"], ["ys"]),
       helper.make_node("Identity", ["maybe"], ["m2"]),
       helper.make_node("Add", ["a", "a"], ["b"])],
      [helper.make_value_info("xs", sequence_of(["N", 2])),
       helper.make_value_info("maybe", optional_vector),
       helper.make_tensor_value_info("a", TensorProto.FLOAT, [3])],
      [helper.make_value_info("ys", sequence_of(["N", 2])),
       helper.make_tensor_value_info("b", TensorProto.FLOAT, [3]),
       helper.make_empty_tensor_value_info("m2")])
write(os.path.join(out, "sequence_length.onnx"),
      [helper.make_node("SequenceLength", ["xs"], ["n"])],
      [helper.make_value_info("xs", sequence_of([2]))],
      [helper.make_tensor_value_info("n", TensorProto.INT64, [])])
