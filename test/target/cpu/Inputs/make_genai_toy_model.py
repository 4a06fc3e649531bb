"""Writes a toy decoder with the input and output conventions of onnxruntime-genai's
model builder for generate-genai.test: int32 input_ids [batch, sequence] and
attention_mask [batch, total], GroupQueryAttention's int32 seqlens_k [batch] and
total_sequence_length (a scalar), an fp16 cache past_key_values.0.key
[batch, 1, past, 2] with its present.0.key, and fp16 logits [batch, sequence, 8].
The next token after id t in row b is (t + seqlens_k[b] + sum(attention_mask[b]) +
total_sequence_length) mod 8, so the tokens show how each input is fed.

  python make_genai_toy_model.py OUT.onnx
"""
import sys

import onnx
from onnx import TensorProto, helper

nodes = [
    helper.make_node("Cast", ["input_ids"], ["ids"], to=TensorProto.INT64),
    helper.make_node("Cast", ["seqlens_k"], ["lengths"], to=TensorProto.INT64),
    helper.make_node("Unsqueeze", ["lengths", "axis1"], ["lengths_column"]),
    helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.INT64),
    helper.make_node("ReduceSum", ["mask", "axis1"], ["mask_sum"], keepdims=1),
    helper.make_node("Cast", ["total_sequence_length"], ["total"], to=TensorProto.INT64),
    helper.make_node("Add", ["ids", "lengths_column"], ["a"]),
    helper.make_node("Add", ["a", "mask_sum"], ["b"]),
    helper.make_node("Add", ["b", "total"], ["c"]),
    helper.make_node("Mod", ["c", "eight"], ["next"]),
    helper.make_node("OneHot", ["next", "eight", "onehot_values"], ["onehot"], axis=-1),
    helper.make_node("Cast", ["onehot"], ["logits"], to=TensorProto.FLOAT16),
    helper.make_node("Cast", ["input_ids"], ["ids_half"], to=TensorProto.FLOAT16),
    helper.make_node("Unsqueeze", ["ids_half", "kv_axes"], ["ids_kv"]),
    helper.make_node("Expand", ["ids_kv", "kv_shape"], ["kv"]),
    helper.make_node("Concat", ["past_key_values.0.key", "kv"], ["present.0.key"], axis=2),
]
consts = [
    helper.make_tensor("axis1", TensorProto.INT64, [1], [1]),
    helper.make_tensor("eight", TensorProto.INT64, [], [8]),
    helper.make_tensor("onehot_values", TensorProto.FLOAT, [2], [0.0, 1.0]),
    helper.make_tensor("kv_axes", TensorProto.INT64, [2], [1, 3]),
    helper.make_tensor("kv_shape", TensorProto.INT64, [4], [1, 1, 1, 2]),
]
graph = helper.make_graph(
    nodes, "genai_toy",
    [helper.make_tensor_value_info("input_ids", TensorProto.INT32, ["batch", "sequence"]),
     helper.make_tensor_value_info("attention_mask", TensorProto.INT32, ["batch", "total"]),
     helper.make_tensor_value_info("past_key_values.0.key", TensorProto.FLOAT16,
                                   ["batch", 1, "past", 2]),
     helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, ["batch"]),
     helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, [])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT16, ["batch", "sequence", 8]),
     helper.make_tensor_value_info("present.0.key", TensorProto.FLOAT16,
                                   ["batch", 1, "total", 2])],
    consts)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])
