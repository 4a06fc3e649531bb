"""Writes the models of passthrough.test (ONNX 1.12's text format has no
sequence or optional types):

  python make_passthrough_model.py DIR

DIR/passthrough.onnx: a sequence xs of float [N, 2] and an optional float [3]
`maybe`, each passed on through Identity nodes, next to a computed tensor
b = a + a; outputs in the order ys, b, m2, so pass-through and computed outputs
interleave; m2 has no declared type (it takes its source's).
DIR/only_passthrough.onnx: an optional sequence passed on twice, through an
Identity and directly; no tensor inputs and nothing computed.
Refused: DIR/sequence_length.onnx (SequenceLength of a sequence input, which
Strata cannot compute), DIR/map_input.onnx (a map input) and
DIR/mismatch.onnx (an output declared as a sequence of another shape than the
input it passes on).
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
optional_sequence = helper.make_optional_type_proto(sequence_of([2]))
write(os.path.join(out, "only_passthrough.onnx"),
      [helper.make_node("Identity", ["opt_seq"], ["o1"])],
      [helper.make_value_info("opt_seq", optional_sequence)],
      [helper.make_value_info("o1", optional_sequence),
       helper.make_value_info("opt_seq", optional_sequence)])
write(os.path.join(out, "map_input.onnx"),
      [helper.make_node("Identity", ["m"], ["m2"])],
      [helper.make_value_info("m", helper.make_map_type_proto(
          TensorProto.INT64, helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))],
      [helper.make_value_info("m2", helper.make_map_type_proto(
          TensorProto.INT64, helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))])
write(os.path.join(out, "mismatch.onnx"),
      [helper.make_node("Identity", ["xs"], ["ys"])],
      [helper.make_value_info("xs", sequence_of(["N", 2]))],
      [helper.make_value_info("ys", sequence_of([3]))])
