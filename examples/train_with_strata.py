"""Trains the byte-level GPT of examples/ from random weights with Strata
itself, then generates text with what it trained.

The architecture is the one of byte-gpt.onnx (train_byte_gpt.py's ByteGPT:
4 layers, d_model 128, context 256); its weights are drawn afresh as
ByteGPT initialises them (normal with standard deviation 0.02, residual
projections 0.02 / sqrt(8), zero biases, unit norm scales). The text is the
King James Bible of Debian's bible-kjv (kjv_text.py), held-out blocks left
out. Steps:

1. `stratac compile --train` makes a training program of the re-initialised
   model (AdamW with betas 0.9 and 0.95, weight decay 0.1, clipping at 1);
2. the program trains on windows of the text drawn at random, as
   train_byte_gpt.py draws them (seeded; written in order as a uint16 token
   stream, one window per row of each step's batch), with a linear warmup
   and a cosine decay to a tenth of the rate, checkpointing every 100 steps
   (a second run resumes from the newest checkpoint; the windows of the
   steps it has done are the same);
3. `stratac compile --swappable-weights` makes the inference program of
   byte-gpt.onnx (KV cache, as tools/run-default compiles it), the training
   program exports its weights for it, and it generates from the prompt;
4. with `--evaluate`, the training program also exports the trained ONNX
   model, and onnxruntime scores it and the embedded byte-gpt.onnx on the same
   random windows of the held-out and of the training text (cross-entropy
   in nats per byte, as train_byte_gpt.py reports it).

Only numpy, onnx, onnxruntime and the bible-kjv package are needed
(tools/train-default installs them). The embedded model was trained on a GPU
for 6,000 steps of 256 x 256 bytes; `--steps 30000 --precision bf16` (a third
of those bytes, at the ~26,000 bytes per second two cores train at) reaches
its held-out loss in 80 minutes (examples/README.md, "Training it with
Strata").

  python examples/train_with_strata.py --stratac build/bin/stratac \\
      [--steps 1200] [--batch 16] [--lr 2e-3] [--precision f32|bf16] \\
      [--evaluate] [--out build/examples/trained]
"""
import argparse
import math
import pathlib
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from kjv_text import prepare, split  # noqa: E402

LAYERS, CONTEXT, HEADS, HEAD_DIM = 4, 256, 4, 32
SEED = 1611
EVAL_WINDOWS = 320
# train_byte_gpt.py's: no weight decay for biases and norm scales.
OPTIMIZER = "adamw:beta1=0.9,beta2=0.95,eps=1e-8,weight_decay=0.1,clip=1,decay_min_rank=2"


def initial_weights(model: onnx.ModelProto, seed: int) -> None:
    """Replaces `model`'s float initializers with freshly initialised ones."""
    rng = np.random.default_rng(seed)
    projection = 0.02 / math.sqrt(2 * LAYERS)
    for tensor in model.graph.initializer:
        value = numpy_helper.to_array(tensor)
        if value.dtype != np.float32 or value.size <= 1:
            continue
        name = tensor.name
        if name.endswith(".bias"):
            fresh = np.zeros_like(value)
        elif ".ln" in name and name.endswith(".weight"):
            fresh = np.ones_like(value)
        else:
            # The exporter names the linear layers' transposed weights by
            # their MatMul: attn.proj is 128 x 128, fc_proj 512 x 128.
            residual = value.shape in {(128, 128), (512, 128)}
            fresh = rng.normal(0, projection if residual else 0.02, value.shape)
        tensor.CopyFrom(numpy_helper.from_array(fresh.astype(np.float32), name))


