"""Time per run of compiled models against onnxruntime on the same inputs and
the same number of threads (1 and 2 by default): the BERT-style and GPT-style
test models of test/models at batch 1, sequence 128, then, with torch and
transformers (`tools/setup --export-deps`), real-sized exports made on the fly
and never committed: GPT-2-small-sized prefill of 128 tokens (TorchScript with
static and with dynamic shapes, dynamo with static shapes), a BERT-base-sized
encoder on 128 tokens, and one GPT-2-small-sized decode step with a 127-token
cache (test/bench/decode.py's export). Strata's time per run comes from the
program's own `--bench` loop, onnxruntime's from the same number of
`session.run` calls after a warm-up; the peak resident memory of the Strata
program's benchmark run is printed too. With --pairs N each row is timed N
times, Strata and onnxruntime in turn, and its median ratio printed after the
pairs (a machine whose memory bandwidth moves from one second to the next, as
this project's do at two threads, can mislead in one pair). Prints figures;
asserts nothing.

  python cpu_vs_ort.py --stratac build/bin/stratac [--threads 1 2] [--runs 300]
      [--real-size-runs 20] [--pairs N] [--small-only]
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time

import numpy as np
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = [
    ("BERT-style", "test/models/bert/bert_ts17.onnx"),
    ("GPT-style", "test/models/gpt2/gpt2_nokv_ts17.onnx"),
]


def make_inputs(session, batch, seq):
    rng = np.random.default_rng(0)
    feeds = {}
    for i in session.get_inputs():
        if i.name == "input_ids":
            feeds[i.name] = rng.integers(0, 100, (batch, seq), dtype=np.int64)
        elif i.name == "token_type_ids":
            feeds[i.name] = np.zeros((batch, seq), np.int64)
        else:
            feeds[i.name] = np.ones((batch, seq), np.int64)
    return feeds


def time_ort(path, feeds, threads, runs):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    for _ in range(10):
        session.run(None, feeds)
    start = time.perf_counter()
    for _ in range(runs):
        session.run(None, feeds)
    return (time.perf_counter() - start) / runs * 1e3


def compile_strata(stratac, path, feeds, work, static=True):
    """Compiles `path` into WORK/model (every input's shape fixed when `static`) and
    saves `feeds` next to it; returns the program's arguments and the compile time."""
    exe = os.path.join(work, "model")
    shapes = [f"--shape={name}={'x'.join(map(str, v.shape))}" for name, v in feeds.items()]
    start = time.perf_counter()
    subprocess.run([stratac, "compile", path, "-o", exe, *(shapes if static else [])], check=True)
    compile_s = time.perf_counter() - start
    args = [exe]
    for name, value in feeds.items():
        np.save(os.path.join(work, name + ".npy"), value)
        args += ["--input", f"{name}={os.path.join(work, name + '.npy')}"]
    return args, compile_s


def run_strata(args, threads, runs):
    """Time per run of the compiled program and its peak resident memory (MiB),
    from its own report: the kernel counts a forked child's memory before exec
    (this process's, at the time) into the peak wait4() returns."""
    result = subprocess.run([*args, "--bench", str(runs), "--threads", str(threads), "--report"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed with status {result.returncode}: "
                           f"{result.stderr.strip()[-300:]}")
    ms = float(re.search(r"([0-9.]+) ms per run", result.stdout).group(1))
    peak = float(re.search(r"report: resident memory .*, peak ([0-9.]+) MiB",
                           result.stdout).group(1))
    return ms, peak


def real_size_models(work, stratac):
    """The real-sized rows: (label, model, feeds, static), exported into WORK by
    export_real_sizes.py and decode.py in the export environment; none without it."""
    python = os.path.join(ROOT, ".venv-export", "bin", "python")
    if not os.path.exists(python):
        print("real-sized models left out: they need torch and transformers "
              "(tools/setup --export-deps)")
        return []
    start = time.perf_counter()
    subprocess.run([python, os.path.join(ROOT, "test/bench/export_real_sizes.py"),
                    "--out", work], check=True)
    decode = os.path.join(work, "decode")
    os.makedirs(decode)
    subprocess.run([python, os.path.join(ROOT, "test/bench/decode.py"), "--stratac", stratac,
                    "--export-to", decode], check=True)
    print(f"exported the real-sized models in {time.perf_counter() - start:.0f} s")
    rng = np.random.default_rng(0)
    gpt2 = {"input_ids": rng.integers(0, 50257, (1, 128), dtype=np.int64),
            "attention_mask": np.ones((1, 128), np.int64)}
    bert = {"input_ids": rng.integers(0, 30522, (1, 128), dtype=np.int64),
            "attention_mask": np.ones((1, 128), np.int64),
            "token_type_ids": np.zeros((1, 128), np.int64)}
    with open(os.path.join(decode, "inputs.txt")) as f:
        step = {name: np.load(os.path.join(decode, name + ".npy")) for name in f.read().split()}
    return [
        ("GPT-2 124M prefill 128, static, TorchScript", os.path.join(work, "gpt2_ts17.onnx"),
         gpt2, True),
        ("GPT-2 124M prefill 128, static, dynamo", os.path.join(work, "gpt2_dynamo18.onnx"),
         gpt2, True),
        ("GPT-2 124M prefill 128, dynamic, TorchScript", os.path.join(work, "gpt2_ts17.onnx"),
         gpt2, False),
        ("BERT-base 128, static, TorchScript", os.path.join(work, "bert_ts17.onnx"), bert, True),
        ("GPT-2 124M decode, 127 cached, dynamo", os.path.join(decode, "gpt2_kv.onnx"), step,
         True),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", default=os.path.join(ROOT, "build/bin/stratac"))
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--real-size-runs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--pairs", type=int, default=1,
                        help="times each row this many times, in turn, and prints the median "
                             "ratio")
    parser.add_argument("--small-only", action="store_true",
                        help="leave out the real-sized exports")
    args = parser.parse_args()
    print(f"batch {args.batch}, sequence {args.seq}; onnxruntime {ort.__version__} "
          f"with the same thread count")
    print(f"{'model':<46} {'threads':>7} {'strata ms':>10} {'ort ms':>9} {'ort/strata':>11} "
          f"{'strata peak RSS':>16}")
    with tempfile.TemporaryDirectory() as work:
        rows = []
        for label, rel in MODELS:
            path = os.path.join(ROOT, rel)
            session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            rows.append((f"{label} test model", path, make_inputs(session, args.batch, args.seq),
                         True, args.runs))
        if not args.small_only:
            rows += [(*row, args.real_size_runs) for row in real_size_models(work, args.stratac)]
        for i, (label, path, feeds, static, runs) in enumerate(rows):
            program, _ = compile_strata(args.stratac, path, feeds,
                                        os.path.join(work, f"program{i}"), static)
            for threads in args.threads:
                ratios = []
                for _ in range(args.pairs):
                    strata_ms, rss_mib = run_strata(program, threads, runs)
                    ort_ms = time_ort(path, feeds, threads, runs)
                    ratios.append(ort_ms / strata_ms)
                    print(f"{label:<46} {threads:>7} {strata_ms:>10.2f} {ort_ms:>9.2f} "
                          f"{ratios[-1]:>10.2f}x {rss_mib:>12.1f} MiB", flush=True)
                if args.pairs > 1:
                    print(f"{label:<46} {threads:>7} median of {args.pairs} pairs: "
                          f"{statistics.median(ratios):.2f}x (from {min(ratios):.2f}x to "
                          f"{max(ratios):.2f}x)", flush=True)


if __name__ == "__main__":
    main()
