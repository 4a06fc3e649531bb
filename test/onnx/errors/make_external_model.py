"""Writes a one-MatMul ONNX model whose weight lives in an external data file, then
damages the data file or the weight's external_data entries as asked, for the
importer's bad-input tests."""
import argparse
import codecs
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--drop-data", action="store_true")
    parser.add_argument("--truncate-data", action="store_true")
    parser.add_argument("--location", help="the weight's external data location, with "
                        "backslash escapes decoded (\\0 for a NUL)")
    parser.add_argument("--offset", help="the weight's external data offset")
    parser.add_argument("--length", help="the weight's external data length")
    args = parser.parse_args()
    weight = numpy_helper.from_array(np.ones((64, 64), np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    data = os.path.join(os.path.dirname(args.path), "weights.bin")
    # onnx appends to an existing data file.
    if os.path.lexists(data):
        os.remove(data)
    onnx.save_model(model, args.path, save_as_external_data=True,
                    location="weights.bin", size_threshold=0)
    if args.drop_data:
        os.remove(data)
    if args.truncate_data:
        with open(data, "r+b") as f:
            f.truncate(100)
    location = None if args.location is None else codecs.decode(args.location, "unicode_escape")
    overrides = {"location": location, "offset": args.offset, "length": args.length}
    if any(v is not None for v in overrides.values()):
        model = onnx.load_model(args.path, load_external_data=False)
        entries = model.graph.initializer[0].external_data
        for key, value in overrides.items():
            if value is None:
                continue
            for entry in entries:
                if entry.key == key:
                    entry.value = value
                    break
            else:
                entries.add(key=key, value=value)
        # Written as is: onnx.save_model would rewrite the external data.
        with open(args.path, "wb") as f:
            f.write(model.SerializeToString())


if __name__ == "__main__":
    main()