def random_windows(data: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` windows of CONTEXT bytes of `data` at random starts, [count, CONTEXT].
    The first n windows of a larger count are the n of a smaller one."""
    starts = np.random.default_rng(seed).integers(0, data.size - CONTEXT, size=count)
    return data[starts[:, None] + np.arange(CONTEXT)]


def mean_loss(model: pathlib.Path, windows: np.ndarray, batch: int) -> float:
    """onnxruntime's mean cross-entropy of `model` predicting each window's next bytes."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    losses = []
    for rows in np.split(windows.astype(np.int64), len(windows) // batch):
        empty = np.zeros((batch, HEADS, 0, HEAD_DIM), np.float32)
        feed = {"input_ids": rows} | {f"past_key_values.{i}.{kv}": empty
                                      for i in range(LAYERS) for kv in ("key", "value")}
        logits = session.run(["logits"], feed)[0][:, :-1].astype(np.float64)
        logits -= logits.max(axis=-1, keepdims=True)
        log_probs = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        targets = rows[:, 1:]
        losses.append(-np.take_along_axis(log_probs, targets[..., None], -1).mean())
    return float(np.mean(losses))


def evaluate(trained: pathlib.Path, train: np.ndarray, val: np.ndarray) -> None:
    """Prints the trained and the embedded model's losses on the same windows."""
    print(f"{'model':>9} {'train loss':>11} {'val loss':>9}   "
          f"(nats per byte, {EVAL_WINDOWS} random windows of {CONTEXT} bytes each)")
    for name, model in (("trained", trained), ("embedded", HERE / "byte-gpt.onnx")):
        scores = [mean_loss(model, random_windows(data, EVAL_WINDOWS, SEED + 1), 16)
                  for data in (train, val)]
        print(f"{name:>9} {scores[0]:11.4f} {scores[1]:9.4f}", flush=True)


def run(command):
    print("+ " + " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stratac", required=True, type=pathlib.Path)
    parser.add_argument("--steps", type=int, default=1200)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--precision", choices=("f32", "bf16"), default="f32",
                        help="the products' precision (stratac --matmul-precision)")
    parser.add_argument("--evaluate", action="store_true",
                        help="score the trained and the embedded model with onnxruntime")
    parser.add_argument("--text", type=pathlib.Path, default=HERE.parent / ".cache" / "kjv.txt")
    parser.add_argument("--out", type=pathlib.Path,
                        default=HERE.parent / "build" / "examples" / "trained")
    parser.add_argument("--generate", type=int, default=200)
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not args.text.exists():
        prepare(args.text)
    train, val = (np.frombuffer(part, np.uint8) for part in split(args.text.read_bytes()))
    tokens = out / "kjv-train-windows.bin"
    random_windows(train, args.steps * args.batch, SEED).astype(np.uint16).tofile(tokens)

    model = onnx.load(HERE / "byte-gpt.onnx")
    initial_weights(model, seed=SEED)
    fresh = out / "byte-gpt-init.onnx"
    onnx.save(model, fresh)
    shapes = [f"input_ids={args.batch}x{CONTEXT}"] + [
        f"past_key_values.{i}.{kv}={args.batch}x{HEADS}x0x{HEAD_DIM}"
        for i in range(LAYERS) for kv in ("key", "value")]
    trainer = out / "train"
    run([args.stratac, "compile", fresh, "-o", trainer, "--shape", ",".join(shapes), "--train",
         "--loss=cross_entropy:logits,input_ids,shift", f"--optimizer={OPTIMIZER}",
         f"--matmul-precision={args.precision}"])
    generator = out / "byte-gpt"
    run([args.stratac, "compile", HERE / "byte-gpt.onnx", "-o", generator, "--swappable-weights",
         "--max-shape", "batch=1", "--max-shape", "sequence=256", "--max-shape",
         "past_sequence=256", "--max-shape", "total_sequence=256"])

    checkpoints = out / "checkpoints"
    resume = ["--resume", checkpoints] if list(checkpoints.glob("step-*.weights")) else []
    trained = out / "byte-gpt.trained.weights"
    trained_onnx = out / "byte-gpt.trained.onnx"
    export_onnx = ["--export-onnx", trained_onnx] if args.evaluate else []
    run([trainer, "--train", "--data", tokens, "--steps", args.steps, "--lr", args.lr,
         "--min-lr", args.lr / 10, "--warmup", max(1, args.steps // 10), "--checkpoint",
         checkpoints, "--every", 100, *resume, "--export-weights", trained,
         "--inference-weights", f"{generator}.weights", *export_onnx])
    run([generator, "--weights", trained, "--generate", args.generate, "--input",
         f"input_ids={HERE / 'prompt.npy'}"])
    if args.evaluate:
        evaluate(trained_onnx, train, val)


if __name__ == "__main__":
    main()
