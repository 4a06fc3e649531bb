"""Writes the model of segments.test, long enough that the CPU target cuts its
entry function into segments, and onnxruntime's outputs for one input:

  python make_long_chain_model.py DIR

DIR/chain.onnx: 2,500 groups of MatMul (by one of four [16, 16] weights, 0.4
times a random orthogonal matrix), Add and Relu over a [1, 16] input x. The
Add adds x, except in every 97th group, where it adds the Relu output of the
group 300 before (a value that crosses segments). Outputs: y, the last Relu,
and early, the Relu of group 10 (computed in the first segment).
DIR/x.npy: the input; DIR/ort_y.npy, DIR/ort_early.npy: onnxruntime's outputs.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

GROUPS = 2500
SKIP_EVERY, SKIP_BACK = 97, 300


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(7)
    weights = [numpy_helper.from_array(
        (0.4 * np.linalg.qr(rng.standard_normal((16, 16)))[0]).astype(np.float32), f"w{k}")
        for k in range(4)]
    nodes, relu = [], []
    value = "x"
    for g in range(GROUPS):
        nodes.append(helper.make_node("MatMul", [value, f"w{g % 4}"], [f"m{g}"]))
        addend = relu[g - SKIP_BACK] if g % SKIP_EVERY == 0 and g >= SKIP_BACK else "x"
        nodes.append(helper.make_node("Add", [f"m{g}", addend], [f"a{g}"]))
        value = "y" if g == GROUPS - 1 else f"r{g}"
        nodes.append(helper.make_node("Relu", [f"a{g}"], [value]))
        relu.append(value)
    nodes.append(helper.make_node("Identity", [relu[10]], ["early"]))
    tensor = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 16])
    graph = helper.make_graph(nodes, "chain", [tensor("x")], [tensor("y"), tensor("early")],
                              weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save_model(model, os.path.join(out, "chain.onnx"))

    x = rng.standard_normal((1, 16)).astype(np.float32)
    np.save(os.path.join(out, "x.npy"), x)
    session = onnxruntime.InferenceSession(os.path.join(out, "chain.onnx"),
                                           providers=["CPUExecutionProvider"])
    y, early = session.run(["y", "early"], {"x": x})
    np.save(os.path.join(out, "ort_y.npy"), y)
    np.save(os.path.join(out, "ort_early.npy"), early)


if __name__ == "__main__":
    main()
