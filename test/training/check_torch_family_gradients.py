"""Compares the gradients `stratac compile --loss` programs return with
torch.autograd's, in float32, for check_gradients.py's cases: one small model
per op family, with the weights, inputs and targets check_gradients.py draws
cast to float32 (and its Casts to double made Casts to float), compiled and
run as check_gradients.py does. Torch evaluates each ONNX graph through a table
of rules from op type to torch function, which covers the ops and attributes
the cases use, with ONNX's semantics; a node it has no rule for (or an
attribute or input a rule does not take) fails its case. Cases that
check_gradients.py computes with numpy are evaluated by the table as well.

The loss must equal torch's within rtol 1e-4, and every weight's gradient
torch's within rtol 1e-4 plus an absolute 1e-4 of that gradient's largest
element (for elements that are zero but for rounding). The relative
difference printed is the largest of |Strata - torch| / (|torch| + that
largest element) over the gradients' elements, and of the loss's.

  python check_torch_family_gradients.py --stratac build/bin/stratac --work DIR \\
      [--only NAME]

Prints one line per case and "N passed, N failed"; exits 1 if any case fails,
77 without torch (running itself with $STRATA_EXPORT_PYTHON when that has it).
"""
import argparse
import functools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_python  # noqa: E402

export_python.require("torch")
import torch  # noqa: E402

import onnx  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

import check_gradients as cg  # noqa: E402

RTOL = 1e-4


def reduction(fn):
    """A Reduce* rule (opset 18: the axes an optional input)."""
    def rule(x, axes=None, keepdims=1):
        dims = axes.tolist() if axes is not None else list(range(x.dim()))
        return fn(x, dims, bool(keepdims))
    return rule


def constant(value=None, value_float=None):
    if value is not None:
        return torch.tensor(numpy_helper.to_array(value))
    return torch.tensor(value_float, dtype=torch.float32)


def gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    y = alpha * ((a.T if transA else a) @ (b.T if transB else b))
    return y if c is None else y + beta * c


def reshape(x, shape):
    # 0 keeps the input's dimension; torch infers -1 as ONNX does.
    return x.reshape([x.shape[i] if d == 0 else d for i, d in enumerate(shape.tolist())])


def slice_(x, starts, ends, axes=None):
    index = [slice(None)] * x.dim()
    for axis, start, end in zip(axes.tolist() if axes is not None else range(len(starts)),
                                starts.tolist(), ends.tolist()):
        index[axis] = slice(start, end)
    return x[tuple(index)]


def cumsum(x, axis, exclusive=0, reverse=0):
    axis = int(axis)
    if reverse:
        x = x.flip(axis)
    y = x.cumsum(axis)
    if exclusive:
        y = torch.cat([torch.zeros_like(y.narrow(axis, 0, 1)),
                       y.narrow(axis, 0, y.shape[axis] - 1)], axis)
    return y.flip(axis) if reverse else y


