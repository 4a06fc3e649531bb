"""Writes inputs of the byte-level GPT example (one 16-token prompt after an
8-token cache) to DIR and onnxruntime's logits for them to DIR/ort_logits.npy.

  python make_tier_inputs.py MODEL DIR
"""
import sys

import numpy as np
import onnxruntime

model, out = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)
feeds = {"input_ids": rng.integers(0, 256, (1, 16)).astype(np.int64)}
for layer in range(4):
    for kind in ("key", "value"):
        feeds[f"past_key_values.{layer}.{kind}"] = rng.standard_normal((1, 4, 8, 32)).astype(
            np.float32)
for name, value in feeds.items():
    np.save(f"{out}/{name}.npy", value)
session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
np.save(f"{out}/ort_logits.npy", session.run(["logits"], feeds)[0])
