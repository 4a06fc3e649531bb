"""One decode step of a GPT-2-small-sized model (12 layers, d_model 768, 12 heads,
vocabulary 50257; random weights) with a KV cache of 127 tokens: the export of
test/models/export.py's cached GPT-2 variant by torch's default (dynamo) exporter
at opset 18 with static shapes, made on the fly (never committed), compiled for the CPU with every input's shape fixed, against
onnxruntime on the same inputs at the same thread counts. Strata's time per step
comes from the program's own `--bench` loop, onnxruntime's from as many
`session.run` calls after a warm-up; each is also printed as the bandwidth at
which the step streams the weights (the weights file's size over the time per
step), to set next to the machine's memory bandwidth. With `--pairs N` each
row is timed N times, Strata and onnxruntime in turn, and a last line per row
gives the median ratio: a step is memory-bound, and a virtual machine's
bandwidth can move by half between one second and the next (seen on this
project's machines at two threads), so one pair can mislead. Prints figures;
asserts nothing. Needs torch and transformers (`tools/setup --export-deps`).

  .venv-export/bin/python decode.py --stratac build/bin/stratac [--threads 1 2]
      [--precisions f32 bf16] [--pairs N]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

from cpu_vs_ort import time_ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHAPE = {"batch": 1, "sequence": 1, "past_sequence": 127}


def export(work, layers, width, heads):
    """Writes WORK/gpt2_kv.onnx and WORK/NAME.npy per input (in input order, listed
    in WORK/inputs.txt)."""
    sys.path.insert(0, os.path.join(ROOT, "test", "models"))
    import torch
    import transformers

    import export as models

    config = transformers.GPT2Config(vocab_size=50257, n_positions=1024, n_embd=width,
                                     n_layer=layers, n_head=heads, bos_token_id=50256,
                                     eos_token_id=50256, attn_implementation="eager")
    variant = next(v for v in models.decoder_variants(
        "gpt2", transformers.GPT2LMHeadModel, config, with_position_ids=False)
        if v.name == "gpt2_kv")
    # Exported with static shapes: torch.export's dynamic-shape export of the
    # cached model did not finish in 25 minutes (one layer: 30 s).
    inputs = variant.make_inputs(SHAPE, np.random.default_rng(1))
    program = torch.onnx.export(variant.module, tuple(inputs.values()), dynamo=True,
                                opset_version=18, input_names=list(inputs),
                                output_names=variant.output_names, external_data=False,
                                verbose=False)
    program.save(os.path.join(work, "gpt2_kv.onnx"), external_data=False)
    for name, value in inputs.items():
        np.save(os.path.join(work, name + ".npy"), value.numpy())
    with open(os.path.join(work, "inputs.txt"), "w") as f:
        f.write("\n".join(inputs))


def time_strata(exe, work, names, threads, runs):
    args = [exe, "--bench", str(runs), "--threads", str(threads)]
    for name in names:
        args += ["--input", f"{name}={os.path.join(work, name + '.npy')}"]
    out = subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True).stdout
    return float(re.search(r"([0-9.]+) ms per run", out).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=1,
                        help="times each row this many times, in turn, and prints the median "
                             "ratio")
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--width", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--precisions", nargs="+", default=["f32"],
                        help="the programs' --matmul-precision; onnxruntime stays f32 (a bf16 "
                             "row compares Strata's bf16 decode with onnxruntime's f32)")
    parser.add_argument("--export-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_to:
        export(args.export_to, args.layers, args.width, args.heads)
        return
    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--stratac", args.stratac, "--export-to", work,
                        "--layers", str(args.layers), "--width", str(args.width),
                        "--heads", str(args.heads)], check=True)
        model = os.path.join(work, "gpt2_kv.onnx")
        print(f"exported {args.layers} layers, d_model {args.width}, cache of "
              f"{SHAPE['past_sequence']} tokens: {os.path.getsize(model) / 2**20:.0f} MiB, "
              f"in {time.perf_counter() - start:.1f} s")
        with open(os.path.join(work, "inputs.txt")) as f:
            names = f.read().split("\n")
        feeds = {name: np.load(os.path.join(work, name + ".npy")) for name in names}
        shapes = [f"--shape={name}={'x'.join(map(str, feeds[name].shape))}"
                  for name in ("input_ids", "attention_mask", "past_key_values.0.key")]
        exes = {}
        for precision in args.precisions:
            exes[precision] = os.path.join(work, "out-" + precision, "gpt2_kv")
            start = time.perf_counter()
            subprocess.run([args.stratac, "compile", model, "-o", exes[precision], *shapes,
                            f"--matmul-precision={precision}"], check=True)
            print(f"compiled the {precision} program in {time.perf_counter() - start:.1f} s")
        # A step reads every weight once: the weights file's size over the
        # time per step is the bandwidth the step streams them at (a bf16
        # program streams half as many bytes; the column still divides the
        # f32 size, as onnxruntime's does).
        weight_bytes = os.path.getsize(exes[args.precisions[0]] + ".weights")
        print(f"weights: {weight_bytes / 1e6:.0f} MB (f32) read per step")
        print(f"{'precision':>9} {'threads':>7} {'strata ms':>10} {'ort f32 ms':>11} "
              f"{'ort/strata':>11} {'strata GB/s':>12} {'ort GB/s':>9}")
        for precision, exe in exes.items():
            for threads in args.threads:
                ratios = []
                for _ in range(args.pairs):
                    strata_ms = time_strata(exe, work, names, threads, args.runs)
                    ort_ms = time_ort(model, feeds, threads, args.runs)
                    ratios.append(ort_ms / strata_ms)
                    print(f"{precision:>9} {threads:>7} {strata_ms:>10.2f} {ort_ms:>11.2f} "
                          f"{ort_ms / strata_ms:>10.2f}x {weight_bytes / strata_ms / 1e6:>12.1f} "
                          f"{weight_bytes / ort_ms / 1e6:>9.1f}", flush=True)
                if args.pairs > 1:
                    print(f"{precision:>9} {threads:>7} median of {args.pairs} pairs: "
                          f"{float(np.median(ratios)):.2f}x (from {min(ratios):.2f}x to "
                          f"{max(ratios):.2f}x)", flush=True)


if __name__ == "__main__":
    main()
