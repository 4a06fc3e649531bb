"""Writes a one-MatMul ONNX model whose weight lives in an external data file, then
damages the data file as asked, for the importer's bad-input tests."""
import argparse
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--drop-data", action="store_true")
    parser.add_argument("--truncate-data", action="store_true")
    args = parser.parse_args()
    weight = numpy_helper.from_array(np.ones((64, 64), np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save_model(model, args.path, save_as_external_data=True,
                    location="weights.bin", size_threshold=0)
    data = os.path.join(os.path.dirname(args.path), "weights.bin")
    if args.drop_data:
        os.remove(data)
    if args.truncate_data:
        with open(data, "r+b") as f:
            f.truncate(100)


if __name__ == "__main__":
    main()
