"""Checks a training program's steps against numpy: a two-layer float64
network (h = tanh(x W1 + b1), y = h W2) under the mean squared error, trained
by `stratac compile --train` programs for a few steps on .npz batches with a
warmup and cosine schedule, against the same steps written out in numpy with
the network's gradients by hand and torch.optim.AdamW's and
torch.optim.SGD's update rules (clipping as torch.nn.utils.clip_grad_norm_).
AdamW leaves the rank-1 bias out of its weight decay (decay_min_rank=2).
Each step's loss and the weights and optimizer state in the last checkpoint
must agree to 1e-9 relative.

  python check_optimizer.py --stratac build/bin/stratac --work DIR

Prints one line per optimizer and "N passed, N failed".
"""
import argparse
import math
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from weights_file import read_weights  # noqa: E402

BATCH, IN, HIDDEN, OUT, STEPS = 8, 4, 5, 3, 6
LR, MIN_LR, WARMUP = 0.05, 0.005, 2
CASES = {
    "adamw": ("adamw:beta1=0.8,beta2=0.99,eps=1e-6,weight_decay=0.1,clip=0.5,decay_min_rank=2",
              dict(kind="adamw", beta1=0.8, beta2=0.99, eps=1e-6, decay=0.1, clip=0.5,
                   min_rank=2)),
    "sgd": ("sgd:momentum=0.9,weight_decay=0.01",
            dict(kind="sgd", momentum=0.9, decay=0.01, clip=0.0)),
    "sgd-plain": ("sgd", dict(kind="sgd", momentum=0.0, decay=0.0, clip=0.0)),
}


def model(params):
    f64 = TensorProto.DOUBLE
    nodes = [helper.make_node("MatMul", ["x", "W1"], ["a"]),
             helper.make_node("Add", ["a", "b1"], ["z"]),
             helper.make_node("Tanh", ["z"], ["h"]),
             helper.make_node("MatMul", ["h", "W2"], ["y"])]
    graph = helper.make_graph(nodes, "net", [helper.make_tensor_value_info("x", f64, [BATCH, IN])],
                              [helper.make_tensor_value_info("y", f64, [BATCH, OUT])],
                              [numpy_helper.from_array(v, n) for n, v in params.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def learning_rate(step):
    if step <= WARMUP:
        return LR * step / WARMUP
    progress = (step - WARMUP) / (STEPS - WARMUP)
    return MIN_LR + 0.5 * (1 + math.cos(math.pi * progress)) * (LR - MIN_LR)


def loss_and_gradients(p, x, t):
    h = np.tanh(x @ p["W1"] + p["b1"])
    y = h @ p["W2"]
    loss = np.mean((y - t) ** 2)
    dy = 2 * (y - t) / y.size
    dh = dy @ p["W2"].T * (1 - h * h)
    return loss, {"W1": x.T @ dh, "b1": dh.sum(0), "W2": h.T @ dy}


def reference(params, xs, ts, o):
    p = {n: v.copy() for n, v in params.items()}
    state = {n: [np.zeros_like(v), np.zeros_like(v)] for n, v in p.items()}
    losses = []
    for step in range(1, STEPS + 1):
        loss, grads = loss_and_gradients(p, xs[step - 1], ts[step - 1])
        losses.append(loss)
        if o["clip"]:
            norm = math.sqrt(sum(float((g * g).sum()) for g in grads.values()))
            factor = min(o["clip"] / (norm + 1e-6), 1.0)
            grads = {n: g * factor for n, g in grads.items()}
        lr = learning_rate(step)
        for n, g in grads.items():
            s = state[n]
            decay = o["decay"] if p[n].ndim >= o.get("min_rank", 0) else 0.0
            if o["kind"] == "adamw":
                s[0] = s[0] * o["beta1"] + g * (1 - o["beta1"])
                s[1] = s[1] * o["beta2"] + g * g * (1 - o["beta2"])
                denominator = np.sqrt(s[1]) / math.sqrt(1 - o["beta2"] ** step) + o["eps"]
                p[n] = p[n] * (1 - lr * decay) - lr / (1 - o["beta1"] ** step) * s[0] / denominator
            else:
                g = g + decay * p[n]
                s[0] = s[0] * o["momentum"] + g
                p[n] = p[n] - lr * (s[0] if o["momentum"] else g)
    names = {"adamw": [".exp_avg", ".exp_avg_sq"], "sgd": [".momentum_buffer"]}[o["kind"]]
    final = dict(p)
    if o["kind"] == "adamw" or o["momentum"]:
        for n in p:
            for i, suffix in enumerate(names):
                final[n + suffix] = state[n][i]
    return losses, final


def close(a, b):
    return np.allclose(a, b, rtol=1e-9, atol=1e-12)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    params = {"W1": rng.uniform(-1, 1, (IN, HIDDEN)), "b1": rng.uniform(-1, 1, (HIDDEN,)),
              "W2": rng.uniform(-1, 1, (HIDDEN, OUT))}
    # Four batches for six steps: steps 5 and 6 read batches 0 and 1 again.
    xs = rng.uniform(-1, 1, (4, BATCH, IN))
    ts = rng.uniform(-1, 1, (4, BATCH, OUT))
    path = os.path.join(args.work, "net.onnx")
    onnx.save(model(params), path)
    batches = os.path.join(args.work, "batches.npz")
    np.savez(batches, xs, ts)
    passed = failed = 0
    for name, (option, settings) in CASES.items():
        program = os.path.join(args.work, name)
        subprocess.run([args.stratac, "compile", path, "-o", program, "--loss=mse:y,t", "--train",
                        f"--optimizer={option}"], check=True)
        checkpoints = os.path.join(args.work, name + "-checkpoints")
        run = subprocess.run([program, "--train", "--data", batches, "--steps", str(STEPS),
                              "--lr", str(LR), "--min-lr", str(MIN_LR), "--warmup", str(WARMUP),
                              "--checkpoint", checkpoints],
                             check=True, capture_output=True, text=True)
        ours = [float(v) for v in re.findall(r"loss ([-0-9.e+]+)", run.stdout)]
        saved = read_weights(os.path.join(checkpoints, f"step-{STEPS:08d}.weights"))
        losses, expected = reference(params, np.concatenate([xs, xs]), np.concatenate([ts, ts]),
                                     settings)
        problems = []
        if len(ours) != STEPS or not np.allclose(ours, losses, rtol=1e-6, atol=0):
            problems.append(f"losses {ours} against {losses}")
        if set(saved) != set(expected):
            problems.append(f"checkpoint holds {sorted(saved)}, expected {sorted(expected)}")
        for n, want in expected.items():
            got = np.frombuffer(saved.get(n, b""), np.float64)
            if got.size != want.size or not close(got.reshape(want.shape), want):
                problems.append(f"{n}: largest difference "
                                f"{np.abs(got.reshape(want.shape) - want).max() if got.size == want.size else 'size'}")
        if problems:
            failed += 1
            print(f"FAIL {name}: " + "; ".join(problems))
        else:
            passed += 1
            print(f"ok {name}: {STEPS} steps, losses {losses[0]:.6f} .. {losses[-1]:.6f}, "
                  f"{len(expected)} tensors of the checkpoint match")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