def group_query_attention(q, k, v, past_key, past_value, seqlens_k, total_sequence_length,
                          num_heads, kv_num_heads):
    """com.microsoft GroupQueryAttention after a past, without rotary
    embedding: entry b's past holds seqlens_k[b] + 1 - S positions, its new
    keys go right after them, and token s sees the keys up to past[b] + s."""
    batch, sequence, _ = q.shape
    size = q.shape[2] // num_heads

    def split(t, n):
        return t.reshape(batch, sequence, n, size).transpose(1, 2)

    q, k, v = split(q, num_heads), split(k, kv_num_heads), split(v, kv_num_heads)
    past = seqlens_k.long() + 1 - sequence
    total = past_key.shape[2] + sequence
    caches = []
    for cache, new in ((past_key, k), (past_value, v)):
        rows = []
        for b in range(batch):
            end = total - past[b] - sequence
            rows.append(torch.cat([cache[b, :, :past[b]], new[b],
                                   new.new_zeros(kv_num_heads, end, size)], 1))
        caches.append(torch.stack(rows).repeat_interleave(num_heads // kv_num_heads, 1))
    scores = q @ caches[0].transpose(2, 3) / size ** 0.5
    allowed = torch.arange(total)[None, None, :] <= (past[:, None, None] +
                                                     torch.arange(sequence)[None, :, None])
    weights = torch.softmax(scores.masked_fill(~allowed[:, None], float("-inf")), -1)
    return (weights @ caches[1]).transpose(1, 2).reshape(batch, sequence, num_heads * size)


# ONNX op type -> torch function of the node's inputs (positionally, None for
# an omitted optional one) and attributes (by keyword), with ONNX's semantics
# at the cases' opsets (17 to 20). Torch's elementwise functions broadcast as
# numpy does, as ONNX's do.
OPS = {
    "Constant": constant,
    "Cast": lambda x, to: x.to({TensorProto.FLOAT: torch.float32}[to]),
    "Tanh": torch.tanh, "Sigmoid": torch.sigmoid, "Exp": torch.exp, "Log": torch.log,
    "Sqrt": torch.sqrt, "Sin": torch.sin, "Cos": torch.cos, "Reciprocal": torch.reciprocal,
    "Neg": torch.neg, "Erf": torch.erf, "Relu": torch.relu, "Abs": torch.abs,
    "Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Div": torch.div,
    "Pow": torch.pow, "Greater": torch.gt, "Where": torch.where, "MatMul": torch.matmul,
    "Gelu": lambda x, approximate="none": F.gelu(x, approximate=approximate),
    "Max": lambda *xs: functools.reduce(torch.maximum, xs),
    "Min": lambda *xs: functools.reduce(torch.minimum, xs),
    "Gemm": gemm,
    "ReduceSum": reduction(lambda x, dims, keep: x.sum(dims, keepdim=keep)),
    "ReduceMean": reduction(lambda x, dims, keep: x.mean(dims, keepdim=keep)),
    "ReduceMax": reduction(lambda x, dims, keep: x.amax(dims, keepdim=keep)),
    "ReduceSumSquare": reduction(lambda x, dims, keep: (x * x).sum(dims, keepdim=keep)),
    "ReduceL2": reduction(lambda x, dims, keep: (x * x).sum(dims, keepdim=keep).sqrt()),
    "ReduceLogSumExp": reduction(lambda x, dims, keep: x.logsumexp(dims, keepdim=keep)),
    "Softmax": lambda x, axis=-1: torch.softmax(x, axis),
    "LogSoftmax": lambda x, axis=-1: torch.log_softmax(x, axis),
    "Reshape": reshape,
    "Transpose": lambda x, perm=None: x.permute(perm or list(range(x.dim()))[::-1]),
    "Slice": slice_,
    "Concat": lambda *xs, axis: torch.cat(xs, axis),
    "Split": lambda x, split, axis=0: torch.split(x, split.tolist(), axis),
    # Negative indices count from the end; torch's indexing wraps them too,
    # torch.gather does not.
    "Gather": lambda x, indices, axis=0: x[(slice(None),) * (axis % x.dim()) + (indices,)],
    "GatherElements": lambda x, indices, axis=0: torch.gather(x, axis, indices % x.shape[axis]),
    # Bidirectional broadcasting: the shape may have fewer or unit dimensions.
    "Expand": lambda x, shape: torch.broadcast_to(
        x, torch.broadcast_shapes(x.shape, tuple(shape.tolist()))),
    "LayerNormalization": lambda x, scale, bias=None, axis=-1, epsilon=1e-5: F.layer_norm(
        x, x.shape[axis:], scale, bias, epsilon),
    "CumSum": cumsum,
    # Inference: no training_mode input, the identity.
    "Dropout": lambda x: x,
    "GroupQueryAttention": group_query_attention,
}


class Unsupported(Exception):
    """A node the table has no rule for, or whose rule fails on it."""


def evaluate(nodes, values):
    """Output 'y' of the graph `nodes` on the torch tensors `values`."""
    values = dict(values)
    for n in nodes:
        attrs = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        attrs = {k: v.decode() if isinstance(v, bytes) else v for k, v in attrs.items()}
        if n.op_type not in OPS:
            raise Unsupported(f"no torch rule for {n.op_type}")
        try:
            results = OPS[n.op_type](*(values[i] if i else None for i in n.input), **attrs)
        except Exception as error:
            raise Unsupported(f"{n.op_type} with {len(n.input)} inputs and attributes "
                              f"{sorted(attrs)}: {type(error).__name__}: {error}") from error
        results = results if isinstance(results, (tuple, list)) else (results,)
        if len(results) != len(n.output):
            raise Unsupported(f"{n.op_type}: {len(n.output)} outputs, the rule makes "
                              f"{len(results)}")
        values.update(zip(n.output, results))
    return values["y"]


def float32(case):
    """The case with float32 weights and inputs, and Casts to float for those to
    double."""
    nodes = []
    for n in case.nodes:
        copy = onnx.NodeProto()
        copy.CopyFrom(n)
        for a in copy.attribute:
            if copy.op_type == "Cast" and a.name == "to" and a.i == TensorProto.DOUBLE:
                a.i = TensorProto.FLOAT
        nodes.append(copy)
    single = {n: v.astype(np.float32) if v.dtype == np.float64 else v
              for n, v in (case.inputs | case.params).items()}
    return cg.Case(case.name, nodes, {n: single[n] for n in case.inputs},
                   {n: single[n] for n in case.params}, case.loss, case.labels, case.opset)


def torch_loss(case, y, target):
    """check_gradients.loss_of's losses, in torch."""
    if case.loss == "mse":
        return ((y - target) ** 2).mean()
    if case.loss == "ce_shift":
        y, target = y[..., :-1, :], target[..., 1:]
    return F.cross_entropy(y.reshape(-1, y.shape[-1]), target.reshape(-1), ignore_index=-100)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--only")
    args = parser.parse_args()
    torch.set_num_threads(1)
    passed = failed = 0
    for case in map(float32, cg.cases()):
        if args.only and case.name != args.only:
            continue
        params = {n: torch.tensor(v, requires_grad=True) for n, v in case.params.items()}
        try:
            y = evaluate(case.nodes,
                         {n: torch.from_numpy(v) for n, v in case.inputs.items()} | params)
        except Unsupported as error:
            print(f"FAIL {case.name:28} {error}", flush=True)
            failed += 1
            continue
        # The targets check_gradients.py draws, in float32.
        target = (cg.RNG.uniform(-1, 1, y.shape).astype(np.float32) if case.loss == "mse"
                  else case.labels)
        loss = torch_loss(case, y, torch.from_numpy(target))
        loss.backward()
        got = cg.strata_gradients(case, target, args.stratac, args.work)
        mine, expected = float(got["loss"]), loss.item()
        differences = [abs(mine - expected) / abs(expected)]
        problems = []
        if not np.isclose(mine, expected, rtol=RTOL, atol=0):
            problems.append(f"loss {mine} against {expected}")
        for name, param in params.items():
            expected, mine = param.grad.numpy(), got[name]
            largest = np.abs(expected).max()
            differences.append(float(np.max(np.abs(mine - expected)
                                            / (np.abs(expected) + largest))))
            if not np.allclose(mine, expected, rtol=RTOL, atol=RTOL * largest):
                problems.append(f"{name}: largest difference {np.abs(mine - expected).max():.3g}"
                                f" of {largest:.3g}")
        status = "FAIL" if problems else "ok  "
        print(f"{status} {case.name:28} largest relative difference {max(differences):.2e}"
              + "".join("; " + p for p in problems), flush=True)
        passed, failed = passed + (not problems), failed + bool(problems)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
