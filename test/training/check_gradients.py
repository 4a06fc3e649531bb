"""Checks the gradients `stratac compile --loss` programs return against central
finite differences of the same loss computed by onnxruntime, one small float64
ONNX model per op family (elementwise with broadcasting, matrix products,
reductions, softmax, data movement, layer normalisation, attention written as
primitives, both losses). Every element of every weight is perturbed.

  python check_gradients.py --stratac build/bin/stratac --work DIR [--only NAME]

Prints one line per case and ends with 'N passed, N failed'; exits non-zero if
any case fails.
"""
import argparse
import os
import subprocess
import sys

import math

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)
STEP = 1e-6
RTOL, ATOL = 1e-5, 1e-8


def uniform(shape, low=-1.0, high=1.0):
    return RNG.uniform(low, high, shape)


class Case:
    """A model `nodes` from `inputs` and weights `params` to output 'y', and the
    loss on it ('mse' against a target input, 'ce' against labels, 'ce_shift'
    against the labels one position on)."""

    def __init__(self, name, nodes, inputs, params, loss="mse", labels=None, opset=18,
                 numpy=None):
        self.name, self.nodes, self.inputs, self.params = name, nodes, inputs, params
        self.loss, self.labels, self.opset = loss, labels, opset
        # The output computed with numpy, where onnxruntime has no float64
        # kernel for an op.
        self.numpy = numpy

    def model(self, params):
        # 'y' has the weights' element type: float64 here, float32 in
        # check_torch_family_gradients.py's copies of the cases.
        y_type = helper.np_dtype_to_tensor_dtype(next(iter(params.values())).dtype)
        graph = helper.make_graph(
            self.nodes, self.name,
            [helper.make_tensor_value_info(n, helper.np_dtype_to_tensor_dtype(v.dtype), v.shape)
             for n, v in self.inputs.items()],
            [helper.make_tensor_value_info("y", y_type, None)],
            [numpy_helper.from_array(v, n) for n, v in params.items()])
        opsets = [helper.make_opsetid("", self.opset)]
        if any(n.domain == "com.microsoft" for n in self.nodes):
            opsets.append(helper.make_opsetid("com.microsoft", 1))
        return helper.make_model(graph, opset_imports=opsets)

    def output(self, params):
        if self.numpy:
            return self.numpy(self.inputs | params)
        session = ort.InferenceSession(self.model(params).SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        return session.run(["y"], self.inputs)[0]


def loss_of(case, y, target):
    if case.loss == "mse":
        return np.mean((y - target) ** 2)
    if case.loss == "ce_shift":
        y, target = y[..., :-1, :], target[..., 1:]
    shifted = y - y.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    keep = target != -100
    picked = np.take_along_axis(log_probs, np.where(keep, target, 0)[..., None], -1)[..., 0]
    return -(picked * keep).sum() / max(keep.sum(), 1)


def finite_differences(case, target):
    grads = {}
    for name, value in case.params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            losses = []
            for sign in (1, -1):
                moved = dict(case.params)
                moved[name] = value.copy()
                moved[name][index] += sign * STEP
                losses.append(loss_of(case, case.output(moved), target))
            grad[index] = (losses[0] - losses[1]) / (2 * STEP)
        grads[name] = grad
    return grads


def strata_gradients(case, target, stratac, work):
    folder = os.path.join(work, case.name)
    os.makedirs(folder, exist_ok=True)
    model = os.path.join(folder, "model.onnx")
    onnx.save(case.model(case.params), model)
    spec = {"mse": "mse:y,target", "ce": "cross_entropy:y,target",
            "ce_shift": "cross_entropy:y,target,shift"}[case.loss]
    exe = os.path.join(folder, "program")
    subprocess.run([stratac, "compile", model, "-o", exe, "--loss=" + spec], check=True)
    args = [exe]
    for name, value in list(case.inputs.items()) + [("target", target)]:
        path = os.path.join(folder, name + ".npy")
        np.save(path, value)
        args += ["--input", f"{name}={path}"]
    outputs = {"loss": "loss"} | {name: name + ".grad" for name in case.params}
    for key, output in outputs.items():
        args += ["--output", f"{output}={os.path.join(folder, key + '.npy')}"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return {key: np.load(os.path.join(folder, key + ".npy")) for key in outputs}


def gelu(m, approximate):
    if approximate == "tanh":
        return 0.5 * m * (1 + np.tanh(math.sqrt(2 / math.pi) * (m + 0.044715 * m ** 3)))
    return 0.5 * m * (1 + np.vectorize(math.erf)(m / math.sqrt(2)))


def group_query_attention(v, heads, kv_heads):
    """onnxruntime's GroupQueryAttention (no rotary embedding) after a past:
    entry b's past holds seqlens_k[b] + 1 - S positions, its new keys go
    right after them, and token s sees the keys up to past[b] + s."""
    q, k, values = v["x"] @ v["Wq"], v["x"] @ v["Wk"], v["x"] @ v["Wv"]
    batch, sequence, _ = q.shape
    size = q.shape[2] // heads

    def split(t, n):
        return t.reshape(batch, sequence, n, size).transpose(0, 2, 1, 3)

    q, k, values = split(q, heads), split(k, kv_heads), split(values, kv_heads)
    past = v["seqlens_k"].astype(np.int64) + 1 - sequence
    total = v["PK"].shape[2] + sequence
    keys, vals = np.zeros((batch, kv_heads, total, size)), np.zeros((batch, kv_heads, total, size))
    for b in range(batch):
        for cache, pk, new in ((keys, v["PK"], k), (vals, v["PV"], values)):
            cache[b, :, :past[b]] = pk[b, :, :past[b]]
            cache[b, :, past[b]:past[b] + sequence] = new[b]
    keys, vals = np.repeat(keys, heads // kv_heads, 1), np.repeat(vals, heads // kv_heads, 1)
    scores = q @ keys.transpose(0, 1, 3, 2) / math.sqrt(size)
    allowed = np.arange(total)[None, None, :] <= (past[:, None, None] +
                                                   np.arange(sequence)[None, :, None])
    scores = np.where(allowed[:, None], scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return (weights @ vals).transpose(0, 2, 1, 3).reshape(batch, sequence, heads * size)


def node(op, inputs, outputs, **attrs):
    return helper.make_node(op, inputs, outputs, **attrs)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, np.int64), name)


def const(name, values):
    return node("Constant", [], [name], value=ints(name, values))


def cases():
    x = {"x": uniform((3, 4), 0.5, 1.5)}
    signed = {"x": uniform((3, 4))}
    p = {"P": uniform((3, 4), 0.5, 1.5)}
    out = []
    for op in ["Tanh", "Sigmoid", "Exp", "Log", "Sqrt", "Sin", "Cos", "Reciprocal", "Neg"]:
        out.append(Case(op.lower(), [node("Mul", ["x", "P"], ["m"]), node(op, ["m"], ["y"])], x, p))
    erf = np.vectorize(math.erf)
    out.append(Case("erf", [node("Mul", ["x", "P"], ["m"]), node("Erf", ["m"], ["y"])], x, p,
                    numpy=lambda v: erf(v["x"] * v["P"])))
    for op in ["Relu", "Abs"]:
        out.append(Case(op.lower(), [node("Mul", ["x", "P"], ["m"]), node(op, ["m"], ["y"])],
                        signed, p))
    for approximate in ["none", "tanh"]:
        out.append(Case("gelu_" + approximate,
                        [node("Mul", ["x", "P"], ["m"]),
                         node("Gelu", ["m"], ["y"], approximate=approximate)],
                        signed, p, opset=20, numpy=lambda v, a=approximate: gelu(v["x"] * v["P"], a)))
    row, column = {"R": uniform((4,), 0.5, 1.5)}, {"C": uniform((3, 1), 0.5, 1.5)}
    for op in ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min"]:
        out.append(Case(op.lower() + "_broadcast",
                        [node(op, ["x", "R"], ["a"]), node(op, ["C", "a"], ["y"])],
                        x, row | column))
    out.append(Case("where", [node("Constant", [], ["one"], value_float=1.0),
                              node("Cast", ["one"], ["one64"], to=TensorProto.DOUBLE),
                              node("Greater", ["x", "one64"], ["c"]),
                              node("Where", ["c", "R", "x"], ["w"]),
                              node("Mul", ["w", "C"], ["y"])], x, row | column))
    out.append(Case("matmul", [node("MatMul", ["x", "W"], ["y"])], x,
                    {"W": uniform((4, 5))}))
    out.append(Case("matmul_batched", [node("MatMul", ["x", "W"], ["y"])],
                    {"x": uniform((2, 3, 4))}, {"W": uniform((4, 5))}))
    out.append(Case("gemm_transposed", [node("Gemm", ["x", "W", "B"], ["y"], transB=1)], x,
                    {"W": uniform((5, 4)), "B": uniform((5,))}))
    for op in ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceSumSquare", "ReduceL2",
               "ReduceLogSumExp"]:
        for keep in (0, 1):
            out.append(Case(f"{op.lower()}_keep{keep}",
                            [const("axes", [1]), node("Mul", ["x", "P"], ["m"]),
                             node(op, ["m", "axes"], ["y"], keepdims=keep)], signed, p))
    for op in ["Softmax", "LogSoftmax"]:
        out.append(Case(op.lower(), [node("Mul", ["x", "P"], ["m"]), node(op, ["m"], ["y"])],
                        signed, p))
    out.append(Case("reshape_transpose",
                    [const("shape", [4, 3]), node("Mul", ["x", "P"], ["m"]),
                     node("Reshape", ["m", "shape"], ["r"]),
                     node("Transpose", ["r"], ["t"], perm=[1, 0]), node("Mul", ["t", "x"], ["y"])],
                    x, p))
    out.append(Case("slice_concat",
                    [const("starts", [1]), const("ends", [3]), const("axes", [1]),
                     node("Slice", ["P", "starts", "ends", "axes"], ["s"]),
                     node("Concat", ["s", "x"], ["y"], axis=1)], x, p))
    out.append(Case("split",
                    [const("sizes", [1, 3]), node("Mul", ["x", "P"], ["m"]),
                     node("Split", ["m", "sizes"], ["a", "b"], axis=1),
                     node("Concat", ["b", "a"], ["y"], axis=1)], x, p))
    out.append(Case("gather_rows",
                    [node("Gather", ["E", "ids"], ["y"], axis=0)],
                    {"ids": np.array([[2, 0], [-1, 2]], np.int64)}, {"E": uniform((4, 3))}))
    out.append(Case("gather_elements",
                    [node("GatherElements", ["P", "ids"], ["g"], axis=1),
                     node("Mul", ["g", "g"], ["y"])],
                    {"ids": np.array([[0, 3, 3], [-1, 1, 2], [2, 2, 0]], np.int64)},
                    {"P": uniform((3, 4))}))
    out.append(Case("expand", [const("shape", [3, 4]), node("Expand", ["R1", "shape"], ["e"]),
                               node("Mul", ["e", "x"], ["y"])], x, {"R1": uniform((1, 4))}))
    out.append(Case("layer_norm",
                    [node("Mul", ["x", "P"], ["m"]),
                     node("LayerNormalization", ["m", "S", "B"], ["y"], axis=-1,
                          epsilon=1e-5)],
                    signed, p | {"S": uniform((4,), 0.5, 1.5), "B": uniform((4,))}, opset=17))
    out.append(Case("attention",
                    [node("MatMul", ["x", "Wq"], ["q"]), node("MatMul", ["x", "Wk"], ["k"]),
                     node("MatMul", ["x", "Wv"], ["v"]),
                     node("Transpose", ["k"], ["kt"], perm=[1, 0]),
                     node("MatMul", ["q", "kt"], ["s"]), node("Softmax", ["s"], ["a"], axis=-1),
                     node("MatMul", ["a", "v"], ["y"])],
                    signed, {"Wq": uniform((4, 4)), "Wk": uniform((4, 4)),
                             "Wv": uniform((4, 4))}))
    out.append(Case("cross_entropy", [node("MatMul", ["x", "W"], ["y"])], signed,
                    {"W": uniform((4, 5))}, loss="ce",
                    labels=np.array([4, -100, 1], np.int64)))
    for exclusive, reverse in [(0, 0), (1, 1)]:
        out.append(Case(f"cumsum_exclusive{exclusive}_reverse{reverse}",
                        [const("axis", [1]), node("Mul", ["x", "P"], ["m"]),
                         node("CumSum", ["m", "axis"], ["y"], exclusive=exclusive,
                              reverse=reverse)], signed, p))
    out.append(Case("dropout_inference", [node("Mul", ["x", "P"], ["m"]),
                                          node("Dropout", ["m"], ["y"])], signed, p))
    out.append(Case("cross_entropy_shift", [node("MatMul", ["x", "W"], ["y"])],
                    {"x": uniform((2, 4, 3))}, {"W": uniform((3, 5))}, loss="ce_shift",
                    labels=np.array([[0, 4, -100, 2], [1, 3, 3, 0]], np.int64)))
    # A padded cache: entry 1's past holds one position of two, so its new
    # keys overwrite the second and PK[1, :, 1] gets no gradient.
    out.append(Case("group_query_attention",
                    [node("MatMul", ["x", "Wq"], ["q"]), node("MatMul", ["x", "Wk"], ["k"]),
                     node("MatMul", ["x", "Wv"], ["v"]),
                     helper.make_node("GroupQueryAttention",
                                      ["q", "k", "v", "PK", "PV", "seqlens_k",
                                       "total_sequence_length"], ["y"], domain="com.microsoft",
                                      num_heads=2, kv_num_heads=1)],
                    {"x": uniform((2, 3, 4)), "seqlens_k": np.array([4, 3], np.int32),
                     "total_sequence_length": np.array(5, np.int32)},
                    {"Wq": uniform((4, 4)), "Wk": uniform((4, 2)), "Wv": uniform((4, 2)),
                     "PK": uniform((2, 1, 2, 2)), "PV": uniform((2, 1, 2, 2))},
                    numpy=lambda v: group_query_attention(v, 2, 1)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--only")
    args = parser.parse_args()
    passed = failed = 0
    for case in cases():
        if args.only and case.name != args.only:
            continue
        y = case.output(case.params)
        target = RNG.uniform(-1, 1, y.shape) if case.loss == "mse" else case.labels
        expected = finite_differences(case, target)
        got = strata_gradients(case, target, args.stratac, args.work)
        errors = [abs(float(got["loss"]) - loss_of(case, y, target))]
        ok = np.isclose(got["loss"], loss_of(case, y, target), RTOL, ATOL)
        for name, grad in expected.items():
            errors.append(float(np.abs(got[name] - grad).max()))
            ok = ok and np.allclose(got[name], grad, RTOL, ATOL)
        print(f"{'ok  ' if ok else 'FAIL'} {case.name:28} largest difference {max(errors):.2e}",
              flush=True)
        passed, failed = passed + bool(ok), failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
