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
2. the program trains on the text as a uint16 token stream, with a linear
   warmup and a cosine decay to a tenth of the rate, checkpointing every 100
   steps (a second run resumes from the newest checkpoint);
3. `stratac compile --swappable-weights` makes the inference program of
   byte-gpt.onnx (KV cache, as tools/run-default compiles it), the training
   program exports its weights for it, and it generates from the prompt.

Only numpy, onnx and the bible-kjv package are needed (tools/train-default
installs them). The embedded model was trained on a GPU for 6,000 steps of
256 x 256 bytes; the same run here, at the ~14,000 bytes per second two
cores train at, would take about eight hours: `--steps` sets how long.

  python examples/train_with_strata.py --stratac build/bin/stratac \\
      [--steps 1200] [--batch 16] [--lr 2e-3] [--out build/examples/trained]
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


def run(command):
    print("+ " + " ".join(str(c) for c in command), flush=True)
    subprocess.run([str(c) for c in command], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stratac", required=True, type=pathlib.Path)
    parser.add_argument("--steps", type=int, default=1200)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--text", type=pathlib.Path, default=HERE.parent / ".cache" / "kjv.txt")
    parser.add_argument("--out", type=pathlib.Path,
                        default=HERE.parent / "build" / "examples" / "trained")
    parser.add_argument("--generate", type=int, default=200)
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    if not args.text.exists():
        prepare(args.text)
    train, _ = split(args.text.read_bytes())
    tokens = out / "kjv-train.bin"
    np.frombuffer(train, np.uint8).astype(np.uint16).tofile(tokens)

    model = onnx.load(HERE / "byte-gpt.onnx")
    initial_weights(model, seed=1611)
    fresh = out / "byte-gpt-init.onnx"
    onnx.save(model, fresh)
    shapes = [f"input_ids={args.batch}x{CONTEXT}"] + [
        f"past_key_values.{i}.{kv}={args.batch}x{HEADS}x0x{HEAD_DIM}"
        for i in range(LAYERS) for kv in ("key", "value")]
    trainer = out / "train"
    run([args.stratac, "compile", fresh, "-o", trainer, "--shape", ",".join(shapes), "--train",
         "--loss=cross_entropy:logits,input_ids,shift", f"--optimizer={OPTIMIZER}"])
    generator = out / "byte-gpt"
    run([args.stratac, "compile", HERE / "byte-gpt.onnx", "-o", generator, "--swappable-weights",
         "--max-shape", "batch=1", "--max-shape", "sequence=256", "--max-shape",
         "past_sequence=256", "--max-shape", "total_sequence=256"])

    checkpoints = out / "checkpoints"
    resume = ["--resume", checkpoints] if list(checkpoints.glob("step-*.weights")) else []
    trained = out / "byte-gpt.trained.weights"
    run([trainer, "--train", "--data", tokens, "--steps", args.steps, "--lr", args.lr,
         "--min-lr", args.lr / 10, "--warmup", max(1, args.steps // 10), "--checkpoint",
         checkpoints, "--every", 100, *resume, "--export-weights", trained,
         "--inference-weights", f"{generator}.weights"])
    run([generator, "--weights", trained, "--generate", args.generate, "--input",
         f"input_ids={HERE / 'prompt.npy'}"])


if __name__ == "__main__":
    main()
