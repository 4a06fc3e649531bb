"""Checks the gradients of a real test model's `stratac compile --loss` program
against central finite differences of the loss computed by onnxruntime. The
model is first turned into float64 (its initializers, declared types, casts
and constants), so that the differences are exact to about 1e-9; a sample of
elements of every weight is perturbed (its largest gradient and random
others, the same every run).

  python check_model_gradients.py --stratac build/bin/stratac --model M.onnx \\
      --shape input_ids=2x8 --work DIR [--samples 3] [--loss mse --output NAME]

The loss is cross entropy of the output 'logits' against random labels (one
of them -100), or with `--loss mse` the mean squared error of `--output`
against a random target.

Prints the largest difference per weight and ends with 'N passed, N failed'
(weights); exits non-zero if any fails.
"""
import argparse
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

STEP = 1e-6
RTOL, ATOL = 1e-5, 1e-8
F32, F64 = TensorProto.FLOAT, TensorProto.DOUBLE


def to_float64(model):
    """The same model computing in float64."""
    graph = model.graph
    for info in list(graph.input) + list(graph.output) + list(graph.value_info):
        if info.type.tensor_type.elem_type == F32:
            info.type.tensor_type.elem_type = F64
    for i, init in enumerate(graph.initializer):
        if init.data_type == F32:
            graph.initializer[i].CopyFrom(
                numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float64), init.name))
    for node in graph.node:
        for attr in node.attribute:
            if node.op_type == "Cast" and attr.name == "to" and attr.i == F32:
                attr.i = F64
            if node.op_type == "LayerNormalization" and attr.name == "stash_type":
                attr.i = F64
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == F32:
                attr.t.CopyFrom(numpy_helper.from_array(
                    numpy_helper.to_array(attr.t).astype(np.float64), attr.t.name))
        if node.op_type == "Constant":
            for attr in list(node.attribute):
                if attr.name in ("value_float", "value_floats"):
                    values = attr.f if attr.name == "value_float" else list(attr.floats)
                    node.attribute.remove(attr)
                    node.attribute.append(helper.make_attribute(
                        "value", numpy_helper.from_array(np.array(values, np.float64))))
    return model


def cross_entropy(logits, labels):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    keep = labels != -100
    picked = np.take_along_axis(log_probs, np.where(keep, labels, 0)[..., None], -1)[..., 0]
    return -(picked * keep).sum() / max(keep.sum(), 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--shape", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--loss", choices=["cross_entropy", "mse"], default="cross_entropy")
    parser.add_argument("--output", default="logits")
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    model = to_float64(onnx.load(args.model))
    path = os.path.join(args.work, "model64.onnx")
    onnx.save(model, path)

    batch, sequence = (int(d) for d in args.shape.split(",")[0].split("=")[1].split("x"))
    # Token ids below the vocabulary size: the rows of the largest table a
    # Gather reads (the word embedding; exporters name it variously).
    tables = {n.input[0] for n in model.graph.node if n.op_type == "Gather"}
    vocab = max(i.dims[0] for i in model.graph.initializer if i.name in tables)
    feeds = {}
    for info in model.graph.input:
        if info.name == "input_ids":
            feeds[info.name] = rng.integers(0, vocab, (batch, sequence)).astype(np.int64)
        elif info.name == "attention_mask":
            feeds[info.name] = np.ones((batch, sequence), np.int64)
        elif info.name == "position_ids":
            feeds[info.name] = np.tile(np.arange(sequence, dtype=np.int64), (batch, 1))
        elif info.name == "token_type_ids":
            feeds[info.name] = np.zeros((batch, sequence), np.int64)
        elif info.name.startswith("past_key_values"):
            # An empty cache: [batch, heads, 0, head size].
            dims = info.type.tensor_type.shape.dim
            feeds[info.name] = np.zeros((batch, dims[1].dim_value, 0, dims[3].dim_value))
    if args.loss == "cross_entropy":
        labels = rng.integers(0, vocab, (batch, sequence)).astype(np.int64)
        labels[0, 0] = -100
    else:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        shape = ort.InferenceSession(model.SerializeToString(), options).run(
            [args.output], feeds)[0].shape
        labels = rng.uniform(-1, 1, shape)

    exe = os.path.join(args.work, "program")
    # Every input's shape fixed, an empty cache's included.
    shapes = ",".join(f"{name}=" + "x".join(str(d) for d in value.shape)
                      for name, value in feeds.items())
    subprocess.run([args.stratac, "compile", path, "-o", exe, "--shape", shapes,
                    f"--loss={args.loss}:{args.output},labels"], check=True)
    run = [exe]
    for name, value in list(feeds.items()) + [("labels", labels)]:
        np.save(os.path.join(args.work, name + ".npy"), value)
        run += ["--input", f"{name}={os.path.join(args.work, name + '.npy')}"]
    weights = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer
               if i.data_type == F64 and np.prod(i.dims) > 1}
    outputs = {"loss": "loss"} | {f"w{k}": name + ".grad" for k, name in enumerate(weights)}
    for key, name in outputs.items():
        run += ["--output", f"{name}={os.path.join(args.work, key + '.npy')}"]
    subprocess.run(run, check=True, stdout=subprocess.DEVNULL)
    got = {key: np.load(os.path.join(args.work, key + ".npy")) for key in outputs}

    # The reference takes the weights as inputs too (an initializer that is
    # also an input is its default), so that a run can move one.
    reference_model = onnx.ModelProto()
    reference_model.CopyFrom(model)
    for name, value in weights.items():
        reference_model.graph.input.append(
            helper.make_tensor_value_info(name, F64, value.shape))
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = 3
    session = ort.InferenceSession(reference_model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])

    def loss(overrides):
        out = session.run([args.output], feeds | overrides)[0]
        if args.loss == "mse":
            return np.mean((out - labels) ** 2)
        return cross_entropy(out, labels)

    reference = loss({})
    passed = failed = 0
    ok = np.isclose(got["loss"], reference, RTOL, ATOL)
    print(f"{'ok  ' if ok else 'FAIL'} loss {float(got['loss']):.9f} vs {reference:.9f}")
    for k, (name, value) in enumerate(weights.items()):
        grad = got[f"w{k}"]
        worst, good = 0.0, True
        for sample in range(args.samples):
            # The largest gradient first: most rows of an embedding are
            # never read, and their gradient is zero both ways.
            index = (np.unravel_index(np.argmax(np.abs(grad)), grad.shape) if sample == 0 else
                     tuple(rng.integers(0, d) for d in value.shape))
            moved = []
            for sign in (1, -1):
                w = value.copy()
                w[index] += sign * STEP
                moved.append(loss({name: w}))
            expected = (moved[0] - moved[1]) / (2 * STEP)
            worst = max(worst, abs(grad[index] - expected))
            good = good and np.isclose(grad[index], expected, RTOL, 1e-7)
        print(f"{'ok  ' if good else 'FAIL'} {name:48} largest difference {worst:.2e}")
        passed, failed = passed + good, failed + (not good)
    failed += not ok
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
