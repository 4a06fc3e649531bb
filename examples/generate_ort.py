"""Greedy byte generation from examples/byte-gpt.onnx with onnxruntime and its KV cache.

The first step runs the whole prompt with empty past tensors (past_sequence = 0); every
later step feeds the last chosen byte and the `present.*` tensors of the step before.
Generation stops after --bytes new bytes or at the model's context of 256 positions.
Needs only numpy and onnxruntime (`.venv`):

    .venv/bin/python examples/generate_ort.py [--model M] [--prompt prompt.npy | --text T]
        [--bytes 200]
"""

import argparse
import pathlib
import sys

import numpy as np
import onnxruntime

HERE = pathlib.Path(__file__).resolve().parent
CONTEXT = 256


def generate(model: pathlib.Path, prompt: np.ndarray, n_bytes: int) -> bytes:
    sess = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    past_inputs = [i for i in sess.get_inputs() if i.name.startswith("past_key_values.")]
    outputs = [o.name for o in sess.get_outputs()]
    batch = prompt.shape[0]
    # Empty past: [batch, heads, 0, head_dim], heads and head_dim read from the model.
    past = {i.name: np.zeros((batch, i.shape[1], 0, i.shape[3]), dtype=np.float32)
            for i in past_inputs}
    ids = prompt.astype(np.int64)
    out = []
    for _ in range(min(n_bytes, CONTEXT - prompt.shape[1] + 1)):
        result = dict(zip(outputs, sess.run(outputs, {"input_ids": ids, **past})))
        next_id = result["logits"][:, -1, :].argmax(axis=-1)  # greedy
        out.append(int(next_id[0]))
        ids = next_id.astype(np.int64)[:, None]
        past = {name: result[name.replace("past_key_values.", "present.")] for name in past}
    return bytes(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=pathlib.Path, default=HERE / "byte-gpt.onnx")
    ap.add_argument("--prompt", type=pathlib.Path, default=HERE / "prompt.npy",
                    help="int64 [1, n] .npy of prompt bytes")
    ap.add_argument("--text", help="prompt text (instead of --prompt)")
    ap.add_argument("--bytes", type=int, default=200, help="how many bytes to generate")
    args = ap.parse_args()
    if args.text is not None:
        prompt = np.frombuffer(args.text.encode(), dtype=np.uint8).astype(np.int64)[None, :]
    else:
        prompt = np.load(args.prompt)
    text = bytes(prompt[0].astype(np.uint8).tolist()) + generate(args.model, prompt, args.bytes)
    sys.stdout.write(text.decode("utf-8", errors="replace") + "\n")


if __name__ == "__main__":
    main()
