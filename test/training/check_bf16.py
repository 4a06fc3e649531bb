"""Trains the GPT-style test model for 10 steps (batch 8 x 64, AdamW) with a
program compiled with --matmul-precision=bf16 and with one compiled in f32, on
the same tokens, and checks that every step's loss agrees within 1 %. Where
the CPU has bf16 product kernels (AVX-512 BF16 or AMX) the losses must also
differ somewhere: the products did read rounded operands; where it has none,
the products stay f32 and the losses must be equal.

  python check_bf16.py --stratac build/bin/stratac --work DIR
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = os.path.join(ROOT, "test", "models", "gpt2", "gpt2_nokv_ts17.onnx")
STEPS = 10


def has_bf16_kernels():
    with open("/proc/cpuinfo") as f:
        flags = f.read()
    return " avx512_bf16" in flags or " amx_bf16" in flags


def losses(stratac, work, precision, data):
    exe = os.path.join(work, precision, "train")
    subprocess.run([stratac, "compile", MODEL, "--shape", "input_ids=8x64,attention_mask=8x64",
                    "--loss=cross_entropy:logits,input_ids,shift", "--train",
                    f"--matmul-precision={precision}", "-o", exe], check=True)
    out = subprocess.run([exe, "--train", "--data", data, "--steps", str(STEPS), "--lr", "1e-3"],
                         check=True, capture_output=True, text=True).stdout
    return [float(x) for x in re.findall(r"^step \d+/\d+: loss ([0-9.]+)", out, re.M)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    data = os.path.join(args.work, "tokens.bin")
    np.random.default_rng(0).integers(0, 90, 8 * 64 * (STEPS + 1)).astype(np.uint16).tofile(data)
    f32 = losses(args.stratac, args.work, "f32", data)
    bf16 = losses(args.stratac, args.work, "bf16", data)
    if len(f32) != STEPS or len(bf16) != STEPS:
        print(f"FAIL: expected {STEPS} losses, got {len(f32)} and {len(bf16)}")
        return 1
    apart = max(abs(b - f) / abs(f) for b, f in zip(bf16, f32))
    print(f"f32:  {' '.join(f'{x:.6f}' for x in f32)}")
    print(f"bf16: {' '.join(f'{x:.6f}' for x in bf16)}")
    print(f"largest relative difference {apart:.2e}")
    if apart > 0.01:
        print("FAIL: the bf16 program's losses are more than 1 % from the f32 program's")
        return 1
    if has_bf16_kernels() and apart == 0:
        print("FAIL: this CPU has bf16 kernels but the losses are the f32 program's")
        return 1
    if not has_bf16_kernels() and apart != 0:
        print("FAIL: this CPU has no bf16 kernels but the losses differ from f32")
        return 1
    print("ok: bf16 products " + ("used" if has_bf16_kernels() else "not available: f32 kept"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
