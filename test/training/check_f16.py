"""Checks --matmul-precision=f16 training and its dynamic loss scaling:

- the GPT-style test model trained 10 steps (batch 8 x 64, AdamW) with f16
  products and the default scaling stays within 1 % of the f32 program's
  losses, and differs from them (the products did round);
- started at a scale of 2^24, whose scaled gradients overflow f16, the same
  model's steps skip and halve the scale until the gradients fit, then double
  it after every 3 finite steps in a row (`interval=3`): the scale the
  program prints after every step is the one torch.amp.GradScaler's rule
  gives for the steps it says it skipped, at least one step skips and one
  grows; a skipped step leaves every weight and optimizer state as the step
  before left it, a step that is not skipped changes them;
- a linear layer y = x W under a mean squared error whose gradients are
  below f16's smallest subnormal: without scaling (--loss-scale=none) they
  flush to zero and one AdamW step (no weight decay) leaves W as it was; with
  dynamic scaling the step moves W as numpy's rendering of the step on f16
  products (operands and results rounded to f16, the scaled loss's gradient)
  does, within 1 % of the largest move.

  python check_f16.py --stratac build/bin/stratac --work DIR
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from weights_file import read_weights  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GPT = os.path.join(ROOT, "test", "models", "gpt2", "gpt2_nokv_ts17.onnx")
STEPS = 10
SCALE_STATE = ("loss_scale", "loss_scale.good_steps")
STEP_LINE = re.compile(r"^step (\d+)/\d+: loss ([0-9.]+).*?(, skipped: a gradient overflowed)?"
                       r"(?:, loss scale ([0-9.e+]+))?, [0-9.]+ ms", re.M)


def compile_gpt(stratac, exe, precision, *flags):
    subprocess.run([stratac, "compile", GPT, "--shape", "input_ids=8x64,attention_mask=8x64",
                    "--loss=cross_entropy:logits,input_ids,shift", "--train",
                    f"--matmul-precision={precision}", *flags, "-o", exe], check=True)


def train(exe, data, steps, *flags):
    """Per step: (loss, skipped, scale after it or None)."""
    out = subprocess.run([exe, "--train", "--data", data, "--steps", str(steps), "--lr", "1e-3",
                          *flags], check=True, capture_output=True, text=True).stdout
    return [(float(m[2]), bool(m[3]), float(m[4]) if m[4] else None)
            for m in STEP_LINE.finditer(out)]


def fail(message):
    print("FAIL: " + message)
    return 1


def check_losses(stratac, work, data):
    f32_exe, f16_exe = os.path.join(work, "f32", "train"), os.path.join(work, "f16", "train")
    compile_gpt(stratac, f32_exe, "f32")
    compile_gpt(stratac, f16_exe, "f16")
    f32 = [loss for loss, _, _ in train(f32_exe, data, STEPS)]
    f16 = train(f16_exe, data, STEPS)
    if len(f32) != STEPS or len(f16) != STEPS:
        return fail(f"expected {STEPS} losses, got {len(f32)} and {len(f16)}")
    apart = max(abs(s[0] - f) / abs(f) for s, f in zip(f16, f32))
    print(f"f32: {' '.join(f'{x:.6f}' for x in f32)}")
    print(f"f16: {' '.join(f'{s[0]:.6f}' for s in f16)}")
    print(f"f16 against f32: largest relative difference {apart:.2e}, "
          f"loss scales {sorted({s[2] for s in f16})}")
    if apart > 0.01:
        return fail("the f16 program's losses are more than 1 % from the f32 program's")
    if apart == 0:
        return fail("the f16 program's losses are the f32 program's: nothing was rounded")
    return 0


def check_scaling(stratac, work, data):
    exe = os.path.join(work, "scaled", "train")
    compile_gpt(stratac, exe, "f16", "--loss-scale=dynamic:init=16777216,interval=3")
    steps = train(exe, data, STEPS)
    scale, good, skipped, grown = float(1 << 24), 0, [], 0
    for step, (_, skip, printed) in enumerate(steps, 1):
        if skip:
            scale, good = scale / 2, 0
            skipped.append(step)
        else:
            good += 1
            if good == 3:
                scale, good, grown = scale * 2, 0, grown + 1
        if printed != scale:
            return fail(f"step {step}: loss scale {printed}, GradScaler's rule gives {scale}")
    print(f"scales: {' '.join(f'{s[2]:g}' + ('*' if s[1] else '') for s in steps)} "
          f"(* skipped)")
    if not skipped or not grown:
        return fail(f"expected skipped and grown steps: skipped {skipped}, grew {grown} times")
    kept = skipped[0]
    moved = next(s for s in range(1, STEPS + 1) if s not in skipped)
    for step, should_change in ((kept, False), (moved, True)):
        before = (exe + ".weights" if step == 1 else
                  checkpoint(exe, data, step - 1, os.path.join(work, f"before-{step}")))
        after = checkpoint(exe, data, step, os.path.join(work, f"after-{step}"))
        a, b = read_weights(before), read_weights(after)
        changed = [n for n in b if n not in SCALE_STATE and a[n] != b[n]]
        if bool(changed) != should_change:
            return fail(f"step {step} ({'not ' if should_change else ''}skipped) changed "
                        f"{len(changed)} weights and states")
        print(f"step {step} ({'not ' if should_change else ''}skipped): "
              f"{len(changed)} of {len(b) - len(SCALE_STATE)} weights and states changed")
    return 0


def checkpoint(exe, data, steps, directory):
    train(exe, data, steps, "--checkpoint", directory)
    return os.path.join(directory, f"step-{steps:08d}.weights")


def check_underflow(stratac, work):
    rng = np.random.default_rng(3)
    w = rng.uniform(-1, 1, (8, 8)).astype(np.float32)
    x = rng.uniform(-4e-3, 4e-3, (1, 4, 8)).astype(np.float32)
    t = (x[0] @ w + rng.uniform(-1e-5, 1e-5, (4, 8))).astype(np.float32)[None]
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 8])],
        [numpy_helper.from_array(w, "w")])
    model = os.path.join(work, "linear.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)]), model)
    batches = os.path.join(work, "linear.npz")
    np.savez(batches, x, t)
    moves = {}
    for name, flags in (("f32", []), ("f16", []), ("unscaled", ["--loss-scale=none"])):
        exe = os.path.join(work, "linear", name)
        precision = "f32" if name == "f32" else "f16"
        subprocess.run([stratac, "compile", model, "--loss=mse:y,t", "--train",
                        "--optimizer=adamw:weight_decay=0", f"--matmul-precision={precision}",
                        *flags, "-o", exe], check=True)
        trained = checkpoint(exe, batches, 1, exe + "-ckpt")
        moves[name] = np.frombuffer(read_weights(trained)["w"], np.float32).reshape(8, 8) - w
    # One AdamW step from zero state moves W by -lr g / (|g| + eps), g the
    # gradient as f16 products compute it: operands and result rounded to
    # f16, the loss's gradient scaled by 65536 first and the result divided
    # by it after.
    def f16(a):
        return a.astype(np.float16).astype(np.float32)
    y = f16(f16(x[0]) @ f16(w))
    scaled = f16(f16(x[0]).T @ f16(2 * (y - t[0]) / y.size * 65536))
    g = scaled.astype(np.float64) / 65536
    expected = -1e-3 * g / (np.abs(g) + 1e-8)
    largest = np.abs(expected).max()
    apart = np.abs(moves["f16"] - expected).max() / largest
    print(f"linear layer, one step: gradients up to {np.abs(g).max():.2e} (f16's smallest "
          f"subnormal is 5.96e-08); W moved by up to {np.abs(moves['f16']).max():.2e} with scaling, within "
          f"{apart:.2e} of the step on f16 products; by {np.abs(moves['unscaled']).max():.2e} "
          f"without; the f32 program by {np.abs(moves['f32']).max():.2e}")
    if np.any(moves["unscaled"] != 0):
        return fail("without loss scaling the f16 gradients did not flush to zero")
    if apart > 0.01:
        return fail("with loss scaling the step is more than 1 % from the one on f16 products")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    data = os.path.join(args.work, "tokens.bin")
    np.random.default_rng(0).integers(0, 90, 8 * 64 * (STEPS + 1)).astype(np.uint16).tofile(data)
    for check in (lambda: check_losses(args.stratac, args.work, data),
                  lambda: check_scaling(args.stratac, args.work, data),
                  lambda: check_underflow(args.stratac, args.work)):
        if check():
            return 1
    print("ok: f16 products and loss scaling")
    return 0


if __name__ == "__main__":
    sys.exit(main())
