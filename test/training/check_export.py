"""Checks that the weights a training program exports are what it trained:
an inference program of the same model run on them (--export-weights), and
onnxruntime run on the ONNX model with the checkpoint's weights as its
initializers (stratac update-weights) and on the ONNX models the program
writes itself (--export-onnx, inline and with --external-data), each give
logits whose causal cross entropy on the next step's batch equals the loss
the training program reports for that step (its forward pass reads the same
weights). The models the program writes must also pass onnx.checker, hold
every initializer inline or in their own data file, and have the same
initializer names as the model --onnx names.

  python check_export.py --train PROGRAM --infer PROGRAM --data TOKENS.bin \\
      --steps N --batch B --sequence T --work DIR --stratac STRATAC --onnx MODEL
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--train", "--infer", "--data", "--work", "--stratac", "--onnx"):
        parser.add_argument(flag, required=True)
    for flag in ("--steps", "--batch", "--sequence"):
        parser.add_argument(flag, type=int, required=True)
    args = parser.parse_args()
    checkpoints = os.path.join(args.work, "checkpoints")
    exported = os.path.join(args.work, "trained.weights")
    common = ["--train", "--data", args.data, "--lr", "1e-2", "--checkpoint", checkpoints]
    out = subprocess.run([args.train, *common, "--steps", str(args.steps), "--export-weights",
                          exported, "--inference-weights", args.infer + ".weights"],
                         check=True, capture_output=True, text=True).stdout
    print(out.strip().splitlines()[-1])
    # The next step's loss, from the weights after `steps` steps.
    out = subprocess.run([args.train, *common, "--steps", str(args.steps + 1), "--resume",
                          checkpoints], check=True, capture_output=True, text=True).stdout
    reported = float(re.search(rf"step {args.steps + 1}/\S+ loss ([0-9.]+)", out).group(1))
    stream = np.fromfile(args.data, np.uint16).astype(np.int64)
    windows = (len(stream) - args.sequence) // args.sequence + 1
    starts = [(args.steps * args.batch + b) % windows * args.sequence for b in range(args.batch)]
    ids = np.stack([stream[s:s + args.sequence] for s in starts])
    np.save(os.path.join(args.work, "ids.npy"), ids)
    np.save(os.path.join(args.work, "mask.npy"), np.ones_like(ids))
    logits_path = os.path.join(args.work, "logits.npy")
    subprocess.run([args.infer, "--weights", exported, "--input",
                    f"input_ids={os.path.join(args.work, 'ids.npy')}", "--input",
                    f"attention_mask={os.path.join(args.work, 'mask.npy')}", "--output",
                    f"logits={logits_path}"], check=True)
    loss = causal_loss(np.load(logits_path), ids)
    print(f"step {args.steps + 1}: training program's loss {reported:.6f}, "
          f"exported weights' loss {loss:.6f}")
    if abs(loss - reported) > 1e-5 * max(1.0, abs(reported)):
        sys.exit("the exported weights are not the trained ones")
    print("exported weights match")

    trained = os.path.join(args.work, "trained.onnx")
    # Step N + 1 read the weights after step N, whose checkpoint the resumed
    # run replaced: a second run of N steps writes it again (steps are
    # deterministic).
    subprocess.run([args.train, *common, "--steps", str(args.steps), "--checkpoint",
                    os.path.join(args.work, "again")], check=True, capture_output=True)
    checkpoint = os.path.join(args.work, "again", f"step-{args.steps:08d}.weights")
    out = subprocess.run([args.stratac, "update-weights", args.onnx, "--weights", checkpoint,
                          "-o", trained], check=True, capture_output=True, text=True).stdout
    print(out.strip())
    session = onnxruntime.InferenceSession(trained)
    feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    loss = causal_loss(session.run(["logits"], feeds)[0], ids)
    print(f"step {args.steps + 1}: onnxruntime's loss with the updated initializers {loss:.6f}")
    if abs(loss - reported) > 1e-5 * max(1.0, abs(reported)):
        sys.exit("the updated ONNX model does not hold the trained weights")
    print("updated ONNX model matches")

    names = {t.name for t in onnx.load(args.onnx, load_external_data=False).graph.initializer}
    for flags, name in (([], "exported.onnx"), (["--external-data"], "external.onnx")):
        path = os.path.join(args.work, name)
        out = subprocess.run([args.train, *common, "--steps", str(args.steps), "--checkpoint",
                              os.path.join(args.work, "again"), "--export-onnx", path, *flags],
                             check=True, capture_output=True, text=True).stdout
        print(out.strip().splitlines()[-1])
        check_self_contained(path, names)
        session = onnxruntime.InferenceSession(path)
        loss = causal_loss(session.run(["logits"], feeds)[0], ids)
        print(f"step {args.steps + 1}: onnxruntime's loss with {name} {loss:.6f}")
        if abs(loss - reported) > 1e-5 * max(1.0, abs(reported)):
            sys.exit(f"{name} does not hold the trained weights")
        print(f"{name} matches")


def check_self_contained(path, names):
    """Checks that the model at `path` passes onnx.checker, has the
    initializers `names`, and keeps their data inline or in its own data
    file (`path`.data, named relative to it)."""
    model = onnx.load(path, load_external_data=False)
    onnx.checker.check_model(path)
    got = [t.name for t in model.graph.initializer]
    if sorted(got) != sorted(names):
        sys.exit(f"{path}: initializers {sorted(set(got) ^ names)} differ from the model's")
    own = os.path.basename(path) + ".data"
    for t in model.graph.initializer:
        if t.data_location == onnx.TensorProto.EXTERNAL:
            location = {e.key: e.value for e in t.external_data}["location"]
            if location != own:
                sys.exit(f"{path}: initializer {t.name} lies in {location}, not in {own}")


def causal_loss(logits, ids):
    logits = logits.astype(np.float64)[:, :-1]
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    return -np.take_along_axis(log_probs, ids[:, 1:, None], -1).mean()


if __name__ == "__main__":
    main()
