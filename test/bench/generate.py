"""Greedy generation with a GPT-2-small-sized model (12 layers, d_model 768, 12
heads, vocabulary 50257, 1024 positions; random weights): examples/train_byte_gpt.py's
GPT at that size, exported with its KV cache by the TorchScript exporter with dynamic
axes as the embedded default model is (made on the fly, never committed). The model is compiled twice for a context of prompt
plus new tokens (`--max-shape`): appending to its KV cache in place (the default)
and with `--kv-cache=copy` (the exported concat of past and new positions, and the
cache copied out of every step and in to the next). Each program generates the
tokens with `--generate`, and onnxruntime runs the same greedy loop (each step's
present tensors fed back as past, through numpy) at the same thread counts. Prints
the time per generated token (prefill included) and the ratios, and whether the
three loops chose the same tokens; asserts nothing. Needs torch and transformers
(`tools/setup --export-deps`).

  .venv-export/bin/python generate.py --stratac build/bin/stratac [--threads 1 2]
      [--prompt 32] [--tokens 480]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def export(path):
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    import torch
    import train_byte_gpt as gpt

    torch.manual_seed(0)
    cfg = gpt.Config(vocab=50257, context=1024, layers=12, d_model=768, heads=12)
    wrapper = gpt.ExportWrapper(gpt.ByteGPT(cfg).eval()).eval()
    past_names, present_names = gpt.io_names(cfg)
    # Example sizes the tracer cannot mistake for one another or for a model size.
    ids, pasts = gpt.random_inputs(cfg, 3, 7, 5, torch.Generator().manual_seed(0))
    axes = {"input_ids": {0: "batch", 1: "sequence"}, "logits": {0: "batch", 1: "sequence"}}
    axes.update({n: {0: "batch", 2: "past_sequence"} for n in past_names})
    axes.update({n: {0: "batch", 2: "total_sequence"} for n in present_names})
    with torch.no_grad():
        torch.onnx.export(wrapper, (ids, *pasts), path, dynamo=False, opset_version=17,
                          input_names=["input_ids", *past_names],
                          output_names=["logits", *present_names], dynamic_axes=axes)


def strata_generate(exe, prompt_path, tokens, threads):
    tokens_path = exe + ".tokens.npy"
    run = subprocess.run([exe, "--generate", str(tokens), "--threads", str(threads), "--input",
                          f"input_ids={prompt_path}", "--output", f"tokens={tokens_path}"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if run.returncode != 0:
        sys.exit(f"{exe} failed:\n{run.stdout}")
    ms = float(re.search(r"generated \d+ tokens in ([0-9.]+) ms", run.stdout).group(1))
    return ms, np.load(tokens_path)[0]


def ort_generate(path, prompt, tokens, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    past_names = [i.name for i in session.get_inputs() if i.name.startswith("past_key_values.")]
    shapes = {i.name: i.shape for i in session.get_inputs()}
    out_names = [o.name for o in session.get_outputs()]

    def run(count):
        ids = prompt[None, :]
        feeds = {name: np.zeros((1, shapes[name][1], 0, shapes[name][3]), np.float32)
                 for name in past_names}
        chosen = list(prompt)
        for _ in range(count):
            feeds["input_ids"] = ids
            outputs = dict(zip(out_names, session.run(None, feeds)))
            token = int(outputs["logits"][0, -1].argmax())
            chosen.append(token)
            ids = np.array([[token]], np.int64)
            for name in past_names:
                feeds[name] = outputs["present." + name[len("past_key_values."):]]
        return np.array(chosen)

    run(max(2, tokens // 10))  # warm-up
    start = time.perf_counter()
    chosen = run(tokens)
    return (time.perf_counter() - start) * 1e3, chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--prompt", type=int, default=32, help="prompt tokens")
    parser.add_argument("--tokens", type=int, default=480, help="tokens to generate")
    parser.add_argument("--work", help="keep the export and programs in this folder, and reuse "
                                       "an export found there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or scratch
        os.makedirs(work, exist_ok=True)
        model = os.path.join(work, "gpt2_kv.onnx")
        start = time.perf_counter()
        if not os.path.exists(model):
            subprocess.run([sys.executable, "-c",
                        f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r}); "
                            f"import generate; generate.export({model!r})"], check=True)
        print(f"exported in {time.perf_counter() - start:.1f} s")
        context = args.prompt + args.tokens
        bounds = f"batch=1,sequence={args.prompt},past_sequence={context},total_sequence={context}"
        exes = {}
        for mode in ("in-place", "copy"):
            exes[mode] = os.path.join(work, mode, "gpt2_kv")
            start = time.perf_counter()
            subprocess.run([args.stratac, "compile", model, "-o", exes[mode], "--max-shape",
                            bounds, f"--kv-cache={mode}"], check=True)
            print(f"compiled --kv-cache={mode} in {time.perf_counter() - start:.1f} s")
        prompt = np.random.default_rng(1).integers(0, 50257, (1, args.prompt), dtype=np.int64)
        prompt_path = os.path.join(work, "prompt.npy")
        np.save(prompt_path, prompt)
        print(f"{args.prompt}-token prompt, {args.tokens} tokens generated; ms per token, "
              "prefill included")
        print(f"{'threads':>7} {'in-place':>9} {'copy':>7} {'ort':>7} {'copy/in-place':>14} "
              f"{'ort/in-place':>13}  same tokens")
        for threads in args.threads:
            in_place, tokens_a = strata_generate(exes["in-place"], prompt_path, args.tokens,
                                                 threads)
            copy, tokens_b = strata_generate(exes["copy"], prompt_path, args.tokens, threads)
            ort_ms, tokens_c = ort_generate(model, prompt[0], args.tokens, threads)
            per = [ms / args.tokens for ms in (in_place, copy, ort_ms)]
            same = (np.array_equal(tokens_a, tokens_b), np.array_equal(tokens_a, tokens_c))
            print(f"{threads:>7} {per[0]:>9.2f} {per[1]:>7.2f} {per[2]:>7.2f} "
                  f"{per[1] / per[0]:>13.2f}x {per[2] / per[0]:>12.2f}x  "
                  f"copy {'yes' if same[0] else 'NO'}, ort {'yes' if same[1] else 'NO'}",
                  flush=True)


if __name__ == "__main__":
    main()
