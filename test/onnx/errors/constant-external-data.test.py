"""Writes a model whose one Constant node's value tensor refers to external data
in 'secret.bin', relative to no folder."""
import sys

from onnx import helper, TensorProto

value = TensorProto(name="v", data_type=TensorProto.FLOAT, dims=[1],
                    data_location=TensorProto.EXTERNAL)
entry = value.external_data.add()
entry.key, entry.value = "location", "secret.bin"
graph = helper.make_graph(
    [helper.make_node("Constant", [], ["y"], name="c", value=value)], "g", [],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
with open(sys.argv[1], "wb") as f:
    f.write(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
            .SerializeToString())
