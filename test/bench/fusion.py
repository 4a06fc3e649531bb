"""Time per token with and without fusion (`--no-fusion`), on the same compiled
model and inputs: the GPT-style test model's prefill (batch 1, 128 tokens:
time per run / 128), and, with torch and transformers (`tools/setup
--export-deps`), one decode step of a GPT-2-small-sized model with a 127-token
cache, exported on the fly as test/bench/decode.py does (one token per step).
Each program's time per run comes from its own `--bench` loop; the two
programs run in turn, three rounds, and the median is printed. Prints
figures; asserts nothing.

  python fusion.py --stratac build/bin/stratac [--threads 1] [--runs 50] [--no-decode]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PREFILL = "test/models/gpt2/gpt2_nokv_ts17.onnx"
EXPORT_PYTHON = os.path.join(ROOT, ".venv-export", "bin", "python")


def bench(exe, inputs, threads, runs):
    args = [exe, "--bench", str(runs), "--threads", str(threads)]
    for name, path in inputs.items():
        args += ["--input", f"{name}={path}"]
    out = subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True).stdout
    return float(re.search(r"([0-9.]+) ms per run", out).group(1))


def compare(stratac, model, shapes, inputs, tokens, threads, runs, work, label):
    exes = {}
    for fused in (True, False):
        exe = os.path.join(work, "fused" if fused else "unfused", "model")
        flags = [] if fused else ["--no-fusion"]
        subprocess.run([stratac, "compile", model, "-o", exe, *shapes, *flags], check=True)
        exes[fused] = exe
    times = {True: [], False: []}
    for _ in range(3):
        for fused in (True, False):
            times[fused].append(bench(exes[fused], inputs, threads, runs))
    fused_ms, unfused_ms = (statistics.median(times[f]) for f in (True, False))
    print(f"{label:<34} {unfused_ms / tokens:>12.3f} {fused_ms / tokens:>10.3f} "
          f"{unfused_ms / fused_ms:>14.2f}x", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", default=os.path.join(ROOT, "build/bin/stratac"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--no-decode", action="store_true",
                        help="leave out the GPT-2-small-sized decode step")
    args = parser.parse_args()
    print(f"{args.threads} thread(s), median of 3 rounds of {args.runs} runs")
    print(f"{'model':<34} {'unfused ms/token':>12} {'fused ms/token':>10} {'unfused/fused':>14}")
    with tempfile.TemporaryDirectory() as work:
        rng = np.random.default_rng(0)
        inputs = {"input_ids": rng.integers(0, 100, (1, args.seq), dtype=np.int64),
                  "attention_mask": np.ones((1, args.seq), np.int64)}
        paths = {}
        for name, value in inputs.items():
            paths[name] = os.path.join(work, name + ".npy")
            np.save(paths[name], value)
        shapes = [f"--shape={name}=1x{args.seq}" for name in inputs]
        compare(args.stratac, os.path.join(ROOT, PREFILL), shapes, paths, args.seq,
                args.threads, args.runs, os.path.join(work, "prefill"),
                f"GPT-style test model, prefill {args.seq}")
        if args.no_decode:
            return
        if not os.path.exists(EXPORT_PYTHON):
            print("decode step left out: needs torch and transformers "
                  "(tools/setup --export-deps)")
            return
        export = os.path.join(work, "decode")
        os.makedirs(export)
        subprocess.run([EXPORT_PYTHON, os.path.join(ROOT, "test/bench/decode.py"), "--stratac",
                        args.stratac, "--export-to", export], check=True)
        with open(os.path.join(export, "inputs.txt")) as f:
            names = f.read().split("\n")
        paths = {name: os.path.join(export, name + ".npy") for name in names}
        shapes = [f"--shape={name}={'x'.join(map(str, np.load(paths[name]).shape))}"
                  for name in names]
        compare(args.stratac, os.path.join(export, "gpt2_kv.onnx"), shapes, paths, 1,
                args.threads, args.runs, export, "GPT-2 124M, decode, 127 cached")


if __name__ == "__main__":
    sys.exit(main())
